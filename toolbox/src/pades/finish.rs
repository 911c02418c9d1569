//! Embedding the phone's signature: a light check that it is a CMS
//! `SignedData` over this PDF's digest (RFC 5652, 5.3 and 11.2), then its
//! DER in hex in the /Contents placeholder (ISO 32000-1, 12.8.1), padded
//! with zeros as the placeholder was.
//!
//! The signature and the signer's chain are not verified here: the
//! toolbox has no trust anchors. The check catches an answer made for
//! another document before it is written into this one.

use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use const_oid::ObjectIdentifier;
use const_oid::db::rfc5911::ID_SIGNED_DATA;
use der::Decode;
use der::asn1::OctetString;

use super::{CONTENTS_CAPACITY, PadesError};

const ID_MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");

fn not_cms(detail: impl std::fmt::Display) -> PadesError {
    PadesError::SignatureNotCms {
        detail: detail.to_string(),
    }
}

/// Checks size, structure and the messageDigest of every signer.
pub(crate) fn check_signature(cms_der: &[u8], digest: &[u8; 32]) -> Result<(), PadesError> {
    if cms_der.len() > CONTENTS_CAPACITY {
        return Err(PadesError::SignatureTooLarge {
            size: cms_der.len(),
            capacity: CONTENTS_CAPACITY,
        });
    }
    let content_info = ContentInfo::from_der(cms_der).map_err(not_cms)?;
    if content_info.content_type != ID_SIGNED_DATA {
        return Err(not_cms(format!(
            "content type {} is not signedData",
            content_info.content_type
        )));
    }
    let signed_data = content_info
        .content
        .decode_as::<SignedData>()
        .map_err(not_cms)?;
    if signed_data.encap_content_info.econtent.is_some() {
        return Err(not_cms(
            "it carries content; a detached signature is needed",
        ));
    }

    let mut signers = 0;
    for signer in signed_data.signer_infos.0.iter() {
        signers += 1;
        let attrs = signer
            .signed_attrs
            .as_ref()
            .ok_or_else(|| not_cms("a signer has no signed attributes"))?;
        let value = attrs
            .iter()
            .find(|a| a.oid == ID_MESSAGE_DIGEST)
            .and_then(|a| a.values.get(0))
            .ok_or_else(|| not_cms("a signer has no messageDigest"))?;
        let signed = value.decode_as::<OctetString>().map_err(not_cms)?;
        if signed.as_bytes() != digest {
            return Err(PadesError::SignatureDigestMismatch {
                signed: hex::encode(signed.as_bytes()),
                expected: hex::encode(digest),
            });
        }
    }
    if signers == 0 {
        return Err(not_cms("it has no signer"));
    }
    Ok(())
}

/// Writes the hex of `cms_der` after the `<` at `start`; the rest of the
/// placeholder up to the `>` before `end` stays zeros.
pub(crate) fn embed(
    mut bytes: Vec<u8>,
    start: usize,
    end: usize,
    cms_der: &[u8],
) -> Result<Vec<u8>, PadesError> {
    let hex = hex::encode_upper(cms_der);
    let room = end - start - 2;
    if hex.len() > room {
        return Err(PadesError::SignatureTooLarge {
            size: cms_der.len(),
            capacity: room / 2,
        });
    }
    bytes[start + 1..start + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversized_signature_is_refused_with_sizes() {
        let err = check_signature(&vec![0x30; CONTENTS_CAPACITY + 1], &[0; 32]).err();
        assert!(
            matches!(
                err,
                Some(PadesError::SignatureTooLarge { size, capacity: CONTENTS_CAPACITY })
                    if size == CONTENTS_CAPACITY + 1
            ),
            "{err:?}"
        );
    }

    #[test]
    fn garbage_is_not_cms() {
        let err = check_signature(b"not a signature", &[0; 32]).err();
        assert!(
            matches!(err, Some(PadesError::SignatureNotCms { .. })),
            "{err:?}"
        );
    }

    #[test]
    fn hex_fills_from_the_start_of_the_placeholder() {
        let bytes = b"ab<000000>cd".to_vec();
        let out = embed(bytes, 2, 10, &[0xAB, 0x01]).expect("fits");
        assert_eq!(out, b"ab<AB0100>cd");
        let err = embed(b"ab<00>cd".to_vec(), 2, 6, &[1, 2]).err();
        assert!(
            matches!(err, Some(PadesError::SignatureTooLarge { .. })),
            "{err:?}"
        );
    }
}
