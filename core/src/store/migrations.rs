//! Schema migrations, keyed on `PRAGMA user_version`.
//!
//! [`MIGRATIONS`] is append-only: entry `i` takes a file from version `i`
//! to version `i + 1`. Each runs in its own immediate transaction that also
//! sets `user_version`, so a crash leaves the file at the old version or
//! the new one, never in between (the version lives in the database header,
//! which SQLite journals like any other page). A file whose version is
//! above [`SCHEMA_VERSION`] was written by a newer palmbid and is refused:
//! this code cannot know what the newer columns mean.
//!
//! Never edit a released migration; add a new one and keep a copy of a
//! file of the old version under `core/tests/fixtures/`.

use rusqlite::{Connection, TransactionBehavior};

use super::StoreError;

/// Version 1: the device secret, credentials with their attempt counters
/// and PIN verifiers, wrapped keys, certificates and trust anchors.
///
/// `keys.cert_fingerprint` points at `certificates` with a deferred check
/// because the two rows refer to each other and are written in one
/// transaction. `certificates.chain` is the issuing chain as concatenated
/// DER certificates, leaf's issuer first (DER is self-delimiting).
const V1: &str = "
CREATE TABLE device (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    sealed_secret BLOB    NOT NULL,
    created_at    INTEGER NOT NULL
);

CREATE TABLE credentials (
    id              TEXT    PRIMARY KEY,
    label           TEXT    NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked          INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
    created_at      INTEGER NOT NULL,
    pin_verifier    BLOB    NOT NULL
);

CREATE TABLE keys (
    id               TEXT    PRIMARY KEY,
    credential_id    TEXT    NOT NULL REFERENCES credentials (id),
    role             TEXT    NOT NULL CHECK (role IN ('signing', 'encryption')),
    algorithm        TEXT    NOT NULL,
    public_key       BLOB    NOT NULL,
    wrapped_key      BLOB    NOT NULL,
    cert_fingerprint TEXT    REFERENCES certificates (fingerprint)
                             DEFERRABLE INITIALLY DEFERRED,
    created_at       INTEGER NOT NULL
);
CREATE INDEX keys_by_credential ON keys (credential_id);

CREATE TABLE certificates (
    fingerprint  TEXT    PRIMARY KEY,
    key_id       TEXT    NOT NULL UNIQUE REFERENCES keys (id),
    der          BLOB    NOT NULL,
    chain        BLOB    NOT NULL,
    installed_at INTEGER NOT NULL
);

CREATE TABLE trust_anchors (
    fingerprint TEXT    PRIMARY KEY,
    der         BLOB    NOT NULL,
    added_at    INTEGER NOT NULL
);
";

/// Version 2: trusted platforms and the session held with each.
///
/// `platforms.host` is the base address's host, lower-cased by the URL
/// parser, so a scanned URL is matched on the parsed host only.
/// `platform_sessions.token` is the bearer token in clear: the phone must
/// present it, and the file is owner-only (NOTE: a phone build may seal it
/// with the device binding as keys are).
const V2: &str = "
CREATE TABLE platforms (
    name               TEXT    PRIMARY KEY,
    base_url           TEXT    NOT NULL UNIQUE,
    host               TEXT    NOT NULL,
    anchor_der         BLOB    NOT NULL,
    anchor_fingerprint TEXT    NOT NULL,
    added_at           INTEGER NOT NULL
);

CREATE TABLE platform_sessions (
    platform   TEXT    PRIMARY KEY REFERENCES platforms (name) ON DELETE CASCADE,
    phone      TEXT    NOT NULL,
    token      TEXT    NOT NULL,
    expires_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);
";

/// Version 3: certificate pickups in progress.
///
/// A row is written right after the keys are generated (`requested`, with
/// both CSRs), updated when the certificates arrive (`received`, with the
/// platform's answer as JSON), and marked `installed` after download. An
/// interrupted pickup resumes from the row with the same keys, so the
/// platform never certifies a second pair for one order.
const V3: &str = "
CREATE TABLE pickups (
    platform       TEXT    NOT NULL REFERENCES platforms (name) ON DELETE CASCADE,
    pickup_id      TEXT    NOT NULL,
    credential_id  TEXT    NOT NULL REFERENCES credentials (id),
    signing_csr    BLOB    NOT NULL,
    encryption_csr BLOB    NOT NULL,
    issued         TEXT,
    state          TEXT    NOT NULL CHECK (state IN ('requested', 'received', 'installed')),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (platform, pickup_id)
);
";

/// Version 4: the bids the phone must still open, and with which key.
///
/// While a row is `pending` the keystore refuses to delete `key_id` or to
/// replace its certificate. `envelope_sha256` is the raw 32-byte digest of
/// the encrypted bid file; `deadline` is the opening deadline in Unix
/// seconds.
const V4: &str = "
CREATE TABLE bids (
    project_id      TEXT    NOT NULL,
    bid_id          TEXT    NOT NULL,
    envelope_sha256 BLOB    NOT NULL CHECK (length(envelope_sha256) = 32),
    key_id          TEXT    NOT NULL REFERENCES keys (id),
    deadline        INTEGER NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'opened', 'abandoned')),
    registered_at   INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (project_id, bid_id)
);
CREATE INDEX bids_by_key ON bids (key_id, state);
";

/// Version 5: the signature log, one row per PIN entry that requests a
/// key (see `keystore/log.rs`).
///
/// No foreign keys: a row outlives the credential it names, so the user
/// still sees what a deleted certificate did. `AUTOINCREMENT` keeps ids
/// increasing after old rows are trimmed, so an id is a stable cursor.
/// `at` is Unix seconds; `document_sha256` is lower-case hex.
const V5: &str = "
CREATE TABLE signature_log (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    at                 INTEGER NOT NULL,
    operation          TEXT    NOT NULL,
    credential_id      TEXT    NOT NULL,
    key_id             TEXT,
    key_role           TEXT    CHECK (key_role IN ('signing', 'encryption')),
    certificate_serial TEXT,
    platform           TEXT,
    requester          TEXT,
    project            TEXT,
    document_name      TEXT,
    document_sha256    TEXT,
    outcome            TEXT    NOT NULL
        CHECK (outcome IN ('used', 'wrong_pin', 'locked', 'failed', 'interrupted'))
);
";

/// Every migration, in order; the schema version is its length.
pub(super) const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5];

/// The schema version this code writes and reads.
#[allow(clippy::cast_possible_truncation, reason = "a handful of migrations")]
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// The version recorded in the file; 0 for a new, empty file.
pub(super) fn user_version(conn: &Connection) -> Result<u32, StoreError> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    u32::try_from(version).map_err(|_| StoreError::TooNew {
        found: version,
        supported: 0,
    })
}

/// Brings the file from its version up to `migrations.len()`.
pub(super) fn migrate(conn: &mut Connection, migrations: &[&str]) -> Result<(), StoreError> {
    let supported = u32::try_from(migrations.len()).unwrap_or(u32::MAX);
    let found = user_version(conn)?;
    if found > supported {
        return Err(StoreError::TooNew {
            found: i64::from(found),
            supported,
        });
    }

    for (from, sql) in (found..).zip(migrations.iter().skip(found as usize)) {
        let to = from + 1;

        // Immediate: take the write lock before reading anything, so two
        // processes opening an old file do not both run the migration.
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if user_version(&tx)? != from {
            // Another process migrated while this one waited for the lock.
            continue;
        }
        tx.execute_batch(sql)
            .map_err(|source| StoreError::Migration { to, source })?;
        tx.pragma_update(None, "user_version", to)?;
        tx.commit()?;

        tracing::info!(from, to, "keystore database migrated");
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    fn open(dir: &tempfile::TempDir) -> Connection {
        Connection::open(dir.path().join("db.sqlite3")).unwrap()
    }

    #[test]
    fn new_file_reaches_current_version() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open(&dir);

        migrate(&mut conn, MIGRATIONS).unwrap();

        assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);
        let tables: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        // V5 adds `signature_log` and SQLite's own `sqlite_sequence`.
        assert_eq!(tables, 11);
    }

    #[test]
    fn migrating_twice_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open(&dir);

        migrate(&mut conn, MIGRATIONS).unwrap();
        migrate(&mut conn, MIGRATIONS).unwrap();

        assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);
    }

    #[test]
    fn newer_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open(&dir);
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();

        let err = migrate(&mut conn, MIGRATIONS).unwrap_err();

        assert!(
            matches!(err, StoreError::TooNew { found, supported }
                if found == i64::from(SCHEMA_VERSION + 1) && supported == SCHEMA_VERSION),
            "{err:?}"
        );
    }

    #[test]
    fn failed_migration_leaves_previous_version_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open(&dir);
        // The second step creates a table, then fails; both must roll back.
        let steps = [
            "CREATE TABLE a (x INTEGER);",
            "CREATE TABLE b (x INTEGER); INSERT INTO missing VALUES (1);",
        ];

        let err = migrate(&mut conn, &steps).unwrap_err();

        assert!(
            matches!(err, StoreError::Migration { to: 2, .. }),
            "{err:?}"
        );
        assert_eq!(user_version(&conn).unwrap(), 1);
        let b_exists: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'b'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(b_exists, 0);
    }
}
