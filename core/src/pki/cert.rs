//! X.509 certificate parsing into the fields palmbid shows and matches on.

use der::{Decode, Encode};
use sha2::{Digest, Sha256};
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsages, SubjectKeyIdentifier};

use super::PkiError;

/// The key-usage bits palmbid cares about (RFC 5280, section 4.2.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(clippy::struct_excessive_bools)]
pub struct KeyUsage {
    /// digitalSignature.
    pub digital_signature: bool,
    /// nonRepudiation (contentCommitment).
    pub non_repudiation: bool,
    /// keyEncipherment.
    pub key_encipherment: bool,
    /// keyAgreement.
    pub key_agreement: bool,
    /// keyCertSign.
    pub key_cert_sign: bool,
    /// Whether the certificate has a key-usage extension at all; without
    /// one every usage is allowed by RFC 5280.
    pub present: bool,
}

/// A parsed certificate with its DER and the fields shown to users.
#[derive(Clone, PartialEq, Eq)]
pub struct CertInfo {
    /// The certificate, DER-encoded, exactly as received.
    pub der: Vec<u8>,
    /// Subject as an RFC 4514 string.
    pub subject: String,
    /// Issuer as an RFC 4514 string.
    pub issuer: String,
    /// The issuer Name, DER-encoded, for byte-exact matching.
    pub issuer_der: Vec<u8>,
    /// The subject Name, DER-encoded, for byte-exact matching.
    pub subject_der: Vec<u8>,
    /// Serial number, big-endian bytes as encoded.
    pub serial: Vec<u8>,
    /// Start of validity, seconds since the Unix epoch.
    pub not_before: i64,
    /// End of validity, seconds since the Unix epoch.
    pub not_after: i64,
    /// SHA-256 of the DER certificate, lowercase hex.
    pub fingerprint: String,
    /// `SubjectPublicKeyInfo`, DER-encoded.
    pub spki_der: Vec<u8>,
    /// The SEC1 uncompressed point when the key is on P-256, else `None`.
    pub p256_public_key: Option<Vec<u8>>,
    /// Subject key identifier extension value, when present.
    pub subject_key_id: Option<Vec<u8>>,
    /// Key-usage bits.
    pub key_usage: KeyUsage,
    /// Whether basicConstraints marks it as a CA.
    pub is_ca: bool,
}

impl std::fmt::Debug for CertInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertInfo")
            .field("subject", &self.subject)
            .field("issuer", &self.issuer)
            .field("serial", &hex::encode(&self.serial))
            .field("fingerprint", &self.fingerprint)
            .finish_non_exhaustive()
    }
}

const OID_EC_PUBLIC_KEY: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const OID_SECP256R1: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");

impl CertInfo {
    /// Parses a DER certificate. `what` names it in errors (a file, a role).
    ///
    /// # Errors
    /// [`PkiError::InvalidCertificate`] when the bytes do not decode.
    pub fn from_der(der: &[u8], what: &str) -> Result<Self, PkiError> {
        let invalid = |detail: String| PkiError::InvalidCertificate {
            what: what.to_owned(),
            detail,
        };
        let cert = Certificate::from_der(der).map_err(|e| invalid(e.to_string()))?;
        Self::from_certificate(&cert, der.to_vec(), &invalid)
    }

    /// Parses one PEM certificate, or DER when the bytes are not PEM.
    ///
    /// # Errors
    /// [`PkiError::InvalidCertificate`] when neither form decodes.
    pub fn from_pem_or_der(bytes: &[u8], what: &str) -> Result<Self, PkiError> {
        let all = Self::all_from_pem_or_der(bytes, what)?;
        all.into_iter()
            .next()
            .ok_or_else(|| PkiError::InvalidCertificate {
                what: what.to_owned(),
                detail: "no certificate found".to_owned(),
            })
    }

    /// Parses every certificate of a PEM bundle, or one DER certificate.
    ///
    /// # Errors
    /// [`PkiError::InvalidCertificate`] when nothing decodes.
    pub fn all_from_pem_or_der(bytes: &[u8], what: &str) -> Result<Vec<Self>, PkiError> {
        let invalid = |detail: String| PkiError::InvalidCertificate {
            what: what.to_owned(),
            detail,
        };
        if bytes.trim_ascii_start().starts_with(b"-----BEGIN") {
            if let Some(label) = first_foreign_pem_label(bytes) {
                return Err(invalid(format!(
                    "the file holds a PEM {label}, which is not a certificate"
                )));
            }
            let certs = Certificate::load_pem_chain(bytes).map_err(|e| invalid(e.to_string()))?;
            if certs.is_empty() {
                return Err(invalid("no certificate found".to_owned()));
            }
            certs
                .iter()
                .map(|c| {
                    let der = c.to_der().map_err(|e| invalid(e.to_string()))?;
                    Self::from_certificate(c, der, &invalid)
                })
                .collect()
        } else {
            Ok(vec![Self::from_der(bytes, what)?])
        }
    }

    fn from_certificate(
        cert: &Certificate,
        der: Vec<u8>,
        invalid: &dyn Fn(String) -> PkiError,
    ) -> Result<Self, PkiError> {
        let tbs = &cert.tbs_certificate;

        let spki = &tbs.subject_public_key_info;
        let is_p256 = spki.algorithm.oid == OID_EC_PUBLIC_KEY
            && spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok())
                == Some(OID_SECP256R1);
        let p256_public_key = is_p256.then(|| spki.subject_public_key.raw_bytes().to_vec());

        let mut key_usage = KeyUsage::default();
        let mut subject_key_id = None;
        let mut is_ca = false;
        for ext in tbs.extensions.iter().flatten() {
            let value = ext.extn_value.as_bytes();
            match ext.extn_id.to_string().as_str() {
                "2.5.29.15" => {
                    let ku = x509_cert::ext::pkix::KeyUsage::from_der(value)
                        .map_err(|e| invalid(format!("key usage: {e}")))?;
                    key_usage = KeyUsage {
                        digital_signature: ku.0.contains(KeyUsages::DigitalSignature),
                        non_repudiation: ku.0.contains(KeyUsages::NonRepudiation),
                        key_encipherment: ku.0.contains(KeyUsages::KeyEncipherment),
                        key_agreement: ku.0.contains(KeyUsages::KeyAgreement),
                        key_cert_sign: ku.0.contains(KeyUsages::KeyCertSign),
                        present: true,
                    };
                }
                "2.5.29.14" => {
                    let ski = SubjectKeyIdentifier::from_der(value)
                        .map_err(|e| invalid(format!("subject key identifier: {e}")))?;
                    subject_key_id = Some(ski.0.as_bytes().to_vec());
                }
                "2.5.29.19" => {
                    let bc = BasicConstraints::from_der(value)
                        .map_err(|e| invalid(format!("basic constraints: {e}")))?;
                    is_ca = bc.ca;
                }
                _ => {}
            }
        }

        Ok(CertInfo {
            subject: name_text(&tbs.subject),
            issuer: name_text(&tbs.issuer),
            issuer_der: tbs.issuer.to_der().map_err(|e| invalid(e.to_string()))?,
            subject_der: tbs.subject.to_der().map_err(|e| invalid(e.to_string()))?,
            serial: tbs.serial_number.as_bytes().to_vec(),
            not_before: unix_seconds(tbs.validity.not_before.to_unix_duration()),
            not_after: unix_seconds(tbs.validity.not_after.to_unix_duration()),
            fingerprint: hex::encode(Sha256::digest(&der)),
            spki_der: spki.to_der().map_err(|e| invalid(e.to_string()))?,
            p256_public_key,
            subject_key_id,
            key_usage,
            is_ca,
            der,
        })
    }

    /// Serial number as lowercase hex, as `openssl x509 -serial` shows it.
    pub fn serial_hex(&self) -> String {
        hex::encode(&self.serial)
    }

    /// The certificate as PEM.
    pub fn to_pem(&self) -> String {
        der::pem::encode_string("CERTIFICATE", der::pem::LineEnding::LF, &self.der)
            .unwrap_or_default()
    }
}

fn unix_seconds(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// The first PEM label of `pem` that is not `CERTIFICATE`: a request, a
/// key or a PKCS#7 file given where a certificate was expected.
fn first_foreign_pem_label(pem: &[u8]) -> Option<String> {
    String::from_utf8_lossy(pem)
        .lines()
        .filter_map(|line| line.trim().strip_prefix("-----BEGIN "))
        .filter_map(|rest| rest.strip_suffix("-----"))
        .find(|label| *label != "CERTIFICATE")
        .map(str::to_owned)
}

/// OID of organizationIdentifier (X.520), where Chinese CAs put the
/// unified social credit code.
const ORGANIZATION_IDENTIFIER: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("2.5.4.97");

/// A Name as RFC 4514 text, with organizationIdentifier shown by name and
/// value: the generic form shows an attribute it does not know as the hex
/// of its DER, which would hide the credit code.
fn name_text(name: &x509_cert::name::Name) -> String {
    let mut text = name.to_string();
    for atv in name.0.iter().flat_map(|rdn| rdn.0.iter()) {
        if atv.oid != ORGANIZATION_IDENTIFIER {
            continue;
        }
        let Ok(der) = atv.value.to_der() else {
            continue;
        };
        let value = atv
            .value
            .decode_as::<der::asn1::Utf8StringRef<'_>>()
            .map(|v| v.as_str().to_owned())
            .or_else(|_| {
                atv.value
                    .decode_as::<der::asn1::PrintableStringRef<'_>>()
                    .map(|v| v.as_str().to_owned())
            });
        let Ok(value) = value else {
            continue;
        };
        let generic = format!("2.5.4.97=#{}", hex::encode(der));
        text = text.replace(&generic, &format!("organizationIdentifier={value}"));
    }
    text
}
