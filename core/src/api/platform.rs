//! Facts about the platform itself: `GET /api/v1/dev/ca`.

use serde::{Deserialize, Serialize};

/// The platform CA's root certificate, served for development set-ups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustAnchorResponse {
    /// The root certificate, PEM.
    pub certificate_pem: String,
    /// Its SHA-256 fingerprint as the core prints it.
    pub fingerprint: String,
}
