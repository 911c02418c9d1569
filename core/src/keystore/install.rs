//! Certificate installation: a credential's PIN checked once, then its
//! keys re-wrapped under the certificates the CA issued.
//!
//! Installing is split in two. A caller can then check the PIN before a
//! step that must not run on a typo: the certificate download marks the
//! order downloaded on the platform. The whole installation still costs
//! one try, one Argon2id derivation and one signature log row:
//!
//! 1. [`Keystore::unlock_credential`] counts the try, checks the PIN and
//!    resets the counter, writing one `CertificateInstall` log row.
//! 2. [`Keystore::install_certificates`] re-wraps each key bound to its
//!    new certificate's fingerprint, all in one transaction.
//!
//! [`UnlockedCredential`] carries the derived keys from one to the other;
//! they are zeroized when it is dropped.

use zeroize::Zeroizing;

use super::log::{KeyOperation, KeyUse, KeyUseOutcome};
use super::rows::{self, KeyRow};
use super::wrap::{Kek, KeyBinding};
use super::{
    CertificateRecord, CredentialId, KeyId, Keystore, KeystoreError, Pin, bids,
    check_certificate_public_key, outcome,
};
use crate::pki::CertInfo;

/// A credential whose PIN was just checked, made by
/// [`Keystore::unlock_credential`] for [`Keystore::install_certificates`].
/// Holds the keys derived from the PIN and the device secret; both are
/// zeroized on drop.
pub struct UnlockedCredential<'p> {
    id: CredentialId,
    kek: Kek,
    /// The signature log row of the check, marked failed if the install
    /// then fails.
    entry: i64,
    pin: &'p Pin,
    device_secret: Zeroizing<Vec<u8>>,
}

impl UnlockedCredential<'_> {
    /// Returns the credential unlocked.
    #[must_use]
    pub fn credential(&self) -> &CredentialId {
        &self.id
    }
}

impl std::fmt::Debug for UnlockedCredential<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnlockedCredential")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// One certificate to install: for stored key `key_id`, with `chain` the
/// certificates between it and its trust anchor.
#[derive(Debug, Clone, Copy)]
pub struct CertificateInstall<'a> {
    /// The stored key whose public key `cert` carries.
    pub key_id: &'a KeyId,
    /// The certificate the CA issued.
    pub cert: &'a CertInfo,
    /// The issuing chain below the anchor, nearest first.
    pub chain: &'a [CertInfo],
}

impl Keystore {
    /// Checks `pin` for `credential` as one try, written to the signature
    /// log as one `CertificateInstall` row for `platform` (when given). A
    /// right PIN resets the counter at once, whatever the install then
    /// meets.
    ///
    /// # Errors
    /// [`KeystoreError::PinIncorrect`] with the tries left,
    /// [`KeystoreError::Locked`], [`KeystoreError::CredentialNotFound`], or
    /// a device or storage error.
    pub fn unlock_credential<'p>(
        &self,
        credential: &CredentialId,
        pin: &'p Pin,
        platform: Option<&str>,
    ) -> Result<UnlockedCredential<'p>, KeystoreError> {
        let mut usage = KeyUse::new(KeyOperation::CertificateInstall);
        if let Some(platform) = platform {
            usage = usage.platform(platform);
        }
        let result = self.unlock_credential_for(credential, None, pin, &usage);
        tracing::info!(credential = %credential, outcome = outcome(&result), "credential unlock");
        result
    }

    fn unlock_credential_for<'p>(
        &self,
        credential: &CredentialId,
        key: Option<&KeyId>,
        pin: &'p Pin,
        usage: &KeyUse,
    ) -> Result<UnlockedCredential<'p>, KeystoreError> {
        let device_secret = self.device_secret()?;
        let row = rows::credential(&self.db.lock(), credential)?;
        let (kek, entry) = self.verify_pin(&row, key, usage, pin, &device_secret)?;
        self.reset_attempts(&row.id, entry, KeyUseOutcome::Used)?;
        Ok(UnlockedCredential {
            id: row.id,
            kek,
            entry,
            pin,
            device_secret,
        })
    }

    /// Installs a certificate for a stored key whose public key it carries,
    /// re-wrapping the key bound to the certificate's fingerprint. Callers
    /// check the chain and key usage first. A certificate installed earlier
    /// for the same key is replaced, unless a pending bid opens with it.
    ///
    /// # Errors
    /// [`KeystoreError::KeyNeededByBids`] when the key has another
    /// certificate and a pending bid opens with it; [`KeystoreError`] on a
    /// wrong PIN, a key mismatch or a storage error.
    pub fn install_certificate(
        &self,
        key_id: &KeyId,
        pin: &Pin,
        cert: &CertInfo,
        chain: &[CertInfo],
    ) -> Result<CertificateRecord, KeystoreError> {
        let result = (|| {
            let key = rows::key(&self.db.lock(), key_id)?;
            check_certificate_public_key(key_id, &key.public_key, cert)?;
            let usage = KeyUse::new(KeyOperation::CertificateInstall);
            let unlocked =
                self.unlock_credential_for(&key.credential, Some(key_id), pin, &usage)?;
            let install = CertificateInstall {
                key_id,
                cert,
                chain,
            };
            self.install_certificates(&unlocked, &[install], &[])?
                .pop()
                .ok_or_else(|| KeystoreError::KeyNotFound {
                    key: key_id.clone(),
                })
        })();
        tracing::info!(key = %key_id, certificate = %cert.fingerprint, outcome = outcome(&result), "certificate install");
        result
    }

    /// Installs `installs`, each as [`Keystore::install_certificate`] does,
    /// for keys of the credential `unlocked` holds, and adds the trust
    /// anchors `anchors`, in one transaction: either everything is written
    /// or nothing. A failure marks the unlock's signature log row failed.
    ///
    /// # Errors
    /// [`KeystoreError::KeyOfAnotherCredential`] for a key of another
    /// credential and [`KeystoreError::CertificateMismatch`] for a
    /// certificate that does not carry its key's public key, before
    /// anything is written; [`KeystoreError::KeyNeededByBids`],
    /// [`KeystoreError::ConcurrentChange`], or a storage or integrity
    /// error.
    pub fn install_certificates(
        &self,
        unlocked: &UnlockedCredential<'_>,
        installs: &[CertificateInstall<'_>],
        anchors: &[CertInfo],
    ) -> Result<Vec<CertificateRecord>, KeystoreError> {
        let result = self.install_certificates_inner(unlocked, installs, anchors);
        if result.is_err() {
            self.reset_attempts(&unlocked.id, unlocked.entry, KeyUseOutcome::Failed)?;
        }
        result
    }

    fn install_certificates_inner(
        &self,
        unlocked: &UnlockedCredential<'_>,
        installs: &[CertificateInstall<'_>],
        anchors: &[CertInfo],
    ) -> Result<Vec<CertificateRecord>, KeystoreError> {
        // The verifier and the keys are read in one transaction: a PIN
        // changed since the unlock (here or in another process) re-wrapped
        // the keys under another PIN, which this KEK must not mistake for
        // damaged rows.
        let keys: Vec<KeyRow> = self.db.write(|tx| {
            let credential = rows::credential(tx, &unlocked.id)?;
            if !unlocked.kek.matches(&credential.id, &credential.verifier) {
                return Err(KeystoreError::ConcurrentChange {
                    credential: unlocked.id.clone(),
                });
            }
            installs
                .iter()
                .map(|install| rows::key(tx, install.key_id))
                .collect::<Result<_, _>>()
        })?;
        for (install, key) in installs.iter().zip(&keys) {
            if key.credential != unlocked.id {
                return Err(KeystoreError::KeyOfAnotherCredential {
                    key: install.key_id.clone(),
                    credential: unlocked.id.clone(),
                });
            }
            check_certificate_public_key(install.key_id, &key.public_key, install.cert)?;
        }

        let secrets = self.open_keys(
            (&unlocked.kek, unlocked.entry),
            &keys,
            unlocked.pin,
            &unlocked.device_secret,
        )?;
        // Same salt as before, so the verifier still matches; each nonce
        // is fresh.
        let wrapped: Vec<Vec<u8>> = installs
            .iter()
            .zip(&keys)
            .zip(&secrets)
            .map(|((install, key), secret)| {
                let binding = KeyBinding {
                    key_id: install.key_id,
                    cert_fingerprint: &install.cert.fingerprint,
                    algorithm: &key.algorithm,
                };
                unlocked
                    .kek
                    .wrap(&Zeroizing::new(secret.to_bytes()), &binding)
                    .encode()
            })
            .collect();

        let written = self.db.write(|tx| {
            for ((install, key), wrapped) in installs.iter().zip(&keys).zip(&wrapped) {
                if !rows::key_unchanged(tx, key)? {
                    return Err(KeystoreError::ConcurrentChange {
                        credential: unlocked.id.clone(),
                    });
                }
                if key
                    .cert_fingerprint
                    .as_deref()
                    .is_some_and(|old| old != install.cert.fingerprint)
                {
                    bids::guard(tx, install.key_id, "replace the certificate of")?;
                }
                rows::replace_certificate(tx, install.key_id, install.cert, install.chain)?;
                tx.execute(
                    "UPDATE keys SET wrapped_key = ?1, cert_fingerprint = ?2 WHERE id = ?3",
                    rusqlite::params![wrapped, install.cert.fingerprint, install.key_id.0],
                )?;
            }
            for anchor in anchors {
                rows::add_trust_anchor(tx, anchor)?;
            }
            Ok(())
        });
        written?;
        for anchor in anchors {
            tracing::info!(anchor = %anchor.fingerprint, "added trust anchor");
        }

        Ok(installs
            .iter()
            .zip(keys)
            .map(|(install, key)| CertificateRecord {
                key_id: install.key_id.clone(),
                credential: unlocked.id.clone(),
                role: key.role,
                cert: install.cert.clone(),
                chain: install.chain.to_vec(),
            })
            .collect())
    }
}
