//! A small issuing CA on `rcgen`, for tests, the demo and the reference
//! platform.
//!
//! It makes a self-signed P-256 root and, optionally, intermediates, and
//! issues phone certificates from PKCS#10 requests (RFC 2986) with the key
//! usage of their role: digitalSignature + nonRepudiation for signing,
//! keyAgreement + keyEncipherment for encryption. Every certificate carries
//! subject and authority key identifiers (RFC 5280, 4.2.1.1 and 4.2.1.2)
//! and a random positive 128-bit serial. A request's signature is verified
//! before anything is issued, with this crate's own verifier, and only the
//! request's subject and public key are used: the CA, not the requester,
//! decides the extensions.
//!
//! NOTE: the CA's private key lives in an `rcgen::KeyPair`, whose buffer is
//! not wiped on drop. That is acceptable for a test and demo CA; a
//! production CA keeps its key in an HSM.

use der::{Decode, Encode};
use rand_core::{OsRng, RngCore};
use rcgen::string::{BmpString, Ia5String, PrintableString};
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, DnValue, IsCa, Issuer,
    KeyIdMethod, KeyPair, KeyUsagePurpose, SerialNumber,
};
use time::OffsetDateTime;
use x509_cert::name::Name;
use x509_cert::request::CertReq;
use zeroize::Zeroizing;

use super::csr::{distinguished_name, role_key_usages};
use super::keygen::P256PublicKey;
use super::verify::verify_signature;
use super::{CertInfo, KeyRole, PkiError, Subject};

/// When a certificate is valid: from `not_before` (Unix seconds) for `days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Validity {
    /// Start, seconds since the Unix epoch.
    pub not_before: i64,
    /// Length in days.
    pub days: u32,
}

impl Validity {
    fn to_params(self, params: &mut CertificateParams) -> Result<(), PkiError> {
        let start =
            OffsetDateTime::from_unix_timestamp(self.not_before).map_err(|e| PkiError::Build {
                what: "certificate validity",
                detail: e.to_string(),
            })?;
        params.not_before = start;
        params.not_after = start + time::Duration::days(i64::from(self.days));
        Ok(())
    }
}

/// A certificate issued together with a freshly generated key: the demo's
/// stand-in for a hardware (USB-KEY) certificate.
pub struct IssuedWithKey {
    /// The certificate.
    pub cert: CertInfo,
    /// The private key as PKCS#8 PEM (`PRIVATE KEY`), wiped on drop.
    pub key_pkcs8_pem: Zeroizing<String>,
}

impl std::fmt::Debug for IssuedWithKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuedWithKey")
            .field("cert", &self.cert)
            .finish_non_exhaustive()
    }
}

/// An issuing CA: its certificate and its signing key.
pub struct IssuingCa {
    cert: CertInfo,
    issuer: Issuer<'static, KeyPair>,
}

impl std::fmt::Debug for IssuingCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IssuingCa")
            .field("cert", &self.cert)
            .finish_non_exhaustive()
    }
}

fn build_err(what: &'static str) -> impl Fn(rcgen::Error) -> PkiError {
    move |e| PkiError::Build {
        what,
        detail: e.to_string(),
    }
}

/// Draws a random positive serial of 16 bytes (RFC 5280, 4.1.2.2 allows
/// at most 20).
fn random_serial() -> SerialNumber {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    bytes[0] = (bytes[0] & 0x7f) | 0x01;
    SerialNumber::from_slice(&bytes)
}

fn ca_params(common_name: &str, validity: Validity) -> Result<CertificateParams, PkiError> {
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CommonName,
        DnValue::Utf8String(common_name.to_owned()),
    );
    dn.push(
        DnType::OrganizationName,
        DnValue::Utf8String("palmbid reference CA".to_owned()),
    );
    dn.push(
        DnType::CountryName,
        DnValue::PrintableString(PrintableString::try_from("CN").map_err(build_err("CA name"))?),
    );
    params.distinguished_name = dn;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.serial_number = Some(random_serial());
    params.use_authority_key_identifier_extension = true;
    params.key_identifier_method = KeyIdMethod::Sha256;
    validity.to_params(&mut params)?;
    Ok(params)
}

fn new_ca_key() -> Result<KeyPair, PkiError> {
    KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(build_err("CA key"))
}

impl IssuingCa {
    /// Creates a self-signed P-256 root CA named `common_name`.
    ///
    /// # Errors
    /// [`PkiError::Build`] if key generation or encoding fails.
    pub fn new_root(common_name: &str, validity: Validity) -> Result<Self, PkiError> {
        let key = new_ca_key()?;
        let params = ca_params(common_name, validity)?;
        let cert = params
            .self_signed(&key)
            .map_err(build_err("root certificate"))?;
        let cert = CertInfo::from_der(cert.der(), "root certificate")?;
        Ok(IssuingCa {
            cert,
            issuer: Issuer::new(params, key),
        })
    }

    /// Creates an intermediate CA named `common_name`, issued by this CA.
    ///
    /// # Errors
    /// [`PkiError::Build`] if key generation or encoding fails.
    pub fn new_intermediate(
        &self,
        common_name: &str,
        validity: Validity,
    ) -> Result<Self, PkiError> {
        let key = new_ca_key()?;
        let params = ca_params(common_name, validity)?;
        let cert = params
            .signed_by(&key, &self.issuer)
            .map_err(build_err("intermediate certificate"))?;
        let cert = CertInfo::from_der(cert.der(), "intermediate certificate")?;
        Ok(IssuingCa {
            cert,
            issuer: Issuer::new(params, key),
        })
    }

    /// Reloads a CA from its certificate and PKCS#8 PEM key, as saved by
    /// [`IssuingCa::certificate`] and [`IssuingCa::key_pkcs8_pem`].
    ///
    /// # Errors
    /// [`PkiError::InvalidPrivateKey`] for a key `rcgen` cannot use,
    /// [`PkiError::CertificateKeyMismatch`] when they do not belong together.
    pub fn from_parts(cert: CertInfo, key_pkcs8_pem: &str) -> Result<Self, PkiError> {
        let key = KeyPair::from_pem(key_pkcs8_pem).map_err(|e| PkiError::InvalidPrivateKey {
            detail: e.to_string(),
        })?;
        if cert.p256_public_key.as_deref() != Some(key.public_key_raw()) {
            return Err(PkiError::CertificateKeyMismatch {
                subject: cert.subject.clone(),
            });
        }

        let parsed = x509_cert::Certificate::from_der(&cert.der).map_err(|e| {
            PkiError::InvalidCertificate {
                what: cert.subject.clone(),
                detail: e.to_string(),
            }
        })?;
        let mut params = CertificateParams::default();
        params.distinguished_name = rcgen_name(&parsed.tbs_certificate.subject)?;
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        params.key_identifier_method = match &cert.subject_key_id {
            Some(ski) => KeyIdMethod::PreSpecified(ski.clone()),
            None => KeyIdMethod::Sha256,
        };
        Ok(IssuingCa {
            cert,
            issuer: Issuer::new(params, key),
        })
    }

    /// The CA's certificate.
    pub fn certificate(&self) -> &CertInfo {
        &self.cert
    }

    /// The CA's private key as PKCS#8 PEM, to save it for a later
    /// [`IssuingCa::from_parts`].
    pub fn key_pkcs8_pem(&self) -> Zeroizing<String> {
        Zeroizing::new(self.issuer.key().serialize_pem())
    }

    /// Issues a certificate for the key and subject of a PKCS#10 request
    /// (DER or PEM), with the key usage of `role`. The request's signature
    /// must verify.
    ///
    /// # Errors
    /// [`PkiError::InvalidCsr`], [`PkiError::CsrSignatureInvalid`],
    /// [`PkiError::UnsupportedKey`] for a key that is not P-256,
    /// [`PkiError::Build`].
    pub fn issue_from_csr(
        &self,
        csr: &[u8],
        role: KeyRole,
        validity: Validity,
    ) -> Result<CertInfo, PkiError> {
        let request = parse_verified_csr(csr)?;

        let mut params = leaf_params(role, validity)?;
        params.distinguished_name = rcgen_name(&request.info.subject)?;
        let public_key = csr_p256_key(&request)?;

        let cert = params
            .signed_by(&P256PublicKey(public_key), &self.issuer)
            .map_err(build_err("certificate"))?;
        let info = CertInfo::from_der(cert.der(), "issued certificate")?;
        tracing::info!(role = role.as_str(), serial = %info.serial_hex(), "issued certificate from request");
        Ok(info)
    }

    /// Generates a P-256 key and issues a certificate for it: the demo's
    /// hardware certificate, whose key is handed out as PKCS#8 PEM.
    ///
    /// # Errors
    /// As [`crate::pki::build_csr`] for the subject, [`PkiError::Build`].
    pub fn issue_with_new_key(
        &self,
        subject: &Subject,
        role: KeyRole,
        validity: Validity,
    ) -> Result<IssuedWithKey, PkiError> {
        subject.validate()?;
        let key = super::generate_key();

        let mut params = leaf_params(role, validity)?;
        params.distinguished_name = distinguished_name(subject)?;
        let cert = params
            .signed_by(&P256PublicKey(super::public_key_sec1(&key)), &self.issuer)
            .map_err(build_err("certificate"))?;
        let cert = CertInfo::from_der(cert.der(), "issued certificate")?;

        let pem =
            pkcs8::EncodePrivateKey::to_pkcs8_pem(&key, pkcs8::LineEnding::LF).map_err(|e| {
                PkiError::Build {
                    what: "PKCS#8 key",
                    detail: e.to_string(),
                }
            })?;
        Ok(IssuedWithKey {
            cert,
            key_pkcs8_pem: Zeroizing::new(pem.to_string()),
        })
    }
}

/// Parameters of an end-entity certificate for `role`: key usage of the
/// role (keyEncipherment added for encryption, as many CAs do), not a CA,
/// random serial, key identifiers.
fn leaf_params(role: KeyRole, validity: Validity) -> Result<CertificateParams, PkiError> {
    let mut params = CertificateParams::default();
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = role_key_usages(role);
    if role == KeyRole::Encryption {
        params.key_usages.push(KeyUsagePurpose::KeyEncipherment);
    }
    params.serial_number = Some(random_serial());
    params.use_authority_key_identifier_extension = true;
    params.key_identifier_method = KeyIdMethod::Sha256;
    validity.to_params(&mut params)?;
    Ok(params)
}

/// Parses a PKCS#10 request (DER or PEM) and verifies its self-signature.
///
/// # Errors
/// [`PkiError::InvalidCsr`] or [`PkiError::CsrSignatureInvalid`].
pub fn parse_verified_csr(csr: &[u8]) -> Result<CertReq, PkiError> {
    let invalid = |detail: String| PkiError::InvalidCsr { detail };

    let der = if csr.trim_ascii_start().starts_with(b"-----BEGIN") {
        let (label, der) = der::pem::decode_vec(csr).map_err(|e| invalid(e.to_string()))?;
        if label != "CERTIFICATE REQUEST" && label != "NEW CERTIFICATE REQUEST" {
            return Err(invalid(format!("PEM label {label}")));
        }
        der
    } else {
        csr.to_vec()
    };
    let request = CertReq::from_der(&der).map_err(|e| invalid(e.to_string()))?;

    let info = request.info.to_der().map_err(|e| invalid(e.to_string()))?;
    let spki = request
        .info
        .public_key
        .to_der()
        .map_err(|e| invalid(e.to_string()))?;
    let signature = request
        .signature
        .as_bytes()
        .ok_or_else(|| invalid("signature BIT STRING has unused bits".to_owned()))?;
    if !verify_signature(&request.algorithm.oid, &spki, &info, signature)? {
        return Err(PkiError::CsrSignatureInvalid);
    }
    Ok(request)
}

fn csr_p256_key(request: &CertReq) -> Result<Vec<u8>, PkiError> {
    const EC_PUBLIC_KEY: der::asn1::ObjectIdentifier =
        der::asn1::ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
    const SECP256R1: der::asn1::ObjectIdentifier =
        der::asn1::ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
    let unsupported = |detail: &str| PkiError::UnsupportedKey {
        what: "certificate request".to_owned(),
        detail: detail.to_owned(),
    };

    let spki = &request.info.public_key;
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as().ok());
    if spki.algorithm.oid != EC_PUBLIC_KEY || curve != Some(SECP256R1) {
        return Err(unsupported("not an EC P-256 key"));
    }

    let point = spki.subject_public_key.raw_bytes();
    p256::PublicKey::from_sec1_bytes(point).map_err(|_| unsupported("invalid P-256 point"))?;
    Ok(point.to_vec())
}

/// Converts an X.509 Name into an `rcgen` name, keeping each value's
/// string type (`UTF8String`, `PrintableString`, `BMPString`, `IA5String`).
///
/// NOTE: `rcgen` keys names by attribute type, so a name with the same
/// attribute twice (two OUs) keeps the last one, and multi-valued RDNs are
/// refused.
fn rcgen_name(name: &Name) -> Result<DistinguishedName, PkiError> {
    let invalid = |detail: String| PkiError::InvalidCsr { detail };
    let mut dn = DistinguishedName::new();
    for rdn in &name.0 {
        let mut atvs = rdn.0.iter();
        let (Some(atv), None) = (atvs.next(), atvs.next()) else {
            return Err(invalid(
                "multi-valued or empty RDN in the subject".to_owned(),
            ));
        };
        let arcs: Vec<u64> = atv.oid.arcs().map(u64::from).collect();
        let bytes = atv.value.value();
        let text = || String::from_utf8(bytes.to_vec()).map_err(|e| invalid(e.to_string()));
        let value = match der::Tagged::tag(&atv.value) {
            der::Tag::Utf8String => DnValue::Utf8String(text()?),
            der::Tag::PrintableString => DnValue::PrintableString(
                PrintableString::try_from(text()?).map_err(|e| invalid(e.to_string()))?,
            ),
            der::Tag::Ia5String => DnValue::Ia5String(
                Ia5String::try_from(text()?).map_err(|e| invalid(e.to_string()))?,
            ),
            der::Tag::BmpString => DnValue::BmpString(
                BmpString::from_utf16be(bytes.to_vec()).map_err(|e| invalid(e.to_string()))?,
            ),
            other => {
                return Err(invalid(format!(
                    "subject attribute {} has string type {other}",
                    atv.oid
                )));
            }
        };
        dn.push(DnType::from_oid(&arcs), value);
    }
    Ok(dn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_csr_is_invalid() {
        assert!(matches!(
            parse_verified_csr(b"not a request"),
            Err(PkiError::InvalidCsr { .. })
        ));
    }
}
