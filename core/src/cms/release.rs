//! Key release: opening an envelope for someone else without sending them
//! the private key or downloading the file.
//!
//! The phone unwraps the content-encryption key from its own recipient
//! entry and wraps it again to the requester's P-256 public key (the
//! hall's opening key, a toolbox's one-time key) as a DER
//! `KeyAgreeRecipientInfo` (RFC 5652, section 6.2.2; RFC 5753): fresh
//! ephemeral key, dhSinglePass-stdDH-sha256kdf-scheme, id-aes256-wrap, and
//! rid = rKeyId whose subject key identifier is the SHA-1 of the target's
//! public key (RFC 5280, section 4.2.1.2, method 1). The relay in between
//! only carries that structure. The requester, holding the envelope and its
//! private key, then decrypts with [`decrypt_with_released_key`].

use std::io::Read;
use std::path::Path;

use der::{Decode, Encode};
use p256::{PublicKey, SecretKey};

use super::decrypt::{DecryptReport, decrypt_content, log_outcome, unwrap_for_cert};
use super::envelope::{Envelope, RecipientId};
use super::kari::{KeyAgreeInfo, KeyAgreeRid};
use super::output::PendingOutput;
use super::{CmsError, kari};
use crate::pki::CertInfo;

/// Unwraps the content-encryption key of the envelope at `input` with
/// `cert`'s private key `key` and re-encrypts it to `to`. Only the envelope
/// header is read. Returns the DER `KeyAgreeRecipientInfo`.
///
/// # Errors
/// The header errors of [`super::inspect`], [`CmsError::NoRecipient`],
/// [`CmsError::UnsupportedKeyAlgorithm`], [`CmsError::KeyUnwrapFailed`],
/// [`CmsError::Encoding`].
pub fn release_key(
    input: &Path,
    cert: &CertInfo,
    key: &SecretKey,
    to: &PublicKey,
) -> Result<Vec<u8>, CmsError> {
    release_from(&Envelope::open(input)?, cert, key, to)
}

/// As [`release_key`] for an envelope known only by its header, the bytes
/// [`envelope_header`] returns: what a phone receives instead of the file.
///
/// # Errors
/// As [`release_key`]; a header that is not an envelope's is
/// [`CmsError::NotAnEnvelope`] or [`CmsError::Malformed`].
pub fn release_key_from_header(
    header: &[u8],
    cert: &CertInfo,
    key: &SecretKey,
    to: &PublicKey,
) -> Result<Vec<u8>, CmsError> {
    let envelope = Envelope::from_reader(
        Box::new(std::io::Cursor::new(header.to_vec())),
        "envelope header",
    )?;
    release_from(&envelope, cert, key, to)
}

/// The binary envelope at `input` (DER or BER, decoded from PEM or S/MIME
/// when it comes in a text form) up to and including the header of its
/// encrypted content: the recipient entries a key release needs, without
/// any of the content. At most `limit` bytes.
///
/// # Errors
/// The header errors of [`super::inspect`];
/// [`CmsError::EnvelopeHeaderTooLarge`] when the header exceeds `limit`.
pub fn envelope_header(input: &Path, limit: usize) -> Result<Vec<u8>, CmsError> {
    let length = Envelope::open(input)?.offset();
    let length = usize::try_from(length)
        .ok()
        .filter(|length| *length <= limit)
        .ok_or(CmsError::EnvelopeHeaderTooLarge { length, limit })?;

    let (decoded, _form) = super::input::open(input)?;
    let mut header = Vec::with_capacity(length);
    decoded
        .take(length as u64)
        .read_to_end(&mut header)
        .map_err(|source| CmsError::Io {
            path: input.display().to_string(),
            source,
        })?;
    Ok(header)
}

/// The content-encryption key of the envelope at `input`, unwrapped with
/// `cert`'s private key `key`. For audits and tests that must show where
/// the key does and does not appear; releasing a key to someone else is
/// [`release_key`].
///
/// # Errors
/// As [`release_key`].
pub fn unwrap_content_key(
    input: &Path,
    cert: &CertInfo,
    key: &SecretKey,
) -> Result<zeroize::Zeroizing<Vec<u8>>, CmsError> {
    let envelope = Envelope::open(input)?;
    let (cek, _) = unwrap_for_cert(&envelope, cert, key)?;
    Ok(cek)
}

fn release_from(
    envelope: &Envelope,
    cert: &CertInfo,
    key: &SecretKey,
    to: &PublicKey,
) -> Result<Vec<u8>, CmsError> {
    let (cek, _) = unwrap_for_cert(envelope, cert, key)?;
    let target_id = kari::key_id_of(to);
    let released = kari::wrap_for(&cek, to, kari::key_id_rid(&target_id)?)?;
    let der = released.to_der().map_err(|e| CmsError::Encoding {
        what: "released key",
        detail: e.to_string(),
    })?;
    tracing::info!(
        key = cert.fingerprint,
        target = hex::encode(&target_id),
        "content key released"
    );
    Ok(der)
}

/// Decrypts the envelope at `input` into a new file at `output` with a key
/// released to the public key of `key` by [`release_key`].
///
/// # Errors
/// [`CmsError::InvalidReleasedKey`] when `released` does not decode,
/// [`CmsError::ReleasedToOtherKey`] when it is addressed to another key,
/// [`CmsError::KeyUnwrapFailed`], and the errors of
/// [`super::decrypt_to_file`] about the envelope and the output.
pub fn decrypt_with_released_key(
    input: &Path,
    output: &Path,
    released: &[u8],
    key: &SecretKey,
) -> Result<DecryptReport, CmsError> {
    let kari = KeyAgreeInfo::from_der(released).map_err(|e| CmsError::InvalidReleasedKey {
        detail: e.to_string(),
    })?;
    let own_id = kari::key_id_of(&key.public_key());
    let addressed: Vec<&[u8]> = kari
        .recipient_enc_keys
        .iter()
        .filter_map(|entry| match &entry.rid {
            KeyAgreeRid::RKeyId(id) => Some(id.subject_key_identifier.0.as_bytes()),
            KeyAgreeRid::IssuerAndSerialNumber(_) => None,
        })
        .collect();
    let Some(position) = addressed.iter().position(|id| *id == own_id.as_slice()) else {
        let key_id = addressed
            .iter()
            .map(hex::encode)
            .collect::<Vec<_>>()
            .join(", ");
        return Err(CmsError::ReleasedToOtherKey { key_id });
    };
    let encrypted_key = kari
        .recipient_enc_keys
        .iter()
        .filter(|entry| matches!(entry.rid, KeyAgreeRid::RKeyId(_)))
        .nth(position)
        .map(|entry| entry.enc_key.as_bytes())
        .unwrap_or_default();
    let cek = kari::unwrap_cek(&kari, encrypted_key, key, 0)?;

    let own_hex = hex::encode(&own_id);
    let result = PendingOutput::create(output).and_then(|pending| {
        let envelope = Envelope::open(input)?;
        decrypt_content(envelope, &cek, pending, RecipientId::KeyId(own_id))
    });
    log_outcome(&result, &own_hex);
    result
}
