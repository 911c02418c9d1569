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
//!
//! Every PIN entry that requests a key names what the key is for (a
//! [`KeyUse`]), and the signature log (签名记录, [`Keystore::signature_log`])
//! records it in the same transaction as the attempt counter: a key is
//! never unwrapped without its row, and wrong PINs show as refused. See
//! the `log` module for the order of writes and the size bound.

mod attempts;
mod bids;
mod device;
pub mod enroll;
mod error;
mod install;
mod log;
mod pin;
mod rows;
mod wrap;

use std::path::Path;
use std::sync::Arc;

use p256::elliptic_curve::sec1::ToEncodedPoint;
use rand_core::{OsRng, RngCore};
use rusqlite::OptionalExtension;
use zeroize::Zeroizing;

pub use bids::{BidRecord, BidState, NewBid, RenewalWarning};
pub use device::{DeviceBinding, DeviceBindingError, SoftwareDeviceBinding};
pub use enroll::{
    EnrollError, InstallPlan, import_pkcs8, import_pkcs12, import_pkcs12_with_chain, install,
    plan_install, request, role_for_certificate,
};
pub use error::KeystoreError;
pub use install::{CertificateInstall, UnlockedCredential};
pub use log::{KeyOperation, KeyUse, KeyUseOutcome, SIGNATURE_LOG_LIMIT, SignatureLogEntry};
pub use pin::{MIN_PIN_LEN, Pin};

use crate::error::Localized;
use crate::pki::{CertInfo, KeyRole};
use crate::store::{DATABASE_FILE, Database};
use rows::{CredentialRow, KeyRow, NewKeyRow};
use wrap::{ALGORITHM_P256, KdfHeader, Kek, KeyBinding};

/// Length of the device secret.
const DEVICE_SECRET_LEN: usize = 32;

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
        KdfParams {
            m_cost_kib: 64 * 1024,
            t_cost: 3,
            p_cost: 1,
        }
    }
}

/// Identifier of a stored private key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyId(pub String);

/// Identifier of a credential: the keys that share one PIN.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CredentialId(pub String);

impl std::fmt::Display for KeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::fmt::Display for CredentialId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new random id: 128 bits as lowercase hex, unguessable and unique
/// without coordination.
fn random_id() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

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

impl std::fmt::Debug for Keystore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keystore")
            .field("kdf", &self.kdf)
            .finish_non_exhaustive()
    }
}

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
    /// On the first open of a home this creates the device secret and
    /// stores it sealed by `binding`; afterwards it unseals it once to
    /// check that `binding` is the one the keystore was created with.
    ///
    /// # Errors
    /// As [`Keystore::open`]; [`KeystoreError::KdfParams`] when Argon2id
    /// refuses `kdf`; [`KeystoreError::DeviceUnseal`] when `binding`
    /// cannot open this keystore's device secret;
    /// [`KeystoreError::DatabaseTooNew`] when a newer palmbid wrote it.
    pub fn open_with_kdf(
        home: &Path,
        binding: Arc<dyn DeviceBinding>,
        kdf: KdfParams,
    ) -> Result<Self, KeystoreError> {
        wrap::argon2_params(kdf)?;
        std::fs::create_dir_all(home).map_err(|source| KeystoreError::Home {
            path: home.to_path_buf(),
            source,
        })?;

        let db = Database::open(&home.join(DATABASE_FILE))?;
        let keystore = Keystore { db, binding, kdf };

        let created = keystore.ensure_device_secret()?;
        tracing::info!(created, outcome = "ok", "keystore open");
        Ok(keystore)
    }

    /// Stores keys under a new PIN, all in one transaction, and returns the
    /// credential id. Keys that come with a certificate are wrapped bound
    /// to its fingerprint.
    ///
    /// # Errors
    /// [`KeystoreError`] when the PIN breaks the rules or storing fails.
    #[allow(
        clippy::needless_pass_by_value,
        reason = "taking the keys by value drops (and zeroizes) the caller's copies of the secrets"
    )]
    pub fn create_credential(
        &self,
        pin: &Pin,
        label: &str,
        keys: Vec<NewKey>,
    ) -> Result<(CredentialId, Vec<KeyId>), KeystoreError> {
        let count = keys.len();
        let result = self.create_credential_inner(pin, label, &keys);
        match &result {
            Ok((credential, _)) => {
                tracing::info!(credential = %credential, keys = count, outcome = "ok", "credential create");
            }
            Err(e) => tracing::info!(keys = count, outcome = e.code(), "credential create"),
        }
        result
    }

    fn create_credential_inner(
        &self,
        pin: &Pin,
        label: &str,
        keys: &[NewKey],
    ) -> Result<(CredentialId, Vec<KeyId>), KeystoreError> {
        pin.check_rules()?;

        let credential = CredentialId(random_id());
        let key_ids: Vec<KeyId> = keys.iter().map(|_| KeyId(random_id())).collect();
        for (key, id) in keys.iter().zip(&key_ids) {
            if let Some(cert) = &key.certificate {
                check_certificate_key(id, &key.secret.public_key(), cert)?;
            }
        }

        let device_secret = self.device_secret()?;
        let kek = Kek::derive(pin, &KdfHeader::fresh(self.kdf), &device_secret)?;
        let verifier = kek.verifier(&credential).encode();

        let rows: Vec<(Vec<u8>, Vec<u8>)> = keys
            .iter()
            .zip(&key_ids)
            .map(|(key, id)| {
                let fingerprint = key
                    .certificate
                    .as_ref()
                    .map_or("", |c| c.fingerprint.as_str());
                let binding = KeyBinding {
                    key_id: id,
                    cert_fingerprint: fingerprint,
                    algorithm: ALGORITHM_P256,
                };
                let scalar = Zeroizing::new(key.secret.to_bytes());
                let public_key = key
                    .secret
                    .public_key()
                    .to_encoded_point(false)
                    .as_bytes()
                    .to_vec();
                (public_key, kek.wrap(&scalar, &binding).encode())
            })
            .collect();

        self.db.write(|tx| {
            rows::insert_credential(tx, &credential, label, &verifier)?;
            for ((key, id), (public_key, wrapped)) in keys.iter().zip(&key_ids).zip(&rows) {
                rows::insert_key(
                    tx,
                    &NewKeyRow {
                        id,
                        credential: &credential,
                        role: key.role,
                        algorithm: ALGORITHM_P256,
                        public_key,
                        cert_fingerprint: key.certificate.as_ref().map(|c| c.fingerprint.as_str()),
                        wrapped,
                    },
                )?;
                if let Some(cert) = &key.certificate {
                    rows::replace_certificate(tx, id, cert, &[])?;
                }
            }
            Ok::<_, KeystoreError>(())
        })?;

        Ok((credential, key_ids))
    }

    /// Adds a trust anchor (a root certificate); adding one twice is a no-op.
    ///
    /// # Errors
    /// [`KeystoreError`] on a storage error.
    pub fn add_trust_anchor(&self, anchor: &CertInfo) -> Result<(), KeystoreError> {
        rows::add_trust_anchor(&self.db.lock(), anchor)?;
        tracing::info!(anchor = %anchor.fingerprint, outcome = "ok", "trust anchor add");
        Ok(())
    }

    /// The trust anchors.
    ///
    /// # Errors
    /// [`KeystoreError`] on a storage error.
    pub fn trust_anchors(&self) -> Result<Vec<CertInfo>, KeystoreError> {
        rows::trust_anchors(&self.db.lock())
    }

    /// Every stored key, installed or pending.
    ///
    /// # Errors
    /// [`KeystoreError`] on a storage error.
    pub fn keys(&self) -> Result<Vec<KeyRecord>, KeystoreError> {
        rows::list_keys(&self.db.lock())
    }

    /// Every installed certificate.
    ///
    /// # Errors
    /// [`KeystoreError`] on a storage error.
    pub fn certificates(&self) -> Result<Vec<CertificateRecord>, KeystoreError> {
        rows::list_certificates(&self.db.lock())
    }

    /// Registers a bid the phone must open with encryption key `bid.key_id`
    /// by its deadline; from now on that key is guarded. Registering the
    /// same project and bid ids again while pending replaces the record
    /// (a re-uploaded bid file).
    ///
    /// # Errors
    /// [`KeystoreError::KeyNotFound`], [`KeystoreError::NotEncryptionKey`],
    /// [`KeystoreError::BidClosed`] when that bid is opened or abandoned,
    /// or a storage error.
    pub fn register_bid(&self, bid: &NewBid) -> Result<BidRecord, KeystoreError> {
        let result = self.db.write(|tx| {
            let role: Option<String> = tx
                .query_row(
                    "SELECT role FROM keys WHERE id = ?1",
                    [&bid.key_id.0],
                    |row| row.get(0),
                )
                .optional()?;
            match role.as_deref() {
                None => Err(KeystoreError::KeyNotFound {
                    key: bid.key_id.clone(),
                }),
                Some("encryption") => bids::register(tx, bid),
                Some(_) => Err(KeystoreError::NotEncryptionKey {
                    key: bid.key_id.clone(),
                }),
            }
        });
        tracing::info!(key = %bid.key_id, deadline = bid.deadline, outcome = outcome(&result), "bid register");
        result
    }

    /// Every registered bid, earliest deadline first.
    ///
    /// # Errors
    /// [`KeystoreError::Corrupted`] for a damaged row, or a storage error.
    pub fn bids(&self) -> Result<Vec<BidRecord>, KeystoreError> {
        bids::all(&self.db.lock())
    }

    /// Records that a pending bid was opened, which lifts its guard.
    ///
    /// # Errors
    /// [`KeystoreError::BidNotFound`], [`KeystoreError::BidClosed`] when it
    /// is not pending, or a storage error.
    pub fn mark_bid_opened(&self, project_id: &str, bid_id: &str) -> Result<(), KeystoreError> {
        let result = self
            .db
            .write(|tx| bids::close(tx, project_id, bid_id, BidState::Opened));
        tracing::info!(outcome = outcome(&result), "bid mark opened");
        result
    }

    /// Records that a pending bid will not be opened (withdrawn, or the
    /// opening is over), which lifts its guard.
    ///
    /// # Errors
    /// As [`Keystore::mark_bid_opened`].
    pub fn abandon_bid(&self, project_id: &str, bid_id: &str) -> Result<(), KeystoreError> {
        let result = self
            .db
            .write(|tx| bids::close(tx, project_id, bid_id, BidState::Abandoned));
        tracing::info!(outcome = outcome(&result), "bid abandon");
        result
    }

    /// The credentials whose encryption keys pending bids still need, for
    /// the app to warn before a renewal or a deletion.
    ///
    /// # Errors
    /// [`KeystoreError::Corrupted`] for a damaged row, or a storage error.
    pub fn renewal_warnings(&self) -> Result<Vec<RenewalWarning>, KeystoreError> {
        let conn = self.db.lock();
        let mut warnings: Vec<RenewalWarning> = Vec::new();
        for bid in bids::all(&conn)?
            .into_iter()
            .filter(|bid| bid.state == BidState::Pending)
        {
            if let Some(warning) = warnings.iter_mut().find(|w| w.key_id == bid.key_id) {
                warning.bids.push(bid);
                continue;
            }
            let credential: String = conn.query_row(
                "SELECT credential_id FROM keys WHERE id = ?1",
                [&bid.key_id.0],
                |row| row.get(0),
            )?;
            warnings.push(RenewalWarning {
                credential: CredentialId(credential),
                key_id: bid.key_id.clone(),
                bids: vec![bid],
            });
        }
        Ok(warnings)
    }

    /// Deletes a credential: its keys, their certificates, its pickups and
    /// the closed bids of its keys. Refused while a pending bid opens with
    /// one of its keys.
    ///
    /// # Errors
    /// [`KeystoreError::CredentialNotFound`],
    /// [`KeystoreError::KeyNeededByBids`] naming the pending bids and their
    /// deadlines, or a storage error.
    pub fn delete_credential(&self, credential: &CredentialId) -> Result<(), KeystoreError> {
        let result = self.db.write(|tx| {
            let exists: Option<i64> = tx
                .query_row(
                    "SELECT 1 FROM credentials WHERE id = ?1",
                    [&credential.0],
                    |row| row.get(0),
                )
                .optional()?;
            if exists.is_none() {
                return Err(KeystoreError::CredentialNotFound {
                    credential: credential.clone(),
                });
            }

            // Ids only: a damaged key must not stop its deletion.
            let key_ids = {
                let mut statement = tx.prepare("SELECT id FROM keys WHERE credential_id = ?1")?;
                statement
                    .query_map([&credential.0], |row| row.get::<_, String>(0).map(KeyId))?
                    .collect::<Result<Vec<_>, _>>()?
            };
            for key in &key_ids {
                bids::guard(tx, key, "delete")?;
            }

            for key in &key_ids {
                tx.execute("DELETE FROM bids WHERE key_id = ?1", [&key.0])?;
                tx.execute("DELETE FROM certificates WHERE key_id = ?1", [&key.0])?;
            }
            tx.execute(
                "DELETE FROM pickups WHERE credential_id = ?1",
                [&credential.0],
            )?;
            tx.execute("DELETE FROM keys WHERE credential_id = ?1", [&credential.0])?;
            tx.execute("DELETE FROM credentials WHERE id = ?1", [&credential.0])?;
            Ok(())
        });
        tracing::info!(credential = %credential, outcome = outcome(&result), "credential delete");
        result?;

        // The wrapped keys are overwritten in the main file
        // (`secure_delete`); copies stay in the write-ahead log until it is
        // checkpointed. A failure leaves them there until SQLite's next
        // automatic checkpoint; the deletion itself is done.
        if let Err(e) = self.db.checkpoint_truncate() {
            tracing::warn!(credential = %credential, error = %e, "WAL checkpoint after delete");
        }
        Ok(())
    }

    /// Counts an attempt, then checks `pin` and unwraps the key for
    /// `usage`, which the signature log records (see [`log`]): the key is
    /// returned only once its row is written as used, and a wrong PIN is
    /// written as refused.
    ///
    /// # Errors
    /// [`KeystoreError::PinIncorrect`] with the tries left,
    /// [`KeystoreError::Locked`], or a storage or integrity error
    /// (including a log row that cannot be written).
    pub fn unlock(
        &self,
        key_id: &KeyId,
        pin: &Pin,
        usage: &KeyUse,
    ) -> Result<UnlockedKey, KeystoreError> {
        let result = self.unlock_inner(key_id, pin, usage);
        tracing::info!(
            key = %key_id,
            operation = usage.operation.as_str(),
            outcome = outcome(&result),
            "key unlock"
        );
        result
    }

    fn unlock_inner(
        &self,
        key_id: &KeyId,
        pin: &Pin,
        usage: &KeyUse,
    ) -> Result<UnlockedKey, KeystoreError> {
        let device_secret = self.device_secret()?;
        let (credential, key) = {
            let conn = self.db.lock();
            let key = rows::key(&conn, key_id)?;
            (rows::credential(&conn, &key.credential)?, key)
        };

        let (kek, entry) =
            self.verify_pin(&credential, Some(key_id), usage, pin, &device_secret)?;
        let secret = self
            .open_keys(
                (&kek, entry),
                std::slice::from_ref(&key),
                pin,
                &device_secret,
            )?
            .pop()
            .ok_or_else(|| KeystoreError::KeyNotFound {
                key: key_id.clone(),
            })?;
        self.reset_attempts(&credential.id, entry, KeyUseOutcome::Used)?;

        Ok(UnlockedKey {
            id: key.id,
            role: key.role,
            secret,
        })
    }

    /// Up to `limit` rows of the signature log older than row `before`
    /// (the newest when `None`), newest first. To page back, pass the id
    /// of the last row received as `before`.
    ///
    /// # Errors
    /// [`KeystoreError::Corrupted`] for a damaged row, or a storage error.
    pub fn signature_log(
        &self,
        limit: u32,
        before: Option<i64>,
    ) -> Result<Vec<SignatureLogEntry>, KeystoreError> {
        log::read(&self.db.lock(), limit, before)
    }

    /// The PIN state of a credential.
    ///
    /// # Errors
    /// [`KeystoreError`] when the credential is unknown.
    pub fn pin_status(&self, credential: &CredentialId) -> Result<PinStatus, KeystoreError> {
        rows::pin_status(&self.db.lock(), credential)
    }

    /// Re-wraps every key of the credential under `new`, in one transaction.
    ///
    /// `new` is checked against the PIN rules and compared with `old`
    /// before `old` is tried, so a mistyped new PIN costs no try. The new
    /// wrapping uses a fresh salt and this keystore's current Argon2id
    /// parameters.
    ///
    /// # Errors
    /// As [`Keystore::unlock`] for `old`; rule violations for `new`.
    pub fn change_pin(
        &self,
        credential: &CredentialId,
        old: &Pin,
        new: &Pin,
    ) -> Result<(), KeystoreError> {
        let result = self.change_pin_inner(credential, old, new);
        tracing::info!(credential = %credential, outcome = outcome(&result), "PIN change");
        result
    }

    fn change_pin_inner(
        &self,
        credential_id: &CredentialId,
        old: &Pin,
        new: &Pin,
    ) -> Result<(), KeystoreError> {
        new.check_rules()?;
        if new.same_as(old) {
            return Err(KeystoreError::PinUnchanged);
        }

        let device_secret = self.device_secret()?;
        let (credential, keys) = {
            let conn = self.db.lock();
            (
                rows::credential(&conn, credential_id)?,
                rows::keys_of(&conn, credential_id)?,
            )
        };

        let usage = KeyUse::new(KeyOperation::PinChange);
        let (old_kek, entry) = self.verify_pin(&credential, None, &usage, old, &device_secret)?;
        let secrets = self.open_keys((&old_kek, entry), &keys, old, &device_secret)?;

        let new_kek = Kek::derive(new, &KdfHeader::fresh(self.kdf), &device_secret)?;
        let verifier = new_kek.verifier(credential_id).encode();
        let wrapped: Vec<Vec<u8>> = keys
            .iter()
            .zip(&secrets)
            .map(|(key, secret)| {
                let binding = KeyBinding {
                    key_id: &key.id,
                    cert_fingerprint: key.bound_fingerprint(),
                    algorithm: &key.algorithm,
                };
                new_kek
                    .wrap(&Zeroizing::new(secret.to_bytes()), &binding)
                    .encode()
            })
            .collect();

        let written = self.db.write(|tx| {
            if !credential_unchanged(tx, &credential, &keys)? {
                return Err(KeystoreError::ConcurrentChange {
                    credential: credential_id.clone(),
                });
            }
            for (key, blob) in keys.iter().zip(&wrapped) {
                tx.execute(
                    "UPDATE keys SET wrapped_key = ?1 WHERE id = ?2",
                    rusqlite::params![blob, key.id.0],
                )?;
            }
            tx.execute(
                "UPDATE credentials SET pin_verifier = ?1, failed_attempts = 0 WHERE id = ?2",
                rusqlite::params![verifier, credential_id.0],
            )?;
            log::finish(tx, entry, KeyUseOutcome::Used)
        });
        if written.is_err() {
            self.reset_attempts(credential_id, entry, KeyUseOutcome::Failed)?;
            return written;
        }

        // The keys wrapped under the old PIN were overwritten in the main
        // file (`secure_delete`), but copies stay in the write-ahead log
        // until it is checkpointed. A failure here leaves them there until
        // SQLite's next automatic checkpoint; the change itself is done.
        if let Err(e) = self.db.checkpoint_truncate() {
            tracing::warn!(credential = %credential_id, error = %e, "WAL checkpoint after PIN change");
        }
        Ok(())
    }

    /// Creates and stores the device secret on the first open; otherwise
    /// unseals it once to check the binding. Returns whether it was
    /// created. The binding is called without the database lock held: it
    /// may call into the app.
    fn ensure_device_secret(&self) -> Result<bool, KeystoreError> {
        let stored = rows::sealed_device_secret(&self.db.lock())?;
        if let Some(sealed) = stored {
            self.unseal(&sealed)?;
            return Ok(false);
        }

        let mut secret = Zeroizing::new([0u8; DEVICE_SECRET_LEN]);
        OsRng.fill_bytes(secret.as_mut());
        let sealed = self.binding.seal(secret.as_ref())?;

        // Another process may have stored its own secret meanwhile; the
        // stored one wins. Either way it must open with this binding: a
        // binding that cannot give back what it sealed is caught now, not
        // after keys were wrapped under a secret nobody can recover.
        let stored = rows::store_device_secret(&self.db.lock(), &sealed)?;
        let unsealed = self.unseal(&stored)?;
        let created = stored == sealed;
        if created && unsealed.as_slice() != secret.as_slice() {
            return Err(KeystoreError::DeviceUnseal {
                detail: "the binding did not give back the secret it sealed".to_owned(),
            });
        }
        Ok(created)
    }

    /// The device secret, unsealed for one operation. Unsealing each time
    /// keeps the secret out of memory between operations and makes every
    /// PIN try need the device's key.
    fn device_secret(&self) -> Result<Zeroizing<Vec<u8>>, KeystoreError> {
        let sealed = rows::sealed_device_secret(&self.db.lock())?
            .ok_or_else(|| KeystoreError::corrupted("device secret", "is missing"))?;
        self.unseal(&sealed)
    }

    fn unseal(&self, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeystoreError> {
        let secret = self.binding.unseal(sealed).map_err(|e| {
            if e.retryable {
                KeystoreError::DeviceUnavailable { detail: e.detail }
            } else {
                KeystoreError::DeviceUnseal { detail: e.detail }
            }
        })?;
        if secret.len() != DEVICE_SECRET_LEN {
            return Err(KeystoreError::DeviceUnseal {
                detail: format!(
                    "the binding returned {} bytes instead of {DEVICE_SECRET_LEN}",
                    secret.len()
                ),
            });
        }
        Ok(secret)
    }
}

/// Whether the credential's verifier and keys are still those read
/// before the PIN check.
fn credential_unchanged(
    tx: &rusqlite::Transaction<'_>,
    credential: &CredentialRow,
    keys: &[KeyRow],
) -> Result<bool, KeystoreError> {
    let now = rows::credential(tx, &credential.id)?;
    let key_count: i64 = tx.query_row(
        "SELECT count(*) FROM keys WHERE credential_id = ?1",
        [&credential.id.0],
        |row| row.get(0),
    )?;
    if now.verifier_raw != credential.verifier_raw
        || usize::try_from(key_count).ok() != Some(keys.len())
    {
        return Ok(false);
    }
    for key in keys {
        if !rows::key_unchanged(tx, key)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// The outcome of an operation for its log event: `ok` or the error code.
fn outcome<T>(result: &Result<T, KeystoreError>) -> &'static str {
    result.as_ref().map_or_else(Localized::code, |_| "ok")
}

/// Checks that `cert` carries `public_key` (SEC1 uncompressed).
fn check_certificate_public_key(
    key_id: &KeyId,
    public_key: &[u8],
    cert: &CertInfo,
) -> Result<(), KeystoreError> {
    let mismatch = |detail: &str| KeystoreError::CertificateMismatch {
        key: key_id.clone(),
        fingerprint: cert.fingerprint.clone(),
        detail: detail.to_owned(),
    };
    match &cert.p256_public_key {
        None => Err(mismatch("its public key is not on P-256")),
        Some(certified) if certified.as_slice() == public_key => Ok(()),
        Some(_) => Err(mismatch("it carries another public key")),
    }
}

fn check_certificate_key(
    key_id: &KeyId,
    public_key: &p256::PublicKey,
    cert: &CertInfo,
) -> Result<(), KeystoreError> {
    check_certificate_public_key(key_id, public_key.to_encoded_point(false).as_bytes(), cert)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn keystore_is_send_and_sync() {
        fn shared<T: Send + Sync>() {}
        shared::<Keystore>();
        shared::<Arc<Keystore>>();
    }

    #[test]
    fn default_kdf_params_are_64_mib_3_passes_1_lane() {
        let params = KdfParams::default();
        assert_eq!(params.m_cost_kib, 65_536);
        assert_eq!(params.t_cost, 3);
        assert_eq!(params.p_cost, 1);
    }

    #[test]
    fn random_ids_are_128_bit_hex() {
        let a = random_id();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, random_id());
    }
}
