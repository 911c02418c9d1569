//! Decryption check: proves, before the opening hour, that the phone's
//! encryption key opens an envelope, without decrypting or releasing
//! anything.
//!
//! The phone's own recipient entry is unwrapped exactly as for a decryption
//! (RFC 5753 key agreement, then AES key wrap, RFC 3394). The key wrap's
//! integrity check (RFC 3394, section 2.2.3) fails for any other key, so a
//! successful unwrap is the proof; the content-encryption key is then
//! checked against the content cipher's key length and zeroized at once.
//! Only the envelope header is read, as [`super::envelope_header`] returns
//! it. The content itself is not touched, so damage there is found only by
//! the decryption.

use p256::SecretKey;

use super::CmsError;
use super::alg::{ContentCipher, EnvelopeKind};
use super::decrypt::unwrap_for_cert;
use super::envelope::{Envelope, RecipientId};
use crate::pki::CertInfo;

/// What a successful decryption check found. Carries no key material.
#[derive(Debug, Clone)]
pub struct KeyCheckReport {
    /// The recipient entry that the key opened.
    pub recipient: RecipientId,
    /// `EnvelopedData` or `AuthEnvelopedData`.
    pub kind: EnvelopeKind,
    /// The content cipher.
    pub content_cipher: ContentCipher,
    /// Length of the unwrapped content-encryption key, in bytes.
    pub key_len: usize,
}

/// Checks that `cert`, whose private key is `key`, opens the envelope whose
/// header is `header` (the bytes [`super::envelope_header`] returns).
///
/// # Errors
/// [`CmsError::NotAnEnvelope`], [`CmsError::Truncated`] or
/// [`CmsError::Malformed`] for a header that is not an envelope's;
/// [`CmsError::NoRecipient`] listing the recipients when none names
/// `cert`; [`CmsError::UnsupportedKeyAlgorithm`];
/// [`CmsError::UnsupportedContentAlgorithm`]; [`CmsError::KeyUnwrapFailed`]
/// when the key does not open the entry naming `cert` (wrong key or a
/// damaged wrapped key) or the key does not fit the content cipher.
pub fn check_decryption(
    header: &[u8],
    cert: &CertInfo,
    key: &SecretKey,
) -> Result<KeyCheckReport, CmsError> {
    let result = check(header, cert, key);
    match &result {
        Ok(report) => tracing::info!(
            key = cert.fingerprint,
            cipher = report.content_cipher.name(),
            "decryption check passed"
        ),
        Err(error) => tracing::warn!(
            key = cert.fingerprint,
            code = crate::error::Localized::code(error),
            "decryption check failed"
        ),
    }
    result
}

fn check(header: &[u8], cert: &CertInfo, key: &SecretKey) -> Result<KeyCheckReport, CmsError> {
    let envelope = Envelope::from_reader(
        Box::new(std::io::Cursor::new(header.to_vec())),
        "envelope header",
    )?;
    let params = envelope.content_params()?;

    // The key is zeroized when `cek` drops at the end of this function;
    // only its length leaves.
    let (cek, recipient) = unwrap_for_cert(&envelope, cert, key)?;
    if cek.len() != params.cipher.key_len() {
        return Err(CmsError::KeyUnwrapFailed);
    }

    Ok(KeyCheckReport {
        recipient,
        kind: envelope.kind,
        content_cipher: params.cipher,
        key_len: cek.len(),
    })
}
