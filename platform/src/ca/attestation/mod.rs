//! Judging the device attestation chain a phone sends with its pickup
//! (see `palmbid_core::api::pickup`, "Device attestation").
//!
//! The judgement ([`Attestation`]) is one of:
//! - absent: no chain (iOS, an older app, a phone without a hardware key);
//! - invalid: the chain is over the bounds, does not decode, a signature
//!   does not verify, the leaf has no or a malformed KeyDescription, or
//!   its challenge is not the order's ([`AttestationFault`] names which);
//! - verified: every signature verifies up to a self-signed root; the
//!   record keeps the attestation version, the security level (Software,
//!   TrustedEnvironment, StrongBox), the root's SHA-256 fingerprint and
//!   whether the root is one the operator trusts.
//!
//! Trusted roots come from `--attestation-root FILE.pem` (repeatable, a
//! file may hold several certificates). A root is trusted when its public
//! key is one of theirs, so a root reissued with the same key stays
//! trusted. With none configured every verified chain is recorded as
//! "root not trusted": the signatures and the challenge still bind it to
//! the order, but anyone can make such a chain with a key of their own.
//!
//! Policy ([`AttestationPolicy`]): an invalid chain is refused
//! (`pickup.attestation_invalid`) before anything is issued; an absent
//! one is accepted unless `--require-attestation` is given
//! (`pickup.attestation_required`). An untrusted root is recorded, not
//! refused: the operator sees it on the order's page.

mod chain;
pub mod key_description;

use std::path::{Path, PathBuf};

use palmbid_core::api::pickup::{
    MAX_ATTESTATION_CERT_BYTES, MAX_ATTESTATION_CERTS, pickup_attestation_challenge,
};
use palmbid_core::pki::CertInfo;
use serde::{Deserialize, Serialize};

use key_description::{KeyDescription, SecurityLevel};

/// The platform's judgement of an order's device attestation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Attestation {
    /// The request carried no chain.
    Absent,
    /// The chain was refused.
    Invalid {
        /// Why.
        fault: AttestationFault,
    },
    /// Every signature verified and the challenge is the order's.
    Verified {
        /// `attestationVersion` of the KeyDescription.
        attestation_version: u32,
        /// `attestationSecurityLevel` of the KeyDescription.
        security_level: SecurityLevel,
        /// SHA-256 of the root certificate (the chain's last), lower-case
        /// hex.
        root_fingerprint: String,
        /// Whether the root's key is one of the configured trusted roots'.
        root_trusted: bool,
    },
}

impl Attestation {
    /// Encodes the judgement as JSON, as the order stores it.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self)
            .expect("strings, integers, booleans and unit variants always serialize")
    }
}

/// The reason a device attestation chain is rejected. Positions count
/// from 1, the leaf being 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "fault", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AttestationFault {
    /// More certificates than [`MAX_ATTESTATION_CERTS`].
    #[error(
        "the device attestation chain has {count} certificates, more than {MAX_ATTESTATION_CERTS}; send the chain the Android Keystore returned"
    )]
    TooManyCertificates {
        /// How many were sent.
        count: usize,
    },

    /// A certificate over [`MAX_ATTESTATION_CERT_BYTES`].
    #[error(
        "certificate {position} of the device attestation chain is larger than {MAX_ATTESTATION_CERT_BYTES} bytes"
    )]
    CertificateTooLarge {
        /// Which certificate.
        position: usize,
    },

    /// A certificate is not standard base64.
    #[error("certificate {position} of the device attestation chain is not standard base64")]
    NotBase64 {
        /// Which certificate.
        position: usize,
    },

    /// A certificate does not decode as DER X.509.
    #[error(
        "certificate {position} of the device attestation chain is not a DER X.509 certificate: {detail}"
    )]
    NotACertificate {
        /// Which certificate.
        position: usize,
        /// The decoder's reason.
        detail: String,
    },

    /// A signature algorithm the platform does not verify.
    #[error(
        "certificate {position} of the device attestation chain uses an algorithm the platform does not verify: {what}"
    )]
    UnsupportedAlgorithm {
        /// Which certificate.
        position: usize,
        /// The algorithm.
        what: String,
    },

    /// A signature does not verify.
    #[error("{}", bad_signature_en(*.position, *.last))]
    BadSignature {
        /// Which certificate.
        position: usize,
        /// Whether it is the last (the root, checked against itself).
        last: bool,
    },

    /// The leaf has no KeyDescription extension.
    #[error(
        "the first certificate of the device attestation chain has no key description extension (OID 1.3.6.1.4.1.11129.2.1.17); send the chain of an Android Keystore key, leaf first"
    )]
    NoKeyDescription,

    /// The KeyDescription does not decode.
    #[error("the key description extension of the device attestation is malformed: {detail}")]
    MalformedKeyDescription {
        /// The decoder's reason.
        detail: String,
    },

    /// The attested challenge is not the order's.
    #[error(
        "the device attestation was made for another challenge, not this order's; attest the key again with the challenge of this pickup code"
    )]
    ChallengeMismatch,
}

fn bad_signature_en(position: usize, last: bool) -> String {
    if last {
        format!(
            "certificate {position} of the device attestation chain, its root, is not self-signed"
        )
    } else {
        format!(
            "certificate {position} of the device attestation chain is not signed by certificate {}",
            position + 1
        )
    }
}

impl AttestationFault {
    /// Returns the message in Simplified Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            AttestationFault::TooManyCertificates { count } => format!(
                "设备证明证书链有 {count} 张证书，超过 {MAX_ATTESTATION_CERTS} 张；请发送 Android Keystore 返回的证书链"
            ),
            AttestationFault::CertificateTooLarge { position } => format!(
                "设备证明证书链的第 {position} 张证书超过 {MAX_ATTESTATION_CERT_BYTES} 字节"
            ),
            AttestationFault::NotBase64 { position } => {
                format!("设备证明证书链的第 {position} 张证书不是标准 base64 编码")
            }
            AttestationFault::NotACertificate { position, .. } => {
                format!("设备证明证书链的第 {position} 张证书不是 DER 编码的 X.509 证书")
            }
            AttestationFault::UnsupportedAlgorithm { position, .. } => {
                format!("设备证明证书链的第 {position} 张证书使用了平台不支持验证的算法")
            }
            AttestationFault::BadSignature {
                position,
                last: true,
            } => format!("设备证明证书链的第 {position} 张证书（根证书）不是自签名证书"),
            AttestationFault::BadSignature { position, .. } => format!(
                "设备证明证书链的第 {position} 张证书的签名不能用第 {} 张证书验证",
                position + 1
            ),
            AttestationFault::NoKeyDescription => "设备证明证书链的第一张证书没有密钥描述扩展（OID 1.3.6.1.4.1.11129.2.1.17）；请按叶证书在前发送 Android Keystore 密钥的证书链".to_owned(),
            AttestationFault::MalformedKeyDescription { .. } => {
                "设备证明的密钥描述扩展格式错误".to_owned()
            }
            AttestationFault::ChallengeMismatch => {
                "设备证明的挑战值不是本订单的；请用本领取码的挑战值重新生成密钥证明".to_owned()
            }
        }
    }
}

/// The operator's attestation policy: trusted roots and whether a chain
/// is required.
#[derive(Debug, Clone, Default)]
pub struct AttestationPolicy {
    /// `SubjectPublicKeyInfo` DER of each trusted root.
    trusted_keys: Vec<Vec<u8>>,
    /// Refuse pickups without a chain.
    required: bool,
}

/// A trusted-root file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("cannot use the attestation root file {}: {detail}", path.display())]
pub struct AttestationRootError {
    /// The file.
    pub path: PathBuf,
    /// The reason.
    pub detail: String,
}

impl AttestationPolicy {
    /// Reads the trusted roots from `root_files` (PEM, one or more
    /// certificates each).
    ///
    /// # Errors
    /// [`AttestationRootError`] for a file that cannot be read or contains
    /// no certificate.
    pub fn load(root_files: &[PathBuf], required: bool) -> Result<Self, AttestationRootError> {
        let mut trusted_keys = Vec::new();
        for path in root_files {
            trusted_keys.extend(root_keys(path)?);
        }
        Ok(AttestationPolicy {
            trusted_keys,
            required,
        })
    }

    /// Tells whether a pickup without a chain is rejected.
    pub fn required(&self) -> bool {
        self.required
    }

    /// Judges `chain` (base64 DER, leaf first) for the order of
    /// `pickup_id`.
    pub fn judge(&self, chain: &[String], pickup_id: &str) -> Attestation {
        if chain.is_empty() {
            return Attestation::Absent;
        }
        match self.verify(chain, pickup_id) {
            Ok(verified) => verified,
            Err(fault) => Attestation::Invalid { fault },
        }
    }

    fn verify(&self, chain: &[String], pickup_id: &str) -> Result<Attestation, AttestationFault> {
        let certs = chain::decode(chain)?;
        chain::check_signatures(&certs)?;

        let (Some(leaf), Some(root)) = (certs.first(), certs.last()) else {
            return Err(AttestationFault::NoKeyDescription);
        };
        let extension = leaf
            .key_description
            .as_deref()
            .ok_or(AttestationFault::NoKeyDescription)?;
        let description = KeyDescription::from_der(extension).map_err(|e| {
            AttestationFault::MalformedKeyDescription {
                detail: e.to_string(),
            }
        })?;
        if description.challenge != pickup_attestation_challenge(pickup_id) {
            return Err(AttestationFault::ChallengeMismatch);
        }

        Ok(Attestation::Verified {
            attestation_version: description.attestation_version,
            security_level: description.security_level,
            root_fingerprint: root.fingerprint.clone(),
            root_trusted: self.trusted_keys.contains(&root.spki_der),
        })
    }
}

fn root_keys(path: &Path) -> Result<Vec<Vec<u8>>, AttestationRootError> {
    let error = |detail: String| AttestationRootError {
        path: path.to_path_buf(),
        detail,
    };
    let bytes = std::fs::read(path).map_err(|e| error(format!("cannot read it: {e}")))?;
    let certs = CertInfo::all_from_pem_or_der(&bytes, "attestation root")
        .map_err(|e| error(e.to_string()))?;
    if certs.is_empty() {
        return Err(error(
            "it contains no certificate; give a PEM file of X.509 certificates".to_owned(),
        ));
    }
    Ok(certs.into_iter().map(|cert| cert.spki_der).collect())
}
