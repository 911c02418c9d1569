//! Schema migrations of the platform database, keyed on
//! `PRAGMA user_version`.
//!
//! Append-only: entry `i` takes the file from version `i` to `i + 1`, in
//! one immediate transaction that also records the new version.

use rusqlite::{Connection, TransactionBehavior};

use super::DbError;

/// Version 1: accounts, SMS codes, consents and sessions.
///
/// Secrets are stored as SHA-256 digests: `sms_codes.code_hash` over the
/// phone number and the code, `sessions.token_hash` over the token. A
/// database leak then yields no usable session token.
const V1: &str = "
CREATE TABLE accounts (
    phone             TEXT    PRIMARY KEY,
    created_at        INTEGER NOT NULL,
    agreement_version TEXT    NOT NULL,
    privacy_version   TEXT    NOT NULL,
    accepted_at       INTEGER NOT NULL
);

CREATE TABLE sms_codes (
    phone      TEXT    PRIMARY KEY,
    code_hash  BLOB    NOT NULL,
    sent_at    INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    tries      INTEGER NOT NULL DEFAULT 0 CHECK (tries >= 0),
    used       INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1))
);

CREATE TABLE consents (
    id                INTEGER PRIMARY KEY,
    phone             TEXT    NOT NULL REFERENCES accounts (phone),
    agreement_version TEXT    NOT NULL,
    privacy_version   TEXT    NOT NULL,
    accepted_at       INTEGER NOT NULL,
    user_agent        TEXT
);

CREATE TABLE sessions (
    token_hash BLOB    PRIMARY KEY,
    phone      TEXT    NOT NULL REFERENCES accounts (phone),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX sessions_by_phone ON sessions (phone);
";

/// Version 2: identity verification codes and cases. The video itself is
/// a file under `{data}/identity/`, named by the case id; the row keeps its
/// SHA-256 and size.
const V2: &str = "
CREATE TABLE identity_codes (
    phone      TEXT    PRIMARY KEY REFERENCES accounts (phone),
    code       TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE identity_cases (
    id           TEXT    PRIMARY KEY,
    phone        TEXT    NOT NULL REFERENCES accounts (phone),
    name         TEXT    NOT NULL,
    id_number    TEXT    NOT NULL,
    video_sha256 TEXT    NOT NULL,
    video_bytes  INTEGER NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),
    reason       TEXT,
    submitted_at INTEGER NOT NULL,
    decided_at   INTEGER
);
CREATE INDEX identity_cases_by_phone ON identity_cases (phone, submitted_at);
";

/// Version 3: CA orders, the certificates issued for them, and the entity
/// registry (主体库).
///
/// `orders.pickup_id` is the capability in the pickup QR code;
/// `orders.id` names the order on the console. `order_certs.key_sha256`
/// (SHA-256 of the certified public key) is unique across orders, so one
/// key is never certified twice.
const V3: &str = "
CREATE TABLE orders (
    id           TEXT    PRIMARY KEY,
    pickup_id    TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    phone        TEXT    NOT NULL,
    company      TEXT    NOT NULL,
    credit_code  TEXT    NOT NULL,
    seals        TEXT    NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN
                     ('pending', 'approved', 'rejected', 'picked_up', 'issued')),
    reason       TEXT,
    created_at   INTEGER NOT NULL,
    decided_at   INTEGER,
    picked_up_at INTEGER,
    issued_at    INTEGER
);

CREATE TABLE order_certs (
    order_id    TEXT    NOT NULL REFERENCES orders (id),
    role        TEXT    NOT NULL CHECK (role IN ('signing', 'encryption')),
    key_sha256  TEXT    NOT NULL UNIQUE,
    fingerprint TEXT    NOT NULL,
    der         BLOB    NOT NULL,
    PRIMARY KEY (order_id, role)
);

CREATE TABLE registry (
    credit_code TEXT    PRIMARY KEY,
    company     TEXT    NOT NULL,
    added_at    INTEGER NOT NULL
);
";

const MIGRATIONS: &[&str] = &[V1, V2, V3];

/// The schema version this build writes.
#[allow(clippy::cast_possible_truncation, reason = "a handful of migrations")]
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

fn user_version(conn: &Connection) -> Result<u32, DbError> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    u32::try_from(version).map_err(|_| DbError::TooNew {
        found: version,
        supported: SCHEMA_VERSION,
    })
}

pub(super) fn migrate(conn: &mut Connection) -> Result<(), DbError> {
    let found = user_version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(DbError::TooNew {
            found: i64::from(found),
            supported: SCHEMA_VERSION,
        });
    }

    for (from, sql) in (found..).zip(MIGRATIONS.iter().skip(found as usize)) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if user_version(&tx)? != from {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", from + 1)?;
        tx.commit()?;
        tracing::info!(from, to = from + 1, "platform database migrated");
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn migrates_once_and_refuses_newer() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("p.sqlite3")).unwrap();

        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);

        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        assert!(matches!(
            migrate(&mut conn),
            Err(DbError::TooNew { supported, .. }) if supported == SCHEMA_VERSION
        ));
    }
}
