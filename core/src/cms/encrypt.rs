//! Sealing a file into an `AuthEnvelopedData` envelope (RFC 5083), streamed.
//!
//! Choices: AES-256-GCM content (RFC 5084) with a random 96-bit nonce and a
//! 16-byte tag; one `KeyAgreeRecipientInfo` per recipient, each with its own
//! ephemeral key, dhSinglePass-stdDH-sha256kdf-scheme and id-aes256-wrap,
//! the recipient named by issuer and serial number (RFC 5753). The output is
//! DER: every length is computed from the input size up front, so the
//! content streams through a 1 MiB buffer and the whole envelope is never in
//! memory. It goes through a temporary file that is renamed into place.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use der::asn1::{Any, OctetString};
use der::{Decode, Encode};
use p256::PublicKey;
use rand_core::{OsRng, RngCore};
use spki::AlgorithmIdentifierOwned;
use zeroize::Zeroizing;

use super::ber::{Tag, encode_header, encode_tlv};
use super::gcm::{Gcm, MAX_CONTENT_LEN};
use super::output::PendingOutput;
use super::pipeline;
use super::{CmsError, alg, kari};
use crate::pki::CertInfo;

/// Length of the GCM tag written, in bytes.
const TAG_LEN: usize = 16;

/// Summary of a successful encryption.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncryptReport {
    /// Plaintext bytes read.
    pub content_len: u64,
    /// Bytes of the envelope written.
    pub envelope_len: u64,
    /// Number of recipients.
    pub recipients: usize,
}

fn encoding(what: &'static str) -> impl Fn(der::Error) -> CmsError {
    move |e| CmsError::Encoding {
        what,
        detail: e.to_string(),
    }
}

/// Checks that every recipient can receive an ECDH envelope and returns
/// their public keys.
fn recipient_keys(recipients: &[CertInfo]) -> Result<Vec<PublicKey>, CmsError> {
    if recipients.is_empty() {
        return Err(CmsError::NoRecipients);
    }
    recipients
        .iter()
        .map(|cert| {
            let key = kari::cert_public_key(cert).ok_or_else(|| CmsError::RecipientNotP256 {
                subject: cert.subject.clone(),
            })?;
            if cert.key_usage.present && !cert.key_usage.key_agreement {
                return Err(CmsError::RecipientNoKeyAgreement {
                    subject: cert.subject.clone(),
                });
            }
            Ok(key)
        })
        .collect()
}

/// Encrypts the file at `input` to `recipients` into a new DER
/// `AuthEnvelopedData` file at `output`.
///
/// # Errors
/// [`CmsError::NoRecipients`], [`CmsError::RecipientNotP256`],
/// [`CmsError::RecipientNoKeyAgreement`], [`CmsError::OutputExists`],
/// [`CmsError::OutputNotWritable`], [`CmsError::Io`] on the input,
/// [`CmsError::InputChanged`] when its size changes while it is read,
/// [`CmsError::TooLarge`] above GCM's 64 GiB limit.
pub fn encrypt_to_file(
    input: &Path,
    output: &Path,
    recipients: &[CertInfo],
) -> Result<EncryptReport, CmsError> {
    let keys = recipient_keys(recipients)?;
    let input_name = input.display().to_string();
    let io = |source| CmsError::Io {
        path: input_name.clone(),
        source,
    };

    let mut file = File::open(input).map_err(io)?;
    let content_len = file.metadata().map_err(io)?.len();
    if content_len > MAX_CONTENT_LEN {
        return Err(CmsError::TooLarge {
            what: "content",
            limit: usize::try_from(MAX_CONTENT_LEN).unwrap_or(usize::MAX),
        });
    }
    let mut pending = PendingOutput::create(output)?;

    let mut cek = Zeroizing::new([0u8; 32]);
    OsRng.fill_bytes(cek.as_mut_slice());
    let mut nonce = [0u8; 12];
    OsRng.fill_bytes(&mut nonce);

    let mut recipient_infos = Vec::with_capacity(recipients.len());
    for (cert, key) in recipients.iter().zip(&keys) {
        let rid = kari::issuer_serial_rid(cert)?;
        let info = kari::wrap_for(cek.as_slice(), key, rid)?;
        recipient_infos.push(
            info.to_recipient_info()
                .map_err(encoding("recipient info"))?,
        );
    }

    let prefix = envelope_prefix(&mut recipient_infos, &nonce, content_len)?;
    pending.write(&prefix)?;

    let Gcm {
        mut keystream,
        mut hash,
    } = Gcm::new(cek.as_slice(), &nonce).map_err(|_| CmsError::Encoding {
        what: "content cipher",
        detail: "bad key or nonce length".to_owned(),
    })?;
    // CTR runs while reading; GHASH, the slow half, is split: the reading
    // stage hashes every other buffer, the writing stage the rest.
    let hasher = hash.chunk_hasher();
    let mut done = 0u64;
    let mut index = 0u64;
    pipeline::run(
        |buffer| {
            let left = content_len - done;
            let want = usize::try_from(left).map_or(buffer.len(), |left| left.min(buffer.len()));
            let mut len = 0;
            // Buffers must be full until the end for the chunked GHASH.
            while len < want {
                let n = file.read(&mut buffer[len..want]).map_err(io)?;
                if n == 0 {
                    return Err(CmsError::InputChanged {
                        path: input_name.clone(),
                    });
                }
                len += n;
            }
            keystream.apply(&mut buffer[..len]);
            done += len as u64;
            index += 1;
            let hashed = (index.is_multiple_of(2)).then(|| hasher.hash(&buffer[..len]));
            Ok((len, hashed))
        },
        |data, hashed| {
            let chunk = hashed.unwrap_or_else(|| hasher.hash(data));
            hash.absorb_hashed(&chunk);
            pending.write(data)
        },
    )?;
    if file.read(&mut [0u8; 1]).map_err(io)? != 0 {
        return Err(CmsError::InputChanged { path: input_name });
    }

    let tag = hash.tag(&[]).ok_or(CmsError::TooLarge {
        what: "content",
        limit: usize::try_from(MAX_CONTENT_LEN).unwrap_or(usize::MAX),
    })?;
    pending.write(&encode_tlv(Tag::OCTET_STRING, &tag[..TAG_LEN]))?;

    let envelope_len = pending.commit()?;
    tracing::info!(
        recipients = recipients.len(),
        bytes = content_len,
        "envelope encrypted"
    );
    Ok(EncryptReport {
        content_len,
        envelope_len,
        recipients: recipients.len(),
    })
}

/// Everything before the content octets, with every length computed from
/// `content_len`. Sorts `recipient_infos` into DER SET OF order.
fn envelope_prefix(
    recipient_infos: &mut [Vec<u8>],
    nonce: &[u8; 12],
    content_len: u64,
) -> Result<Vec<u8>, CmsError> {
    recipient_infos.sort();
    let recipient_set = encode_tlv(Tag::SET, &recipient_infos.concat());

    // GCMParameters with the ICV length written out (RFC 5084, section 3.2):
    // 16 is not the default.
    let mut gcm_params = OctetString::new(nonce.to_vec())
        .and_then(|n| n.to_der())
        .map_err(encoding("GCM parameters"))?;
    gcm_params.extend(encode_tlv(Tag::universal(2, false), &[16]));
    let content_alg = AlgorithmIdentifierOwned {
        oid: alg::AES256_GCM,
        parameters: Some(
            Any::from_der(&encode_tlv(Tag::SEQUENCE, &gcm_params))
                .map_err(encoding("GCM parameters"))?,
        ),
    }
    .to_der()
    .map_err(encoding("content encryption algorithm"))?;
    let data_type = alg::DATA.to_der().map_err(encoding("content type"))?;
    let content_header = encode_header(Tag::context(0, false), content_len);

    let eci_len = (data_type.len() + content_alg.len() + content_header.len()) as u64 + content_len;
    let eci_header = encode_header(Tag::SEQUENCE, eci_len);
    let version = encode_tlv(Tag::universal(2, false), &[0]);
    let mac_len = (2 + TAG_LEN) as u64;
    let body_len =
        (version.len() + recipient_set.len() + eci_header.len()) as u64 + eci_len + mac_len;
    let body_header = encode_header(Tag::SEQUENCE, body_len);
    let explicit_len = body_header.len() as u64 + body_len;
    let explicit_header = encode_header(Tag::context(0, true), explicit_len);
    let auth_type = alg::AUTH_ENVELOPED_DATA
        .to_der()
        .map_err(encoding("content type"))?;
    let content_info_len = (auth_type.len() + explicit_header.len()) as u64 + explicit_len;

    let mut prefix = encode_header(Tag::SEQUENCE, content_info_len);
    for part in [
        &auth_type,
        &explicit_header,
        &body_header,
        &version,
        &recipient_set,
        &eci_header,
        &data_type,
        &content_alg,
        &content_header,
    ] {
        prefix.extend_from_slice(part);
    }
    Ok(prefix)
}
