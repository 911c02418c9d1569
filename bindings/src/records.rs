//! Plain values that cross the FFI by copy: certificate records, PIN state,
//! Argon2id parameters. Nothing here holds a secret.

use palmbid_core::keystore as core;
use palmbid_core::pki;

/// The role of a key and of its certificate (Chinese PKI issues a pair).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum KeyRole {
    /// Signs: logins, documents, seals, QR answers.
    Signing,
    /// Opens envelopes (ECDH key agreement).
    Encryption,
}

impl From<pki::KeyRole> for KeyRole {
    fn from(role: pki::KeyRole) -> Self {
        match role {
            pki::KeyRole::Signing => KeyRole::Signing,
            pki::KeyRole::Encryption => KeyRole::Encryption,
        }
    }
}

/// An installed certificate and the key it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CertificateRecord {
    /// Id of the private key in the keystore; pass it to sign or decrypt.
    pub key_id: String,
    /// Id of the credential (the PIN) protecting that key.
    pub credential_id: String,
    /// Signing or encryption.
    pub role: KeyRole,
    /// Subject, RFC 4514 string.
    pub subject: String,
    /// Issuer, RFC 4514 string.
    pub issuer: String,
    /// Serial number, lowercase hex.
    pub serial_hex: String,
    /// Start of validity, seconds since the Unix epoch.
    pub not_before_unix: i64,
    /// End of validity, seconds since the Unix epoch.
    pub not_after_unix: i64,
    /// SHA-256 of the DER certificate, lowercase hex.
    pub fingerprint: String,
    /// The certificate, DER.
    pub der: Vec<u8>,
    /// The issuing chain below the trust anchor, DER, leaf's issuer first.
    pub chain_der: Vec<Vec<u8>>,
}

impl From<core::CertificateRecord> for CertificateRecord {
    fn from(record: core::CertificateRecord) -> Self {
        CertificateRecord {
            key_id: record.key_id.0,
            credential_id: record.credential.0,
            role: record.role.into(),
            subject: record.cert.subject.clone(),
            issuer: record.cert.issuer.clone(),
            serial_hex: record.cert.serial_hex(),
            not_before_unix: record.cert.not_before,
            not_after_unix: record.cert.not_after,
            fingerprint: record.cert.fingerprint.clone(),
            der: record.cert.der,
            chain_der: record.chain.into_iter().map(|c| c.der).collect(),
        }
    }
}

/// PIN state of a credential, for the PIN screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct PinStatus {
    /// Wrong PINs since the last correct one.
    pub failed_attempts: u32,
    /// Tries left before the credential locks.
    pub tries_left: u32,
    /// Whether the credential is locked.
    pub locked: bool,
}

impl From<core::PinStatus> for PinStatus {
    fn from(status: core::PinStatus) -> Self {
        PinStatus {
            failed_attempts: status.failed_attempts,
            tries_left: status.tries_left,
            locked: status.locked,
        }
    }
}

/// Argon2id cost, for `Keystore.openForTesting` only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_cost_kib: u32,
    /// Passes.
    pub t_cost: u32,
    /// Lanes.
    pub p_cost: u32,
}

impl From<KdfParams> for core::KdfParams {
    fn from(params: KdfParams) -> Self {
        core::KdfParams {
            m_cost_kib: params.m_cost_kib,
            t_cost: params.t_cost,
            p_cost: params.p_cost,
        }
    }
}
