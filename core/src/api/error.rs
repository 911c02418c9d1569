//! Errors of the platform client.

use crate::error::Localized;

use super::{ErrorBody, ErrorCode};

/// Errors talking to a platform.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ApiError {
    /// The platform address cannot be used.
    #[error(
        "the platform address {url:?} is not usable: {reason}; give an https:// address (http:// only on loopback)"
    )]
    InvalidUrl {
        /// The address given.
        url: String,
        /// Why it was refused.
        reason: &'static str,
    },

    /// The HTTP client cannot be set up.
    #[error("cannot set up the HTTPS client: {0}")]
    Client(reqwest::Error),

    /// The platform cannot be reached or the connection broke.
    #[error("cannot reach the platform at {url}: {source}; check the network and the address")]
    Transport {
        /// The request address.
        url: String,
        /// The transport's reason.
        source: reqwest::Error,
    },

    /// The platform refused the request with a coded error.
    #[error("the platform refused the request (HTTP {status}, {}): {}", body.code.as_str(), body.message)]
    Refused {
        /// HTTP status.
        status: u16,
        /// The platform's error.
        body: ErrorBody,
    },

    /// The platform answered something that is not the protocol.
    #[error(
        "the platform at {url} answered HTTP {status} with an unreadable body: {reason}; check that the address is a palmbid platform"
    )]
    BadResponse {
        /// The request address.
        url: String,
        /// HTTP status.
        status: u16,
        /// What was wrong.
        reason: String,
    },

    /// A call that needs a session was made without one.
    #[error("not logged in to the platform; log in with an SMS code first")]
    NotLoggedIn,
}

impl ApiError {
    /// The platform's error code when it refused the request.
    pub fn server_code(&self) -> Option<ErrorCode> {
        match self {
            ApiError::Refused { body, .. } => Some(body.code),
            _ => None,
        }
    }
}

impl Localized for ApiError {
    fn code(&self) -> &'static str {
        match self {
            ApiError::InvalidUrl { .. } => "api.invalid_url",
            ApiError::Client(_) => "api.client",
            ApiError::Transport { .. } => "api.unreachable",
            ApiError::Refused { body, .. } => match body.code {
                ErrorCode::Unknown => "api.refused",
                code => code.as_str(),
            },
            ApiError::BadResponse { .. } => "api.bad_response",
            ApiError::NotLoggedIn => "api.not_logged_in",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            ApiError::InvalidUrl { url, .. } => {
                format!("平台地址 {url:?} 不可用；请使用 https:// 地址（http:// 仅限本机回环地址）")
            }
            ApiError::Client(e) => format!("无法建立 HTTPS 客户端：{e}"),
            ApiError::Transport { url, .. } => {
                format!("无法连接平台 {url}；请检查网络和平台地址")
            }
            ApiError::Refused { body, .. } => body.message_zh.clone(),
            ApiError::BadResponse { url, status, .. } => {
                format!("平台 {url} 的应答无法识别（HTTP {status}）；请确认该地址是 palmbid 平台")
            }
            ApiError::NotLoggedIn => "尚未登录平台；请先用短信验证码登录".to_owned(),
        }
    }
}
