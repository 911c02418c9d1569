//! The signature log (签名记录): one row for every PIN entry that
//! requests a private key, so the user can read what the phone did with the
//! certificate, and see attempts made by someone else.
//!
//! # Where rows are written, and why that cannot be skipped
//!
//! Every use of a stored key goes through [`Keystore::unlock`], and every
//! PIN entry (including [`Keystore::install_certificate`] and
//! [`Keystore::change_pin`]) through the attempt counter of
//! [`super::attempts`]. The row is written there:
//!
//! 1. It is inserted, as [`KeyUseOutcome::Interrupted`], in the same
//!    transaction that counts the attempt, before Argon2id starts. If the
//!    row cannot be written the attempt is not counted either, and the
//!    operation fails with the storage error: the key is never unwrapped
//!    without its row.
//! 2. A right PIN marks it [`KeyUseOutcome::Used`] in the same
//!    transaction that resets the counter, and the key is handed to the
//!    caller only after that commit. A failed update fails the operation
//!    (the user sees the storage error and may retry); it never signs
//!    silently unlogged.
//! 3. A wrong PIN marks it [`KeyUseOutcome::WrongPin`], or
//!    [`KeyUseOutcome::Locked`] when it locks the credential; a try on a
//!    locked credential is written as `Locked` without counting.
//! 4. A process killed between 1 and 2 or 3 leaves `Interrupted`: the try
//!    was counted and its result never known.
//!
//! `Used` means the PIN was right and the key was handed to the operation
//! named. Whether the platform then accepted the answer is the
//! operation's own result, shown on its screen.
//!
//! A row is one key unlocked: an operation that needs both keys (a QR
//! decryption, a hall decryption check or key release, which also sign
//! their proof) writes one row for each, told apart by the key's role. A
//! certificate installation checks its credential's PIN once and writes
//! one `CertificateInstall` row for all the keys it re-wraps, the
//! certificate download included (see [`super::install`]).
//!
//! Nothing secret is stored: no PIN, no key, no content. A document is
//! named by the file name the requester gave and its SHA-256.
//!
//! # Size
//!
//! The log keeps the newest [`SIGNATURE_LOG_LIMIT`] rows; each insert
//! deletes older ones in the same transaction. Row ids only grow
//! (`AUTOINCREMENT`), so an id stays a valid page cursor after trimming.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::rows::now;
use super::{CredentialId, KeyId, KeystoreError};
use crate::cms::CmsError;
use crate::pki::{CertInfo, KeyRole};

/// Rows kept; older rows are deleted as new ones are written.
pub const SIGNATURE_LOG_LIMIT: u32 = 10_000;

/// The purpose a PIN entry unlocked a key for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyOperation {
    /// A detached signature over a digest the app passed (数字签名).
    SignDigest,
    /// A detached signature over a local file.
    SignFile,
    /// Opening an envelope file on the phone.
    DecryptFile,
    /// Releasing an envelope's content key to a public key the app passed.
    ReleaseKey,
    /// QR login (扫码登录).
    QrLogin,
    /// QR signature of a document (扫码签名).
    QrSign,
    /// QR seal of a PDF (扫码签章).
    QrSeal,
    /// Handing the encryption certificate to the toolbox over QR.
    QrEncryptionCertificate,
    /// QR decryption: content key released to the toolbox (扫码解密).
    QrDecrypt,
    /// Hall sign-in (签到).
    HallSignIn,
    /// Hall decryption check (解密检测).
    HallDecryptionCheck,
    /// Hall key release at the opening (开标解密).
    HallKeyRelease,
    /// Hall quote confirmation (确认报价).
    HallQuoteConfirmation,
    /// Hall challenge (质疑).
    HallChallenge,
    /// Hall multi-round quote (多轮报价).
    HallRoundQuote,
    /// Hall coefficient draw contribution (抽系数).
    HallDrawContribution,
    /// Electronic bid guarantee application (电子保函申请).
    GuaranteeApplication,
    /// Installing a certificate for a stored key (pickup or import).
    CertificateInstall,
    /// Changing the PIN of a credential.
    PinChange,
}

impl KeyOperation {
    /// Every operation, in declaration order.
    pub const ALL: [KeyOperation; 19] = [
        KeyOperation::SignDigest,
        KeyOperation::SignFile,
        KeyOperation::DecryptFile,
        KeyOperation::ReleaseKey,
        KeyOperation::QrLogin,
        KeyOperation::QrSign,
        KeyOperation::QrSeal,
        KeyOperation::QrEncryptionCertificate,
        KeyOperation::QrDecrypt,
        KeyOperation::HallSignIn,
        KeyOperation::HallDecryptionCheck,
        KeyOperation::HallKeyRelease,
        KeyOperation::HallQuoteConfirmation,
        KeyOperation::HallChallenge,
        KeyOperation::HallRoundQuote,
        KeyOperation::HallDrawContribution,
        KeyOperation::GuaranteeApplication,
        KeyOperation::CertificateInstall,
        KeyOperation::PinChange,
    ];

    /// The stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyOperation::SignDigest => "sign_digest",
            KeyOperation::SignFile => "sign_file",
            KeyOperation::DecryptFile => "decrypt_file",
            KeyOperation::ReleaseKey => "release_key",
            KeyOperation::QrLogin => "qr_login",
            KeyOperation::QrSign => "qr_sign",
            KeyOperation::QrSeal => "qr_seal",
            KeyOperation::QrEncryptionCertificate => "qr_encryption_certificate",
            KeyOperation::QrDecrypt => "qr_decrypt",
            KeyOperation::HallSignIn => "hall_sign_in",
            KeyOperation::HallDecryptionCheck => "hall_decryption_check",
            KeyOperation::HallKeyRelease => "hall_key_release",
            KeyOperation::HallQuoteConfirmation => "hall_quote_confirmation",
            KeyOperation::HallChallenge => "hall_challenge",
            KeyOperation::HallRoundQuote => "hall_round_quote",
            KeyOperation::HallDrawContribution => "hall_draw_contribution",
            KeyOperation::GuaranteeApplication => "guarantee_application",
            KeyOperation::CertificateInstall => "certificate_install",
            KeyOperation::PinChange => "pin_change",
        }
    }

    /// Parses [`KeyOperation::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|op| op.as_str() == text)
    }

    /// The name a screen shows, in zh-CN (`zh == true`) or English.
    pub fn label(self, zh: bool) -> &'static str {
        let (zh_cn, en) = match self {
            KeyOperation::SignDigest => ("摘要签名", "sign digest"),
            KeyOperation::SignFile => ("文件签名", "sign file"),
            KeyOperation::DecryptFile => ("文件解密", "decrypt file"),
            KeyOperation::ReleaseKey => ("密钥释放", "release key"),
            KeyOperation::QrLogin => ("扫码登录", "QR login"),
            KeyOperation::QrSign => ("扫码签名", "QR sign"),
            KeyOperation::QrSeal => ("扫码签章", "QR seal"),
            KeyOperation::QrEncryptionCertificate => {
                ("扫码获取加密证书", "QR encryption certificate")
            }
            KeyOperation::QrDecrypt => ("扫码解密", "QR decrypt"),
            KeyOperation::HallSignIn => ("开标签到", "hall sign-in"),
            KeyOperation::HallDecryptionCheck => ("解密检测", "decryption check"),
            KeyOperation::HallKeyRelease => ("开标解密", "hall key release"),
            KeyOperation::HallQuoteConfirmation => ("确认报价", "quote confirmation"),
            KeyOperation::HallChallenge => ("质疑", "challenge"),
            KeyOperation::HallRoundQuote => ("多轮报价", "round quote"),
            KeyOperation::HallDrawContribution => ("抽系数", "draw contribution"),
            KeyOperation::GuaranteeApplication => ("保函申请", "guarantee application"),
            KeyOperation::CertificateInstall => ("证书安装", "certificate install"),
            KeyOperation::PinChange => ("修改 PIN 码", "PIN change"),
        };
        if zh { zh_cn } else { en }
    }
}

/// The result of a PIN entry, as far as the keystore knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyUseOutcome {
    /// The PIN was right and the key was handed to the operation.
    Used,
    /// Refused: wrong PIN (the try was counted).
    WrongPin,
    /// Refused: the credential is locked, or this wrong PIN locked it.
    Locked,
    /// The PIN was right but the key could not be used (a damaged key or
    /// a storage error); nothing was signed.
    Failed,
    /// The try was counted but the process stopped before its result
    /// was written.
    Interrupted,
}

impl KeyUseOutcome {
    /// The stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyUseOutcome::Used => "used",
            KeyUseOutcome::WrongPin => "wrong_pin",
            KeyUseOutcome::Locked => "locked",
            KeyUseOutcome::Failed => "failed",
            KeyUseOutcome::Interrupted => "interrupted",
        }
    }

    /// Parses [`KeyUseOutcome::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        [
            KeyUseOutcome::Used,
            KeyUseOutcome::WrongPin,
            KeyUseOutcome::Locked,
            KeyUseOutcome::Failed,
            KeyUseOutcome::Interrupted,
        ]
        .into_iter()
        .find(|o| o.as_str() == text)
    }

    /// Whether the key was refused to the requester (wrong PIN or locked).
    pub fn refused(self) -> bool {
        matches!(self, KeyUseOutcome::WrongPin | KeyUseOutcome::Locked)
    }

    /// The name a screen shows, in zh-CN (`zh == true`) or English.
    pub fn label(self, zh: bool) -> &'static str {
        let (zh_cn, en) = match self {
            KeyUseOutcome::Used => ("已使用", "used"),
            KeyUseOutcome::WrongPin => ("拒绝：PIN 码错误", "refused: wrong PIN"),
            KeyUseOutcome::Locked => ("拒绝：已锁定", "refused: locked"),
            KeyUseOutcome::Failed => ("失败", "failed"),
            KeyUseOutcome::Interrupted => ("中断", "interrupted"),
        };
        if zh { zh_cn } else { en }
    }
}

/// What a key is unlocked for, as the caller of [`Keystore::unlock`]
/// describes it for the log.
///
/// [`Keystore::unlock`]: super::Keystore::unlock
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyUse {
    /// The operation.
    pub operation: KeyOperation,
    /// The trusted platform's name, when the use is for one.
    pub platform: Option<String>,
    /// The QR requester: site or program, machine and address.
    pub requester: Option<String>,
    /// The project (bid opening or guarantee), when there is one.
    pub project: Option<String>,
    /// The document's file name, as the requester or the app gave it.
    pub document_name: Option<String>,
    /// SHA-256 of what was signed or decrypted, lower-case hex.
    pub document_sha256: Option<String>,
}

impl KeyUse {
    /// A use for `operation` with nothing else known yet.
    pub fn new(operation: KeyOperation) -> Self {
        KeyUse {
            operation,
            platform: None,
            requester: None,
            project: None,
            document_name: None,
            document_sha256: None,
        }
    }

    /// Names the platform.
    #[must_use]
    pub fn platform(mut self, name: &str) -> Self {
        self.platform = Some(name.to_owned());
        self
    }

    /// Names who asked.
    #[must_use]
    pub fn requester(mut self, requester: String) -> Self {
        self.requester = Some(requester);
        self
    }

    /// Names the project.
    #[must_use]
    pub fn project(mut self, project: &str) -> Self {
        self.project = Some(project.to_owned());
        self
    }

    /// Names a local file by its file name and SHA-256, read now; returns
    /// the digest too, for a caller that signs it.
    ///
    /// # Errors
    /// [`CmsError::Io`] when the file cannot be read.
    pub fn file(self, path: &Path) -> Result<(Self, [u8; 32]), CmsError> {
        let digest = crate::cms::sha256_file(path)?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        Ok((self.document(&name, &hex::encode(digest)), digest))
    }

    /// Names the document and its SHA-256 (lower-case hex).
    #[must_use]
    pub fn document(mut self, name: &str, sha256: &str) -> Self {
        self.document_name = Some(name.to_owned());
        self.digest(sha256)
    }

    /// Names the SHA-256 (lower-case hex) of content that has no name.
    #[must_use]
    pub fn digest(mut self, sha256: &str) -> Self {
        self.document_sha256 = Some(sha256.to_ascii_lowercase());
        self
    }
}

/// One row of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureLogEntry {
    /// Row id: increasing, never reused; the cursor of
    /// [`Keystore::signature_log`](super::Keystore::signature_log).
    pub id: i64,
    /// When the PIN was entered, Unix seconds, phone clock.
    pub at: i64,
    /// The operation.
    pub operation: KeyOperation,
    /// The credential whose PIN was entered.
    pub credential: CredentialId,
    /// The key, `None` for a PIN change (every key of the credential).
    pub key_id: Option<KeyId>,
    /// Signing or encryption, with `key_id`.
    pub role: Option<KeyRole>,
    /// Serial number of the key's certificate at the time, lower-case
    /// hex; `None` before one is installed.
    pub certificate_serial: Option<String>,
    /// See [`KeyUse::platform`].
    pub platform: Option<String>,
    /// See [`KeyUse::requester`].
    pub requester: Option<String>,
    /// See [`KeyUse::project`].
    pub project: Option<String>,
    /// See [`KeyUse::document_name`].
    pub document_name: Option<String>,
    /// See [`KeyUse::document_sha256`].
    pub document_sha256: Option<String>,
    /// The result.
    pub outcome: KeyUseOutcome,
}

/// Writes a row for a PIN entry on `credential` (for `key`, when one key
/// is asked for) and trims the log to `limit` rows. Returns the row id.
pub(super) fn begin(
    tx: &Transaction<'_>,
    credential: &CredentialId,
    key: Option<&KeyId>,
    usage: &KeyUse,
    outcome: KeyUseOutcome,
    limit: u32,
) -> Result<i64, KeystoreError> {
    let (role, serial) = match key {
        Some(key) => key_details(tx, key)?,
        None => (None, None),
    };
    let id: i64 = tx.query_row(
        "INSERT INTO signature_log (at, operation, credential_id, key_id, key_role,
             certificate_serial, platform, requester, project, document_name,
             document_sha256, outcome)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         RETURNING id",
        params![
            now(),
            usage.operation.as_str(),
            credential.0,
            key.map(|k| k.0.as_str()),
            role,
            serial,
            usage.platform,
            usage.requester,
            usage.project,
            usage.document_name,
            usage.document_sha256,
            outcome.as_str(),
        ],
        |row| row.get(0),
    )?;
    trim(tx, limit)?;
    Ok(id)
}

/// Sets the outcome of row `id`.
pub(super) fn finish(
    conn: &Connection,
    id: i64,
    outcome: KeyUseOutcome,
) -> Result<(), KeystoreError> {
    let changed = conn.execute(
        "UPDATE signature_log SET outcome = ?1 WHERE id = ?2",
        params![outcome.as_str(), id],
    )?;
    if changed != 1 {
        return Err(KeystoreError::corrupted(
            format!("signature log row {id}"),
            "disappeared before its outcome was written",
        ));
    }
    Ok(())
}

/// Deletes all but the newest `limit` rows.
fn trim(conn: &Connection, limit: u32) -> Result<(), KeystoreError> {
    conn.execute(
        "DELETE FROM signature_log WHERE id <= (
             SELECT id FROM signature_log ORDER BY id DESC LIMIT 1 OFFSET ?1)",
        [limit],
    )?;
    Ok(())
}

/// The key's role and its certificate's serial, as the log shows them.
fn key_details(
    conn: &Connection,
    key: &KeyId,
) -> Result<(Option<&'static str>, Option<String>), KeystoreError> {
    let row: Option<(String, Option<Vec<u8>>)> = conn
        .query_row(
            "SELECT k.role, c.der FROM keys k
             LEFT JOIN certificates c ON c.fingerprint = k.cert_fingerprint
             WHERE k.id = ?1",
            [&key.0],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let Some((role, der)) = row else {
        return Ok((None, None));
    };
    // A certificate that no longer parses is reported when it is used;
    // the log row goes without its serial rather than blocking the use.
    let serial = der
        .and_then(|der| CertInfo::from_der(&der, "certificate").ok())
        .map(|cert| cert.serial_hex());
    Ok((KeyRole::parse(&role).map(KeyRole::as_str), serial))
}

/// Up to `limit` rows older than row `before` (all rows when `None`),
/// newest first.
pub(super) fn read(
    conn: &Connection,
    limit: u32,
    before: Option<i64>,
) -> Result<Vec<SignatureLogEntry>, KeystoreError> {
    let mut statement = conn.prepare(
        "SELECT id, at, operation, credential_id, key_id, key_role, certificate_serial,
                platform, requester, project, document_name, document_sha256, outcome
         FROM signature_log WHERE id < ?1 ORDER BY id DESC LIMIT ?2",
    )?;
    let rows = statement
        .query_map(params![before.unwrap_or(i64::MAX), limit], raw_entry)?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter().map(parse_entry).collect()
}

type RawEntry = (
    i64,
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    [Option<String>; 5],
    String,
);

fn raw_entry(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawEntry> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
        [
            row.get(7)?,
            row.get(8)?,
            row.get(9)?,
            row.get(10)?,
            row.get(11)?,
        ],
        row.get(12)?,
    ))
}

fn parse_entry(raw: RawEntry) -> Result<SignatureLogEntry, KeystoreError> {
    let (id, at, operation, credential, key_id, role, serial, texts, outcome) = raw;
    let [platform, requester, project, document_name, document_sha256] = texts;
    let what = format!("signature log row {id}");

    let operation = KeyOperation::parse(&operation).ok_or_else(|| {
        KeystoreError::corrupted(&what, format!("has unknown operation {operation:?}"))
    })?;
    let outcome = KeyUseOutcome::parse(&outcome).ok_or_else(|| {
        KeystoreError::corrupted(&what, format!("has unknown outcome {outcome:?}"))
    })?;
    let role = match role {
        None => None,
        Some(text) => Some(KeyRole::parse(&text).ok_or_else(|| {
            KeystoreError::corrupted(&what, format!("has unknown key role {text:?}"))
        })?),
    };

    Ok(SignatureLogEntry {
        id,
        at,
        operation,
        credential: CredentialId(credential),
        key_id: key_id.map(KeyId),
        role,
        certificate_serial: serial,
        platform,
        requester,
        project,
        document_name,
        document_sha256,
        outcome,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use crate::store::{DATABASE_FILE, Database};

    fn write_rows(db: &Database, count: usize, limit: u32) -> Vec<i64> {
        let credential = CredentialId("c".to_owned());
        (0..count)
            .map(|_| {
                db.write(|tx| {
                    begin(
                        tx,
                        &credential,
                        None,
                        &KeyUse::new(KeyOperation::PinChange),
                        KeyUseOutcome::Interrupted,
                        limit,
                    )
                })
                .unwrap()
            })
            .collect()
    }

    #[test]
    fn names_round_trip() {
        for op in KeyOperation::ALL {
            assert_eq!(KeyOperation::parse(op.as_str()), Some(op));
            assert_ne!(op.label(true), op.label(false));
        }
        assert_eq!(KeyOperation::parse("sign"), None);
        assert_eq!(
            KeyUseOutcome::parse("wrong_pin"),
            Some(KeyUseOutcome::WrongPin)
        );
        assert_eq!(KeyUseOutcome::parse("ok"), None);
    }

    #[test]
    fn trim_keeps_the_newest_rows_and_ids_are_not_reused() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join(DATABASE_FILE)).unwrap();

        let ids = write_rows(&db, 5, 3);
        let kept: Vec<i64> = read(&db.lock(), 10, None)
            .unwrap()
            .iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(kept, [ids[4], ids[3], ids[2]]);

        db.lock().execute("DELETE FROM signature_log", []).unwrap();
        let next = write_rows(&db, 1, 3);
        assert!(next[0] > ids[4], "AUTOINCREMENT never hands out an old id");
    }

    #[test]
    fn read_pages_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join(DATABASE_FILE)).unwrap();
        let ids = write_rows(&db, 5, 100);

        let first = read(&db.lock(), 2, None).unwrap();
        let second = read(&db.lock(), 2, Some(first[1].id)).unwrap();
        let last = read(&db.lock(), 2, Some(second[1].id)).unwrap();

        let page = |p: &[SignatureLogEntry]| p.iter().map(|e| e.id).collect::<Vec<_>>();
        assert_eq!(page(&first), [ids[4], ids[3]]);
        assert_eq!(page(&second), [ids[2], ids[1]]);
        assert_eq!(page(&last), [ids[0]]);
    }

    #[test]
    fn damaged_row_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join(DATABASE_FILE)).unwrap();
        let ids = write_rows(&db, 1, 100);
        db.lock()
            .execute(
                "UPDATE signature_log SET operation = 'shred' WHERE id = ?1",
                [ids[0]],
            )
            .unwrap();

        let err = read(&db.lock(), 10, None).unwrap_err();

        assert!(matches!(err, KeystoreError::Corrupted { .. }), "{err:?}");
        assert!(err.to_string().contains("shred"), "{err}");
    }
}
