//! The keystore's rows: reading them into typed values and writing them.
//!
//! Reads parse every stored blob at once, so a damaged row is reported as
//! [`KeystoreError::Corrupted`] before any PIN attempt is counted.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::MAX_PIN_ATTEMPTS;
use super::wrap::{ALGORITHM_P256, Verifier, WrappedKey};
use super::{CertificateRecord, CredentialId, KeyId, KeyRecord, KeystoreError, PinStatus};
use crate::pki::{CertInfo, KeyRole};

/// A credential as stored, its verifier parsed.
pub(super) struct CredentialRow {
    pub(super) id: CredentialId,
    pub(super) verifier: Verifier,
    /// The stored bytes, to notice a concurrent change before writing.
    pub(super) verifier_raw: Vec<u8>,
}

/// A key as stored, its wrapped blob parsed.
pub(super) struct KeyRow {
    pub(super) id: KeyId,
    pub(super) credential: CredentialId,
    pub(super) role: KeyRole,
    pub(super) algorithm: String,
    pub(super) public_key: Vec<u8>,
    pub(super) cert_fingerprint: Option<String>,
    pub(super) wrapped: WrappedKey,
    /// The stored bytes, to notice a concurrent change before writing.
    pub(super) wrapped_raw: Vec<u8>,
}

impl KeyRow {
    /// The fingerprint bound into the wrapped key: empty before a
    /// certificate is installed.
    pub(super) fn bound_fingerprint(&self) -> &str {
        self.cert_fingerprint.as_deref().unwrap_or("")
    }
}

/// Seconds since the Unix epoch, for `created_at` columns.
pub(super) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

const KEY_COLUMNS: &str =
    "id, credential_id, role, algorithm, public_key, cert_fingerprint, wrapped_key";

type RawKey = (
    String,
    String,
    String,
    String,
    Vec<u8>,
    Option<String>,
    Vec<u8>,
);

fn raw_key(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawKey> {
    Ok((
        row.get(0)?,
        row.get(1)?,
        row.get(2)?,
        row.get(3)?,
        row.get(4)?,
        row.get(5)?,
        row.get(6)?,
    ))
}

fn parse_key(raw: RawKey) -> Result<KeyRow, KeystoreError> {
    let (id, credential, role, algorithm, public_key, cert_fingerprint, wrapped_raw) = raw;
    let what = format!("key {id}");

    let role = KeyRole::parse(&role)
        .ok_or_else(|| KeystoreError::corrupted(&what, format!("has unknown role {role:?}")))?;
    if algorithm != ALGORITHM_P256 {
        return Err(KeystoreError::corrupted(
            &what,
            format!("has unknown algorithm {algorithm:?}"),
        ));
    }
    let wrapped = WrappedKey::parse(&wrapped_raw)
        .map_err(|reason| KeystoreError::corrupted(&what, format!("wrapped key: {reason}")))?;

    Ok(KeyRow {
        id: KeyId(id),
        credential: CredentialId(credential),
        role,
        algorithm,
        public_key,
        cert_fingerprint,
        wrapped,
        wrapped_raw,
    })
}

/// One key, parsed.
pub(super) fn key(conn: &Connection, id: &KeyId) -> Result<KeyRow, KeystoreError> {
    let raw = conn
        .query_row(
            &format!("SELECT {KEY_COLUMNS} FROM keys WHERE id = ?1"),
            [&id.0],
            raw_key,
        )
        .optional()?
        .ok_or_else(|| KeystoreError::KeyNotFound { key: id.clone() })?;
    parse_key(raw)
}

/// Every key of a credential, parsed, in creation order.
pub(super) fn keys_of(
    conn: &Connection,
    credential: &CredentialId,
) -> Result<Vec<KeyRow>, KeystoreError> {
    let mut statement = conn.prepare(&format!(
        "SELECT {KEY_COLUMNS} FROM keys WHERE credential_id = ?1 ORDER BY created_at, rowid"
    ))?;
    let raws = statement
        .query_map([&credential.0], raw_key)?
        .collect::<Result<Vec<_>, _>>()?;
    raws.into_iter().map(parse_key).collect()
}

/// One credential, its verifier parsed.
pub(super) fn credential(
    conn: &Connection,
    id: &CredentialId,
) -> Result<CredentialRow, KeystoreError> {
    let verifier_raw: Vec<u8> = conn
        .query_row(
            "SELECT pin_verifier FROM credentials WHERE id = ?1",
            [&id.0],
            |row| row.get(0),
        )
        .optional()?
        .ok_or_else(|| KeystoreError::CredentialNotFound {
            credential: id.clone(),
        })?;

    let verifier = Verifier::parse(&verifier_raw).map_err(|reason| {
        KeystoreError::corrupted(
            format!("credential {id}"),
            format!("PIN verifier: {reason}"),
        )
    })?;
    Ok(CredentialRow {
        id: id.clone(),
        verifier,
        verifier_raw,
    })
}

/// The attempt counter and lock flag of a credential.
pub(super) fn pin_status(conn: &Connection, id: &CredentialId) -> Result<PinStatus, KeystoreError> {
    let (failed, locked): (i64, bool) = conn
        .query_row(
            "SELECT failed_attempts, locked FROM credentials WHERE id = ?1",
            [&id.0],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?
        .ok_or_else(|| KeystoreError::CredentialNotFound {
            credential: id.clone(),
        })?;

    let failed_attempts = u32::try_from(failed).unwrap_or(u32::MAX);
    Ok(PinStatus {
        failed_attempts,
        tries_left: MAX_PIN_ATTEMPTS.saturating_sub(failed_attempts),
        // A process killed between counting the last try and setting the
        // flag leaves the counter at the limit: that is locked too.
        locked: locked || failed_attempts >= MAX_PIN_ATTEMPTS,
    })
}

/// Stores a new credential with a clean counter.
pub(super) fn insert_credential(
    tx: &Transaction<'_>,
    id: &CredentialId,
    label: &str,
    verifier: &[u8],
) -> Result<(), KeystoreError> {
    tx.execute(
        "INSERT INTO credentials (id, label, failed_attempts, locked, created_at, pin_verifier)
         VALUES (?1, ?2, 0, 0, ?3, ?4)",
        params![id.0, label, now(), verifier],
    )?;
    Ok(())
}

/// A key to insert.
pub(super) struct NewKeyRow<'a> {
    pub(super) id: &'a KeyId,
    pub(super) credential: &'a CredentialId,
    pub(super) role: KeyRole,
    pub(super) algorithm: &'a str,
    pub(super) public_key: &'a [u8],
    pub(super) cert_fingerprint: Option<&'a str>,
    pub(super) wrapped: &'a [u8],
}

/// Stores a new key.
pub(super) fn insert_key(tx: &Transaction<'_>, key: &NewKeyRow<'_>) -> Result<(), KeystoreError> {
    tx.execute(
        "INSERT INTO keys (id, credential_id, role, algorithm, public_key, wrapped_key,
                           cert_fingerprint, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            key.id.0,
            key.credential.0,
            key.role.as_str(),
            key.algorithm,
            key.public_key,
            key.wrapped,
            key.cert_fingerprint,
            now()
        ],
    )?;
    Ok(())
}

/// Stores the certificate of a key in place of any earlier one. The key's
/// `cert_fingerprint` is the caller's to update in the same transaction.
pub(super) fn replace_certificate(
    tx: &Transaction<'_>,
    key: &KeyId,
    cert: &CertInfo,
    chain: &[CertInfo],
) -> Result<(), KeystoreError> {
    let chain_der: Vec<u8> = chain.iter().flat_map(|c| c.der.iter().copied()).collect();
    tx.execute("DELETE FROM certificates WHERE key_id = ?1", [&key.0])?;
    tx.execute(
        "INSERT INTO certificates (fingerprint, key_id, der, chain, installed_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![cert.fingerprint, key.0, cert.der, chain_der, now()],
    )?;
    Ok(())
}

/// Whether a key's wrapped blob is still the one read before the PIN
/// check; `false` when another operation rewrote it meanwhile.
pub(super) fn key_unchanged(tx: &Transaction<'_>, key: &KeyRow) -> Result<bool, KeystoreError> {
    let current: Option<Vec<u8>> = tx
        .query_row(
            "SELECT wrapped_key FROM keys WHERE id = ?1",
            [&key.id.0],
            |row| row.get(0),
        )
        .optional()?;
    Ok(current.as_deref() == Some(key.wrapped_raw.as_slice()))
}

/// Every key, for listing.
pub(super) fn list_keys(conn: &Connection) -> Result<Vec<KeyRecord>, KeystoreError> {
    let mut statement = conn.prepare(&format!(
        "SELECT {KEY_COLUMNS} FROM keys ORDER BY created_at, rowid"
    ))?;
    let raws = statement
        .query_map([], raw_key)?
        .collect::<Result<Vec<_>, _>>()?;

    raws.into_iter()
        .map(|raw| {
            let (id, credential, role, _, public_key, cert_fingerprint, _) = raw;
            let role = KeyRole::parse(&role).ok_or_else(|| {
                KeystoreError::corrupted(format!("key {id}"), format!("has unknown role {role:?}"))
            })?;
            Ok(KeyRecord {
                id: KeyId(id),
                credential: CredentialId(credential),
                role,
                public_key,
                certificate_fingerprint: cert_fingerprint,
            })
        })
        .collect()
}

/// Every installed certificate with its chain.
pub(super) fn list_certificates(
    conn: &Connection,
) -> Result<Vec<CertificateRecord>, KeystoreError> {
    let mut statement = conn.prepare(
        "SELECT c.key_id, k.credential_id, k.role, c.der, c.chain
         FROM certificates c JOIN keys k ON k.id = c.key_id
         ORDER BY c.installed_at, c.rowid",
    )?;
    let raws = statement
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, Vec<u8>>(3)?,
                row.get::<_, Vec<u8>>(4)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;

    raws.into_iter()
        .map(|(key_id, credential, role, der, chain)| {
            let what = format!("certificate of key {key_id}");
            let role = KeyRole::parse(&role).ok_or_else(|| {
                KeystoreError::corrupted(&what, format!("has unknown role {role:?}"))
            })?;
            let cert = CertInfo::from_der(&der, &what)
                .map_err(|e| KeystoreError::corrupted(&what, e.to_string()))?;
            let chain = split_chain(&chain, &what)?;
            Ok(CertificateRecord {
                key_id: KeyId(key_id),
                credential: CredentialId(credential),
                role,
                cert,
                chain,
            })
        })
        .collect()
}

/// Splits concatenated DER certificates.
fn split_chain(bytes: &[u8], what: &str) -> Result<Vec<CertInfo>, KeystoreError> {
    use der::Reader;

    let damaged = |detail: String| KeystoreError::corrupted(format!("chain of {what}"), detail);
    let mut reader = der::SliceReader::new(bytes).map_err(|e| damaged(e.to_string()))?;
    let mut chain = Vec::new();
    while !reader.is_finished() {
        let der = reader.tlv_bytes().map_err(|e| damaged(e.to_string()))?;
        chain.push(CertInfo::from_der(der, what).map_err(|e| damaged(e.to_string()))?);
    }
    Ok(chain)
}

/// Adds a trust anchor unless one with its fingerprint is stored.
pub(super) fn add_trust_anchor(conn: &Connection, anchor: &CertInfo) -> Result<(), KeystoreError> {
    conn.execute(
        "INSERT OR IGNORE INTO trust_anchors (fingerprint, der, added_at) VALUES (?1, ?2, ?3)",
        params![anchor.fingerprint, anchor.der, now()],
    )?;
    Ok(())
}

/// The trust anchors, in the order they were added.
pub(super) fn trust_anchors(conn: &Connection) -> Result<Vec<CertInfo>, KeystoreError> {
    let mut statement =
        conn.prepare("SELECT fingerprint, der FROM trust_anchors ORDER BY added_at, rowid")?;
    let raws = statement
        .query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, Vec<u8>>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;

    raws.into_iter()
        .map(|(fingerprint, der)| {
            let what = format!("trust anchor {fingerprint}");
            CertInfo::from_der(&der, &what)
                .map_err(|e| KeystoreError::corrupted(&what, e.to_string()))
        })
        .collect()
}

/// The sealed device secret, if one was stored.
pub(super) fn sealed_device_secret(conn: &Connection) -> Result<Option<Vec<u8>>, KeystoreError> {
    Ok(conn
        .query_row("SELECT sealed_secret FROM device WHERE id = 1", [], |row| {
            row.get(0)
        })
        .optional()?)
}

/// Stores the sealed device secret unless another process stored one
/// first; returns the one now stored.
pub(super) fn store_device_secret(
    conn: &Connection,
    sealed: &[u8],
) -> Result<Vec<u8>, KeystoreError> {
    conn.execute(
        "INSERT OR IGNORE INTO device (id, sealed_secret, created_at) VALUES (1, ?1, ?2)",
        params![sealed, now()],
    )?;
    sealed_device_secret(conn)?
        .ok_or_else(|| KeystoreError::corrupted("device secret", "vanished after it was stored"))
}
