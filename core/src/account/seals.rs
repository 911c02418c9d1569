//! The seal images (印章) the CA issued with the phone's certificates.
//!
//! A certificate pickup's answer carries the seals registered for the
//! company and its people (PNG, base64) next to the certificates; the
//! phone keeps that answer in its pickup row. A seal belongs to the
//! signing certificate of the same answer, so the seals shown for an
//! installed certificate are those of the pickups that issued it. The
//! certificate screen lists them with [`seals`]; a QR seal request offers
//! the signer's with [`seals_of`].

use super::{AccountError, AccountStore, pickups};
use crate::api::pickup::SealImage;
use crate::keystore::{CredentialId, Keystore};
use crate::pki::{CertInfo, KeyRole};

/// The seals held with one installed signing certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateSeals {
    /// The platform whose CA issued the certificate and its seals.
    pub platform: String,
    /// The credential of the certificate's key.
    pub credential: CredentialId,
    /// The signing certificate.
    pub certificate: CertInfo,
    /// Its seals, in the order the CA sent them.
    pub seals: Vec<SealImage>,
}

/// The seals of every installed signing certificate that has some, in
/// pickup order.
///
/// # Errors
/// [`AccountError::Store`] or [`AccountError::Keystore`] when a table
/// cannot be read.
pub fn seals(
    store: &AccountStore,
    keystore: &Keystore,
) -> Result<Vec<CertificateSeals>, AccountError> {
    let installed = keystore.certificates()?;
    let mut found: Vec<CertificateSeals> = Vec::new();
    for record in pickups(store)? {
        let Some(issued) = record.issued else {
            continue;
        };
        let Some(signing) = signing_certificate(&issued.signing_cert_pem) else {
            continue;
        };
        let Some(holder) = installed
            .iter()
            .find(|c| c.role == KeyRole::Signing && c.cert.fingerprint == signing.fingerprint)
        else {
            continue;
        };
        if issued.seals.is_empty() {
            continue;
        }
        found.push(CertificateSeals {
            platform: record.platform,
            credential: holder.credential.clone(),
            certificate: holder.cert.clone(),
            seals: issued.seals,
        });
    }
    Ok(found)
}

/// The seal images picked up with `signer`.
///
/// # Errors
/// [`AccountError::Store`] when the pickups cannot be read.
pub fn seals_of(store: &AccountStore, signer: &CertInfo) -> Result<Vec<SealImage>, AccountError> {
    let mut seals = Vec::new();
    for record in pickups(store)? {
        let Some(issued) = record.issued else {
            continue;
        };
        let same = signing_certificate(&issued.signing_cert_pem)
            .is_some_and(|cert| cert.fingerprint == signer.fingerprint);
        if same {
            seals.extend(issued.seals);
        }
    }
    Ok(seals)
}

/// The signing certificate of a stored pickup answer; `None` when it no
/// longer parses (that pickup then has no seals to show).
fn signing_certificate(pem: &str) -> Option<CertInfo> {
    CertInfo::from_pem_or_der(pem.as_bytes(), "signing certificate").ok()
}
