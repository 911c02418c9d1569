//! PIN attempts: counted and synced before the check, reset by a right
//! PIN, locking the credential after [`MAX_PIN_ATTEMPTS`] wrong ones.
//!
//! The order is what makes a killed process useless to an attacker: the
//! counter is incremented and committed (`synchronous = FULL`) before
//! Argon2id even starts, and only a verified PIN resets it. A process
//! killed in between keeps the try counted. The database lock is never
//! held across Argon2id.
//!
//! The signature log row of the try (see [`super::log`]) is written with
//! the counter and finished with its reset or the failure, so the log and
//! the counter never disagree about a try.

use p256::elliptic_curve::sec1::ToEncodedPoint;
use zeroize::Zeroizing;

use super::log::{self, KeyUse, KeyUseOutcome, SIGNATURE_LOG_LIMIT};
use super::rows::{self, CredentialRow, KeyRow};
use super::wrap::{Kek, KeyBinding};
use super::{CredentialId, KeyId, Keystore, KeystoreError, MAX_PIN_ATTEMPTS, Pin};

impl Keystore {
    /// Counts one attempt and writes its signature log row (see
    /// [`super::log`]) in one transaction, checks `pin` against the
    /// credential's verifier and returns the derived keys with the log
    /// row's id. The caller finishes the row with [`Self::reset_attempts`]
    /// (or in its own transaction with [`log::finish`]) once it has used
    /// the keys.
    pub(super) fn verify_pin(
        &self,
        credential: &CredentialRow,
        key: Option<&KeyId>,
        usage: &KeyUse,
        pin: &Pin,
        device_secret: &[u8],
    ) -> Result<(Kek, i64), KeystoreError> {
        let (count, entry) = self.count_attempt(&credential.id, key, usage)?;

        let kek = Kek::derive(pin, &credential.verifier.header, device_secret)?;
        if kek.matches(&credential.id, &credential.verifier) {
            return Ok((kek, entry));
        }

        Err(self.record_failure(&credential.id, count, entry)?)
    }

    /// Increments and commits the counter with the log row; refuses a
    /// locked credential without counting, its row written as locked.
    fn count_attempt(
        &self,
        credential: &CredentialId,
        key: Option<&KeyId>,
        usage: &KeyUse,
    ) -> Result<(u32, i64), KeystoreError> {
        let counted = self.db.write(|tx| {
            if rows::pin_status(tx, credential)?.locked {
                let outcome = KeyUseOutcome::Locked;
                log::begin(tx, credential, key, usage, outcome, SIGNATURE_LOG_LIMIT)?;
                return Ok(None);
            }
            let outcome = KeyUseOutcome::Interrupted;
            let entry = log::begin(tx, credential, key, usage, outcome, SIGNATURE_LOG_LIMIT)?;
            let count: i64 = tx.query_row(
                "UPDATE credentials SET failed_attempts = failed_attempts + 1 WHERE id = ?1
                 RETURNING failed_attempts",
                [&credential.0],
                |row| row.get(0),
            )?;
            Ok::<_, KeystoreError>(Some((u32::try_from(count).unwrap_or(u32::MAX), entry)))
        })?;
        counted.ok_or_else(|| KeystoreError::Locked {
            credential: credential.clone(),
        })
    }

    /// The error for a wrong PIN, locking the credential at the limit;
    /// log row `entry` says which.
    fn record_failure(
        &self,
        credential: &CredentialId,
        count: u32,
        entry: i64,
    ) -> Result<KeystoreError, KeystoreError> {
        if count >= MAX_PIN_ATTEMPTS {
            self.db.write(|tx| {
                tx.execute(
                    "UPDATE credentials SET locked = 1 WHERE id = ?1",
                    [&credential.0],
                )?;
                log::finish(tx, entry, KeyUseOutcome::Locked)
            })?;
            tracing::warn!(credential = %credential, outcome = "locked", "PIN check");
            return Ok(KeystoreError::Locked {
                credential: credential.clone(),
            });
        }

        log::finish(&self.db.lock(), entry, KeyUseOutcome::WrongPin)?;
        let tries_left = MAX_PIN_ATTEMPTS - count;
        tracing::warn!(credential = %credential, outcome = "pin_incorrect", tries_left, "PIN check");
        Ok(KeystoreError::PinIncorrect {
            credential: credential.clone(),
            tries_left,
        })
    }

    /// Clears the counter after a right PIN and sets the outcome of log
    /// row `entry`, in one transaction.
    pub(super) fn reset_attempts(
        &self,
        credential: &CredentialId,
        entry: i64,
        outcome: KeyUseOutcome,
    ) -> Result<(), KeystoreError> {
        self.db.write(|tx| {
            tx.execute(
                "UPDATE credentials SET failed_attempts = 0 WHERE id = ?1",
                [&credential.0],
            )?;
            log::finish(tx, entry, outcome)
        })
    }

    /// Opens every key in `keys` with a verified KEK. A key that does not
    /// open is a damaged row: the counter is reset (the PIN was right),
    /// log row `entry` marked failed and [`KeystoreError::Corrupted`]
    /// returned.
    pub(super) fn open_keys(
        &self,
        (kek, entry): (&Kek, i64),
        keys: &[KeyRow],
        pin: &Pin,
        device_secret: &[u8],
    ) -> Result<Vec<p256::SecretKey>, KeystoreError> {
        let opened: Result<Vec<_>, _> = keys
            .iter()
            .map(|key| open_key(kek, key, pin, device_secret))
            .collect();

        if let Err(e) = &opened {
            if let Some(first) = keys.first() {
                self.reset_attempts(&first.credential, entry, KeyUseOutcome::Failed)?;
            }
            tracing::error!(outcome = "corrupted", error = %e, "key unwrap");
        }
        opened
    }
}

fn open_key(
    kek: &Kek,
    key: &KeyRow,
    pin: &Pin,
    device_secret: &[u8],
) -> Result<p256::SecretKey, KeystoreError> {
    let what = format!("key {}", key.id);

    // Keys of a credential share the verifier's salt; one wrapped
    // otherwise (a future format) needs its own derivation.
    let own;
    let kek = if key.wrapped.header == *kek.header() {
        kek
    } else {
        own = Kek::derive(pin, &key.wrapped.header, device_secret)?;
        &own
    };

    let binding = KeyBinding {
        key_id: &key.id,
        cert_fingerprint: key.bound_fingerprint(),
        algorithm: &key.algorithm,
    };
    let scalar: Zeroizing<Vec<u8>> = kek.unwrap(&key.wrapped, &binding).ok_or_else(|| {
        KeystoreError::corrupted(&what, "does not open although the PIN is right")
    })?;

    let secret = p256::SecretKey::from_slice(&scalar)
        .map_err(|_| KeystoreError::corrupted(&what, "is not a valid P-256 private key"))?;
    if secret.public_key().to_encoded_point(false).as_bytes() != key.public_key.as_slice() {
        return Err(KeystoreError::corrupted(
            &what,
            "does not match its stored public key",
        ));
    }
    Ok(secret)
}
