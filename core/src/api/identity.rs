//! Identity verification (实名认证): `POST /api/v1/identity/code`,
//! `POST /api/v1/identity`, `GET /api/v1/identity`.
//!
//! The phone asks for a 4-digit code, records a short video in which the
//! user reads it, and uploads the video with the user's name and ID card
//! number. The case stays pending until an operator approves or rejects
//! it; certificate pickup is refused until it is approved.
//!
//! The video travels base64-encoded in the JSON body; at most
//! [`MAX_VIDEO_BYTES`] before encoding. ID card numbers are the 18-character
//! resident identity numbers of GB 11643-1999, checked with their ISO 7064
//! MOD 11-2 check character on both sides.

use serde::{Deserialize, Serialize};

/// Largest video accepted, in bytes (before base64).
pub const MAX_VIDEO_BYTES: usize = 8 * 1024 * 1024;

/// Seconds a verification code stays valid.
pub const IDENTITY_CODE_TTL_SECS: i64 = 600;

/// Weights of the first 17 characters (GB 11643-1999, 6.2: 2^(i-1) mod 11
/// for positions 18 down to 2).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Check character for each remainder of the weighted sum mod 11.
const CHECK: &[u8; 11] = b"10X98765432";

/// Whether `number` is an 18-character resident ID number whose check
/// character (last, `0`–`9` or `X`, upper case) matches the first 17
/// digits, and whose birth date (characters 7–14) is a plausible date.
pub fn is_valid_id_number(number: &str) -> bool {
    let bytes = number.as_bytes();
    if bytes.len() != 18 || !bytes[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }

    let sum: u32 = bytes[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(digit, weight)| u32::from(digit - b'0') * weight)
        .sum();
    if CHECK[(sum % 11) as usize] != bytes[17] {
        return false;
    }

    let field = |range: std::ops::Range<usize>| number[range].parse::<u32>().unwrap_or(0);
    let (year, month, day) = (field(6..10), field(10..12), field(12..14));
    (1800..=2100).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// Answer to `POST /api/v1/identity/code`: the code to read aloud.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityCodeResponse {
    /// 4 digits the user reads in the video.
    pub code: String,
    /// Expiry, Unix seconds, server clock.
    pub expires_at: i64,
}

/// `POST /api/v1/identity`: the verification case.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentitySubmission {
    /// The user's legal name.
    pub name: String,
    /// Resident ID card number, 18 characters.
    pub id_number: String,
    /// The 4-digit code read in the video.
    pub code: String,
    /// The video, base64 (standard alphabet, padded).
    pub video_base64: String,
}

impl std::fmt::Debug for IdentitySubmission {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentitySubmission")
            .field("video_base64_chars", &self.video_base64.len())
            .finish_non_exhaustive()
    }
}

/// Where a verification case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityState {
    /// Nothing submitted yet.
    None,
    /// Waiting for an operator.
    Pending,
    /// Approved: certificate pickup is open.
    Approved,
    /// Rejected; `reason` says why. A new case may be submitted.
    Rejected,
}

/// `GET /api/v1/identity` and the answer to a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityStatus {
    /// The state of the latest case.
    pub state: IdentityState,
    /// The case id, when there is one.
    pub case_id: Option<String>,
    /// The name verified or under review.
    pub name: Option<String>,
    /// The operator's reason for a rejection.
    pub reason: Option<String>,
    /// When the case was submitted, Unix seconds.
    pub submitted_at: Option<i64>,
    /// When it was decided, Unix seconds.
    pub decided_at: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_numbers_with_check_character() {
        // The worked example of GB 11643-1999, appendix: 11010519491231002X.
        assert!(is_valid_id_number("11010519491231002X"));
        assert!(is_valid_id_number("440524188001010014"));
        assert!(
            !is_valid_id_number("110105194912310021"),
            "wrong check character"
        );
        assert!(!is_valid_id_number("11010519491231002x"), "lower-case x");
        assert!(!is_valid_id_number("11010519491331002X"), "month 13");
        assert!(!is_valid_id_number("1101051949123100"), "16 characters");
        assert!(!is_valid_id_number("11010519491231002X1"), "19 characters");
        assert!(
            !is_valid_id_number("1101051949123100２X"),
            "full-width digit"
        );
    }
}
