//! CMS envelopes: opening one with a stored encryption key, releasing its
//! content key to another party, and (for desktop hosts and tests) making
//! one and opening it with a released key.

use std::path::PathBuf;
use std::sync::Arc;

use palmbid_core::cms;
use palmbid_core::keystore::{KeyId, KeyOperation, KeyUse, Pin};
use palmbid_core::pki::{self, CertInfo};

use crate::error::PalmbidError;
use crate::keystore::Keystore;
use crate::records::DecryptReport;
use crate::runtime::blocking;

#[uniffi::export(async_runtime = "tokio")]
impl Keystore {
    /// Opens the envelope at `input` (DER, BER, PEM or S/MIME) with key
    /// `key_id` and writes the plaintext to `output`, which must not exist.
    /// The output appears only once the content is authenticated; on any
    /// failure no output file is left.
    ///
    /// # Errors
    /// No certificate for `key_id`, a wrong PIN (with tries left), locked,
    /// not a recipient, a damaged or tampered envelope, an unsupported
    /// algorithm, or an I/O error.
    pub async fn decrypt_file(
        self: Arc<Self>,
        key_id: String,
        pin: String,
        input: String,
        output: String,
    ) -> Result<DecryptReport, PalmbidError> {
        let pin = Pin::entered(pin);
        self.with("Keystore.decrypt_file", move |keystore| {
            let record = Keystore::record_for_key(keystore, &key_id)?;
            let input = PathBuf::from(input);
            let (usage, _) = KeyUse::new(KeyOperation::DecryptFile)
                .file(&input)
                .map_err(PalmbidError::from_core)?;
            let key = keystore
                .unlock(&KeyId(key_id), &pin, &usage)
                .map_err(PalmbidError::from_core)?;
            cms::decrypt_to_file(&input, &PathBuf::from(output), &record.cert, key.secret())
                .map(DecryptReport::from)
                .map_err(PalmbidError::from_core)
        })
        .await
    }

    /// Key release: unwraps the content key of the envelope at `input` with
    /// key `key_id` and re-encrypts it to `recipient_public_key` (SEC1 P-256
    /// point), so that party opens the envelope without the phone reading
    /// the content. Returns the DER `KeyAgreeRecipientInfo` for that party.
    ///
    /// # Errors
    /// `ffi.invalid_argument` for a public key not on P-256, else as
    /// [`Keystore::decrypt_file`].
    pub async fn release_key(
        self: Arc<Self>,
        key_id: String,
        pin: String,
        input: String,
        recipient_public_key: Vec<u8>,
    ) -> Result<Vec<u8>, PalmbidError> {
        let pin = Pin::entered(pin);
        let to = p256::PublicKey::from_sec1_bytes(&recipient_public_key).map_err(|_| {
            PalmbidError::invalid_argument(
                "recipient_public_key",
                "not a SEC1-encoded P-256 public key",
            )
        })?;
        self.with("Keystore.release_key", move |keystore| {
            let record = Keystore::record_for_key(keystore, &key_id)?;
            let input = PathBuf::from(input);
            let (usage, _) = KeyUse::new(KeyOperation::ReleaseKey)
                .file(&input)
                .map_err(PalmbidError::from_core)?;
            let key = keystore
                .unlock(&KeyId(key_id), &pin, &usage)
                .map_err(PalmbidError::from_core)?;
            cms::release_key(&input, &record.cert, key.secret(), &to)
                .map_err(PalmbidError::from_core)
        })
        .await
    }
}

/// Encrypts the file at `input` to every certificate in `recipients` (DER
/// or PEM) as AuthEnvelopedData with AES-256-GCM, written to `output`.
///
/// # Errors
/// A recipient that is not P-256 or not for key agreement, an existing
/// output, or an I/O error.
#[uniffi::export(async_runtime = "tokio")]
pub async fn encrypt_file(
    input: String,
    output: String,
    recipients: Vec<Vec<u8>>,
) -> Result<(), PalmbidError> {
    blocking("encrypt_file", move || {
        let recipients = recipients
            .iter()
            .enumerate()
            .map(|(i, bytes)| CertInfo::from_pem_or_der(bytes, &format!("recipient {}", i + 1)))
            .collect::<Result<Vec<_>, _>>()
            .map_err(PalmbidError::from_core)?;
        cms::encrypt_to_file(&PathBuf::from(input), &PathBuf::from(output), &recipients)
            .map(drop)
            .map_err(PalmbidError::from_core)
    })
    .await
}

/// The other side of key release: opens the envelope at `input` with a
/// `released` key (from [`Keystore::release_key`]) and the private key it
/// was released to (PKCS#8 or SEC1, PEM or DER), writing `output`. For the
/// desktop toolbox and tests; the phone itself decrypts with
/// `Keystore.decryptFile`.
///
/// # Errors
/// A malformed private or released key, a wrong key, a damaged envelope, or
/// an I/O error.
#[uniffi::export(async_runtime = "tokio")]
pub async fn decrypt_with_released_key(
    input: String,
    output: String,
    released: Vec<u8>,
    private_key: Vec<u8>,
) -> Result<DecryptReport, PalmbidError> {
    let private_key = zeroize::Zeroizing::new(private_key);
    blocking("decrypt_with_released_key", move || {
        let key = pki::parse_private_key(&private_key, None).map_err(PalmbidError::from_core)?;
        cms::decrypt_with_released_key(
            &PathBuf::from(input),
            &PathBuf::from(output),
            &released,
            &key,
        )
        .map(DecryptReport::from)
        .map_err(PalmbidError::from_core)
    })
    .await
}
