//! Errors of the toolbox's QR flows.

use palmbid_core::api::ApiError;
use palmbid_core::api::qr::QrState;
use palmbid_core::cms::CmsError;
use palmbid_core::error::Localized;
use palmbid_core::pki::PkiError;

/// Errors of the toolbox side of QR requests.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ToolboxError {
    /// The relay refused or could not be reached.
    #[error(transparent)]
    Api(#[from] ApiError),

    /// The event stream broke too often.
    #[error(
        "lost the platform's events for request {id}; check the network and start the request again"
    )]
    EventsLost {
        /// The request id.
        id: String,
    },

    /// The phone cancelled the request or it expired.
    #[error("the request ended {}: {reason}; start a new one", state.as_str())]
    NotAnswered {
        /// Cancelled or expired.
        state: QrState,
        /// The platform's reason.
        reason: String,
    },

    /// The answer does not fit the request.
    #[error("the phone's answer is unusable: {reason}; start the request again")]
    AnswerInvalid {
        /// What is wrong.
        reason: String,
    },

    /// The answering certificate does not chain to the platform CA, or is
    /// not for the role it is used in.
    #[error("the phone's certificate is not trusted: {0}")]
    Untrusted(PkiError),

    /// Signature or envelope work failed.
    #[error(transparent)]
    Cms(#[from] CmsError),

    /// The PDF cannot take the seal.
    #[error(transparent)]
    Pades(#[from] crate::pades::PadesError),

    /// A bid file is larger than the platform takes.
    #[error("the bid file has {size} bytes, more than the platform's limit of {limit}")]
    TooLarge {
        /// The file's size.
        size: u64,
        /// The limit.
        limit: u64,
    },

    /// A file cannot be read or written.
    #[error("cannot use {path}: {source}; check the path and its permissions")]
    Io {
        /// The file.
        path: String,
        /// The system's reason.
        source: std::io::Error,
    },
}

impl Localized for ToolboxError {
    fn code(&self) -> &'static str {
        match self {
            ToolboxError::Api(e) => e.code(),
            ToolboxError::EventsLost { .. } => "toolbox.events_lost",
            ToolboxError::NotAnswered { state, .. } => match state {
                QrState::Expired => "toolbox.request_expired",
                _ => "toolbox.request_cancelled",
            },
            ToolboxError::AnswerInvalid { .. } => "toolbox.answer_invalid",
            ToolboxError::Untrusted(_) => "toolbox.certificate_untrusted",
            ToolboxError::Cms(e) => e.code(),
            ToolboxError::Pades(e) => e.code(),
            ToolboxError::Io { .. } => "toolbox.io",
            ToolboxError::TooLarge { .. } => "toolbox.too_large",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            ToolboxError::Api(e) => e.message_zh(),
            ToolboxError::EventsLost { id } => {
                format!("与平台的事件连接中断（请求 {id}）；请检查网络后重新发起")
            }
            ToolboxError::NotAnswered { state, reason } => match state {
                QrState::Expired => format!("请求已过期：{reason}；请重新发起"),
                _ => format!("请求已取消：{reason}；请重新发起"),
            },
            ToolboxError::AnswerInvalid { reason } => {
                format!("手机的应答无法使用：{reason}；请重新发起")
            }
            ToolboxError::Untrusted(e) => format!("手机证书不受信任：{}", e.message_zh()),
            ToolboxError::Cms(e) => e.message_zh(),
            ToolboxError::Pades(e) => e.message_zh(),
            ToolboxError::TooLarge { size, limit } => {
                format!("投标文件有 {size} 字节，超过平台上限 {limit} 字节")
            }
            ToolboxError::Io { path, source } => {
                format!("无法读写 {path}：{source}；请检查路径和权限")
            }
        }
    }
}
