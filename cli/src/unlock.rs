//! Unlocking a certificate's key with a PIN, with errors that name the
//! certificate the user sees in `palmbid certs` rather than the internal
//! credential id.

use palmbid_core::error::Localized;
use palmbid_core::keystore::{
    CertificateRecord, KeyUse, Keystore, KeystoreError, MAX_PIN_ATTEMPTS, Pin, UnlockedKey,
};

use crate::Context;
use crate::error::{CliError, CliResult, core};
use crate::select::short_id;

/// Rejects a locked certificate before its PIN is requested in vain.
pub(crate) fn refuse_locked(keystore: &Keystore, record: &CertificateRecord) -> CliResult<()> {
    let status = keystore.pin_status(&record.credential).map_err(core)?;
    if status.locked {
        return Err(locked(record));
    }
    Ok(())
}

/// Asks the PIN of `record` and unlocks its key for `usage`, which the
/// signature log records.
pub(crate) fn unlock(
    ctx: &Context,
    keystore: &Keystore,
    record: &CertificateRecord,
    usage: &KeyUse,
) -> CliResult<UnlockedKey> {
    refuse_locked(keystore, record)?;
    let pin = ctx.secrets.pin()?;
    keystore
        .unlock(&record.key_id, &pin, usage)
        .map_err(|e| pin_error(record, e))
}

/// Changes the PIN of `record`'s credential.
pub(crate) fn change_pin(
    keystore: &Keystore,
    record: &CertificateRecord,
    old: &Pin,
    new: &Pin,
) -> CliResult<()> {
    keystore
        .change_pin(&record.credential, old, new)
        .map_err(|e| pin_error(record, e))
}

/// A wrong PIN or a lock, told with the certificate's id and subject;
/// any other error as the core reports it.
pub(crate) fn pin_error(record: &CertificateRecord, err: KeystoreError) -> CliError {
    match err {
        KeystoreError::PinIncorrect { tries_left, .. } => {
            let id = short_id(record);
            let subject = &record.cert.subject;
            CliError::failed(
                err.code(),
                format!(
                    "证书 {id}（{subject}）的 PIN 码错误，还可以再试 {tries_left} 次，之后将被锁定；请核对后重试"
                ),
                format!(
                    "wrong PIN for certificate {id} ({subject}): {tries_left} tries left before it locks; check the PIN and try again"
                ),
            )
        }
        KeystoreError::Locked { .. } => locked(record),
        other => core(other),
    }
}

fn locked(record: &CertificateRecord) -> CliError {
    let id = short_id(record);
    let subject = &record.cert.subject;
    CliError::failed(
        "keystore.locked",
        format!(
            "证书 {id}（{subject}）已因连续 {MAX_PIN_ATTEMPTS} 次输错 PIN 码被锁定，无法继续使用；请重新申请证书"
        ),
        format!(
            "certificate {id} ({subject}) is locked after {MAX_PIN_ATTEMPTS} wrong PINs in a row and cannot be used any more; apply for a new certificate to replace it"
        ),
    )
}
