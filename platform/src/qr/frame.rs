//! The rotating QR frame: `{base}q/{id}?t={t}&h={mac}`, where `mac` is the
//! base64url (no padding) HMAC-SHA256 of
//! `palmbid_core::api::qr::frame_mac_input` under the request's frame key.
//!
//! The frame key is 32 random bytes made with the request. It stays in
//! the platform database, so only the platform can make a frame, and a
//! frame cannot be moved to another request or second.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use palmbid_core::api::qr::frame_mac_input;
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Bytes of a frame key.
pub(crate) const FRAME_KEY_BYTES: usize = 32;

fn keyed(key: &[u8], id: &str, t: i64) -> HmacSha256 {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(&frame_mac_input(id, t));
    mac
}

/// Returns the MAC of second `t` of request `id`, base64url without padding.
pub(crate) fn frame_mac(key: &[u8], id: &str, t: i64) -> String {
    URL_SAFE_NO_PAD.encode(keyed(key, id, t).finalize().into_bytes())
}

/// Returns the text of the QR code for second `t`.
pub(crate) fn frame_url(public_base: &str, key: &[u8], id: &str, t: i64) -> String {
    format!("{public_base}q/{id}?t={t}&h={}", frame_mac(key, id, t))
}

/// Checks whether `mac` (base64url, no padding) is the MAC of second
/// `t`, compared in constant time.
pub(crate) fn frame_mac_valid(key: &[u8], id: &str, t: i64, mac: &str) -> bool {
    let Ok(bytes) = URL_SAFE_NO_PAD.decode(mac) else {
        return false;
    };
    keyed(key, id, t).verify_slice(&bytes).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mac_binds_key_id_and_second() {
        let key = [7_u8; FRAME_KEY_BYTES];
        let id = "0123456789abcdef0123456789abcdef";
        let mac = frame_mac(&key, id, 3);

        assert!(frame_mac_valid(&key, id, 3, &mac));
        assert!(!frame_mac_valid(&key, id, 4, &mac));
        assert!(!frame_mac_valid(&[8_u8; FRAME_KEY_BYTES], id, 3, &mac));
        assert!(!frame_mac_valid(
            &key,
            "1123456789abcdef0123456789abcdef",
            3,
            &mac
        ));
        assert!(!frame_mac_valid(&key, id, 3, "not base64url!"));
        assert!(!frame_mac_valid(&key, id, 3, &mac[..mac.len() - 2]));
        assert_eq!(
            frame_url("http://127.0.0.1:1/", &key, id, 3),
            format!("http://127.0.0.1:1/q/{id}?t=3&h={mac}")
        );
    }
}
