//! Which of the phone's certificates acts for a platform.

use super::TrustedPlatform;
use crate::keystore::CertificateRecord;
use crate::pki::KeyRole;

/// The newest signing certificate valid at `now` (Unix seconds, server
/// clock) that chains to `platform`'s trust anchor.
pub fn signing_certificate(
    platform: &TrustedPlatform,
    certificates: &[CertificateRecord],
    now: i64,
) -> Option<CertificateRecord> {
    certificates
        .iter()
        .filter(|c| c.role == KeyRole::Signing)
        .filter(|c| c.cert.not_before <= now && now <= c.cert.not_after)
        .filter(|c| {
            c.chain
                .last()
                .map_or(&c.cert.issuer_der, |top| &top.issuer_der)
                == &platform.anchor.subject_der
                || c.chain
                    .iter()
                    .any(|ca| ca.fingerprint == platform.anchor.fingerprint)
        })
        .max_by_key(|c| c.cert.not_before)
        .cloned()
}

/// The newest encryption certificate of `signer`'s credential.
pub fn encryption_partner(
    certificates: &[CertificateRecord],
    signer: &CertificateRecord,
) -> Option<CertificateRecord> {
    certificates
        .iter()
        .filter(|c| c.role == KeyRole::Encryption && c.credential == signer.credential)
        .max_by_key(|c| c.cert.not_before)
        .cloned()
}
