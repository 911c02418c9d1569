//! `GET /api/v1/health`.

use serde::{Deserialize, Serialize};

/// The health endpoint's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthResponse {
    /// `"ok"` while the server accepts requests.
    pub status: String,
    /// Server clock, Unix milliseconds.
    pub server_time_ms: i64,
    /// Version of the platform software.
    pub version: String,
}
