//! Detached CMS signatures (`SignedData`) with a stored signing key, and
//! their verification against the keystore's trust anchors.

use std::path::PathBuf;
use std::sync::Arc;

use palmbid_core::cms;
use palmbid_core::keystore::{KeyId, KeyOperation, KeyUse, Pin};

use crate::error::PalmbidError;
use crate::keystore::Keystore;
use crate::records::VerifiedSignature;

#[uniffi::export(async_runtime = "tokio")]
impl Keystore {
    /// Signs the file at `path` with key `key_id` and returns the detached
    /// CMS signature, DER (a `.p7s`). The PIN unlocks the key for this one
    /// signature.
    ///
    /// # Errors
    /// No certificate for `key_id`, a wrong PIN (with tries left), locked,
    /// an unreadable file, or a database error.
    pub async fn sign_file(
        self: Arc<Self>,
        key_id: String,
        pin: String,
        path: String,
    ) -> Result<Vec<u8>, PalmbidError> {
        let pin = Pin::entered(pin);
        self.with("Keystore.sign_file", move |keystore| {
            let record = Keystore::record_for_key(keystore, &key_id)?;
            let path = PathBuf::from(path);
            // Read before the PIN: an unreadable file costs no try.
            let (usage, digest) = KeyUse::new(KeyOperation::SignFile)
                .file(&path)
                .map_err(PalmbidError::from_core)?;
            let key = keystore
                .unlock(&KeyId(key_id), &pin, &usage)
                .map_err(PalmbidError::from_core)?;
            cms::sign_detached_digest(
                &digest,
                key.secret(),
                &record.cert,
                &record.chain,
                crate::unix_now(),
            )
            .map_err(PalmbidError::from_core)
        })
        .await
    }

    /// Signs content known by its SHA-256 digest (32 bytes) and returns the
    /// detached CMS signature, DER.
    ///
    /// # Errors
    /// `ffi.invalid_argument` when the digest is not 32 bytes, else as
    /// [`Keystore::sign_file`].
    pub async fn sign_digest(
        self: Arc<Self>,
        key_id: String,
        pin: String,
        sha256: Vec<u8>,
    ) -> Result<Vec<u8>, PalmbidError> {
        let pin = Pin::entered(pin);
        let digest: [u8; 32] = sha256.try_into().map_err(|bytes: Vec<u8>| {
            PalmbidError::invalid_argument(
                "sha256",
                &format!("a SHA-256 digest is 32 bytes, not {}", bytes.len()),
            )
        })?;
        self.with("Keystore.sign_digest", move |keystore| {
            let record = Keystore::record_for_key(keystore, &key_id)?;
            let usage = KeyUse::new(KeyOperation::SignDigest).digest(&hex::encode(digest));
            let key = keystore
                .unlock(&KeyId(key_id), &pin, &usage)
                .map_err(PalmbidError::from_core)?;
            cms::sign_detached_digest(
                &digest,
                key.secret(),
                &record.cert,
                &record.chain,
                crate::unix_now(),
            )
            .map_err(PalmbidError::from_core)
        })
        .await
    }

    /// Verifies a detached CMS signature (DER) over the file at `path`
    /// against this keystore's trust anchors.
    ///
    /// # Errors
    /// A malformed signature, content that does not match, a bad
    /// signature, a signer not trusted, or an unreadable file.
    pub async fn verify_file(
        self: Arc<Self>,
        signature: Vec<u8>,
        path: String,
    ) -> Result<VerifiedSignature, PalmbidError> {
        self.with("Keystore.verify_file", move |keystore| {
            let anchors = keystore.trust_anchors().map_err(PalmbidError::from_core)?;
            cms::verify_detached_file(
                &signature,
                &PathBuf::from(path),
                &anchors,
                crate::unix_now(),
            )
            .map(VerifiedSignature::from)
            .map_err(PalmbidError::from_core)
        })
        .await
    }
}
