//! Certificate path validation and key-usage checks (RFC 5280, section 6,
//! reduced to what a phone certificate needs).
//!
//! A path runs from the leaf through the given intermediates to one of the
//! trust anchors. Each step matches the issuer by the DER bytes of its
//! subject Name against the child's issuer Name (byte equality, so names in
//! `BMPString` or other legacy string types match as issued) and verifies the
//! child's signature with the issuer's key. Every certificate of the path,
//! the anchor included, must be valid at the time of the check, and every
//! issuer must be a CA (basicConstraints) allowed to sign certificates
//! (keyCertSign, when a key-usage extension is present).
//!
//! Signatures: ECDSA on P-256 or P-384 with SHA-256, SHA-384 or SHA-512,
//! through `p256`, `p384` and `ecdsa`. The digest is computed here and the
//! curve library verifies the prehash, which also covers a P-256 key under
//! SHA-384 (the digest is truncated to the curve's size, FIPS 186-4 6.4).
//!
//! NOTE: RSA-signed chains (some older Chinese CAs) are refused with
//! [`PkiError::UnsupportedSignatureAlgorithm`]; SM2 likewise. Policies,
//! name constraints, pathLenConstraint and revocation are not checked.

use const_oid::ObjectIdentifier;
use der::{Decode, Encode};
use ecdsa::signature::hazmat::PrehashVerifier;
use sha2::{Digest, Sha256, Sha384, Sha512};
use x509_cert::Certificate;

use super::{CertInfo, KeyRole, PkiError};

/// Default maximum number of certificates above the leaf, anchor included.
pub const DEFAULT_MAX_DEPTH: usize = 5;

const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
const ECDSA_WITH_SHA384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
const ECDSA_WITH_SHA512: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const SECP256R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const SECP384R1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");

/// A digest algorithm used under ECDSA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashAlg {
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl HashAlg {
    /// The ECDSA signature algorithm (RFC 5758, 3.2) of this digest, or
    /// `None` for any other OID.
    pub fn from_ecdsa_oid(oid: &ObjectIdentifier) -> Option<Self> {
        match *oid {
            ECDSA_WITH_SHA256 => Some(HashAlg::Sha256),
            ECDSA_WITH_SHA384 => Some(HashAlg::Sha384),
            ECDSA_WITH_SHA512 => Some(HashAlg::Sha512),
            _ => None,
        }
    }

    /// The digest of `data`.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        match self {
            HashAlg::Sha256 => Sha256::digest(data).to_vec(),
            HashAlg::Sha384 => Sha384::digest(data).to_vec(),
            HashAlg::Sha512 => Sha512::digest(data).to_vec(),
        }
    }
}

/// Verifies a DER ECDSA signature over a precomputed digest with the key of
/// a `SubjectPublicKeyInfo` (P-256 or P-384). `Ok(false)` means the signature
/// does not verify (including a malformed signature); `Err` means the key
/// is of a kind palmbid does not verify.
///
/// # Errors
/// [`PkiError::UnsupportedKey`] for a key that is not ECDSA P-256/P-384.
pub fn verify_ecdsa_prehash(
    spki_der: &[u8],
    prehash: &[u8],
    signature_der: &[u8],
) -> Result<bool, PkiError> {
    let unsupported = |detail: String| PkiError::UnsupportedKey {
        what: "signer key".to_owned(),
        detail,
    };
    let spki = spki::SubjectPublicKeyInfoRef::from_der(spki_der)
        .map_err(|e| unsupported(format!("invalid SubjectPublicKeyInfo: {e}")))?;
    if spki.algorithm.oid != EC_PUBLIC_KEY {
        return Err(unsupported(format!("key algorithm {}", spki.algorithm.oid)));
    }
    let curve = spki
        .algorithm
        .parameters
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
        .ok_or_else(|| unsupported("EC key without a named curve".to_owned()))?;
    let point = spki.subject_public_key.raw_bytes();

    match curve {
        SECP256R1 => {
            let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .map_err(|_| unsupported("invalid P-256 point".to_owned()))?;
            let Ok(signature) = p256::ecdsa::Signature::from_der(signature_der) else {
                return Ok(false);
            };
            Ok(key.verify_prehash(prehash, &signature).is_ok())
        }
        SECP384R1 => {
            let key = p384::ecdsa::VerifyingKey::from_sec1_bytes(point)
                .map_err(|_| unsupported("invalid P-384 point".to_owned()))?;
            let Ok(signature) = p384::ecdsa::Signature::from_der(signature_der) else {
                return Ok(false);
            };
            Ok(key.verify_prehash(prehash, &signature).is_ok())
        }
        other => Err(unsupported(format!("curve {other}"))),
    }
}

/// Verifies a signature made with signature algorithm `algorithm` over
/// `message`. `Ok(false)` when it does not verify.
///
/// # Errors
/// [`PkiError::UnsupportedSignatureAlgorithm`] naming the OID, or
/// [`PkiError::UnsupportedKey`].
pub fn verify_signature(
    algorithm: &ObjectIdentifier,
    spki_der: &[u8],
    message: &[u8],
    signature_der: &[u8],
) -> Result<bool, PkiError> {
    let hash = HashAlg::from_ecdsa_oid(algorithm).ok_or_else(|| {
        PkiError::UnsupportedSignatureAlgorithm {
            oid: algorithm.to_string(),
        }
    })?;
    verify_ecdsa_prehash(spki_der, &hash.digest(message), signature_der)
}

/// The signed part, signature algorithm and signature of a certificate.
struct SignedParts {
    tbs: Vec<u8>,
    algorithm: ObjectIdentifier,
    signature: Vec<u8>,
}

fn signed_parts(cert: &CertInfo) -> Result<SignedParts, PkiError> {
    let invalid = |detail: String| PkiError::InvalidCertificate {
        what: cert.subject.clone(),
        detail,
    };
    let parsed = Certificate::from_der(&cert.der).map_err(|e| invalid(e.to_string()))?;

    // x509-cert decodes strict DER only, so re-encoding the TBS gives back
    // the signed bytes exactly.
    let tbs = parsed
        .tbs_certificate
        .to_der()
        .map_err(|e| invalid(e.to_string()))?;
    let signature = parsed
        .signature
        .as_bytes()
        .ok_or_else(|| invalid("signature BIT STRING has unused bits".to_owned()))?
        .to_vec();
    Ok(SignedParts {
        tbs,
        algorithm: parsed.signature_algorithm.oid,
        signature,
    })
}

/// Whether `issuer`'s key verifies `cert`'s signature.
///
/// # Errors
/// As [`verify_signature`], plus [`PkiError::InvalidCertificate`].
pub fn is_signed_by(cert: &CertInfo, issuer: &CertInfo) -> Result<bool, PkiError> {
    let parts = signed_parts(cert)?;
    verify_signature(
        &parts.algorithm,
        &issuer.spki_der,
        &parts.tbs,
        &parts.signature,
    )
}

/// Whether a certificate is self-signed: its issuer is its subject and its
/// own key verifies its signature. Unsupported algorithms count as no.
pub fn is_self_signed(cert: &CertInfo) -> bool {
    cert.issuer_der == cert.subject_der && is_signed_by(cert, cert).unwrap_or(false)
}

/// Checks that `at` (Unix seconds) is within the certificate's validity.
///
/// # Errors
/// [`PkiError::Expired`] or [`PkiError::NotYetValid`], with the dates.
pub fn check_validity(cert: &CertInfo, at: i64) -> Result<(), PkiError> {
    if at > cert.not_after {
        return Err(PkiError::Expired {
            subject: cert.subject.clone(),
            not_after: rfc3339(cert.not_after),
            at: rfc3339(at),
        });
    }
    if at < cert.not_before {
        return Err(PkiError::NotYetValid {
            subject: cert.subject.clone(),
            not_before: rfc3339(cert.not_before),
            at: rfc3339(at),
        });
    }
    Ok(())
}

/// Checks that a certificate's key usage allows `role`: digitalSignature
/// or nonRepudiation for signing, keyAgreement for encryption (envelopes
/// use ECDH). A certificate without a key-usage extension allows every use
/// (RFC 5280, 4.2.1.3).
///
/// # Errors
/// [`PkiError::WrongKeyUsage`] naming the usage needed.
pub fn check_key_usage(cert: &CertInfo, role: KeyRole) -> Result<(), PkiError> {
    let ku = &cert.key_usage;
    let (allowed, need) = match role {
        KeyRole::Signing => (
            ku.digital_signature || ku.non_repudiation,
            "digitalSignature or nonRepudiation",
        ),
        KeyRole::Encryption => (ku.key_agreement, "keyAgreement"),
    };
    if ku.present && !allowed {
        return Err(PkiError::WrongKeyUsage {
            subject: cert.subject.clone(),
            role: role.as_str(),
            need,
        });
    }
    Ok(())
}

fn check_issuer_constraints(issuer: &CertInfo) -> Result<(), PkiError> {
    if !issuer.is_ca {
        return Err(PkiError::NotCa {
            subject: issuer.subject.clone(),
            reason: "basicConstraints does not mark it as a CA",
        });
    }
    if issuer.key_usage.present && !issuer.key_usage.key_cert_sign {
        return Err(PkiError::NotCa {
            subject: issuer.subject.clone(),
            reason: "its key usage lacks keyCertSign",
        });
    }
    Ok(())
}

/// Validates the path from `leaf` through `intermediates` (any order) to
/// one of `anchors` at time `at` (Unix seconds), with at most `max_depth`
/// certificates above the leaf. Returns the path above the leaf, the
/// leaf's issuer first and the anchor last.
///
/// # Errors
/// The first failure found: [`PkiError::Expired`],
/// [`PkiError::NotYetValid`], [`PkiError::UnknownIssuer`],
/// [`PkiError::BadSignature`], [`PkiError::NotCa`],
/// [`PkiError::ChainTooLong`], [`PkiError::UnsupportedSignatureAlgorithm`].
pub fn verify_chain(
    leaf: &CertInfo,
    intermediates: &[CertInfo],
    anchors: &[CertInfo],
    at: i64,
    max_depth: usize,
) -> Result<Vec<CertInfo>, PkiError> {
    check_validity(leaf, at)?;

    let mut path: Vec<CertInfo> = Vec::new();
    let mut current = leaf.clone();
    loop {
        if path.len() >= max_depth {
            return Err(PkiError::ChainTooLong { max: max_depth });
        }

        // Anchors first: a path ends at the first trusted issuer.
        let named_anchors = anchors
            .iter()
            .filter(|a| a.subject_der == current.issuer_der);
        let named_intermediates = intermediates
            .iter()
            .filter(|c| c.subject_der == current.issuer_der && c.der != current.der);

        let mut bad_signature_from = None;
        let mut found = None;
        for (candidate, is_anchor) in named_anchors
            .map(|a| (a, true))
            .chain(named_intermediates.map(|c| (c, false)))
        {
            if is_signed_by(&current, candidate)? {
                found = Some((candidate, is_anchor));
                break;
            }
            bad_signature_from.get_or_insert(candidate);
        }

        let Some((issuer, is_anchor)) = found else {
            return Err(match bad_signature_from {
                Some(issuer) => PkiError::BadSignature {
                    subject: current.subject.clone(),
                    issuer: issuer.subject.clone(),
                },
                None => PkiError::UnknownIssuer {
                    subject: current.subject.clone(),
                    issuer: current.issuer.clone(),
                },
            });
        };

        check_issuer_constraints(issuer)?;
        check_validity(issuer, at)?;
        path.push(issuer.clone());
        if is_anchor {
            return Ok(path);
        }
        current = issuer.clone();
    }
}

/// A Unix time as RFC 3339 (UTC), for messages.
pub(crate) fn rfc3339(seconds: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| format!("@{seconds}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_formats_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_767_225_600), "2026-01-01T00:00:00Z");
    }

    #[test]
    fn unknown_signature_algorithm_is_named() {
        let rsa = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
        let err = verify_signature(&rsa, &[], b"m", &[]).expect_err("RSA is unsupported");
        assert!(err.to_string().contains("1.2.840.113549.1.1.11"), "{err}");
    }
}
