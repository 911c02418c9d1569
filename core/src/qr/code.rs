//! Reading a scanned text: which trusted platform it belongs to and what
//! it asks for.
//!
//! A platform's codes are `{base}q/{id}`: a certificate pickup code has no
//! query; a QR request's rotating frame adds `?t={seconds}&h={mac}` and
//! nothing else. The URL is parsed by the `url` crate, never by hand; the
//! origin (scheme, host after IDNA normalisation, port) must equal a
//! trusted platform's exactly, so `platform.example.cn.evil.cn`,
//! `platform.example.cn@evil.cn` or a look-alike punycode host are refused
//! as unknown. User-info, backslashes and control characters are refused
//! before parsing.

use url::Url;

use super::QrError;
use crate::account::{AccountStore, TrustedPlatform};
use crate::api::qr::{ScanRequest, is_request_id};

/// Largest scanned text taken, in bytes; a platform code is far shorter.
pub const MAX_SCANNED_BYTES: usize = 2048;

/// Largest frame MAC in a code, in characters (base64url of 32 bytes is 43).
const MAX_MAC_CHARS: usize = 64;

/// What a scanned text is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScannedCode {
    /// A certificate pickup code (证书领取码).
    Pickup {
        /// The platform it belongs to.
        platform: TrustedPlatform,
        /// The pickup id.
        id: String,
    },
    /// A frame of a QR request of the portal or the toolbox.
    Request {
        /// The platform it belongs to.
        platform: TrustedPlatform,
        /// The request id.
        id: String,
        /// The frame: seconds since the request began and its MAC.
        frame: ScanRequest,
    },
}

/// Parses a scanned text against the trusted platforms in `store`.
///
/// # Errors
/// [`QrError::InvalidCode`] naming the rule broken;
/// [`QrError::UnknownHost`] when no trusted platform has its origin.
pub fn parse(store: &AccountStore, text: &str) -> Result<ScannedCode, QrError> {
    let invalid = |reason: &'static str| QrError::InvalidCode { reason };
    if text.len() > MAX_SCANNED_BYTES {
        return Err(invalid("it is too long for a platform code"));
    }
    // Checked before trimming, so a line break around the code is refused
    // like one inside it.
    if text.chars().any(|c| c.is_control() || c == '\\') {
        return Err(invalid("it contains a control character or a backslash"));
    }
    let text = text.trim();
    let url = Url::parse(text).map_err(|_| invalid("it is not a URL"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("it contains user information"));
    }
    if url.fragment().is_some() {
        return Err(invalid("it contains a fragment"));
    }

    let platform = store
        .platforms()?
        .into_iter()
        .find(|p| p.base_url.origin() == url.origin())
        .ok_or_else(|| QrError::UnknownHost {
            host: url
                .host_str()
                .unwrap_or_default()
                .chars()
                .take(253)
                .collect(),
        })?;
    let id = url
        .path()
        .strip_prefix(platform.base_url.path())
        .and_then(|rest| rest.strip_prefix("q/"))
        .filter(|id| is_request_id(id))
        .ok_or_else(|| invalid("its path is not a code of this platform"))?
        .to_owned();

    let Some(query) = url.query() else {
        return Ok(ScannedCode::Pickup { platform, id });
    };
    let frame = parse_frame(query).ok_or_else(|| invalid("its query is not a QR frame"))?;
    Ok(ScannedCode::Request {
        platform,
        id,
        frame,
    })
}

/// `t={seconds}&h={mac}`, in this order, nothing else.
fn parse_frame(query: &str) -> Option<ScanRequest> {
    let (t, h) = query.split_once('&')?;
    let t = t.strip_prefix("t=")?;
    let h = h.strip_prefix("h=")?;
    let digits_only = !t.is_empty() && t.len() <= 9 && t.bytes().all(|b| b.is_ascii_digit());
    let mac_shape = !h.is_empty()
        && h.len() <= MAX_MAC_CHARS
        && h.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !digits_only || !mac_shape {
        return None;
    }
    Some(ScanRequest {
        t: t.parse().ok()?,
        h: h.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames() {
        let frame = parse_frame("t=12&h=abc-_9").unwrap();
        assert_eq!(frame.t, 12);
        assert_eq!(frame.h, "abc-_9");
        for bad in [
            "h=abc&t=12",
            "t=12",
            "t=&h=abc",
            "t=-1&h=abc",
            "t=1&h=a+b",
            "t=1&h=abc&x=1",
            "t=1234567890&h=abc",
            &format!("t=1&h={}", "a".repeat(65)),
        ] {
            assert!(parse_frame(bad).is_none(), "{bad}");
        }
    }
}
