//! The KeyDescription extension of an Android key attestation certificate
//! (OID 1.3.6.1.4.1.11129.2.1.17), in the schema of Android's key
//! attestation:
//!
//! ```text
//! KeyDescription ::= SEQUENCE {
//!     attestationVersion         INTEGER,
//!     attestationSecurityLevel   SecurityLevel,
//!     keyMintVersion             INTEGER,
//!     keyMintSecurityLevel       SecurityLevel,
//!     attestationChallenge       OCTET STRING,
//!     uniqueId                   OCTET STRING,
//!     softwareEnforced           AuthorizationList,
//!     hardwareEnforced           AuthorizationList,
//! }
//! SecurityLevel ::= ENUMERATED {
//!     Software           (0),
//!     TrustedEnvironment (1),
//!     StrongBox          (2),
//! }
//! ```
//!
//! The platform reads the version, the attestation's security level and
//! the challenge. Both authorization lists must be SEQUENCEs. Their tagged
//! entries (purposes, algorithm, root of trust, ...) are not read, and
//! they are where the attestation versions differ.

use der::asn1::{OctetStringRef, SequenceRef};
use der::{Decode, Enumerated, Sequence};
use serde::{Deserialize, Serialize};

/// OID of the KeyDescription extension.
pub const KEY_DESCRIPTION_OID: der::oid::ObjectIdentifier =
    der::oid::ObjectIdentifier::new_unwrap("1.3.6.1.4.1.11129.2.1.17");

/// The security level of the attested key's keystore.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enumerated, Serialize, Deserialize)]
#[repr(u32)]
#[serde(rename_all = "snake_case")]
pub enum SecurityLevel {
    /// Android's software keystore: no hardware protection.
    Software = 0,
    /// A trusted execution environment (TEE).
    TrustedEnvironment = 1,
    /// A StrongBox secure element.
    StrongBox = 2,
}

impl SecurityLevel {
    /// Returns the level as stored: `software`, `trusted_environment` or
    /// `strong_box`.
    pub fn as_str(self) -> &'static str {
        match self {
            SecurityLevel::Software => "software",
            SecurityLevel::TrustedEnvironment => "trusted_environment",
            SecurityLevel::StrongBox => "strong_box",
        }
    }
}

/// The fields of a KeyDescription the platform uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyDescription {
    /// `attestationVersion`: 3, 4, 100, 200, 300, 400, ...
    pub attestation_version: u32,
    /// `attestationSecurityLevel`.
    pub security_level: SecurityLevel,
    /// `attestationChallenge`, as the app passed it to the Keystore.
    pub challenge: Vec<u8>,
}

/// The ASN.1 structure, borrowed from the extension's bytes.
#[derive(Sequence)]
struct Encoded<'a> {
    attestation_version: u32,
    attestation_security_level: SecurityLevel,
    key_mint_version: u32,
    key_mint_security_level: SecurityLevel,
    attestation_challenge: OctetStringRef<'a>,
    unique_id: OctetStringRef<'a>,
    software_enforced: SequenceRef<'a>,
    hardware_enforced: SequenceRef<'a>,
}

impl KeyDescription {
    /// Decodes the extension's value (the OCTET STRING's contents), DER.
    ///
    /// # Errors
    /// The `der` crate's error when the bytes are not a KeyDescription:
    /// a missing field, a security level other than 0, 1 or 2, a negative
    /// version, trailing bytes.
    pub fn from_der(value: &[u8]) -> der::Result<Self> {
        let encoded = Encoded::from_der(value)?;
        Ok(KeyDescription {
            attestation_version: encoded.attestation_version,
            security_level: encoded.attestation_security_level,
            challenge: encoded.attestation_challenge.as_bytes().to_vec(),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    /// Encodes by hand a KeyDescription with `level` and `challenge`.
    fn encoded(level: u8, challenge: &[u8]) -> Vec<u8> {
        let mut body = vec![0x02, 0x02, 0x01, 0x2c]; // attestationVersion 300
        body.extend([0x0a, 0x01, level]);
        body.extend([0x02, 0x02, 0x01, 0x2c]); // keyMintVersion 300
        body.extend([0x0a, 0x01, level]);
        body.push(0x04);
        body.push(u8::try_from(challenge.len()).unwrap());
        body.extend(challenge);
        body.extend([0x04, 0x00]); // uniqueId
        body.extend([0x30, 0x00, 0x30, 0x00]); // both authorization lists
        let mut der = vec![0x30, u8::try_from(body.len()).unwrap()];
        der.extend(body);
        der
    }

    #[test]
    fn decodes_version_level_challenge() {
        let description = KeyDescription::from_der(&encoded(2, b"nonce")).unwrap();

        assert_eq!(description.attestation_version, 300);
        assert_eq!(description.security_level, SecurityLevel::StrongBox);
        assert_eq!(description.challenge, b"nonce");
    }

    #[test]
    fn rejects_malformed_descriptions() {
        assert!(KeyDescription::from_der(&encoded(3, b"nonce")).is_err());

        let good = encoded(1, b"nonce");
        assert!(KeyDescription::from_der(&good[..good.len() - 2]).is_err());

        let mut trailing = good.clone();
        trailing.push(0);
        assert!(KeyDescription::from_der(&trailing).is_err());

        // An authorization list that is not a SEQUENCE.
        let mut not_sequence = good;
        let last = not_sequence.len() - 2;
        not_sequence[last] = 0x31;
        assert!(KeyDescription::from_der(&not_sequence).is_err());
    }
}
