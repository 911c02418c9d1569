//! Private-key import from PKCS#8 (RFC 5208, RFC 5958) or SEC1 (RFC 5915),
//! PEM or DER, with the certificate that goes with the key.
//!
//! Accepted: `PRIVATE KEY` (PKCS#8), `EC PRIVATE KEY` (SEC1) and
//! `ENCRYPTED PRIVATE KEY` (PKCS#8 `EncryptedPrivateKeyInfo`, PBES2 or a
//! PKCS#12 PBE scheme, see [`super::pbe`]) with a password. DER input is
//! tried in that order. Only P-256 keys are accepted. The certificate must
//! carry the key's public key.
//!
//! NOTE: OpenSSL's traditional encrypted PEM (`Proc-Type: 4,ENCRYPTED`
//! headers on an `EC PRIVATE KEY`) is not read; such keys are refused as
//! invalid, and `openssl pkcs8 -topk8` converts them.

use der::Decode;
use pkcs8::DecodePrivateKey;
use zeroize::Zeroizing;

use super::pbe::{self, PasswordForms, PbeError};
use super::pkcs12::ImportedKey;
use super::{CertInfo, PkiError};

const ENCRYPTED: &str = "encrypted private key";
const EC_PUBLIC_KEY: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const SECP256R1: der::asn1::ObjectIdentifier =
    der::asn1::ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");

/// Reads a P-256 key from a DER PKCS#8 `PrivateKeyInfo`; `what` names the
/// source in errors.
pub(crate) fn secret_from_pkcs8_der(der: &[u8], what: &str) -> Result<p256::SecretKey, PkiError> {
    let info = pkcs8::PrivateKeyInfo::from_der(der).map_err(|e| PkiError::InvalidPrivateKey {
        detail: format!("{what}: {e}"),
    })?;
    let curve = info.algorithm.parameters.and_then(|p| p.decode_as().ok());
    if info.algorithm.oid != EC_PUBLIC_KEY || curve != Some(SECP256R1) {
        return Err(PkiError::UnsupportedKey {
            what: what.to_owned(),
            detail: format!(
                "key algorithm {} with parameters {}",
                info.algorithm.oid,
                curve.map_or_else(|| "none".to_owned(), |c| c.to_string())
            ),
        });
    }
    p256::SecretKey::from_pkcs8_der(der).map_err(|e| PkiError::InvalidPrivateKey {
        detail: format!("{what}: {e}"),
    })
}

/// Parses a P-256 private key in any accepted form; `password` opens an
/// encrypted one.
///
/// # Errors
/// [`PkiError::InvalidPrivateKey`], [`PkiError::UnsupportedKey`],
/// [`PkiError::PasswordRequired`], [`PkiError::WrongPassword`],
/// [`PkiError::IterationsTooHigh`], [`PkiError::UnsupportedEncryption`].
pub fn parse_private_key(
    bytes: &[u8],
    password: Option<&str>,
) -> Result<p256::SecretKey, PkiError> {
    if bytes.trim_ascii_start().starts_with(b"-----BEGIN") {
        let (label, der) =
            der::pem::decode_vec(bytes).map_err(|e| PkiError::InvalidPrivateKey {
                detail: format!("PEM: {e}"),
            })?;
        let der = Zeroizing::new(der);
        return match label {
            "PRIVATE KEY" => secret_from_pkcs8_der(&der, "private key"),
            "EC PRIVATE KEY" => secret_from_sec1_der(&der),
            "ENCRYPTED PRIVATE KEY" => decrypt_pkcs8(&der, password),
            other => Err(PkiError::InvalidPrivateKey {
                detail: format!("PEM label {other}"),
            }),
        };
    }

    if pkcs8::PrivateKeyInfo::from_der(bytes).is_ok() {
        return secret_from_pkcs8_der(bytes, "private key");
    }
    if pkcs12::pbe_params::EncryptedPrivateKeyInfo::from_der(bytes).is_ok() {
        return decrypt_pkcs8(bytes, password);
    }
    secret_from_sec1_der(bytes)
}

/// SEC1 `ECPrivateKey`; `p256` refuses one whose parameters name another
/// curve.
fn secret_from_sec1_der(der: &[u8]) -> Result<p256::SecretKey, PkiError> {
    p256::SecretKey::from_sec1_der(der).map_err(|e| PkiError::InvalidPrivateKey {
        detail: format!("not PKCS#8 or SEC1 P-256: {e}"),
    })
}

fn decrypt_pkcs8(der: &[u8], password: Option<&str>) -> Result<p256::SecretKey, PkiError> {
    let password = password.ok_or(PkiError::PasswordRequired)?;
    let info = pkcs12::pbe_params::EncryptedPrivateKeyInfo::from_der(der).map_err(|e| {
        PkiError::InvalidPrivateKey {
            detail: format!("encrypted PKCS#8: {e}"),
        }
    })?;

    let forms = PasswordForms::new(password);
    for bmp in &forms.bmp_candidates {
        match pbe::decrypt(
            ENCRYPTED,
            &info.encryption_algorithm,
            &forms.utf8,
            bmp,
            info.encrypted_data.as_bytes(),
        ) {
            // Padding can check out by chance under a wrong password; the
            // plaintext then does not parse, which is the same verdict.
            Ok(plain) => match secret_from_pkcs8_der(&plain, ENCRYPTED) {
                Err(PkiError::InvalidPrivateKey { .. }) => {}
                other => return other,
            },
            Err(PbeError::Decrypt) => {}
            Err(PbeError::Refused(e)) => {
                return Err(match e {
                    PkiError::Pkcs12Malformed { detail } => PkiError::InvalidPrivateKey { detail },
                    other => other,
                });
            }
        }
    }
    Err(PkiError::WrongPassword { what: ENCRYPTED })
}

/// Imports a key with its certificate (PEM or DER) and an optional chain
/// (a PEM bundle or one DER certificate).
///
/// # Errors
/// As [`parse_private_key`], [`PkiError::InvalidCertificate`], and
/// [`PkiError::CertificateKeyMismatch`] when the certificate is for
/// another key.
pub fn import_pkcs8(
    key: &[u8],
    cert: &[u8],
    chain: Option<&[u8]>,
    password: Option<&str>,
) -> Result<(ImportedKey, Vec<CertInfo>), PkiError> {
    let secret = parse_private_key(key, password)?;
    let cert = CertInfo::from_pem_or_der(cert, "certificate")?;
    let chain = match chain {
        Some(bytes) => CertInfo::all_from_pem_or_der(bytes, "chain")?,
        None => Vec::new(),
    };

    let public = super::public_key_sec1(&secret);
    if cert.p256_public_key.as_deref() != Some(public.as_slice()) {
        return Err(PkiError::CertificateKeyMismatch {
            subject: cert.subject.clone(),
        });
    }
    tracing::info!(fingerprint = %cert.fingerprint, chain = chain.len(), "parsed PKCS#8 key and certificate");
    Ok((ImportedKey { secret, cert }, chain))
}
