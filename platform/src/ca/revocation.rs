//! Revocation of issued certificates: the operator revokes a certificate
//! on the console; QR answer verification refuses a revoked one.
//!
//! Only certificates this CA issued (rows of `order_certs`) can be
//! revoked, by their SHA-256 fingerprint. Revoking twice keeps the first
//! time and reason.
//!
//! NOTE: no CRL or OCSP responder is published yet; the platform itself is
//! the only relying party that sees revocations.

use palmbid_core::error::Localized;
use palmbid_core::pki::CertInfo;
use rusqlite::{Connection, OptionalExtension, params};

use crate::db::DbError;

/// Errors of revocation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RevocationError {
    /// No issued certificate has this fingerprint.
    #[error("no certificate issued by this platform has the fingerprint {fingerprint}")]
    NotFound {
        /// The fingerprint asked for.
        fingerprint: String,
    },

    /// The reason is empty or has control characters.
    #[error("give a reason for the revocation (1 to 200 characters, no control characters)")]
    InvalidReason,

    /// The stored certificate does not parse.
    #[error("the stored certificate {fingerprint} is unreadable: {detail}")]
    Unreadable {
        /// Its fingerprint.
        fingerprint: String,
        /// The parser's reason.
        detail: String,
    },

    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for RevocationError {
    fn from(err: rusqlite::Error) -> Self {
        RevocationError::Db(DbError::Sqlite(err))
    }
}

impl Localized for RevocationError {
    fn code(&self) -> &'static str {
        match self {
            RevocationError::NotFound { .. } => "revocation.not_found",
            RevocationError::InvalidReason => "revocation.invalid_reason",
            RevocationError::Unreadable { .. } => "revocation.unreadable",
            RevocationError::Db(_) => "server.internal",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            RevocationError::NotFound { fingerprint } => {
                format!("本平台没有签发指纹为 {fingerprint} 的证书")
            }
            RevocationError::InvalidReason => {
                "请填写吊销原因（1 到 200 个字符，不含控制字符）".to_owned()
            }
            RevocationError::Unreadable { fingerprint, .. } => {
                format!("已存储的证书 {fingerprint} 无法解析")
            }
            RevocationError::Db(_) => "平台内部错误，请稍后重试".to_owned(),
        }
    }
}

impl From<RevocationError> for crate::error::Failure {
    fn from(err: RevocationError) -> Self {
        use axum::http::StatusCode;
        use palmbid_core::api::ErrorCode;
        let status = match err {
            RevocationError::NotFound { .. } => StatusCode::NOT_FOUND,
            RevocationError::InvalidReason => StatusCode::BAD_REQUEST,
            RevocationError::Unreadable { .. } | RevocationError::Db(_) => {
                return crate::error::Failure::internal(&err);
            }
        };
        crate::error::Failure::new(
            status,
            ErrorCode::Malformed,
            err.to_string(),
            err.message_zh(),
        )
    }
}

/// A revocation as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revocation {
    /// SHA-256 fingerprint of the certificate, lower-case hex.
    pub fingerprint: String,
    /// Its serial number, lower-case hex.
    pub serial: String,
    /// When, Unix seconds.
    pub revoked_at: i64,
    /// The operator's reason.
    pub reason: String,
}

/// Revokes the issued certificate with `fingerprint` at `now`.
///
/// # Errors
/// [`RevocationError::NotFound`], [`RevocationError::InvalidReason`],
/// [`RevocationError::Unreadable`], [`RevocationError::Db`].
pub fn revoke(
    conn: &Connection,
    fingerprint: &str,
    reason: &str,
    now: i64,
) -> Result<Revocation, RevocationError> {
    let reason = reason.trim();
    let reason_chars = reason.chars().count();
    if reason_chars == 0 || reason_chars > 200 || reason.chars().any(char::is_control) {
        return Err(RevocationError::InvalidReason);
    }
    let der: Vec<u8> = conn
        .query_row(
            "SELECT der FROM order_certs WHERE fingerprint = ?1",
            [fingerprint],
            |row| row.get(0),
        )
        .optional()?
        .ok_or_else(|| RevocationError::NotFound {
            fingerprint: fingerprint.to_owned(),
        })?;
    let serial = CertInfo::from_der(&der, "issued certificate")
        .map_err(|e| RevocationError::Unreadable {
            fingerprint: fingerprint.to_owned(),
            detail: e.to_string(),
        })?
        .serial_hex();

    conn.execute(
        "INSERT INTO revocations (fingerprint, serial, revoked_at, reason)
         VALUES (?1, ?2, ?3, ?4) ON CONFLICT (fingerprint) DO NOTHING",
        params![fingerprint, serial, now, reason],
    )?;
    tracing::info!(fingerprint, serial = %serial, "certificate revoked");
    revocation(conn, fingerprint)?.ok_or_else(|| RevocationError::NotFound {
        fingerprint: fingerprint.to_owned(),
    })
}

/// Finds the revocation of `fingerprint`, if any.
///
/// # Errors
/// [`RevocationError::Db`].
pub fn revocation(
    conn: &Connection,
    fingerprint: &str,
) -> Result<Option<Revocation>, RevocationError> {
    Ok(conn
        .query_row(
            "SELECT fingerprint, serial, revoked_at, reason FROM revocations
             WHERE fingerprint = ?1",
            [fingerprint],
            |row| {
                Ok(Revocation {
                    fingerprint: row.get(0)?,
                    serial: row.get(1)?,
                    revoked_at: row.get(2)?,
                    reason: row.get(3)?,
                })
            },
        )
        .optional()?)
}

/// Checks whether `fingerprint` is revoked.
///
/// # Errors
/// [`DbError::Sqlite`].
pub fn is_revoked(conn: &Connection, fingerprint: &str) -> Result<bool, DbError> {
    let count: i64 = conn.query_row(
        "SELECT count(*) FROM revocations WHERE fingerprint = ?1",
        [fingerprint],
        |row| row.get(0),
    )?;
    Ok(count > 0)
}

/// An issued certificate as the console lists it.
#[derive(Debug, Clone)]
pub struct IssuedCertificate {
    /// SHA-256 fingerprint, lower-case hex.
    pub fingerprint: String,
    /// `signing` or `encryption`.
    pub role: String,
    /// Holder's name.
    pub holder: String,
    /// Company.
    pub company: String,
    /// Credit code.
    pub credit_code: String,
    /// When the order's certificates were issued, Unix seconds.
    pub issued_at: Option<i64>,
    /// The revocation, if revoked.
    pub revoked: Option<(i64, String)>,
}

/// Lists every certificate issued, newest order first.
///
/// # Errors
/// [`DbError::Sqlite`].
pub fn issued(conn: &Connection) -> Result<Vec<IssuedCertificate>, DbError> {
    let mut statement = conn.prepare(
        "SELECT c.fingerprint, c.role, o.name, o.company, o.credit_code, o.picked_up_at,
                r.revoked_at, r.reason
         FROM order_certs c JOIN orders o ON o.id = c.order_id
         LEFT JOIN revocations r ON r.fingerprint = c.fingerprint
         ORDER BY o.picked_up_at DESC, o.rowid DESC, c.role DESC",
    )?;
    let rows = statement
        .query_map([], |row| {
            let revoked_at: Option<i64> = row.get(6)?;
            let reason: Option<String> = row.get(7)?;
            Ok(IssuedCertificate {
                fingerprint: row.get(0)?,
                role: row.get(1)?,
                holder: row.get(2)?,
                company: row.get(3)?,
                credit_code: row.get(4)?,
                issued_at: row.get(5)?,
                revoked: revoked_at.map(|at| (at, reason.unwrap_or_default())),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Finds the holder of an issued certificate: `(name, company, credit code)` of
/// its order.
///
/// # Errors
/// [`DbError::Sqlite`].
pub fn holder(
    conn: &Connection,
    fingerprint: &str,
) -> Result<Option<(String, String, String)>, DbError> {
    Ok(conn
        .query_row(
            "SELECT o.name, o.company, o.credit_code
             FROM order_certs c JOIN orders o ON o.id = c.order_id
             WHERE c.fingerprint = ?1",
            [fingerprint],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?)
}
