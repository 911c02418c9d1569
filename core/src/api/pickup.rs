//! Certificate pickup (证书领取): `GET /api/v1/pickup/{id}`,
//! `POST /api/v1/pickup/{id}/certificates`,
//! `POST /api/v1/pickup/{id}/download`.
//!
//! The CA operator's order page shows a QR code holding
//! `https://{platform host}/q/{id}`, `id` being 128 random bits in
//! lower-case hex. The phone, logged in with the order's phone number and
//! with approved identity verification, fetches the offer, sends two
//! PKCS#10 requests (signing, encryption) signed by their own keys, and
//! receives both certificates and the chain. "Download" (下载证书) is a
//! separate, explicit step: the platform matches the company to its entity
//! registry (主体库) and only then does the phone install the certificates.
//!
//! Resuming: sending the same two requests again returns the same
//! certificates; other keys for an order already issued are refused, so
//! one order never yields two certificates for one role.
//!
//! # Device attestation
//!
//! An Android phone keeps its keystore's device secret under a key of the
//! Android Keystore (TEE or StrongBox). With the requests it may send that
//! key's attestation chain ([`CertificateRequest::device_attestation`]):
//! X.509 certificates, DER in standard base64, leaf first, the leaf
//! carrying the KeyDescription extension (OID 1.3.6.1.4.1.11129.2.1.17,
//! in the schema of Android's key attestation). The app requests the
//! attestation from the Keystore with the challenge
//! [`pickup_attestation_challenge`] of the order's pickup id:
//!
//! ```text
//! challenge = SHA-256( "palmbid/pickup-attestation/v1" || 0x00 || pickup_id )
//! ```
//!
//! the label and the pickup id as ASCII bytes (the id being 32 lower-case
//! hex characters), 32 bytes in all. The platform requires the leaf's
//! attestationChallenge to equal it, so an attestation made for one order
//! cannot be replayed for another. iOS sends no chain; an absent or empty
//! list means "none", and a platform that predates the field ignores it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Hex characters of a pickup id (128 bits).
pub const PICKUP_ID_CHARS: usize = 32;

/// Whether `id` has the shape of a pickup id: 32 lower-case hex characters.
pub fn is_pickup_id(id: &str) -> bool {
    id.len() == PICKUP_ID_CHARS && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Domain label of [`pickup_attestation_challenge`]: no other palmbid
/// digest starts with it.
pub const ATTESTATION_CHALLENGE_LABEL: &[u8] = b"palmbid/pickup-attestation/v1";

/// Maximum number of certificates in a device attestation chain.
pub const MAX_ATTESTATION_CERTS: usize = 8;

/// Maximum size of one certificate of a device attestation chain, in DER
/// bytes.
pub const MAX_ATTESTATION_CERT_BYTES: usize = 16 * 1024;

/// Computes the attestation challenge of the order behind `pickup_id`: SHA-256 over
/// [`ATTESTATION_CHALLENGE_LABEL`], one zero byte and the id's ASCII bytes
/// (see the module docs). The caller checks the id's shape first
/// ([`is_pickup_id`]); the digest itself is defined for any text.
pub fn pickup_attestation_challenge(pickup_id: &str) -> [u8; 32] {
    let mut hash = Sha256::new();
    hash.update(ATTESTATION_CHALLENGE_LABEL);
    hash.update([0]);
    hash.update(pickup_id.as_bytes());
    hash.finalize().into()
}

/// `GET /api/v1/pickup/{id}` and friends, with `id` filled in.
pub fn pickup_path(id: &str, action: Option<&str>) -> String {
    match action {
        Some(action) => format!("/api/v1/pickup/{id}/{action}"),
        None => format!("/api/v1/pickup/{id}"),
    }
}

/// State of an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// Entered, waiting for the operator's review.
    Pending,
    /// Approved: the pickup QR code is shown.
    Approved,
    /// Rejected by the operator.
    Rejected,
    /// Certificates issued to the phone, not yet downloaded.
    PickedUp,
    /// Downloaded: matched in the entity registry, installed on the phone.
    Issued,
}

impl OrderState {
    /// The state as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Pending => "pending",
            OrderState::Approved => "approved",
            OrderState::Rejected => "rejected",
            OrderState::PickedUp => "picked_up",
            OrderState::Issued => "issued",
        }
    }

    /// Parses [`OrderState::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "pending" => OrderState::Pending,
            "approved" => OrderState::Approved,
            "rejected" => OrderState::Rejected,
            "picked_up" => OrderState::PickedUp,
            "issued" => OrderState::Issued,
            _ => return None,
        })
    }
}

/// The seals an order issues (印章).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SealKind {
    /// Personal seal (个人章).
    Personal,
    /// Legal representative's seal (法人章).
    LegalRepresentative,
    /// Company seal (公章).
    Company,
}

impl SealKind {
    /// The kind as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            SealKind::Personal => "personal",
            SealKind::LegalRepresentative => "legal_representative",
            SealKind::Company => "company",
        }
    }

    /// Parses [`SealKind::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "personal" => SealKind::Personal,
            "legal_representative" => SealKind::LegalRepresentative,
            "company" => SealKind::Company,
            _ => return None,
        })
    }
}

/// `GET /api/v1/pickup/{id}`: what the phone shows before the PIN pad.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PickupOffer {
    /// The pickup id.
    pub pickup_id: String,
    /// The holder's name.
    pub name: String,
    /// The order's phone number (the caller's own, or the call is refused).
    pub phone: String,
    /// Company name.
    pub company: String,
    /// Unified social credit code.
    pub credit_code: String,
    /// Seals to issue.
    pub seals: Vec<SealKind>,
    /// The order's state.
    pub state: OrderState,
}

/// `POST /api/v1/pickup/{id}/certificates`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateRequest {
    /// PKCS#10 request of the signing key, PEM.
    pub signing_csr_pem: String,
    /// PKCS#10 request of the encryption key, PEM.
    pub encryption_csr_pem: String,
    /// The device key's attestation chain: DER certificates in standard
    /// base64, leaf first, at most [`MAX_ATTESTATION_CERTS`] of at most
    /// [`MAX_ATTESTATION_CERT_BYTES`] each. Empty (and then left out of
    /// the JSON) when the phone has none; see the module docs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub device_attestation: Vec<String>,
}

/// A seal image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealImage {
    /// Which seal.
    pub kind: SealKind,
    /// PNG, base64.
    pub png_base64: String,
}

/// Response to [`CertificateRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssuedCertificates {
    /// The signing certificate, PEM.
    pub signing_cert_pem: String,
    /// The encryption certificate, PEM.
    pub encryption_cert_pem: String,
    /// The issuing chain up to the root, PEM each, issuer first.
    pub chain_pem: Vec<String>,
    /// Seal images of the order.
    pub seals: Vec<SealImage>,
}

/// `POST /api/v1/pickup/{id}/download`: the phone is about to install.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DownloadRequest {
    /// SHA-256 fingerprint of the signing certificate received.
    pub signing_fingerprint: String,
}

/// Response to [`DownloadRequest`]: the registry entry matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DownloadResponse {
    /// Company name as registered.
    pub company: String,
    /// Its credit code.
    pub credit_code: String,
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn pickup_ids() {
        assert!(is_pickup_id("0123456789abcdef0123456789abcdef"));
        assert!(!is_pickup_id("0123456789ABCDEF0123456789abcdef"));
        assert!(!is_pickup_id("0123456789abcdef0123456789abcde"));
        assert!(!is_pickup_id("0123456789abcdef0123456789abcdeg"));
    }

    #[test]
    fn attestation_challenge_is_bound_to_the_pickup_id() {
        let id = "0123456789abcdef0123456789abcdef";
        let mut expected = Sha256::new();
        expected.update(b"palmbid/pickup-attestation/v1\0");
        expected.update(id.as_bytes());
        let expected: [u8; 32] = expected.finalize().into();

        assert_eq!(pickup_attestation_challenge(id), expected);
        assert_ne!(
            pickup_attestation_challenge(id),
            pickup_attestation_challenge("0123456789abcdef0123456789abcdee")
        );
        // Not the plain digest of the id: the label separates the domain.
        assert_ne!(
            pickup_attestation_challenge(id).as_slice(),
            Sha256::digest(id.as_bytes()).as_slice()
        );
    }

    #[test]
    fn request_without_attestation_unchanged() {
        let old = r#"{"signing_csr_pem":"s","encryption_csr_pem":"e"}"#;
        let parsed: CertificateRequest = serde_json::from_str(old).unwrap();
        assert!(parsed.device_attestation.is_empty());
        assert_eq!(serde_json::to_string(&parsed).unwrap(), old);

        let attested = CertificateRequest {
            device_attestation: vec!["AAEC".to_owned(), "AwQF".to_owned()],
            ..parsed
        };
        let json = serde_json::to_string(&attested).unwrap();
        assert!(
            json.contains(r#""device_attestation":["AAEC","AwQF"]"#),
            "{json}"
        );
        let back: CertificateRequest = serde_json::from_str(&json).unwrap();
        assert_eq!(back, attested);
    }

    #[test]
    fn states_and_seals_round_trip() {
        for state in [
            OrderState::Pending,
            OrderState::Approved,
            OrderState::Rejected,
            OrderState::PickedUp,
            OrderState::Issued,
        ] {
            assert_eq!(OrderState::parse(state.as_str()), Some(state));
        }
        for kind in [
            SealKind::Personal,
            SealKind::LegalRepresentative,
            SealKind::Company,
        ] {
            assert_eq!(SealKind::parse(kind.as_str()), Some(kind));
        }
    }
}
