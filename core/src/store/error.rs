use crate::error::Localized;

/// Errors of the keystore database.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite failed.
    #[error("keystore database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl Localized for StoreError {
    fn code(&self) -> &'static str {
        match self {
            StoreError::Sqlite(_) => "store.sqlite",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            StoreError::Sqlite(e) => format!("证书库数据库错误：{e}"),
        }
    }
}
