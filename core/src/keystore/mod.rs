//! The PIN-protected keystore of a phone: P-256 private keys bound to the
//! device, their certificates and the trust anchors they chain to.
//!
//! A private key is stored as AES-256-GCM ciphertext under a key-encryption
//! key `HKDF-SHA256(Argon2id(PIN) || device secret)`; the associated data
//! binds the key id, the fingerprint of its certificate and the algorithm.
//! The device secret is sealed by a [`DeviceBinding`], so a copied database
//! is useless elsewhere. Keys created together share one PIN, a
//! *credential*; its attempt counter is written and synced before every
//! check and six consecutive failures lock it.

mod device;
mod enroll;
mod error;
mod pin;

use std::path::Path;
use std::sync::Arc;

pub use device::{DeviceBinding, DeviceBindingError, SoftwareDeviceBinding};
pub use enroll::{
    EnrollError, import_pkcs8, import_pkcs12, install, request, role_for_certificate,
};
pub use error::KeystoreError;
pub use pin::Pin;

use crate::pki::{CertInfo, KeyRole};

/// Consecutive wrong PINs after which a credential locks.
pub const MAX_PIN_ATTEMPTS: u32 = 6;

/// Argon2id cost parameters, stored with each wrapped key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_cost_kib: u32,
    /// Passes.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

impl Default for KdfParams {
    /// m = 64 MiB, t = 3, p = 1.
    fn default() -> Self {
        KdfParams { m_cost_kib: 64 * 1024, t_cost: 3, p_cost: 1 }
    }
}

/// Identifier of a stored private key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyId(pub String);

/// Identifier of a credential: the keys that share one PIN.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CredentialId(pub String);

/// A private key to store, with its certificate when already known.
pub struct NewKey {
    /// Signing or encryption.
    pub role: KeyRole,
    /// The private scalar; zeroized on drop by `p256`.
    pub secret: p256::SecretKey,
    /// The issued certificate, when known at storing time (imports).
    pub certificate: Option<CertInfo>,
}

/// A stored key as listed, without secret material.
#[derive(Debug, Clone)]
pub struct KeyRecord {
    /// Key id.
    pub id: KeyId,
    /// The credential (PIN) it belongs to.
    pub credential: CredentialId,
    /// Signing or encryption.
    pub role: KeyRole,
    /// SEC1 uncompressed public key.
    pub public_key: Vec<u8>,
    /// Fingerprint of its installed certificate, `None` until installed.
    pub certificate_fingerprint: Option<String>,
}

/// An installed certificate and the key it belongs to.
#[derive(Debug, Clone)]
pub struct CertificateRecord {
    /// The key this certificate certifies.
    pub key_id: KeyId,
    /// The credential of that key.
    pub credential: CredentialId,
    /// Signing or encryption.
    pub role: KeyRole,
    /// The parsed certificate.
    pub cert: CertInfo,
    /// Issuing chain below the trust anchor, leaf's issuer first.
    pub chain: Vec<CertInfo>,
}

/// PIN state of a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PinStatus {
    /// Wrong PINs entered since the last correct one.
    pub failed_attempts: u32,
    /// Tries left before the credential locks.
    pub tries_left: u32,
    /// Whether the credential is locked.
    pub locked: bool,
}

/// A private key unwrapped for one operation. The scalar is zeroized when
/// this is dropped, and `Debug` prints only the id.
pub struct UnlockedKey {
    /// Key id.
    pub id: KeyId,
    /// Signing or encryption.
    pub role: KeyRole,
    secret: p256::SecretKey,
}

impl UnlockedKey {
    /// The private key, for the signing or decryption in progress.
    pub fn secret(&self) -> &p256::SecretKey {
        &self.secret
    }
}

impl std::fmt::Debug for UnlockedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnlockedKey")
            .field("id", &self.id)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// A keystore home: one database plus the device binding that seals its
/// device secret.
pub struct Keystore {
    db: crate::store::Database,
    binding: Arc<dyn DeviceBinding>,
    kdf: KdfParams,
}

#[allow(clippy::todo, clippy::needless_pass_by_value, unused_variables)]
impl Keystore {
    /// Opens the keystore in folder `home` (created if missing) with the
    /// production Argon2id parameters.
    ///
    /// # Errors
    /// [`KeystoreError`] when the database or the device secret fails.
    pub fn open(home: &Path, binding: Arc<dyn DeviceBinding>) -> Result<Self, KeystoreError> {
        Self::open_with_kdf(home, binding, KdfParams::default())
    }

    /// Opens with explicit Argon2id parameters for keys wrapped from now
    /// on. Only tests pass cheaper ones; every production path calls
    /// [`Keystore::open`].
    ///
    /// # Errors
    /// As [`Keystore::open`].
    pub fn open_with_kdf(
        home: &Path,
        binding: Arc<dyn DeviceBinding>,
        kdf: KdfParams,
    ) -> Result<Self, KeystoreError> {
        todo!()
    }

    /// Stores keys under a new PIN, all in one transaction, and returns the
    /// credential id. Keys that come with a certificate are wrapped bound
    /// to its fingerprint.
    ///
    /// # Errors
    /// [`KeystoreError`] when the PIN breaks the rules or storing fails.
    pub fn create_credential(
        &self,
        pin: &Pin,
        label: &str,
        keys: Vec<NewKey>,
    ) -> Result<(CredentialId, Vec<KeyId>), KeystoreError> {
        todo!()
    }

    /// Installs a certificate for a stored key whose public key it carries,
    /// re-wrapping the key bound to the certificate's fingerprint. Callers
    /// check the chain and key usage first.
    ///
    /// # Errors
    /// [`KeystoreError`] on a wrong PIN, a key mismatch or a storage error.
    pub fn install_certificate(
        &self,
        key_id: &KeyId,
        pin: &Pin,
        cert: &CertInfo,
        chain: &[CertInfo],
    ) -> Result<CertificateRecord, KeystoreError> {
        todo!()
    }

    /// Adds a trust anchor (a root certificate); adding one twice is a no-op.
    ///
    /// # Errors
    /// [`KeystoreError`] on a storage error.
    pub fn add_trust_anchor(&self, anchor: &CertInfo) -> Result<(), KeystoreError> {
        todo!()
    }

    /// The trust anchors.
    ///
    /// # Errors
    /// [`KeystoreError`] on a storage error.
    pub fn trust_anchors(&self) -> Result<Vec<CertInfo>, KeystoreError> {
        todo!()
    }

    /// Every stored key, installed or pending.
    ///
    /// # Errors
    /// [`KeystoreError`] on a storage error.
    pub fn keys(&self) -> Result<Vec<KeyRecord>, KeystoreError> {
        todo!()
    }

    /// Every installed certificate.
    ///
    /// # Errors
    /// [`KeystoreError`] on a storage error.
    pub fn certificates(&self) -> Result<Vec<CertificateRecord>, KeystoreError> {
        todo!()
    }

    /// Counts an attempt, then checks `pin` and unwraps the key.
    ///
    /// # Errors
    /// [`KeystoreError::PinIncorrect`] with the tries left,
    /// [`KeystoreError::Locked`], or a storage or integrity error.
    pub fn unlock(&self, key_id: &KeyId, pin: &Pin) -> Result<UnlockedKey, KeystoreError> {
        todo!()
    }

    /// The PIN state of a credential.
    ///
    /// # Errors
    /// [`KeystoreError`] when the credential is unknown.
    pub fn pin_status(&self, credential: &CredentialId) -> Result<PinStatus, KeystoreError> {
        todo!()
    }

    /// Re-wraps every key of the credential under `new`, in one transaction.
    ///
    /// # Errors
    /// As [`Keystore::unlock`] for `old`; rule violations for `new`.
    pub fn change_pin(
        &self,
        credential: &CredentialId,
        old: &Pin,
        new: &Pin,
    ) -> Result<(), KeystoreError> {
        todo!()
    }
}
