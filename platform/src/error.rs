//! Errors of the platform: startup failures ([`PlatformError`]) and the
//! JSON error answers of the API ([`Failure`]).
//!
//! Every refused request answers an [`ErrorBody`]: a stable code from
//! [`ErrorCode`] and the message in English and Chinese. Internal errors
//! are logged with the request id and answered as `server.internal`
//! without their details.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use palmbid_core::api::{ErrorBody, ErrorCode};

use crate::db::DbError;

/// Errors that stop the platform from starting or serving.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlatformError {
    /// The data folder cannot be created.
    #[error("cannot create the data folder {}: {source}", path.display())]
    DataDir {
        /// The folder.
        path: std::path::PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },

    /// The listening address cannot be bound.
    #[error("cannot listen on {addr}: {source}; pick a free address or port")]
    Bind {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// The system's reason.
        source: std::io::Error,
    },

    /// Serving failed.
    #[error("the server stopped with an error: {0}")]
    Serve(std::io::Error),

    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),

    /// The CA cannot be loaded or created.
    #[error(transparent)]
    Ca(#[from] crate::ca::CaError),

    /// The development guarantee institution cannot be set up.
    #[error(transparent)]
    Guarantee(#[from] crate::guarantee::GuaranteeError),

    /// The configured seal font cannot be used.
    #[error(transparent)]
    Font(crate::ca::seals::SealError),

    /// A configured attestation root cannot be used.
    #[error(transparent)]
    AttestationRoot(#[from] crate::ca::attestation::AttestationRootError),

    /// A configured app for App Links or universal links is malformed.
    #[error(transparent)]
    AppLink(#[from] crate::app_links::AppLinkError),
}

/// A refused request: HTTP status plus the wire error.
#[derive(Debug, Clone)]
pub struct Failure {
    /// HTTP status of the answer.
    pub status: StatusCode,
    /// The wire error.
    pub body: ErrorBody,
}

impl Failure {
    /// A refusal with `status`, `code` and both messages.
    pub fn new(
        status: StatusCode,
        code: ErrorCode,
        en: impl Into<String>,
        zh: impl Into<String>,
    ) -> Self {
        Failure {
            status,
            body: ErrorBody {
                code,
                message: en.into(),
                message_zh: zh.into(),
            },
        }
    }

    /// `500 server.internal`, after logging `detail` (never sent).
    pub fn internal(detail: &dyn std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        Failure::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "the platform failed; try again later",
            "平台内部错误，请稍后重试",
        )
    }

    /// `404 request.not_found`.
    pub fn not_found() -> Self {
        Failure::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "no such endpoint or object",
            "请求的接口或对象不存在",
        )
    }

    /// `413 request.too_large` for a body over `limit` bytes.
    pub fn too_large(limit: usize) -> Self {
        Failure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::TooLarge,
            format!("the request body is larger than {limit} bytes"),
            format!("请求内容超过 {limit} 字节上限"),
        )
    }
}

impl From<DbError> for Failure {
    fn from(err: DbError) -> Self {
        Failure::internal(&err)
    }
}

impl From<JsonRejection> for Failure {
    fn from(rejection: JsonRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return Failure::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::TooLarge,
                "the request body is larger than this endpoint allows",
                "请求内容超过该接口的大小上限",
            );
        }
        Failure::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::Malformed,
            format!("the request body is not valid: {}", rejection.body_text()),
            "请求内容格式不正确",
        )
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        (self.status, Json(self.body)).into_response()
    }
}
