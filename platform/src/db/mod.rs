//! The platform's SQLite database, `{data}/platform.sqlite3`.
//!
//! WAL journal (readers do not block the writer), `synchronous = NORMAL`
//! (a power cut may lose the last commits but never corrupts the file; the
//! phone retries), foreign keys on, a busy timeout. The schema is
//! versioned with `PRAGMA user_version` ([`migrations`]).
//!
//! One connection behind a mutex, used only from tokio's blocking pool
//! through [`Db::call`], so SQL never runs on the async worker threads. A
//! reference platform needs no more; a busy one would put a pool here.

mod migrations;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rusqlite::Connection;

pub use migrations::SCHEMA_VERSION;

/// File name of the database inside the data folder.
pub const DATABASE_FILE: &str = "platform.sqlite3";

/// Errors of the database.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    /// The file cannot be opened or configured.
    #[error("cannot open the platform database {}: {source}; check the data folder", path.display())]
    Open {
        /// The database file.
        path: PathBuf,
        /// SQLite's reason.
        source: rusqlite::Error,
    },

    /// The file was written by a newer platform.
    #[error(
        "the platform database has schema version {found}, newer than {supported}; update the platform"
    )]
    TooNew {
        /// Version in the file.
        found: i64,
        /// Highest version this build reads.
        supported: u32,
    },

    /// SQLite failed.
    #[error("platform database error: {0}")]
    Sqlite(#[from] rusqlite::Error),

    /// The blocking task running the query was cancelled or panicked.
    #[error("a database task failed: {0}")]
    Task(String),
}

/// Handle of the platform database; cheap to clone.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").finish_non_exhaustive()
    }
}

impl Db {
    /// Opens (creating if needed) and migrates the database at `path`.
    ///
    /// # Errors
    /// [`DbError::Open`], [`DbError::TooNew`] or a migration's
    /// [`DbError::Sqlite`].
    pub fn open(path: &Path) -> Result<Self, DbError> {
        let open_error = |source| DbError::Open {
            path: path.to_path_buf(),
            source,
        };
        let mut conn = Connection::open(path).map_err(open_error)?;
        conn.busy_timeout(Duration::from_secs(10))
            .map_err(open_error)?;
        let mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(open_error)?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(mode, "platform database is not in WAL mode");
        }
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(open_error)?;
        conn.pragma_update(None, "foreign_keys", true)
            .map_err(open_error)?;

        migrations::migrate(&mut conn)?;
        Ok(Db {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `work` with the connection on the blocking pool.
    ///
    /// # Errors
    /// The error of `work`, or [`DbError::Task`] turned into `E` when the
    /// task did not finish.
    pub async fn call<T, E>(
        &self,
        work: impl FnOnce(&mut Connection) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            // A panic under the lock cannot leave a half-written file: an
            // open transaction rolls back when dropped.
            let mut guard = conn.lock().unwrap_or_else(PoisonError::into_inner);
            work(&mut guard)
        })
        .await
        .map_err(|e| E::from(DbError::Task(e.to_string())))?
    }
}
