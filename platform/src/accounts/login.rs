//! SMS code login on the database: issuing codes, checking them, opening
//! and closing sessions. Synchronous; called on the blocking pool.
//!
//! Rules (see `palmbid_core::api::auth`): a 6-digit code from the OS
//! random source, valid [`SMS_CODE_TTL_SECS`], [`SMS_CODE_MAX_TRIES`]
//! wrong tries, one code a [`SMS_RESEND_SECS`] per number, single use.
//! A wrong try is counted in the same transaction that reads the code, so
//! parallel guesses cannot share one count.

use palmbid_core::api::auth::{
    SMS_CODE_MAX_TRIES, SMS_CODE_TTL_SECS, SMS_RESEND_SECS, is_mobile_number,
};
use rand_core::{OsRng, RngCore};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::AccountError;

/// Seconds a session lasts.
pub const SESSION_TTL_SECS: i64 = 30 * 24 * 3600;

/// A freshly issued code; the caller sends it and drops it.
pub(crate) struct IssuedCode {
    pub code: Zeroizing<String>,
    pub expires_at: i64,
    pub resend_after: i64,
}

/// An open session, as the bearer token resolves.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    /// The account's phone number.
    pub phone: String,
    /// Expiry, Unix seconds.
    pub expires_at: i64,
    /// Accepted user agreement version.
    pub agreement_version: String,
    /// Accepted privacy policy version.
    pub privacy_version: String,
}

/// What a successful login returns.
pub(crate) struct NewSession {
    pub token: Zeroizing<String>,
    pub expires_at: i64,
    pub accepted_at: i64,
}

/// Checks the phone number's shape.
pub(crate) fn check_phone(phone: &str) -> Result<(), AccountError> {
    if is_mobile_number(phone) {
        Ok(())
    } else {
        Err(AccountError::InvalidPhone {
            phone: phone.chars().take(32).collect(),
        })
    }
}

/// Stores a new code for `phone`, replacing any older one, unless one was
/// sent less than [`SMS_RESEND_SECS`] ago.
pub(crate) fn issue_code(
    conn: &mut Connection,
    phone: &str,
    now: i64,
) -> Result<IssuedCode, AccountError> {
    check_phone(phone)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;

    let last_sent: Option<i64> = tx
        .query_row(
            "SELECT sent_at FROM sms_codes WHERE phone = ?1",
            [phone],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(sent_at) = last_sent
        && now < sent_at + SMS_RESEND_SECS
    {
        return Err(AccountError::RateLimited {
            resend_after: sent_at + SMS_RESEND_SECS,
        });
    }

    let code = random_digits(6);
    let expires_at = now + SMS_CODE_TTL_SECS;
    tx.execute(
        "INSERT INTO sms_codes (phone, code_hash, sent_at, expires_at, tries, used)
         VALUES (?1, ?2, ?3, ?4, 0, 0)
         ON CONFLICT (phone) DO UPDATE SET code_hash = ?2, sent_at = ?3,
             expires_at = ?4, tries = 0, used = 0",
        params![phone, code_hash(phone, &code), now, expires_at],
    )?;
    tx.commit()?;

    Ok(IssuedCode {
        code,
        expires_at,
        resend_after: now + SMS_RESEND_SECS,
    })
}

/// The accepted document versions and who accepted them.
pub(crate) struct Consent<'a> {
    pub agreement_version: &'a str,
    pub privacy_version: &'a str,
    pub user_agent: Option<&'a str>,
}

/// Checks `code` for `phone`; on success uses it up, records the consent
/// and opens a session.
pub(crate) fn login(
    conn: &mut Connection,
    phone: &str,
    code: &str,
    consent: &Consent<'_>,
    now: i64,
) -> Result<NewSession, AccountError> {
    check_phone(phone)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;

    let row: Option<(Vec<u8>, i64, u32, bool)> = tx
        .query_row(
            "SELECT code_hash, expires_at, tries, used FROM sms_codes WHERE phone = ?1",
            [phone],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?;
    let Some((stored_hash, expires_at, tries, used)) = row else {
        return Err(AccountError::CodeExpired);
    };
    if used || now >= expires_at {
        return Err(AccountError::CodeExpired);
    }
    if tries >= SMS_CODE_MAX_TRIES {
        return Err(AccountError::CodeExhausted);
    }
    if code_hash(phone, code) != stored_hash {
        let tries = tries + 1;
        tx.execute(
            "UPDATE sms_codes SET tries = ?2 WHERE phone = ?1",
            params![phone, tries],
        )?;
        tx.commit()?;
        return Err(if tries >= SMS_CODE_MAX_TRIES {
            AccountError::CodeExhausted
        } else {
            AccountError::CodeWrong {
                tries_left: SMS_CODE_MAX_TRIES - tries,
            }
        });
    }

    tx.execute("UPDATE sms_codes SET used = 1 WHERE phone = ?1", [phone])?;
    tx.execute(
        "INSERT INTO accounts (phone, created_at, agreement_version, privacy_version, accepted_at)
         VALUES (?1, ?2, ?3, ?4, ?2)
         ON CONFLICT (phone) DO UPDATE SET agreement_version = ?3, privacy_version = ?4,
             accepted_at = ?2",
        params![
            phone,
            now,
            consent.agreement_version,
            consent.privacy_version
        ],
    )?;
    tx.execute(
        "INSERT INTO consents (phone, agreement_version, privacy_version, accepted_at, user_agent)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            phone,
            consent.agreement_version,
            consent.privacy_version,
            now,
            consent.user_agent
        ],
    )?;

    let token = new_token();
    let expires_at = now + SESSION_TTL_SECS;
    tx.execute(
        "INSERT INTO sessions (token_hash, phone, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![token_hash(&token), phone, now, expires_at],
    )?;
    tx.commit()?;

    Ok(NewSession {
        token,
        expires_at,
        accepted_at: now,
    })
}

/// The open session of `token`.
pub(crate) fn session(
    conn: &Connection,
    token: &str,
    now: i64,
) -> Result<SessionInfo, AccountError> {
    conn.query_row(
        "SELECT s.phone, s.expires_at, a.agreement_version, a.privacy_version
         FROM sessions s JOIN accounts a ON a.phone = s.phone
         WHERE s.token_hash = ?1 AND s.revoked_at IS NULL AND s.expires_at > ?2",
        params![token_hash(token), now],
        |row| {
            Ok(SessionInfo {
                phone: row.get(0)?,
                expires_at: row.get(1)?,
                agreement_version: row.get(2)?,
                privacy_version: row.get(3)?,
            })
        },
    )
    .optional()?
    .ok_or(AccountError::Unauthorized)
}

/// Revokes the open session of `token`; an expired or revoked one is
/// [`AccountError::Unauthorized`].
pub(crate) fn logout(conn: &Connection, token: &str, now: i64) -> Result<(), AccountError> {
    let changed = conn.execute(
        "UPDATE sessions SET revoked_at = ?2
         WHERE token_hash = ?1 AND revoked_at IS NULL AND expires_at > ?2",
        params![token_hash(token), now],
    )?;
    if changed == 0 {
        return Err(AccountError::Unauthorized);
    }
    Ok(())
}

/// `n` uniformly random decimal digits from the OS random source.
pub(crate) fn random_digits(n: usize) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(n));
    while out.len() < n {
        let mut byte = [0_u8; 1];
        OsRng.fill_bytes(&mut byte);
        // Rejection sampling: 250 is the largest multiple of 10 below 256,
        // so digits stay uniform.
        if byte[0] < 250 {
            out.push(char::from(b'0' + byte[0] % 10));
        }
    }
    out
}

fn new_token() -> Zeroizing<String> {
    let mut bytes = Zeroizing::new([0_u8; 32]);
    OsRng.fill_bytes(bytes.as_mut());
    Zeroizing::new(hex::encode(bytes.as_ref()))
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// NOTE: a 6-digit code has a tiny space, so this digest only keeps codes
/// out of casual view of the database; the tries limit is what protects.
fn code_hash(phone: &str, code: &str) -> Vec<u8> {
    let mut hasher = Sha256::new();
    hasher.update(phone.as_bytes());
    hasher.update([0]);
    hasher.update(code.as_bytes());
    hasher.finalize().to_vec()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn digits_are_digits_and_vary() {
        let a = random_digits(6);
        assert_eq!(a.len(), 6);
        assert!(a.bytes().all(|b| b.is_ascii_digit()));
        let distinct: std::collections::HashSet<String> =
            (0..20).map(|_| random_digits(6).to_string()).collect();
        assert!(distinct.len() > 15, "codes repeat: {}", distinct.len());
    }
}
