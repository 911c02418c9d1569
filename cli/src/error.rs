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

    /// A file that could not be read or written.
    pub(crate) fn io(path: &Path, err: &std::io::Error) -> Self {
        let shown = path.display();
        Self::failed(
            "cli.io",
            format!("无法读写文件 {shown}：{err}"),
            format!("cannot read or write {shown}: {err}"),
        )
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
