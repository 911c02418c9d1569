//! PKCS#10 certificate requests (RFC 2986) for the phone's two keys.
//!
//! Each request carries the subject a Chinese CA expects of a bidder's
//! certificate: CN = the person's name, O = the company, the company's
//! unified social credit code (统一社会信用代码, GB 32100-2015) as
//! organizationIdentifier (2.5.4.97, X.520), and C = CN. Names are
//! `UTF8String` so Chinese text is carried as is; C is `PrintableString` as RFC
//! 5280 (appendix A) requires. The request carries the role's key usage
//! in an extensionRequest attribute: digitalSignature + nonRepudiation for
//! the signing key, keyAgreement for the encryption key. Requests are built
//! with `rcgen` and signed with ECDSA P-256 / SHA-256 by the key they carry.

use rcgen::string::PrintableString;
use rcgen::{CertificateParams, DistinguishedName, DnType, DnValue, KeyUsagePurpose};

use super::keygen::P256Signer;
use super::{KeyRole, PkiError};

/// OID arcs of organizationIdentifier (X.520, 2.5.4.97).
pub(crate) const ORGANIZATION_IDENTIFIER: [u64; 4] = [2, 5, 4, 97];

/// Characters of a unified social credit code, in value order (GB
/// 32100-2015, table 2); I, O, S, V and Z are not used.
const CREDIT_CODE_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// The holder of a phone certificate as it appears in the certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    /// The person's name (CN), for example 张三.
    pub name: String,
    /// The company's registered name (O).
    pub company: String,
    /// The company's 18-character unified social credit code.
    pub credit_code: String,
}

impl Subject {
    /// Checks every field: names not empty, the credit code valid.
    ///
    /// # Errors
    /// [`PkiError::InvalidSubject`] or [`PkiError::InvalidCreditCode`].
    pub fn validate(&self) -> Result<(), PkiError> {
        for (field, value) in [("name", &self.name), ("company", &self.company)] {
            if value.trim().is_empty() {
                return Err(PkiError::InvalidSubject {
                    field,
                    reason: "it is empty".to_owned(),
                });
            }
            if value.chars().any(char::is_control) {
                return Err(PkiError::InvalidSubject {
                    field,
                    reason: "it contains control characters".to_owned(),
                });
            }
        }
        validate_credit_code(&self.credit_code)
    }
}

/// Checks a unified social credit code: 18 characters from the code's
/// alphabet whose last one is the check character of GB 32100-2015
/// (weights 3^(i-1) mod 31, check value 31 - sum mod 31).
///
/// # Errors
/// [`PkiError::InvalidCreditCode`] naming the value and the fault.
pub fn validate_credit_code(code: &str) -> Result<(), PkiError> {
    let invalid = |reason: String| PkiError::InvalidCreditCode {
        value: code.to_owned(),
        reason,
    };

    let chars: Vec<char> = code.chars().collect();
    if chars.len() != 18 {
        return Err(invalid(format!(
            "it has {} characters, not 18",
            chars.len()
        )));
    }

    let mut values = [0u32; 18];
    for (i, c) in chars.iter().enumerate() {
        let value = u8::try_from(*c)
            .ok()
            .and_then(|b| CREDIT_CODE_ALPHABET.iter().position(|&a| a == b))
            .ok_or_else(|| {
                invalid(format!(
                    "character {} ({c:?}) is not a digit or an allowed capital letter",
                    i + 1
                ))
            })?;
        values[i] = u32::try_from(value).unwrap_or(u32::MAX);
    }

    let mut weight = 1u32;
    let mut sum = 0u32;
    for value in &values[..17] {
        sum += value * weight;
        weight = weight * 3 % 31;
    }
    let check = (31 - sum % 31) % 31;
    if values[17] != check {
        let expected = char::from(CREDIT_CODE_ALPHABET[check as usize]);
        return Err(invalid(format!(
            "the check character should be {expected:?}"
        )));
    }
    Ok(())
}

/// Returns the key usage a role's certificate carries (RFC 5280, 4.2.1.3).
pub(crate) fn role_key_usages(role: KeyRole) -> Vec<KeyUsagePurpose> {
    match role {
        KeyRole::Signing => {
            vec![
                KeyUsagePurpose::DigitalSignature,
                KeyUsagePurpose::ContentCommitment,
            ]
        }
        KeyRole::Encryption => vec![KeyUsagePurpose::KeyAgreement],
    }
}

/// Converts the subject to an `rcgen` name, in the order CN, O,
/// organizationIdentifier, C.
pub(crate) fn distinguished_name(subject: &Subject) -> Result<DistinguishedName, PkiError> {
    let mut dn = DistinguishedName::new();
    dn.push(
        DnType::CommonName,
        DnValue::Utf8String(subject.name.trim().to_owned()),
    );
    dn.push(
        DnType::OrganizationName,
        DnValue::Utf8String(subject.company.trim().to_owned()),
    );
    dn.push(
        DnType::CustomDnType(ORGANIZATION_IDENTIFIER.to_vec()),
        DnValue::Utf8String(subject.credit_code.clone()),
    );
    let country = PrintableString::try_from("CN").map_err(|e| PkiError::Build {
        what: "subject",
        detail: e.to_string(),
    })?;
    dn.push(DnType::CountryName, DnValue::PrintableString(country));
    Ok(dn)
}

/// Builds the DER PKCS#10 request for `role`, signed by `secret`.
///
/// # Errors
/// [`PkiError::InvalidSubject`] or [`PkiError::InvalidCreditCode`] for a
/// bad subject, [`PkiError::Build`] if encoding fails.
pub fn build_csr(
    secret: &p256::SecretKey,
    subject: &Subject,
    role: KeyRole,
) -> Result<Vec<u8>, PkiError> {
    subject.validate()?;

    let mut params = CertificateParams::default();
    params.distinguished_name = distinguished_name(subject)?;
    params.key_usages = role_key_usages(role);

    let signer = P256Signer::new(secret);
    let csr = params
        .serialize_request(&signer)
        .map_err(|e| PkiError::Build {
            what: "certificate request",
            detail: e.to_string(),
        })?;
    tracing::debug!(role = role.as_str(), "built certificate request");
    Ok(csr.der().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_credit_codes_pass() {
        // Codes printed on public business licences.
        for code in [
            "914403001922038216",
            "9144030071526726XG",
            "91110000802100433B",
        ] {
            validate_credit_code(code).unwrap_or_else(|e| panic!("{code}: {e}"));
        }
    }

    #[test]
    fn bad_credit_codes_fail_with_reason() {
        let err = validate_credit_code("91440300192203821").expect_err("17 characters");
        assert!(err.to_string().contains("17 characters"), "{err}");

        let err = validate_credit_code("914403001922038217").expect_err("check character");
        assert!(err.to_string().contains("should be '6'"), "{err}");
        assert!(err.to_string().contains("914403001922038217"), "{err}");

        let err = validate_credit_code("91440300192203821I").expect_err("letter I");
        assert!(err.to_string().contains("character 18"), "{err}");

        let err = validate_credit_code("91440300192203821统").expect_err("non-ASCII");
        assert!(matches!(err, PkiError::InvalidCreditCode { .. }));
    }

    #[test]
    fn empty_name_is_refused() {
        let subject = Subject {
            name: " ".to_owned(),
            company: "某某建设有限公司".to_owned(),
            credit_code: "914403001922038216".to_owned(),
        };
        assert!(matches!(
            subject.validate(),
            Err(PkiError::InvalidSubject { field: "name", .. })
        ));
    }
}
