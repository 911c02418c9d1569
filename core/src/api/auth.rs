//! SMS login: `GET /api/v1/auth/terms`, `POST /api/v1/auth/sms-code`, `POST /api/v1/auth/login`,
//! `POST /api/v1/auth/logout`, `GET /api/v1/me`.
//!
//! The platform sends a 6-digit code by SMS; it expires after
//! [`SMS_CODE_TTL_SECS`], allows [`SMS_CODE_MAX_TRIES`] wrong tries, and a
//! number gets at most one code a [`SMS_RESEND_SECS`]. The code answer names
//! the current versions of the user agreement and the privacy policy; the
//! login echoes the versions the user accepted, and the platform records
//! them with the time. A login answers with a bearer token.
//!
//! Codes and tokens are secrets: the types holding them print neither in
//! `Debug` and wipe them on drop.

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Seconds an SMS code stays valid.
pub const SMS_CODE_TTL_SECS: i64 = 300;

/// Wrong tries an SMS code allows; the next try needs a new code.
pub const SMS_CODE_MAX_TRIES: u32 = 5;

/// Seconds between two code requests for one phone number.
pub const SMS_RESEND_SECS: i64 = 60;

/// Digits of an SMS login code.
pub const SMS_CODE_DIGITS: usize = 6;

/// Whether `phone` is a mainland China mobile number as the platform takes
/// it: 11 ASCII digits, `1` then `3`–`9`. No `+86`, spaces or dashes.
pub fn is_mobile_number(phone: &str) -> bool {
    let bytes = phone.as_bytes();
    bytes.len() == 11
        && bytes.iter().all(u8::is_ascii_digit)
        && bytes[0] == b'1'
        && (b'3'..=b'9').contains(&bytes[1])
}

/// Whether `code` has the shape of an SMS login code: exactly
/// [`SMS_CODE_DIGITS`] ASCII digits.
pub fn is_sms_code(code: &str) -> bool {
    code.len() == SMS_CODE_DIGITS && code.bytes().all(|b| b.is_ascii_digit())
}

/// `POST /api/v1/auth/sms-code`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsCodeRequest {
    /// Mainland mobile number, 11 digits.
    pub phone: String,
}

/// Answer to [`SmsCodeRequest`]: when the code expires and what the user
/// must accept to log in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsCodeResponse {
    /// Expiry of the code, Unix seconds, server clock.
    pub expires_at: i64,
    /// Earliest time of the next code request for this number.
    pub resend_after: i64,
    /// Current version of the user agreement (用户协议).
    pub agreement_version: String,
    /// Current version of the privacy policy (隐私政策).
    pub privacy_version: String,
}

/// `GET /api/v1/auth/terms`: the document versions a login must accept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TermsResponse {
    /// Current version of the user agreement (用户协议).
    pub agreement_version: String,
    /// Current version of the privacy policy (隐私政策).
    pub privacy_version: String,
}

/// `POST /api/v1/auth/login`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct LoginRequest {
    /// Mainland mobile number the code was sent to.
    pub phone: String,
    /// The 6-digit SMS code.
    pub code: String,
    /// Version of the user agreement the user accepted.
    pub agreement_version: String,
    /// Version of the privacy policy the user accepted.
    pub privacy_version: String,
}

impl std::fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRequest")
            .field("phone", &self.phone)
            .field("agreement_version", &self.agreement_version)
            .field("privacy_version", &self.privacy_version)
            .finish_non_exhaustive()
    }
}

/// Answer to a successful [`LoginRequest`].
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
pub struct LoginResponse {
    /// Bearer token of the new session.
    pub token: String,
    /// The phone number logged in.
    pub phone: String,
    /// Expiry of the session, Unix seconds, server clock.
    pub expires_at: i64,
    /// When the platform recorded the accepted agreement versions.
    pub accepted_at: i64,
}

impl std::fmt::Debug for LoginResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginResponse")
            .field("phone", &self.phone)
            .field("expires_at", &self.expires_at)
            .field("accepted_at", &self.accepted_at)
            .finish_non_exhaustive()
    }
}

/// `GET /api/v1/me`: the session's account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeResponse {
    /// The logged-in phone number.
    pub phone: String,
    /// Expiry of the session, Unix seconds, server clock.
    pub session_expires_at: i64,
    /// Versions of the user agreement and privacy policy accepted at login.
    pub agreement_version: String,
    /// See `agreement_version`.
    pub privacy_version: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mobile_numbers() {
        assert!(is_mobile_number("13800138000"));
        assert!(is_mobile_number("19912345678"));
        assert!(!is_mobile_number("12800138000"), "second digit 2");
        assert!(!is_mobile_number("1380013800"), "10 digits");
        assert!(!is_mobile_number("138001380001"), "12 digits");
        assert!(!is_mobile_number("+8613800138"), "prefix");
        assert!(!is_mobile_number("1380013800０"), "full-width digit");
    }

    #[test]
    fn sms_code_shape() {
        assert!(is_sms_code("012345"));
        assert!(!is_sms_code("12345"));
        assert!(!is_sms_code("1234567"));
        assert!(!is_sms_code("12a456"));
    }

    #[test]
    fn debug_hides_code_and_token() {
        let login = LoginRequest {
            phone: "13800138000".into(),
            code: "493817".into(),
            agreement_version: "a".into(),
            privacy_version: "p".into(),
        };
        let answer = LoginResponse {
            token: "tok-secret-value".into(),
            phone: "13800138000".into(),
            expires_at: 1,
            accepted_at: 1,
        };

        assert!(!format!("{login:?}").contains("493817"));
        assert!(!format!("{answer:?}").contains("tok-secret-value"));
    }
}
