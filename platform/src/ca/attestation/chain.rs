//! Decoding a device attestation chain and checking its signatures.
//!
//! The chain is leaf first. Certificate `i` must verify under the public
//! key of certificate `i + 1`, and the last one under its own key (the
//! root is self-signed). Names are not compared: the signatures alone
//! link the certificates.
//!
//! Signatures are those Android's attestation roots and intermediates use.
//! ECDSA with SHA-256, SHA-384 or SHA-512 on P-256 or P-384 goes through
//! `palmbid_core::pki` (`p256`, `p384`). RSA PKCS #1 v1.5 (RFC 8017) with
//! SHA-256, SHA-384 or SHA-512 on 2048- to 8192-bit keys goes through
//! `ring`, which is linked already for TLS and rcgen.
//!
//! NOTE: validity dates and Google's attestation revocation list are not
//! checked; the operator judges the recorded root and security level.

use base64::Engine;
use der::oid::ObjectIdentifier;
use der::{Decode, Encode};
use palmbid_core::api::pickup::{MAX_ATTESTATION_CERT_BYTES, MAX_ATTESTATION_CERTS};
use palmbid_core::pki::{HashAlg, PkiError, verify_signature};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;

use super::AttestationFault;
use super::key_description::KEY_DESCRIPTION_OID;

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
const SHA384_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
const SHA512_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");

/// One certificate of the chain, split into what the checks need.
pub(super) struct ChainCert {
    /// SHA-256 of the DER certificate, lower-case hex.
    pub(super) fingerprint: String,
    /// `SubjectPublicKeyInfo`, DER.
    pub(super) spki_der: Vec<u8>,
    /// The KeyDescription extension's value, when the certificate has one.
    pub(super) key_description: Option<Vec<u8>>,
    tbs: Vec<u8>,
    algorithm: ObjectIdentifier,
    signature: Vec<u8>,
}

/// Decodes the base64 DER certificates of a chain, within the bounds of
/// [`MAX_ATTESTATION_CERTS`] and [`MAX_ATTESTATION_CERT_BYTES`].
///
/// # Errors
/// [`AttestationFault`] naming the bound broken or the certificate that
/// does not decode (1-based position, leaf = 1).
pub(super) fn decode(chain: &[String]) -> Result<Vec<ChainCert>, AttestationFault> {
    if chain.len() > MAX_ATTESTATION_CERTS {
        return Err(AttestationFault::TooManyCertificates { count: chain.len() });
    }
    // Base64 takes 4 characters for 3 bytes, so a longer text cannot fit.
    let max_text = MAX_ATTESTATION_CERT_BYTES.div_ceil(3) * 4;
    chain
        .iter()
        .enumerate()
        .map(|(index, text)| {
            let position = index + 1;
            if text.len() > max_text {
                return Err(AttestationFault::CertificateTooLarge { position });
            }
            let der = base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|_| AttestationFault::NotBase64 { position })?;
            if der.len() > MAX_ATTESTATION_CERT_BYTES {
                return Err(AttestationFault::CertificateTooLarge { position });
            }
            split(&der).map_err(|detail| AttestationFault::NotACertificate { position, detail })
        })
        .collect()
}

fn split(der: &[u8]) -> Result<ChainCert, String> {
    let cert = Certificate::from_der(der).map_err(|e| e.to_string())?;
    let tbs = &cert.tbs_certificate;
    let key_description = tbs
        .extensions
        .iter()
        .flatten()
        .find(|extension| extension.extn_id == KEY_DESCRIPTION_OID)
        .map(|extension| extension.extn_value.as_bytes().to_vec());
    let signature = cert
        .signature
        .as_bytes()
        .ok_or("its signature BIT STRING has unused bits")?
        .to_vec();

    // x509-cert decodes strict DER only, so the re-encoded TBS is the
    // signed bytes exactly.
    Ok(ChainCert {
        fingerprint: hex::encode(Sha256::digest(der)),
        spki_der: tbs
            .subject_public_key_info
            .to_der()
            .map_err(|e| e.to_string())?,
        key_description,
        tbs: tbs.to_der().map_err(|e| e.to_string())?,
        algorithm: cert.signature_algorithm.oid,
        signature,
    })
}

/// Checks that each certificate is signed by the next and the last by
/// itself.
///
/// # Errors
/// [`AttestationFault::BadSignature`] or
/// [`AttestationFault::UnsupportedAlgorithm`] at the first certificate
/// that fails.
pub(super) fn check_signatures(chain: &[ChainCert]) -> Result<(), AttestationFault> {
    for (index, cert) in chain.iter().enumerate() {
        let issuer = chain.get(index + 1).unwrap_or(cert);
        let position = index + 1;
        if !is_signed_by(cert, &issuer.spki_der, position)? {
            return Err(AttestationFault::BadSignature {
                position,
                last: index + 1 == chain.len(),
            });
        }
    }
    Ok(())
}

fn is_signed_by(
    cert: &ChainCert,
    issuer_spki: &[u8],
    position: usize,
) -> Result<bool, AttestationFault> {
    let unsupported = |what: String| AttestationFault::UnsupportedAlgorithm { position, what };

    if HashAlg::from_ecdsa_oid(&cert.algorithm).is_some() {
        return verify_signature(&cert.algorithm, issuer_spki, &cert.tbs, &cert.signature).or_else(
            |e| match e {
                // An issuer key that is not EC cannot have made an ECDSA
                // signature.
                PkiError::UnsupportedKey { .. } => Ok(false),
                other => Err(unsupported(other.to_string())),
            },
        );
    }

    let algorithm: &'static dyn ring::signature::VerificationAlgorithm = match cert.algorithm {
        SHA256_WITH_RSA => &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        SHA384_WITH_RSA => &ring::signature::RSA_PKCS1_2048_8192_SHA384,
        SHA512_WITH_RSA => &ring::signature::RSA_PKCS1_2048_8192_SHA512,
        other => return Err(unsupported(format!("signature algorithm {other}"))),
    };
    let Ok(spki) = spki::SubjectPublicKeyInfoRef::from_der(issuer_spki) else {
        return Ok(false);
    };
    if spki.algorithm.oid != RSA_ENCRYPTION {
        return Ok(false);
    }
    let key =
        ring::signature::UnparsedPublicKey::new(algorithm, spki.subject_public_key.raw_bytes());
    Ok(key.verify(&cert.tbs, &cert.signature).is_ok())
}
