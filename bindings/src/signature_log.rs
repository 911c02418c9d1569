//! The signature log (签名记录) as the apps read it: every PIN entry that
//! asked for a key, newest first, including refused ones. The core writes
//! it where keys are unlocked (see `palmbid_core::keystore`'s `log`
//! module); this file only converts.

use palmbid_core::keystore as core;

use crate::error::PalmbidError;
use crate::keystore::Keystore;
use crate::records::KeyRole;

/// The purpose a PIN entry unlocked a key for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum KeyOperation {
    /// A signature over a digest the app passed (`sign_digest`).
    SignDigest,
    /// A signature over a local file (`sign_file`).
    SignFile,
    /// Opening an envelope file on the phone (`decrypt_file`).
    DecryptFile,
    /// Releasing a content key to a public key the app passed.
    ReleaseKey,
    /// QR login (扫码登录).
    QrLogin,
    /// QR signature (扫码签名).
    QrSign,
    /// QR seal (扫码签章).
    QrSeal,
    /// Encryption certificate handed to the toolbox over QR.
    QrEncryptionCertificate,
    /// QR decryption (扫码解密).
    QrDecrypt,
    /// Hall sign-in (签到).
    HallSignIn,
    /// Hall decryption check (解密检测).
    HallDecryptionCheck,
    /// Hall key release at the opening (开标解密).
    HallKeyRelease,
    /// Quote confirmation (确认报价).
    HallQuoteConfirmation,
    /// Challenge (质疑).
    HallChallenge,
    /// Multi-round quote (多轮报价).
    HallRoundQuote,
    /// Coefficient draw contribution (抽系数).
    HallDrawContribution,
    /// Electronic bid guarantee application (电子保函申请).
    GuaranteeApplication,
    /// A certificate installed for a stored key.
    CertificateInstall,
    /// A PIN change.
    PinChange,
    /// An operation this version of the bindings does not name.
    Other,
}

impl From<core::KeyOperation> for KeyOperation {
    fn from(op: core::KeyOperation) -> Self {
        use core::KeyOperation as Op;
        match op {
            Op::SignDigest => KeyOperation::SignDigest,
            Op::SignFile => KeyOperation::SignFile,
            Op::DecryptFile => KeyOperation::DecryptFile,
            Op::ReleaseKey => KeyOperation::ReleaseKey,
            Op::QrLogin => KeyOperation::QrLogin,
            Op::QrSign => KeyOperation::QrSign,
            Op::QrSeal => KeyOperation::QrSeal,
            Op::QrEncryptionCertificate => KeyOperation::QrEncryptionCertificate,
            Op::QrDecrypt => KeyOperation::QrDecrypt,
            Op::HallSignIn => KeyOperation::HallSignIn,
            Op::HallDecryptionCheck => KeyOperation::HallDecryptionCheck,
            Op::HallKeyRelease => KeyOperation::HallKeyRelease,
            Op::HallQuoteConfirmation => KeyOperation::HallQuoteConfirmation,
            Op::HallChallenge => KeyOperation::HallChallenge,
            Op::HallRoundQuote => KeyOperation::HallRoundQuote,
            Op::HallDrawContribution => KeyOperation::HallDrawContribution,
            Op::GuaranteeApplication => KeyOperation::GuaranteeApplication,
            Op::CertificateInstall => KeyOperation::CertificateInstall,
            Op::PinChange => KeyOperation::PinChange,
            _ => KeyOperation::Other,
        }
    }
}

/// The result of a PIN entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum KeyUseOutcome {
    /// The PIN was right and the key was used.
    Used,
    /// Refused: wrong PIN.
    WrongPin,
    /// Refused: the credential is locked, or this try locked it.
    Locked,
    /// The PIN was right but the key could not be used, so nothing was signed.
    Failed,
    /// Counted, but the app stopped before the result was written.
    Interrupted,
}

impl From<core::KeyUseOutcome> for KeyUseOutcome {
    fn from(outcome: core::KeyUseOutcome) -> Self {
        match outcome {
            core::KeyUseOutcome::Used => KeyUseOutcome::Used,
            core::KeyUseOutcome::WrongPin => KeyUseOutcome::WrongPin,
            core::KeyUseOutcome::Locked => KeyUseOutcome::Locked,
            core::KeyUseOutcome::Failed => KeyUseOutcome::Failed,
            core::KeyUseOutcome::Interrupted => KeyUseOutcome::Interrupted,
        }
    }
}

/// One row of the signature log. Nothing secret: no PIN, key or content.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SignatureLogEntry {
    /// Row id; pass the last one received as `before` for the next page.
    pub id: i64,
    /// When the PIN was entered, seconds since the Unix epoch, phone clock.
    pub at_unix: i64,
    /// The operation.
    pub operation: KeyOperation,
    /// The credential whose PIN was entered.
    pub credential_id: String,
    /// The key; `None` for a PIN change (all keys of the credential).
    pub key_id: Option<String>,
    /// Its role, with `key_id`.
    pub role: Option<KeyRole>,
    /// Serial of the key's certificate then, lowercase hex.
    pub certificate_serial_hex: Option<String>,
    /// The platform's name, when the use was for one.
    pub platform: Option<String>,
    /// The requester of a QR request: site or program, machine, address.
    pub requester: Option<String>,
    /// The project (hall or guarantee).
    pub project: Option<String>,
    /// The document's file name.
    pub document_name: Option<String>,
    /// SHA-256 of what was signed or decrypted, lowercase hex.
    pub document_sha256: Option<String>,
    /// The result.
    pub outcome: KeyUseOutcome,
    /// Whether the key was refused (wrong PIN or locked): the app
    /// highlights these, since they may be someone else's tries.
    pub refused: bool,
}

impl From<core::SignatureLogEntry> for SignatureLogEntry {
    fn from(entry: core::SignatureLogEntry) -> Self {
        SignatureLogEntry {
            id: entry.id,
            at_unix: entry.at,
            operation: entry.operation.into(),
            credential_id: entry.credential.0,
            key_id: entry.key_id.map(|k| k.0),
            role: entry.role.map(KeyRole::from),
            certificate_serial_hex: entry.certificate_serial,
            platform: entry.platform,
            requester: entry.requester,
            project: entry.project,
            document_name: entry.document_name,
            document_sha256: entry.document_sha256,
            outcome: entry.outcome.into(),
            refused: entry.outcome.refused(),
        }
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Keystore {
    /// Up to `limit` rows of the signature log, newest first, older than
    /// row `before` (from the newest when `None`). The log keeps the
    /// newest 10 000 rows.
    ///
    /// # Errors
    /// A damaged row or a database error.
    pub async fn signature_log(
        &self,
        limit: u32,
        before: Option<i64>,
    ) -> Result<Vec<SignatureLogEntry>, PalmbidError> {
        self.with("Keystore.signature_log", move |keystore| {
            let entries = keystore
                .signature_log(limit, before)
                .map_err(PalmbidError::from_core)?;
            Ok(entries.into_iter().map(SignatureLogEntry::from).collect())
        })
        .await
    }
}
