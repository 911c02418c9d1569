//! The SQLite database of a keystore home.
//!
//! One file per home, `{home}/keystore.sqlite3`, opened with:
//!
//! - `journal_mode = WAL`, so readers do not block the writer;
//! - `synchronous = FULL`, so every commit is synced, WAL included: a PIN
//!   attempt counted before the check survives a killed process or a power
//!   cut (with `NORMAL`, WAL commits may roll back on power loss);
//! - `foreign_keys = ON`, so a key cannot point at a missing credential;
//! - `secure_delete = ON`, so a key re-wrapped under a new PIN does not
//!   leave its old ciphertext in free pages of the main file;
//! - a busy timeout, so two processes sharing a home wait for each other
//!   instead of failing at once.
//!
//! The schema is versioned with `PRAGMA user_version`; see [`migrations`].
//! The connection sits behind a [`Mutex`] so that a keystore can be shared
//! across threads; callers hold the guard only for SQL, never for Argon2id
//! or a call into the app.
#![allow(clippy::doc_markdown, reason = "SQLite is a name, not code")]

mod error;
mod migrations;

use std::path::Path;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

pub use error::StoreError;
pub use migrations::SCHEMA_VERSION;

/// File name of the database inside a keystore home.
pub const DATABASE_FILE: &str = "keystore.sqlite3";

/// How long a statement waits for another connection's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// An open keystore database.
pub struct Database {
    conn: Mutex<Connection>,
}

impl Database {
    /// Opens (creating if needed) the database at `path` and migrates it to
    /// [`SCHEMA_VERSION`].
    ///
    /// # Errors
    /// [`StoreError::TooNew`] when the file was written by a newer palmbid;
    /// [`StoreError::Open`] or [`StoreError::Sqlite`] when it cannot be
    /// opened, configured or migrated.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let open_error = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };

        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags).map_err(open_error)?;
        restrict_permissions(path)?;

        configure(&conn, path)
            .and_then(|()| migrations::migrate(&mut conn, migrations::MIGRATIONS))
            .map_err(|e| name_failure(e, path))?;

        Ok(Database {
            conn: Mutex::new(conn),
        })
    }

    /// The connection, locked for the caller's queries. Hold the guard for
    /// SQL only.
    pub fn lock(&self) -> MutexGuard<'_, Connection> {
        // A panic while the guard was held cannot leave the file half
        // written: an open transaction rolls back when it is dropped. So a
        // poisoned lock is still safe to use.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `work` in one immediate (write-locking) transaction and commits
    /// it when `work` succeeds; on an error everything rolls back.
    ///
    /// # Errors
    /// The error of `work`, or [`StoreError::Sqlite`] when the transaction
    /// cannot begin or commit.
    pub fn write<T, E>(
        &self,
        work: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E>
    where
        E: From<StoreError>,
    {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let value = work(&tx)?;
        tx.commit().map_err(StoreError::from)?;
        Ok(value)
    }

    /// Copies the write-ahead log into the main file and truncates the
    /// log to zero bytes, so that pages rewritten since (an old wrapped
    /// key, for example) do not linger in the `-wal` file.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`] when the checkpoint fails. A checkpoint that
    /// another connection's reader blocks is not an error: SQLite then
    /// copies what it can and leaves the log in place.
    pub fn checkpoint_truncate(&self) -> Result<(), StoreError> {
        self.lock()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// The schema version recorded in the file.
    ///
    /// # Errors
    /// [`StoreError::Sqlite`] when the pragma cannot be read.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        migrations::user_version(&self.lock())
    }
}

fn configure(conn: &Connection, path: &Path) -> Result<(), StoreError> {
    conn.busy_timeout(BUSY_TIMEOUT)?;

    // `journal_mode` answers with the mode in force; anything but WAL (for
    // example on a file system without shared memory) is refused rather
    // than silently weakening durability.
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(StoreError::NotWal {
            path: path.to_path_buf(),
            mode,
        });
    }

    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.pragma_update(None, "secure_delete", true)?;
    Ok(())
}

/// SQLite reads a file's header, and finds out it cannot write, only at
/// the first statements; those failures name the file and the way out.
fn name_failure(err: StoreError, path: &Path) -> StoreError {
    let code = match &err {
        StoreError::Sqlite(e) | StoreError::Migration { source: e, .. } => e.sqlite_error_code(),
        _ => None,
    };
    let path = path.to_path_buf();
    match code {
        Some(rusqlite::ErrorCode::NotADatabase) => StoreError::NotADatabase { path },
        Some(rusqlite::ErrorCode::ReadOnly) => StoreError::ReadOnly { path },
        _ => err,
    }
}

/// Restricts the database, which contains wrapped keys, to its owner. SQLite
/// creates the `-wal` and `-shm` files with the same permissions.
#[cfg(unix)]
fn restrict_permissions(path: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt;

    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(|source| {
        StoreError::Permissions {
            path: path.to_path_buf(),
            source,
        }
    })
}

/// NOTE: other systems keep the default permissions of the folder.
#[cfg(not(unix))]
fn restrict_permissions(_path: &Path) -> Result<(), StoreError> {
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn open_sets_durability_pragmas() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join(DATABASE_FILE)).unwrap();
        let conn = db.lock();

        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        let synchronous: i64 = conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        let foreign_keys: i64 = conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        let busy: i64 = conn
            .query_row("PRAGMA busy_timeout", [], |r| r.get(0))
            .unwrap();

        assert_eq!(mode, "wal");
        assert_eq!(synchronous, 2, "2 is FULL");
        assert_eq!(foreign_keys, 1);
        assert_eq!(busy, 10_000);
    }

    #[cfg(unix)]
    #[test]
    fn database_file_is_private() {
        use std::os::unix::fs::PermissionsExt;

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DATABASE_FILE);
        let _db = Database::open(&path).unwrap();

        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn foreign_file_named() {
        use crate::error::Localized;

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DATABASE_FILE);
        std::fs::write(&path, [0x5au8; 4096]).unwrap();

        let err = Database::open(&path).err().unwrap();

        assert!(
            matches!(&err, StoreError::NotADatabase { path: p } if *p == path),
            "{err:?}"
        );
        assert_eq!(err.code(), "store.not_a_database");
        assert!(err.to_string().contains("restore it from a backup"));
    }

    #[test]
    fn read_only_file_named() {
        let path = std::path::PathBuf::from("/home/x/keystore.sqlite3");
        let read_only = rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
            None,
        );

        let err = name_failure(StoreError::Sqlite(read_only), &path);

        assert!(
            matches!(&err, StoreError::ReadOnly { path: p } if *p == path),
            "{err:?}"
        );
        assert!(
            err.to_string()
                .contains("make the keystore folder writable")
        );
        let other = name_failure(
            StoreError::Sqlite(rusqlite::Error::QueryReturnedNoRows),
            &path,
        );
        assert!(matches!(other, StoreError::Sqlite(_)), "{other:?}");
    }

    #[test]
    fn write_rolls_back_on_error() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join(DATABASE_FILE)).unwrap();

        let result: Result<(), StoreError> = db.write(|tx| {
            tx.execute(
                "INSERT INTO trust_anchors (fingerprint, der, added_at) VALUES ('aa', x'30', 0)",
                [],
            )?;
            Err(StoreError::from(rusqlite::Error::QueryReturnedNoRows))
        });
        assert!(result.is_err());

        let count: i64 = db
            .lock()
            .query_row("SELECT count(*) FROM trust_anchors", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 0);
    }
}
