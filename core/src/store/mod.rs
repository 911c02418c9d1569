//! The SQLite database of a keystore home.
//!
//! One file per home, WAL journal, `synchronous = FULL` so a committed PIN
//! attempt survives a power cut, and migrations keyed on `user_version`.

mod error;

pub use error::StoreError;

/// An open keystore database.
pub struct Database {
    conn: rusqlite::Connection,
}

impl Database {
    /// Opens (creating if needed) the database at `path` and migrates it.
    ///
    /// # Errors
    /// [`StoreError`] when the file cannot be opened or migrated.
    pub fn open(path: &std::path::Path) -> Result<Self, StoreError> {
        let _ = path;
        todo!("store: open and migrate")
    }

    /// The connection, for the keystore's queries.
    pub fn conn(&self) -> &rusqlite::Connection {
        &self.conn
    }
}
