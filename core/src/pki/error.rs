use crate::error::Localized;

/// Errors of certificate parsing, checking, requests and imports.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PkiError {
    /// The bytes are not a DER or PEM X.509 certificate.
    #[error("invalid certificate ({what}): {detail}; pass a DER or PEM X.509 certificate")]
    InvalidCertificate {
        /// Which certificate: a file name or a role.
        what: String,
        /// The parser's reason.
        detail: String,
    },
}

impl Localized for PkiError {
    fn code(&self) -> &'static str {
        match self {
            PkiError::InvalidCertificate { .. } => "pki.invalid_certificate",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            PkiError::InvalidCertificate { what, detail } => {
                format!("证书无效（{what}）：{detail}；请提供 DER 或 PEM 格式的 X.509 证书")
            }
        }
    }
}
