//! Stable error codes of the platform protocol.

use serde::{Deserialize, Serialize};

/// A stable error code on the wire, `area.snake_reason`. A code keeps its
/// meaning once released; a code this build does not know reads as
/// [`ErrorCode::Unknown`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ErrorCode {
    /// The body is not the JSON the endpoint takes.
    #[serde(rename = "request.malformed")]
    Malformed,
    /// The body is larger than the endpoint allows.
    #[serde(rename = "request.too_large")]
    TooLarge,
    /// No such endpoint or object.
    #[serde(rename = "request.not_found")]
    NotFound,
    /// No bearer token, or one that is unknown, expired or logged out.
    #[serde(rename = "auth.unauthorized")]
    Unauthorized,
    /// The phone number is not an 11-digit mainland mobile number.
    #[serde(rename = "auth.invalid_phone")]
    InvalidPhone,
    /// A code was requested for this number less than a minute ago.
    #[serde(rename = "auth.sms_rate_limited")]
    SmsRateLimited,
    /// The SMS code does not match.
    #[serde(rename = "auth.sms_code_wrong")]
    SmsCodeWrong,
    /// No valid code: none was sent, it expired, or it was used.
    #[serde(rename = "auth.sms_code_expired")]
    SmsCodeExpired,
    /// The code was tried too often and is void.
    #[serde(rename = "auth.sms_code_exhausted")]
    SmsCodeExhausted,
    /// The accepted user agreement or privacy policy is not the current one.
    #[serde(rename = "auth.agreement_outdated")]
    AgreementOutdated,
    /// The name for identity verification is empty or too long.
    #[serde(rename = "identity.invalid_name")]
    IdentityInvalidName,
    /// The ID card number fails the GB 11643 format or check character.
    #[serde(rename = "identity.invalid_id_number")]
    IdentityInvalidIdNumber,
    /// The video is empty, not base64, or over the size limit.
    #[serde(rename = "identity.invalid_video")]
    IdentityInvalidVideo,
    /// The verification code is wrong, expired or used.
    #[serde(rename = "identity.code_invalid")]
    IdentityCodeInvalid,
    /// A case is already pending or approved.
    #[serde(rename = "identity.case_open")]
    IdentityCaseOpen,
    /// Identity verification is not approved yet (pending, rejected or
    /// never submitted); the message says which.
    #[serde(rename = "identity.not_approved")]
    IdentityNotApproved,
    /// No order has this pickup id.
    #[serde(rename = "pickup.not_found")]
    PickupNotFound,
    /// The order belongs to another phone number.
    #[serde(rename = "pickup.wrong_phone")]
    PickupWrongPhone,
    /// The order is pending or rejected.
    #[serde(rename = "pickup.not_approved")]
    PickupNotApproved,
    /// The order's certificates were issued for other keys or downloaded already.
    #[serde(rename = "pickup.already_issued")]
    PickupAlreadyIssued,
    /// Download before the certificates were issued.
    #[serde(rename = "pickup.not_picked_up")]
    PickupNotPickedUp,
    /// A certificate request cannot be parsed or its signature does not verify.
    #[serde(rename = "pickup.csr_invalid")]
    PickupCsrInvalid,
    /// A request's subject or key does not fit the order: other names, a key that is not P-256, one key for both roles, or a key already certified elsewhere.
    #[serde(rename = "pickup.csr_mismatch")]
    PickupCsrMismatch,
    /// The order's company is not in the entity registry.
    #[serde(rename = "pickup.company_not_registered")]
    PickupCompanyNotRegistered,
    /// The server failed; the request may be retried.
    #[serde(rename = "server.internal")]
    Internal,
    /// A code this build does not know (sent by a newer platform).
    #[serde(other, rename = "unknown")]
    Unknown,
}

impl ErrorCode {
    /// The code as sent on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Malformed => "request.malformed",
            ErrorCode::TooLarge => "request.too_large",
            ErrorCode::NotFound => "request.not_found",
            ErrorCode::Unauthorized => "auth.unauthorized",
            ErrorCode::InvalidPhone => "auth.invalid_phone",
            ErrorCode::SmsRateLimited => "auth.sms_rate_limited",
            ErrorCode::SmsCodeWrong => "auth.sms_code_wrong",
            ErrorCode::SmsCodeExpired => "auth.sms_code_expired",
            ErrorCode::SmsCodeExhausted => "auth.sms_code_exhausted",
            ErrorCode::AgreementOutdated => "auth.agreement_outdated",
            ErrorCode::IdentityInvalidName => "identity.invalid_name",
            ErrorCode::IdentityInvalidIdNumber => "identity.invalid_id_number",
            ErrorCode::IdentityInvalidVideo => "identity.invalid_video",
            ErrorCode::IdentityCodeInvalid => "identity.code_invalid",
            ErrorCode::IdentityCaseOpen => "identity.case_open",
            ErrorCode::IdentityNotApproved => "identity.not_approved",
            ErrorCode::PickupNotFound => "pickup.not_found",
            ErrorCode::PickupWrongPhone => "pickup.wrong_phone",
            ErrorCode::PickupNotApproved => "pickup.not_approved",
            ErrorCode::PickupAlreadyIssued => "pickup.already_issued",
            ErrorCode::PickupNotPickedUp => "pickup.not_picked_up",
            ErrorCode::PickupCsrInvalid => "pickup.csr_invalid",
            ErrorCode::PickupCsrMismatch => "pickup.csr_mismatch",
            ErrorCode::PickupCompanyNotRegistered => "pickup.company_not_registered",
            ErrorCode::Internal => "server.internal",
            ErrorCode::Unknown => "unknown",
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn wire_form_matches_as_str() {
        for code in [
            ErrorCode::Malformed,
            ErrorCode::TooLarge,
            ErrorCode::NotFound,
            ErrorCode::Unauthorized,
            ErrorCode::InvalidPhone,
            ErrorCode::SmsRateLimited,
            ErrorCode::SmsCodeWrong,
            ErrorCode::SmsCodeExpired,
            ErrorCode::SmsCodeExhausted,
            ErrorCode::AgreementOutdated,
            ErrorCode::IdentityInvalidName,
            ErrorCode::IdentityInvalidIdNumber,
            ErrorCode::IdentityInvalidVideo,
            ErrorCode::IdentityCodeInvalid,
            ErrorCode::IdentityCaseOpen,
            ErrorCode::IdentityNotApproved,
            ErrorCode::PickupNotFound,
            ErrorCode::PickupWrongPhone,
            ErrorCode::PickupNotApproved,
            ErrorCode::PickupAlreadyIssued,
            ErrorCode::PickupNotPickedUp,
            ErrorCode::PickupCsrInvalid,
            ErrorCode::PickupCsrMismatch,
            ErrorCode::PickupCompanyNotRegistered,
            ErrorCode::Internal,
        ] {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
        }
    }

    #[test]
    fn unknown_code_reads_as_unknown() {
        let code: ErrorCode = serde_json::from_str("\"hall.closed\"").unwrap();
        assert_eq!(code, ErrorCode::Unknown);
    }
}
