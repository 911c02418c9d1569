//! The released key of a decryption answer: a DER
//! `KeyAgreeRecipientInfo` (RFC 5652, section 6.2.2; RFC 5753) that the
//! relay only checks and carries, never opens.
//!
//! The types mirror the structure with `der` because `cms` 0.2 tags rKeyId
//! as a primitive `[0]`, while `RecipientKeyIdentifier` is a SEQUENCE and so
//! its IMPLICIT tag is constructed (X.690, section 8.14.4); the phone
//! writes the constructed form (see `palmbid_core::cms`).

use cms::cert::IssuerAndSerialNumber;
use cms::content_info::CmsVersion;
use cms::enveloped_data::{OriginatorIdentifierOrKey, RecipientKeyIdentifier};
use der::Decode;
use der::asn1::OctetString;
use sha1::{Digest, Sha1};
use spki::AlgorithmIdentifierOwned;

/// `KeyAgreeRecipientInfo`.
#[derive(Clone, Debug, Eq, PartialEq, der::Sequence)]
struct KeyAgreeInfo {
    version: CmsVersion,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT")]
    originator: OriginatorIdentifierOrKey,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    ukm: Option<OctetString>,
    key_enc_alg: AlgorithmIdentifierOwned,
    recipient_enc_keys: Vec<EncryptedKeyEntry>,
}

/// `RecipientEncryptedKey`.
#[derive(Clone, Debug, Eq, PartialEq, der::Sequence)]
struct EncryptedKeyEntry {
    rid: KeyAgreeRid,
    enc_key: OctetString,
}

/// `KeyAgreeRecipientIdentifier`.
#[derive(Clone, Debug, Eq, PartialEq, der::Choice)]
enum KeyAgreeRid {
    IssuerAndSerialNumber(IssuerAndSerialNumber),
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", constructed = "true")]
    RKeyId(RecipientKeyIdentifier),
}

/// Checks that `released` is a DER `KeyAgreeRecipientInfo` with one
/// encrypted key, addressed by rKeyId to `recipient_sec1` (the SHA-1 of
/// the uncompressed point, RFC 5280 section 4.2.1.2 method 1).
///
/// # Errors
/// What does not fit, in English, for `qr.answer_invalid`.
pub(crate) fn check_released_key(released: &[u8], recipient_sec1: &[u8]) -> Result<(), String> {
    let info = KeyAgreeInfo::from_der(released)
        .map_err(|e| format!("the released key is not a DER KeyAgreeRecipientInfo ({e})"))?;
    let [entry] = info.recipient_enc_keys.as_slice() else {
        return Err(format!(
            "the released key has {} encrypted keys, not one",
            info.recipient_enc_keys.len()
        ));
    };
    let KeyAgreeRid::RKeyId(rid) = &entry.rid else {
        return Err("the released key is addressed to a certificate, not to a key".to_owned());
    };
    let expected = Sha1::digest(recipient_sec1);
    if rid.subject_key_identifier.0.as_bytes() != expected.as_slice() {
        return Err("the released key is addressed to another key than the request's".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_released_keys_are_named() {
        let key = [4_u8; 65];

        let garbage = check_released_key(b"\x30\x03\x02\x01\x00", &key);
        let empty = check_released_key(b"", &key);

        assert!(
            garbage
                .as_ref()
                .is_err_and(|e| e.contains("KeyAgreeRecipientInfo")),
            "{garbage:?}"
        );
        assert!(
            empty
                .as_ref()
                .is_err_and(|e| e.contains("KeyAgreeRecipientInfo")),
            "{empty:?}"
        );
    }
}
