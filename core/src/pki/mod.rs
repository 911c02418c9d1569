//! Public-key infrastructure of a phone certificate.
//!
//! Chinese PKI issues dual certificates: a signing certificate
//! (digitalSignature / nonRepudiation) and an encryption certificate
//! (keyAgreement for ECDH envelopes), each with its own P-256 key pair
//! generated on the phone. This module holds the pure parts: certificate
//! parsing ([`CertInfo`]), key-usage and chain checks, PKCS#10 requests,
//! PKCS#12 and PKCS#8 parsing, and a small issuing CA for tests and the
//! reference platform. Storing keys and certificates is the keystore's job.

mod ca;
mod cert;
mod csr;
mod error;
mod keygen;
mod pbe;
mod pkcs12;
mod pkcs8;
mod verify;

pub use ca::{IssuedWithKey, IssuingCa, Validity, parse_verified_csr};
pub use cert::{CertInfo, KeyUsage};
pub use csr::{Subject, build_csr, validate_credit_code};
pub use error::PkiError;
pub use keygen::{generate_key, public_key_sec1};
pub use pbe::MAX_ITERATIONS;
pub use pkcs8::{import_pkcs8, parse_private_key};
pub use pkcs12::{ImportedKey, Pkcs12Contents, Pkcs12Options, parse_pkcs12};
pub use verify::{
    DEFAULT_MAX_DEPTH, HashAlg, check_key_usage, check_validity, is_self_signed, is_signed_by,
    verify_chain, verify_ecdsa_prehash, verify_signature,
};

/// The role of a key pair and of the certificate issued for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyRole {
    /// Signs: logins, documents, seals, QR answers. Needs the
    /// digitalSignature or nonRepudiation key usage.
    Signing,
    /// Opens envelopes through ECDH. Needs the keyAgreement key usage.
    Encryption,
}

impl KeyRole {
    /// Stable lowercase name, used in the database and on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyRole::Signing => "signing",
            KeyRole::Encryption => "encryption",
        }
    }

    /// Parses [`KeyRole::as_str`] output.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "signing" => Some(KeyRole::Signing),
            "encryption" => Some(KeyRole::Encryption),
            _ => None,
        }
    }
}
