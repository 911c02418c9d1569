//! The platform protocol: wire types shared by the phone and the platform,
//! and the phone's HTTP client.
//!
//! HTTP/1.1 with JSON bodies under `/api/v1` ([`paths`]); TLS in
//! production, plain HTTP on loopback for development. Choices:
//!
//! - Every response, errors included, carries the server clock in the
//!   [`SERVER_TIME_HEADER`] header (Unix milliseconds). Times that matter
//!   (code expiry, session expiry, certificate validity) are the server's;
//!   the client keeps the offset to its own clock ([`client::PlatformClient::clock_offset_ms`]).
//! - Every error is an [`ErrorBody`]: a stable [`ErrorCode`] plus an English
//!   and a Chinese message, so the phone can branch on the code and show the
//!   text without a table of its own.
//! - Times in bodies are Unix seconds (`i64`), server clock.
//! - After SMS login the phone sends `Authorization: Bearer {token}`.
//!
//! One module per area: [`health`], [`auth`] (SMS login), [`identity`]
//! (identity verification), [`pickup`] (certificate pickup), [`platform`]
//! (the platform's trust anchor), [`hall`] (the bid-opening hall), [`guarantee`] (electronic bid
//! guarantees), [`qr`] (QR requests of the portal and the bid toolbox). The platform
//! crate depends on this module; core never depends on the platform.

pub mod auth;
pub mod client;
mod code;
mod error;
pub mod guarantee;
pub mod hall;
pub mod health;
pub mod identity;
pub mod paths;
pub mod pickup;
pub mod platform;
pub mod qr;

use serde::{Deserialize, Serialize};

pub use code::ErrorCode;
pub use error::ApiError;

/// Response header with the server clock, Unix milliseconds.
pub const SERVER_TIME_HEADER: &str = "x-palmbid-server-time";

/// Response header with the id the server gave the request; quote it when
/// reporting a problem.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// Body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Stable machine-readable code.
    pub code: ErrorCode,
    /// The message in English.
    pub message: String,
    /// The message in Simplified Chinese.
    pub message_zh: String,
}
