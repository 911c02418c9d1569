use std::path::PathBuf;

use crate::error::Localized;

/// Errors of the keystore database.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database file cannot be opened or configured.
    #[error(
        "cannot open the keystore database {}: {source}; check that the folder exists, \
         is writable and has free space",
        path.display()
    )]
    Open {
        /// The database file.
        path: PathBuf,
        /// SQLite's reason.
        source: rusqlite::Error,
    },

    /// The database file's permissions cannot be restricted to its owner.
    #[error(
        "cannot restrict the keystore database {} to its owner: {source}; \
         check that the file belongs to this user",
        path.display()
    )]
    Permissions {
        /// The database file.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },

    /// The file system refused write-ahead logging.
    #[error(
        "the keystore database {} runs in journal mode {mode}, not WAL; \
         keep the keystore home on a local disk",
        path.display()
    )]
    NotWal {
        /// The database file.
        path: PathBuf,
        /// The journal mode SQLite reported.
        mode: String,
    },

    /// The file was written by a newer palmbid.
    #[error(
        "the keystore database has schema version {found}, but this palmbid reads up to \
         version {supported}; update palmbid to open it"
    )]
    TooNew {
        /// Version found in the file.
        found: i64,
        /// Highest version this code reads.
        supported: u32,
    },

    /// A schema migration failed and was rolled back.
    #[error(
        "cannot upgrade the keystore database to schema version {to}: {source}; \
         the file is unchanged, report this to palmbid support"
    )]
    Migration {
        /// The version the failed step leads to.
        to: u32,
        /// SQLite's reason.
        source: rusqlite::Error,
    },

    /// The file is not an SQLite database: damaged, or another file.
    #[error(
        "{} is not a palmbid keystore database: it is damaged or another file took its \
         place; restore it from a backup, or move it away to start an empty keystore",
        path.display()
    )]
    NotADatabase {
        /// The database file.
        path: PathBuf,
    },

    /// The database file or its folder cannot be written.
    #[error(
        "the keystore database {} cannot be written: the file or its folder is read-only \
         for this user; make the keystore folder writable, or run palmbid as its owner",
        path.display()
    )]
    ReadOnly {
        /// The database file.
        path: PathBuf,
    },

    /// SQLite failed.
    #[error("keystore database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl Localized for StoreError {
    fn code(&self) -> &'static str {
        match self {
            StoreError::Open { .. } => "store.open",
            StoreError::Permissions { .. } => "store.permissions",
            StoreError::NotWal { .. } => "store.not_wal",
            StoreError::TooNew { .. } => "store.too_new",
            StoreError::Migration { .. } => "store.migration",
            StoreError::NotADatabase { .. } => "store.not_a_database",
            StoreError::ReadOnly { .. } => "store.read_only",
            StoreError::Sqlite(_) => "store.sqlite",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            StoreError::Open { path, source } => format!(
                "无法打开证书库数据库 {}：{source}；请检查目录是否存在、可写且有剩余空间",
                path.display()
            ),
            StoreError::Permissions { path, source } => format!(
                "无法将证书库数据库 {} 设为仅本人可读写：{source}；请检查文件属主",
                path.display()
            ),
            StoreError::NotWal { path, mode } => format!(
                "证书库数据库 {} 的日志模式为 {mode}，不是 WAL；请把证书库放在本地磁盘上",
                path.display()
            ),
            StoreError::TooNew { found, supported } => format!(
                "证书库数据库的版本为 {found}，本程序最高支持 {supported}；请升级 palmbid 后再打开"
            ),
            StoreError::Migration { to, source } => format!(
                "无法将证书库数据库升级到版本 {to}：{source}；文件未被修改，请联系 palmbid 技术支持"
            ),
            StoreError::NotADatabase { path } => format!(
                "{} 不是 palmbid 证书库数据库：文件已损坏或被其他文件替换；请从备份恢复，或将其移走以新建空证书库",
                path.display()
            ),
            StoreError::ReadOnly { path } => format!(
                "无法写入证书库数据库 {}：该文件或其所在目录对当前用户只读；请让证书库目录可写，或以其所有者身份运行 palmbid",
                path.display()
            ),
            StoreError::Sqlite(e) => format!("证书库数据库错误：{e}"),
        }
    }
}
