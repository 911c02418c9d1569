//! The command line's error: a stable code, both messages, an exit status.

use std::path::Path;

use palmbid_core::error::{Lang, Localized};

/// Exit status of a failed operation.
pub(crate) const EXIT_FAILED: u8 = 1;
/// Exit status of a usage error (what clap also uses).
pub(crate) const EXIT_USAGE: u8 = 2;

/// A failure to report to the user.
#[derive(Debug)]
pub(crate) struct CliError {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub exit: u8,
}

impl CliError {
    /// A usage error: the invocation cannot work as written.
    pub(crate) fn usage(code: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        CliError {
            code: code.to_owned(),
            zh: zh.into(),
            en: en.into(),
            exit: EXIT_USAGE,
        }
    }

    /// An operation that failed.
    pub(crate) fn failed(code: &str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        CliError {
            code: code.to_owned(),
            zh: zh.into(),
            en: en.into(),
            exit: EXIT_FAILED,
        }
    }

    /// A file that could not be read or written, with the reason in the
    /// user's language for the common cases and what to do about it.
    pub(crate) fn io(path: &Path, err: &std::io::Error) -> Self {
        use std::io::ErrorKind;

        let shown = path.display();
        let (zh, en) = match err.kind() {
            ErrorKind::NotFound => (
                format!("找不到 {shown}；请检查路径是否正确"),
                format!("{shown} does not exist; check the path"),
            ),
            ErrorKind::PermissionDenied => (
                format!("没有访问 {shown} 的权限；请检查文件和目录的权限"),
                format!(
                    "no permission to access {shown}; check the permissions of the file and its folder"
                ),
            ),
            ErrorKind::IsADirectory => (
                format!("{shown} 是一个目录；请给出文件"),
                format!("{shown} is a folder; give a file"),
            ),
            ErrorKind::NotADirectory | ErrorKind::AlreadyExists => (
                format!("{shown} 的路径中有一项是文件而不是目录；请检查路径"),
                format!("part of the path {shown} is a file, not a folder; check the path"),
            ),
            ErrorKind::StorageFull => (
                format!("写入 {shown} 时磁盘已满；请释放空间后重试"),
                format!("the disk is full while writing {shown}; free some space and try again"),
            ),
            ErrorKind::ReadOnlyFilesystem => (
                format!("{shown} 所在的文件系统是只读的；请换一个位置"),
                format!("{shown} is on a read-only file system; choose another place"),
            ),
            _ => (
                format!("读写 {shown} 失败（{err}）；请检查路径和权限"),
                format!(
                    "reading or writing {shown} failed ({err}); check the path and permissions"
                ),
            ),
        };
        Self::failed("cli.io", zh, en)
    }

    /// The message in `lang`.
    pub(crate) fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::ZhCn => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// Every core error converts with its code and both messages. Takes the
/// error by value so it reads `result.map_err(core)`.
#[allow(clippy::needless_pass_by_value)]
pub(crate) fn core<E: Localized>(err: E) -> CliError {
    CliError::failed(err.code(), err.message_zh(), err.to_string())
}

/// `?` on core results: `result.map_err(core)?` reads the same everywhere.
pub(crate) type CliResult<T> = Result<T, CliError>;
