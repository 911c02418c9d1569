//! Opening an envelope into a file, streamed.
//!
//! The recipient encrypted key that names the certificate is unwrapped with
//! the private key (RFC 5753), then the content is decrypted in 1 MiB
//! buffers, in place, into a temporary file:
//! - AES-GCM (`AuthEnvelopedData`, RFC 5084): the file is renamed into place
//!   only after the tag verifies.
//! - AES-CBC (`EnvelopedData`, RFC 3565): the last block is held back until
//!   the end, its PKCS#7 padding (RFC 5652, section 6.3) is checked, and
//!   only then is the file renamed. CBC has no integrity; the padding check
//!   catches damage only at the end of the content.
//!
//! On any failure the temporary file is deleted, so no plaintext leaves the
//! core. Memory use is the buffer plus the envelope header, whatever the
//! content size.

use std::path::Path;

use aes::{Aes128, Aes192, Aes256};
use cipher::consts::U16;
use cipher::inout::InOutBuf;
use cipher::{BlockDecryptMut, KeyIvInit};
use p256::SecretKey;
use zeroize::Zeroizing;

use super::alg::{ContentCipher, ContentParams, EnvelopeKind};
use super::envelope::{Envelope, ParsedRecipientInfo, RecipientId, kari_id};
use super::gcm::Gcm;
use super::output::PendingOutput;
use super::pipeline;
use super::{CmsError, kari};
use crate::pki::CertInfo;

/// Summary of a successful decryption.
#[derive(Debug, Clone)]
pub struct DecryptReport {
    /// `EnvelopedData` or `AuthEnvelopedData`.
    pub kind: EnvelopeKind,
    /// The content cipher.
    pub content_cipher: ContentCipher,
    /// Plaintext bytes written to the output file.
    pub plaintext_len: u64,
    /// The recipient entry that was opened.
    pub recipient: RecipientId,
}

/// Decrypts the envelope at `input` for `cert`, whose private key is `key`,
/// into a new file at `output`.
///
/// Accepts DER, BER, PEM and S/MIME input. `output` must not exist; it
/// appears only once the content is authenticated (GCM) or its padding
/// checked (CBC).
///
/// # Errors
/// [`CmsError::OutputExists`], [`CmsError::OutputNotWritable`], every
/// error of [`super::inspect`], [`CmsError::NoRecipient`],
/// [`CmsError::UnsupportedKeyAlgorithm`], [`CmsError::KeyUnwrapFailed`],
/// [`CmsError::UnsupportedContentAlgorithm`],
/// [`CmsError::AuthenticationFailed`], [`CmsError::BadPadding`].
pub fn decrypt_to_file(
    input: &Path,
    output: &Path,
    cert: &CertInfo,
    key: &SecretKey,
) -> Result<DecryptReport, CmsError> {
    let result = PendingOutput::create(output).and_then(|pending| {
        let envelope = Envelope::open(input)?;
        let (cek, recipient) = unwrap_for_cert(&envelope, cert, key)?;
        decrypt_content(envelope, &cek, pending, recipient)
    });
    log_outcome(&result, &cert.fingerprint);
    result
}

/// Logs the outcome of a decryption: key reference, kind, cipher, size, or
/// the error code. Never paths, names or content.
pub(crate) fn log_outcome(result: &Result<DecryptReport, CmsError>, key_ref: &str) {
    match result {
        Ok(report) => tracing::info!(
            key = key_ref,
            kind = report.kind.name(),
            cipher = report.content_cipher.name(),
            bytes = report.plaintext_len,
            "envelope decrypted"
        ),
        Err(error) => tracing::warn!(
            key = key_ref,
            code = crate::error::Localized::code(error),
            "envelope decryption failed"
        ),
    }
}

/// Finds the recipient encrypted key naming `cert` and unwraps the
/// content-encryption key with `key`.
///
/// # Errors
/// [`CmsError::NoRecipient`] listing the envelope's recipients when none
/// names `cert`; [`CmsError::UnsupportedKeyAlgorithm`] when only an entry
/// of a kind palmbid does not implement names it;
/// [`CmsError::KeyUnwrapFailed`].
pub(crate) fn unwrap_for_cert(
    envelope: &Envelope,
    cert: &CertInfo,
    key: &SecretKey,
) -> Result<(Zeroizing<Vec<u8>>, RecipientId), CmsError> {
    let mut last_error = None;
    for (offset, info) in &envelope.recipient_infos {
        let ParsedRecipientInfo::KeyAgree(kari) = info else {
            continue;
        };
        for encrypted_key in &kari.recipient_enc_keys {
            let id = kari_id(&encrypted_key.rid);
            if !id.matches(cert) {
                continue;
            }
            match kari::unwrap_cek(kari, encrypted_key.enc_key.as_bytes(), key, *offset) {
                Ok(cek) => return Ok((cek, id)),
                Err(error) => last_error = Some(error),
            }
        }
    }
    if let Some(error) = last_error {
        return Err(error);
    }

    let recipients = envelope.recipients();
    if let Some(other) = recipients.iter().find(|r| !r.supported && r.matches(cert)) {
        return Err(CmsError::UnsupportedKeyAlgorithm {
            oid: other.key_algorithm_oid.clone(),
            name: other.key_algorithm.clone(),
        });
    }
    let listed: Vec<String> = recipients.iter().map(ToString::to_string).collect();
    Err(CmsError::NoRecipient {
        recipients: listed.join("; "),
    })
}

/// Decrypts the content of `envelope` with `cek` into `output` and commits
/// it once authenticated.
///
/// # Errors
/// [`CmsError::UnsupportedContentAlgorithm`], [`CmsError::Malformed`],
/// [`CmsError::Truncated`], [`CmsError::KeyUnwrapFailed`] when the
/// unwrapped key does not fit the cipher, [`CmsError::AuthenticationFailed`],
/// [`CmsError::BadPadding`], output errors.
pub(crate) fn decrypt_content(
    envelope: Envelope,
    cek: &[u8],
    mut output: PendingOutput,
    recipient: RecipientId,
) -> Result<DecryptReport, CmsError> {
    let params = envelope.content_params()?;
    if cek.len() != params.cipher.key_len() {
        return Err(CmsError::KeyUnwrapFailed);
    }
    let kind = envelope.kind;

    if params.cipher.is_gcm() {
        decrypt_gcm(envelope, cek, &params, &mut output)?;
    } else {
        decrypt_cbc(envelope, cek, &params, &mut output)?;
    }

    let plaintext_len = output.commit()?;
    Ok(DecryptReport {
        kind,
        content_cipher: params.cipher,
        plaintext_len,
        recipient,
    })
}

fn decrypt_gcm(
    mut envelope: Envelope,
    cek: &[u8],
    params: &ContentParams,
    output: &mut PendingOutput,
) -> Result<(), CmsError> {
    let Gcm {
        mut keystream,
        mut hash,
    } = Gcm::new(cek, &params.iv).map_err(|_| CmsError::KeyUnwrapFailed)?;

    // GHASH is the slow half, so the reading stage hashes two buffers in
    // three and the writing stage, which also runs CTR, the third.
    let hasher = hash.chunk_hasher();
    let mut index = 0u64;
    pipeline::run(
        |buffer| {
            let len = envelope.read_content(buffer)?;
            index += 1;
            let hashed = (!index.is_multiple_of(3)).then(|| hasher.hash(&buffer[..len]));
            Ok((len, hashed))
        },
        |data, hashed| {
            let chunk = hashed.unwrap_or_else(|| hasher.hash(data));
            hash.absorb_hashed(&chunk);
            keystream.apply(data);
            output.write(data)
        },
    )?;

    // The mac is mandatory in AuthEnvelopedData; `finish` enforces it.
    let trailer = envelope.finish()?;
    let mac = trailer.mac.unwrap_or_default();
    if mac.len() != params.tag_len {
        return Err(CmsError::AuthenticationFailed);
    }
    if hash.verify(&trailer.auth_attrs, &mac) {
        Ok(())
    } else {
        Err(CmsError::AuthenticationFailed)
    }
}

enum AnyCbc {
    Aes128(cbc::Decryptor<Aes128>),
    Aes192(cbc::Decryptor<Aes192>),
    Aes256(cbc::Decryptor<Aes256>),
}

impl AnyCbc {
    fn new(cipher: ContentCipher, key: &[u8], iv: &[u8]) -> Option<Self> {
        Some(match cipher {
            ContentCipher::Aes128Cbc => {
                AnyCbc::Aes128(cbc::Decryptor::new_from_slices(key, iv).ok()?)
            }
            ContentCipher::Aes192Cbc => {
                AnyCbc::Aes192(cbc::Decryptor::new_from_slices(key, iv).ok()?)
            }
            ContentCipher::Aes256Cbc => {
                AnyCbc::Aes256(cbc::Decryptor::new_from_slices(key, iv).ok()?)
            }
            _ => return None,
        })
    }

    /// Decrypts whole blocks in place; `data.len()` is a multiple of 16.
    fn decrypt(&mut self, data: &mut [u8]) {
        let (blocks, _) = InOutBuf::from(data).into_chunks::<U16>();
        match self {
            AnyCbc::Aes128(c) => c.decrypt_blocks_inout_mut(blocks),
            AnyCbc::Aes192(c) => c.decrypt_blocks_inout_mut(blocks),
            AnyCbc::Aes256(c) => c.decrypt_blocks_inout_mut(blocks),
        }
    }
}

fn decrypt_cbc(
    mut envelope: Envelope,
    cek: &[u8],
    params: &ContentParams,
    output: &mut PendingOutput,
) -> Result<(), CmsError> {
    let mut cbc = AnyCbc::new(params.cipher, cek, &params.iv).ok_or(CmsError::KeyUnwrapFailed)?;
    // The last plaintext block seen, written only once more content follows.
    let mut last_block: Option<Zeroizing<[u8; 16]>> = None;
    pipeline::run(
        |buffer| {
            let len = envelope.read_content(buffer)?;
            // Buffers come back full except the last, and their size is a
            // multiple of 16, so only the content's end can be ragged.
            if len % 16 != 0 {
                return Err(CmsError::Malformed {
                    offset: envelope.offset(),
                    detail: "CBC content is not a whole number of blocks".to_owned(),
                });
            }
            Ok((len, ()))
        },
        |data, ()| {
            cbc.decrypt(data);
            if let Some(block) = last_block.take() {
                output.write(block.as_slice())?;
            }
            let (body, last) = data.split_at(data.len() - 16);
            output.write(body)?;
            let mut block = Zeroizing::new([0u8; 16]);
            block.copy_from_slice(last);
            last_block = Some(block);
            Ok(())
        },
    )?;
    envelope.finish()?;

    let last = last_block.ok_or(CmsError::BadPadding)?;
    let pad = usize::from(last[15]);
    if pad == 0 || pad > 16 || last[16 - pad..].iter().any(|b| usize::from(*b) != pad) {
        return Err(CmsError::BadPadding);
    }
    output.write(&last[..16 - pad])
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed step fails the test")]
mod tests {
    use aes_gcm::KeyInit;
    use aes_gcm::aead::{Aead, Payload};
    use der::Encode;

    use super::*;
    use crate::cms::alg;
    use crate::cms::ber::{Tag, encode_tlv};

    /// Builds a DER `AuthEnvelopedData` whose authAttrs hold one
    /// contentType attribute, sealed with `aes-gcm` (RFC 5083, section 2.1:
    /// the DER SET OF attributes is the additional data).
    fn envelope_with_auth_attrs(cek: &[u8; 32], plaintext: &[u8], tamper_attrs: bool) -> Vec<u8> {
        let recipient = SecretKey::random(&mut rand_core::OsRng);
        let rid = kari::key_id_rid(&[1, 2, 3]).unwrap();
        let info = kari::wrap_for(cek, &recipient.public_key(), rid).unwrap();
        let recipient_set = encode_tlv(Tag::SET, &info.to_recipient_info().unwrap());

        let content_type_oid = const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
        let attribute = encode_tlv(
            Tag::SEQUENCE,
            &[
                content_type_oid.to_der().unwrap(),
                encode_tlv(Tag::SET, &alg::DATA.to_der().unwrap()),
            ]
            .concat(),
        );
        let aad = encode_tlv(Tag::SET, &attribute);
        let nonce = [9u8; 12];
        let sealed = aes_gcm::Aes256Gcm::new_from_slice(cek)
            .unwrap()
            .encrypt(
                aes_gcm::Nonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .unwrap();
        let (ciphertext, tag) = sealed.split_at(plaintext.len());

        let gcm_params = encode_tlv(
            Tag::SEQUENCE,
            &[
                encode_tlv(Tag::OCTET_STRING, &nonce),
                encode_tlv(Tag::universal(2, false), &[16]),
            ]
            .concat(),
        );
        let content_alg = encode_tlv(
            Tag::SEQUENCE,
            &[alg::AES256_GCM.to_der().unwrap(), gcm_params].concat(),
        );
        let eci = encode_tlv(
            Tag::SEQUENCE,
            &[
                alg::DATA.to_der().unwrap(),
                content_alg,
                encode_tlv(Tag::context(0, false), ciphertext),
            ]
            .concat(),
        );
        let mut auth_attrs = encode_tlv(Tag::context(1, true), &attribute);
        if tamper_attrs {
            let last = auth_attrs.len() - 1;
            auth_attrs[last] ^= 1;
        }
        let body = encode_tlv(
            Tag::SEQUENCE,
            &[
                encode_tlv(Tag::universal(2, false), &[0]),
                recipient_set,
                eci,
                auth_attrs,
                encode_tlv(Tag::OCTET_STRING, tag),
            ]
            .concat(),
        );
        encode_tlv(
            Tag::SEQUENCE,
            &[
                alg::AUTH_ENVELOPED_DATA.to_der().unwrap(),
                encode_tlv(Tag::context(0, true), &body),
            ]
            .concat(),
        )
    }

    #[test]
    fn auth_attrs_are_authenticated() {
        let dir = tempfile::tempdir().unwrap();
        let cek = [0x17u8; 32];
        let plaintext = vec![0x42u8; 70_001];

        for tamper in [false, true] {
            let input = dir.path().join(format!("attrs-{tamper}.p7m"));
            std::fs::write(&input, envelope_with_auth_attrs(&cek, &plaintext, tamper)).unwrap();
            let output = dir.path().join(format!("attrs-{tamper}.out"));
            let envelope = Envelope::open(&input).unwrap();
            let pending = PendingOutput::create(&output).unwrap();
            let result =
                decrypt_content(envelope, &cek, pending, RecipientId::KeyId(vec![1, 2, 3]));

            if tamper {
                assert!(
                    matches!(result, Err(CmsError::AuthenticationFailed)),
                    "{result:?}"
                );
                assert!(!output.exists());
            } else {
                assert_eq!(result.unwrap().plaintext_len, plaintext.len() as u64);
                assert_eq!(std::fs::read(&output).unwrap(), plaintext);
            }
        }
    }
}
