//! The `Keystore` object: one keystore home opened with the app's device
//! binding, shared by every call on it.
//!
//! Each method converts its arguments, runs the core call on the blocking
//! pool under the panic guard, and converts the result; no keystore logic
//! lives here. PINs arrive as strings and are moved at once into the core's
//! zeroizing `Pin`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use palmbid_core::keystore::{self as core, CredentialId, Pin};

use crate::device::{DeviceBinding, ForeignDeviceBinding};
use crate::error::PalmbidError;
use crate::records::{CertificateRecord, KdfParams, PinStatus, RenewalWarning};
use crate::runtime::blocking;

/// A keystore home (a folder holding its database), open for use.
///
/// Kotlin: call `close()` (or `use {}`) when done; Swift frees it with the
/// last reference. Every method may be called from any thread; the
/// long ones are `suspend`/`async` and run off the caller's thread.
#[derive(uniffi::Object)]
pub struct Keystore {
    // The core keystore is `Send + Sync` (its database sits behind its own
    // lock, never held across Argon2id or a call into the app), so no lock
    // is added here: calls on one keystore run in parallel where the core
    // allows.
    inner: Arc<core::Keystore>,
    // The home folder, for the account store that shares its database.
    home: PathBuf,
}

impl Keystore {
    /// Runs `body` against the core keystore on the blocking pool.
    pub(crate) async fn with<T: Send + 'static>(
        &self,
        operation: &'static str,
        body: impl FnOnce(&core::Keystore) -> Result<T, PalmbidError> + Send + 'static,
    ) -> Result<T, PalmbidError> {
        let inner = Arc::clone(&self.inner);
        blocking(operation, move || body(&inner)).await
    }

    /// The core keystore, shared with objects that outlive this one's
    /// `close()` (an `Account` keeps it).
    pub(crate) fn core(&self) -> Arc<core::Keystore> {
        Arc::clone(&self.inner)
    }

    /// The keystore's home folder.
    pub(crate) fn home(&self) -> &Path {
        &self.home
    }

    /// Finds the installed certificate of `key_id`, with its chain.
    ///
    /// # Errors
    /// `ffi.certificate_not_found` when the key has no installed
    /// certificate (an unknown id, or a request still waiting for its
    /// certificate), or a database error.
    pub(crate) fn record_for_key(
        keystore: &core::Keystore,
        key_id: &str,
    ) -> Result<core::CertificateRecord, PalmbidError> {
        let records = keystore.certificates().map_err(PalmbidError::from_core)?;
        records.into_iter().find(|r| r.key_id.0 == key_id).ok_or_else(|| {
            PalmbidError::new(
                crate::error::CODE_CERTIFICATE_NOT_FOUND,
                format!("密钥 {key_id} 没有已安装的证书；请从证书列表中选择"),
                format!("key {key_id} has no installed certificate; pick one from the certificate list"),
            )
        })
    }

    async fn open_with(
        operation: &'static str,
        home: String,
        binding: Arc<dyn DeviceBinding>,
        kdf: core::KdfParams,
    ) -> Result<Arc<Self>, PalmbidError> {
        blocking(operation, move || {
            let binding = Arc::new(ForeignDeviceBinding(binding));
            let home = PathBuf::from(home);
            let keystore = core::Keystore::open_with_kdf(&home, binding, kdf)
                .map_err(PalmbidError::from_core)?;
            Ok(Arc::new(Keystore {
                inner: Arc::new(keystore),
                home,
            }))
        })
        .await
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Keystore {
    /// Opens (creating if needed) the keystore in folder `home`, its device
    /// secret sealed by `binding`.
    ///
    /// # Errors
    /// The keystore's errors: database, device binding (for example
    /// `binding` throws, or the database came from another device).
    #[uniffi::constructor]
    pub async fn open(
        home: String,
        binding: Arc<dyn DeviceBinding>,
    ) -> Result<Arc<Self>, PalmbidError> {
        Self::open_with("Keystore.open", home, binding, core::KdfParams::default()).await
    }

    /// As [`Keystore::open`], with cheap Argon2id parameters for keys
    /// wrapped from now on. For tests only: production apps call `open`,
    /// whose 64 MiB, t = 3 cost is what protects a stolen database.
    ///
    /// # Errors
    /// As [`Keystore::open`].
    #[uniffi::constructor]
    pub async fn open_for_testing(
        home: String,
        binding: Arc<dyn DeviceBinding>,
        kdf: KdfParams,
    ) -> Result<Arc<Self>, PalmbidError> {
        Self::open_with("Keystore.open_for_testing", home, binding, kdf.into()).await
    }

    /// Lists every installed certificate.
    ///
    /// # Errors
    /// A database error.
    pub async fn certificates(&self) -> Result<Vec<CertificateRecord>, PalmbidError> {
        self.with("Keystore.certificates", |keystore| {
            let records = keystore.certificates().map_err(PalmbidError::from_core)?;
            Ok(records.into_iter().map(CertificateRecord::from).collect())
        })
        .await
    }

    /// Lists the credentials whose encryption keys pending bids still
    /// need, so the app can warn before a renewal, a new pickup or a
    /// deletion; empty when nothing is pending.
    ///
    /// # Errors
    /// A damaged row or a database error.
    pub async fn renewal_warnings(&self) -> Result<Vec<RenewalWarning>, PalmbidError> {
        self.with("Keystore.renewal_warnings", |keystore| {
            let warnings = keystore
                .renewal_warnings()
                .map_err(PalmbidError::from_core)?;
            Ok(warnings.into_iter().map(RenewalWarning::from).collect())
        })
        .await
    }

    /// Deletes a credential with its keys and certificates. Refused with
    /// `keystore.key_needed_by_bids`, naming the bids, while a pending bid
    /// opens with one of its keys.
    ///
    /// # Errors
    /// The credential is unknown, its key is still needed, or a database
    /// error.
    pub async fn delete_credential(&self, credential_id: String) -> Result<(), PalmbidError> {
        self.with("Keystore.delete_credential", move |keystore| {
            keystore
                .delete_credential(&CredentialId(credential_id))
                .map_err(PalmbidError::from_core)
        })
        .await
    }

    /// Returns the PIN state of a credential.
    ///
    /// # Errors
    /// The credential is unknown, or a database error.
    pub async fn pin_status(&self, credential_id: String) -> Result<PinStatus, PalmbidError> {
        self.with("Keystore.pin_status", move |keystore| {
            keystore
                .pin_status(&CredentialId(credential_id))
                .map(PinStatus::from)
                .map_err(PalmbidError::from_core)
        })
        .await
    }

    /// Changes the PIN of a credential; every key under it is re-wrapped at
    /// once. A wrong `old_pin` counts as a failed attempt.
    ///
    /// # Errors
    /// Wrong PIN (with tries left), locked, `new_pin` breaking a rule, or a
    /// database error.
    pub async fn change_pin(
        &self,
        credential_id: String,
        old_pin: String,
        new_pin: String,
    ) -> Result<(), PalmbidError> {
        let old_pin = Pin::entered(old_pin);
        let new_pin = Pin::entered(new_pin);
        self.with("Keystore.change_pin", move |keystore| {
            keystore
                .change_pin(&CredentialId(credential_id), &old_pin, &new_pin)
                .map_err(PalmbidError::from_core)
        })
        .await
    }
}
