//! Portal browser sessions (交易平台门户): made from an answered QR login,
//! kept by an `HttpOnly` cookie whose SHA-256 is stored.
//!
//! A session names the company as the entity registry (主体库) holds it,
//! matched by the credit code of the order the answering certificate was
//! issued for, the way certificate download matches it; so a company that
//! is not registered cannot log in. One QR login makes at most one
//! session.

use palmbid_core::error::Localized;
use rand_core::{OsRng, RngCore};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::ca::revocation;
use crate::db::DbError;

/// Seconds a portal session lasts.
pub const SESSION_SECS: i64 = 8 * 3600;

/// Reasons a portal session could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PortalError {
    /// The certificate was not issued by this platform's CA orders.
    #[error("the certificate {fingerprint} was not issued by this platform")]
    UnknownCertificate {
        /// Its fingerprint.
        fingerprint: String,
    },

    /// The company is not in the entity registry.
    #[error(
        "the company {company} ({credit_code}) is not in the platform's entity registry; register it with the platform, then log in again"
    )]
    NotRegistered {
        /// Company name, from the order.
        company: String,
        /// Credit code.
        credit_code: String,
    },

    /// This login was used for a session already.
    #[error("this QR login was used already; log in with a new code")]
    AlreadyUsed,

    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for PortalError {
    fn from(err: rusqlite::Error) -> Self {
        PortalError::Db(DbError::Sqlite(err))
    }
}

impl Localized for PortalError {
    fn code(&self) -> &'static str {
        match self {
            PortalError::UnknownCertificate { .. } => "portal.unknown_certificate",
            PortalError::NotRegistered { .. } => "portal.company_not_registered",
            PortalError::AlreadyUsed => "portal.login_used",
            PortalError::Db(_) => "server.internal",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            PortalError::UnknownCertificate { .. } => "该证书不是本平台签发的".to_owned(),
            PortalError::NotRegistered {
                company,
                credit_code,
            } => format!("单位 {company}（{credit_code}）不在平台主体库中；请先登记，再重新登录"),
            PortalError::AlreadyUsed => "该扫码登录已使用；请用新的二维码登录".to_owned(),
            PortalError::Db(_) => "平台内部错误，请稍后重试".to_owned(),
        }
    }
}

/// The owner of a portal session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalUser {
    /// Company, as the entity registry names it.
    pub company: String,
    /// Unified social credit code.
    pub credit_code: String,
    /// The certificate holder (经办人).
    pub holder: String,
    /// SHA-256 fingerprint of the signing certificate that logged in.
    pub fingerprint: String,
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Makes the session of answered login `request_id`, signed by the
/// certificate with `fingerprint`; returns the cookie token and the user.
///
/// # Errors
/// [`PortalError::UnknownCertificate`], [`PortalError::NotRegistered`],
/// [`PortalError::AlreadyUsed`], [`PortalError::Db`].
pub fn start_session(
    conn: &Connection,
    request_id: &str,
    fingerprint: &str,
    now: i64,
) -> Result<(Zeroizing<String>, PortalUser), PortalError> {
    let (holder, order_company, credit_code) =
        revocation::holder(conn, fingerprint)?.ok_or_else(|| PortalError::UnknownCertificate {
            fingerprint: fingerprint.to_owned(),
        })?;
    let company: String = conn
        .query_row(
            "SELECT company FROM registry WHERE credit_code = ?1",
            [&credit_code],
            |row| row.get(0),
        )
        .optional()?
        .ok_or(PortalError::NotRegistered {
            company: order_company,
            credit_code: credit_code.clone(),
        })?;

    let mut bytes = [0_u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let token = Zeroizing::new(hex::encode(bytes));
    let inserted = conn.execute(
        "INSERT INTO portal_sessions (token_hash, request_id, company, credit_code, holder,
             fingerprint, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (request_id) DO NOTHING",
        params![
            token_hash(&token),
            request_id,
            company,
            credit_code,
            holder,
            fingerprint,
            now,
            now + SESSION_SECS
        ],
    )?;
    if inserted == 0 {
        return Err(PortalError::AlreadyUsed);
    }
    tracing::info!(
        request = request_id,
        certificate = fingerprint,
        "portal session started"
    );
    Ok((
        token,
        PortalUser {
            company,
            credit_code,
            holder,
            fingerprint: fingerprint.to_owned(),
        },
    ))
}

/// Finds the user of the open session with cookie `token`, if any.
///
/// # Errors
/// [`DbError::Sqlite`].
pub fn user(conn: &Connection, token: &str, now: i64) -> Result<Option<PortalUser>, DbError> {
    Ok(conn
        .query_row(
            "SELECT company, credit_code, holder, fingerprint FROM portal_sessions
             WHERE token_hash = ?1 AND ended_at IS NULL AND expires_at > ?2",
            params![token_hash(token), now],
            |row| {
                Ok(PortalUser {
                    company: row.get(0)?,
                    credit_code: row.get(1)?,
                    holder: row.get(2)?,
                    fingerprint: row.get(3)?,
                })
            },
        )
        .optional()?)
}

/// Ends the session with cookie `token`.
///
/// # Errors
/// [`DbError::Sqlite`].
pub fn end_session(conn: &Connection, token: &str, now: i64) -> Result<(), DbError> {
    conn.execute(
        "UPDATE portal_sessions SET ended_at = ?2 WHERE token_hash = ?1 AND ended_at IS NULL",
        params![token_hash(token), now],
    )?;
    Ok(())
}
