//! The platform's certificate authority: its root, kept in the data
//! folder, the development endpoint that hands out its trust anchor, CA
//! orders ([`orders`]), the phone's pickup endpoints with the judgement of
//! its device attestation ([`attestation`]) and revocation
//! ([`revocation`]).
//!
//! On first start the platform makes a P-256 root with
//! `palmbid_core::pki::IssuingCa`, valid for [`ROOT_VALIDITY_DAYS`] from
//! the server clock, and stores it as `{data}/ca/root.pem` and
//! `{data}/ca/root.key.pem` (owner-only). Later starts load it.
//!
//! `GET /api/v1/dev/ca` answers the root certificate
//! ([`palmbid_core::api::platform::TrustAnchorResponse`]). NOTE: fetching a
//! trust anchor over the same connection it will later protect is only
//! sound for development; production ships the anchor with the app.

pub mod attestation;
pub mod orders;
mod pickup;
pub mod revocation;
pub mod seals;

pub use revocation::revoke;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use palmbid_core::api::platform::TrustAnchorResponse;
use palmbid_core::pki::{CertInfo, IssuingCa, PkiError, Validity};

use crate::AppState;

/// Days the root is valid.
pub const ROOT_VALIDITY_DAYS: u32 = 3650;

/// Common name of the development root.
/// Seconds by which validity starts before the issuing time, so a phone
/// whose clock runs a little behind the server's can install and use a
/// certificate at once.
pub(crate) const BACKDATE_SECONDS: i64 = 60;

const ROOT_NAME: &str = "palmbid reference platform root CA";

/// Errors of the CA.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaError {
    /// A CA file cannot be read or written.
    #[error("cannot use the CA file {}: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },

    /// The CA certificate or key is unusable.
    #[error("the platform CA is unusable: {0}")]
    Pki(#[from] PkiError),
}

/// Loads the root from `dir`, or makes and stores one valid from `now`.
///
/// # Errors
/// [`CaError`] when the files cannot be read, written or parsed.
pub fn load_or_create(dir: &Path, now: i64) -> Result<Arc<IssuingCa>, CaError> {
    let cert_path = dir.join("root.pem");
    let key_path = dir.join("root.key.pem");
    let file_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| CaError::File { path, source }
    };

    if cert_path.exists() {
        let cert = std::fs::read(&cert_path).map_err(file_error(&cert_path))?;
        let key = zeroize::Zeroizing::new(
            std::fs::read_to_string(&key_path).map_err(file_error(&key_path))?,
        );
        let cert = CertInfo::from_pem_or_der(&cert, "platform root CA")?;
        return Ok(Arc::new(IssuingCa::from_parts(cert, &key)?));
    }

    let ca = IssuingCa::new_root(
        ROOT_NAME,
        Validity {
            not_before: now - BACKDATE_SECONDS,
            days: ROOT_VALIDITY_DAYS,
        },
    )?;
    std::fs::create_dir_all(dir).map_err(file_error(dir))?;
    write_private(&key_path, ca.key_pkcs8_pem().as_bytes()).map_err(file_error(&key_path))?;
    std::fs::write(&cert_path, ca.certificate().to_pem()).map_err(file_error(&cert_path))?;
    tracing::info!(fingerprint = %ca.certificate().fingerprint, "platform root CA created");
    Ok(Arc::new(ca))
}

pub(crate) use pickup::routes;

/// Writes `bytes` to a new file readable by its owner only.
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;

    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)
}

/// `GET /api/v1/dev/ca`: the root certificate.
pub(crate) async fn trust_anchor(State(state): State<AppState>) -> Json<TrustAnchorResponse> {
    let cert = state.ca.certificate();
    Json(TrustAnchorResponse {
        certificate_pem: cert.to_pem(),
        fingerprint: cert.fingerprint.clone(),
    })
}
