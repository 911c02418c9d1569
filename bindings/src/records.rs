//! Plain values that cross the FFI by copy: certificate records, PIN state,
//! Argon2id parameters. None of them contains a secret.

use palmbid_core::keystore as core;
use palmbid_core::pki;

/// The role of a key and of its certificate (Chinese PKI issues a pair).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum KeyRole {
    /// Signs: logins, documents, seals, QR responses.
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

/// A certificate as the apps show it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CertificateInfo {
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
}

impl From<pki::CertInfo> for CertificateInfo {
    fn from(cert: pki::CertInfo) -> Self {
        CertificateInfo {
            serial_hex: cert.serial_hex(),
            subject: cert.subject,
            issuer: cert.issuer,
            not_before_unix: cert.not_before,
            not_after_unix: cert.not_after,
            fingerprint: cert.fingerprint,
            der: cert.der,
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
    /// The certificate.
    pub certificate: CertificateInfo,
    /// The issuing chain below the trust anchor, leaf's issuer first.
    pub chain: Vec<CertificateInfo>,
}

impl From<core::CertificateRecord> for CertificateRecord {
    fn from(record: core::CertificateRecord) -> Self {
        CertificateRecord {
            key_id: record.key_id.0,
            credential_id: record.credential.0,
            role: record.role.into(),
            certificate: record.cert.into(),
            chain: record
                .chain
                .into_iter()
                .map(CertificateInfo::from)
                .collect(),
        }
    }
}

/// A bid whose encryption key the keystore keeps until the opening.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PendingBid {
    /// The platform's project (tender) id.
    pub project_id: String,
    /// The platform's id of the bid within the project.
    pub bid_id: String,
    /// The opening deadline, Unix seconds.
    pub deadline_unix: i64,
}

/// A credential whose encryption key pending bids still need: the app
/// warns before renewing, re-picking up or deleting it (换证提醒).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RenewalWarning {
    /// The credential.
    pub credential_id: String,
    /// Its key that the bids open with.
    pub key_id: String,
    /// The pending bids, earliest deadline first.
    pub bids: Vec<PendingBid>,
}

impl From<core::RenewalWarning> for RenewalWarning {
    fn from(warning: core::RenewalWarning) -> Self {
        RenewalWarning {
            credential_id: warning.credential.0,
            key_id: warning.key_id.0,
            bids: warning
                .bids
                .into_iter()
                .map(|bid| PendingBid {
                    project_id: bid.project_id,
                    bid_id: bid.bid_id,
                    deadline_unix: bid.deadline,
                })
                .collect(),
        }
    }
}

/// The holder named in certificate requests; it becomes their subject.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Subject {
    /// The person's name (CN), for example 张三.
    pub name: String,
    /// The company's registered name (O).
    pub company: String,
    /// The company's 18-character unified social credit code
    /// (统一社会信用代码).
    pub credit_code: String,
}

impl From<Subject> for pki::Subject {
    fn from(subject: Subject) -> Self {
        pki::Subject {
            name: subject.name,
            company: subject.company,
            credit_code: subject.credit_code,
        }
    }
}

/// A new credential's certificate requests, to send to the CA.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CertificateRequests {
    /// The credential (PIN) the two new keys are stored under.
    pub credential_id: String,
    /// PKCS#10 request for the signing certificate, DER.
    pub signing_csr_der: Vec<u8>,
    /// PKCS#10 request for the encryption certificate, DER.
    pub encryption_csr_der: Vec<u8>,
}

/// A signature that verified: who signed, and when they say they did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct VerifiedSignature {
    /// The signer's certificate.
    pub signer: CertificateInfo,
    /// The signingTime attribute, seconds since the Unix epoch, if present.
    pub signing_time_unix: Option<i64>,
}

impl From<palmbid_core::cms::VerifiedSignature> for VerifiedSignature {
    fn from(verified: palmbid_core::cms::VerifiedSignature) -> Self {
        VerifiedSignature {
            signer: verified.signer.into(),
            signing_time_unix: verified.signing_time,
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

/// What a decryption wrote.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DecryptReport {
    /// `EnvelopedData` or `AuthEnvelopedData`.
    pub kind: String,
    /// The content cipher as OpenSSL names it, for example `AES-256-GCM`.
    pub content_cipher: String,
    /// Plaintext bytes written to the output file.
    pub plaintext_len: u64,
}

impl From<palmbid_core::cms::DecryptReport> for DecryptReport {
    fn from(report: palmbid_core::cms::DecryptReport) -> Self {
        DecryptReport {
            kind: report.kind.name().to_owned(),
            content_cipher: report.content_cipher.name().to_owned(),
            plaintext_len: report.plaintext_len,
        }
    }
}
