use crate::error::Localized;

/// Errors of CMS signatures and envelopes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CmsError {
    /// Reading or writing a file failed.
    #[error("I/O error on {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
}

impl Localized for CmsError {
    fn code(&self) -> &'static str {
        match self {
            CmsError::Io { .. } => "cms.io",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            CmsError::Io { path, source } => format!("读写文件 {path} 失败：{source}"),
        }
    }
}
