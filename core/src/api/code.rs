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
    /// The device attestation chain is rejected. The message names the fault: too long, not parseable, a signature that does not verify, a missing or malformed KeyDescription, or a challenge that is not the order's.
    #[serde(rename = "pickup.attestation_invalid")]
    PickupAttestationInvalid,
    /// The platform requires a device attestation chain and the request has none.
    #[serde(rename = "pickup.attestation_required")]
    PickupAttestationRequired,
    /// No request has this id.
    #[serde(rename = "qr.not_found")]
    QrNotFound,
    /// The desktop's request is incomplete or malformed: the message names the field.
    #[serde(rename = "qr.invalid_request")]
    QrInvalidRequest,
    /// No desktop token, or one that is not this request's.
    #[serde(rename = "qr.desktop_unauthorized")]
    QrDesktopUnauthorized,
    /// The frame's MAC does not verify: a forged or altered code.
    #[serde(rename = "qr.frame_invalid")]
    QrFrameInvalid,
    /// The frame is older than 5 seconds: a photo or a forwarded screenshot.
    #[serde(rename = "qr.frame_stale")]
    QrFrameStale,
    /// The request was not scanned within 60 seconds or not answered within 3 minutes.
    #[serde(rename = "qr.expired")]
    QrExpired,
    /// Another phone scanned the request first.
    #[serde(rename = "qr.bound_to_other_phone")]
    QrBoundToOtherPhone,
    /// The request must be scanned before it is matched or answered.
    #[serde(rename = "qr.not_scanned")]
    QrNotScanned,
    /// The request was answered already.
    #[serde(rename = "qr.already_answered")]
    QrAlreadyAnswered,
    /// The request was cancelled (on the phone or by a wrong number).
    #[serde(rename = "qr.cancelled")]
    QrCancelled,
    /// The number chosen is not the one on the desktop; the request is cancelled.
    #[serde(rename = "qr.wrong_number")]
    QrWrongNumber,
    /// A login is answered before its number was matched.
    #[serde(rename = "qr.not_matched")]
    QrNotMatched,
    /// The answer does not fit the request: another kind, a value that does not decode, another nonce.
    #[serde(rename = "qr.answer_invalid")]
    QrAnswerInvalid,
    /// The answer's signature does not verify over the request as the platform holds it (a tampered request or answer).
    #[serde(rename = "qr.signature_invalid")]
    QrSignatureInvalid,
    /// The answering certificate is not issued by this platform's CA, or is not a signing certificate.
    #[serde(rename = "qr.certificate_untrusted")]
    QrCertificateUntrusted,
    /// The answering certificate is revoked.
    #[serde(rename = "qr.certificate_revoked")]
    QrCertificateRevoked,
    /// The answering certificate is expired or not yet valid.
    #[serde(rename = "qr.certificate_expired")]
    QrCertificateExpired,
    /// The desktop asks for an answer that has not arrived.
    #[serde(rename = "qr.not_answered")]
    QrNotAnswered,
    /// A seal request is answered, or its digest sent, before the phone chose the seal.
    #[serde(rename = "qr.seal_not_chosen")]
    QrSealNotChosen,
    /// The desktop has not sent the digest to sign yet; ask again.
    #[serde(rename = "qr.digest_pending")]
    QrDigestPending,
    /// Too many open requests from one network address; wait for some to end.
    #[serde(rename = "qr.too_many_requests")]
    QrTooManyRequests,
    /// No hall project has this id.
    #[serde(rename = "hall.not_found")]
    HallNotFound,
    /// The session's company is not a bidder of this project.
    #[serde(rename = "hall.not_a_bidder")]
    HallNotABidder,
    /// A phase change out of the fixed order (a skip, a step back, or sign-in by hand).
    #[serde(rename = "hall.phase_order")]
    HallPhaseOrder,
    /// A new hall project's field is missing or unusable.
    #[serde(rename = "hall.invalid_project")]
    HallInvalidProject,
    /// Sign-in has not opened yet (it opens one hour before the opening time).
    #[serde(rename = "hall.sign_in_not_open")]
    HallSignInNotOpen,
    /// Sign-in is over: the opening time has come or the project left the sign-in phase.
    #[serde(rename = "hall.sign_in_closed")]
    HallSignInClosed,
    /// The action nonce is unknown, used, expired, or of another session or project.
    #[serde(rename = "hall.nonce_invalid")]
    HallNonceInvalid,
    /// The action proof is malformed, its signature fails, or its signing time is off.
    #[serde(rename = "hall.proof_invalid")]
    HallProofInvalid,
    /// The proof's certificate is not a valid signing certificate of the platform CA.
    #[serde(rename = "hall.certificate_untrusted")]
    HallCertificateUntrusted,
    /// The proof's certificate is revoked.
    #[serde(rename = "hall.certificate_revoked")]
    HallCertificateRevoked,
    /// The company has not signed in to the project.
    #[serde(rename = "hall.not_signed_in")]
    HallNotSignedIn,
    /// The project is not in the phase this action needs.
    #[serde(rename = "hall.wrong_phase")]
    HallWrongPhase,
    /// No answered toolbox login behind the desktop token, or it is older than 12 hours.
    #[serde(rename = "hall.desktop_unauthorized")]
    HallDesktopUnauthorized,
    /// The uploaded bid file is not a CMS envelope.
    #[serde(rename = "hall.not_an_envelope")]
    HallNotAnEnvelope,
    /// The uploaded bid file is larger than the platform takes.
    #[serde(rename = "hall.bid_too_large")]
    HallBidTooLarge,
    /// Bid files can no longer be uploaded: the opening time has come.
    #[serde(rename = "hall.upload_closed")]
    HallUploadClosed,
    /// No bid of the session's company has this id in the project.
    #[serde(rename = "hall.bid_not_found")]
    HallBidNotFound,
    /// The released key does not open the bid file.
    #[serde(rename = "hall.wrong_key")]
    HallWrongKey,
    /// The bid file's content fails its check or is not a bid package of this project, section and company.
    #[serde(rename = "hall.damaged_bid")]
    HallDamagedBid,
    /// The bid was already decrypted by a release of another certificate.
    #[serde(rename = "hall.already_decrypted")]
    HallAlreadyDecrypted,
    /// The checked envelope is not the stored bid file, or the entry is not its recipient.
    #[serde(rename = "hall.check_mismatch")]
    HallCheckMismatch,
    /// A bid package's field is unusable.
    #[serde(rename = "hall.invalid_package")]
    HallInvalidPackage,
    /// The quotes stay sealed until the quote reading starts.
    #[serde(rename = "hall.quotes_sealed")]
    HallQuotesSealed,
    /// The bid is another company's; a bidder confirms only its own quote.
    #[serde(rename = "hall.not_your_bid")]
    HallNotYourBid,
    /// The amount confirmed is not the one recorded, or the bid is not decrypted.
    #[serde(rename = "hall.amount_mismatch")]
    HallAmountMismatch,
    /// The project is closed; it takes no more challenges.
    #[serde(rename = "hall.project_closed")]
    HallProjectClosed,
    /// The challenge text is empty.
    #[serde(rename = "hall.challenge_empty")]
    HallChallengeEmpty,
    /// The challenge text is longer than the limit.
    #[serde(rename = "hall.challenge_text_too_long")]
    HallChallengeTextTooLong,
    /// A challenge has more attachments than the limit.
    #[serde(rename = "hall.too_many_attachments")]
    HallTooManyAttachments,
    /// An attachment's name is unusable or its content is not base64.
    #[serde(rename = "hall.attachment_invalid")]
    HallAttachmentInvalid,
    /// An attachment is not a PDF, PNG or JPEG file by its content.
    #[serde(rename = "hall.attachment_type")]
    HallAttachmentType,
    /// An attachment is larger than the limit of one file.
    #[serde(rename = "hall.attachment_too_large")]
    HallAttachmentTooLarge,
    /// A challenge's attachments together are larger than the limit.
    #[serde(rename = "hall.challenge_too_large")]
    HallChallengeTooLarge,
    /// No challenge of this project has this id.
    #[serde(rename = "hall.challenge_not_found")]
    HallChallengeNotFound,
    /// The challenge was answered already.
    #[serde(rename = "hall.challenge_answered")]
    HallChallengeAnswered,
    /// No quote round of this number is open in the section.
    #[serde(rename = "hall.no_round_open")]
    HallNoRoundOpen,
    /// The quote round is closed, by the experts or its deadline.
    #[serde(rename = "hall.round_closed")]
    HallRoundClosed,
    /// A quote round or draw is still open where a new one was asked for.
    #[serde(rename = "hall.round_still_open")]
    HallRoundStillOpen,
    /// The signer's company does not bid in this section.
    #[serde(rename = "hall.not_a_section_bidder")]
    HallNotASectionBidder,
    /// A quote amount is not yuan with at most two decimals.
    #[serde(rename = "hall.invalid_amount")]
    HallInvalidAmount,
    /// The project has no coefficient draw of this number.
    #[serde(rename = "hall.draw_not_found")]
    HallDrawNotFound,
    /// The coefficient draw is closed and takes no contribution.
    #[serde(rename = "hall.draw_closed")]
    HallDrawClosed,
    /// The company already contributed another value to this draw.
    #[serde(rename = "hall.already_contributed")]
    HallAlreadyContributed,
    /// A draw's candidate list or a contribution value is unusable.
    #[serde(rename = "hall.invalid_draw")]
    HallInvalidDraw,
    /// No project with this id requires a bid guarantee.
    #[serde(rename = "guarantee.project_not_found")]
    GuaranteeProjectNotFound,
    /// The session's company is not a bidder of this project section.
    #[serde(rename = "guarantee.not_a_bidder")]
    GuaranteeNotABidder,
    /// The project has no section at this position.
    #[serde(rename = "guarantee.section_not_found")]
    GuaranteeSectionNotFound,
    /// No guarantee code is this one, or it is another company's.
    #[serde(rename = "guarantee.code_not_found")]
    GuaranteeCodeNotFound,
    /// The guarantee institution is not in the platform's catalogue.
    #[serde(rename = "guarantee.institution_unknown")]
    GuaranteeInstitutionUnknown,
    /// An institution's callback is malformed, outside its time window, or lacks a field its event needs.
    #[serde(rename = "guarantee.callback_invalid")]
    GuaranteeCallbackInvalid,
    /// An institution's callback is not signed by the institution's catalogue certificate.
    #[serde(rename = "guarantee.callback_signature_invalid")]
    GuaranteeCallbackSignatureInvalid,
    /// An institution's callback was received before (same callback id).
    #[serde(rename = "guarantee.callback_replayed")]
    GuaranteeCallbackReplayed,
    /// The guarantee document is not a PDF whose signature verifies to the institution's certificate.
    #[serde(rename = "guarantee.document_invalid")]
    GuaranteeDocumentInvalid,
    /// The guarantee document names another guarantee code, project, section or company.
    #[serde(rename = "guarantee.document_mismatch")]
    GuaranteeDocumentMismatch,
    /// The guarantee's state does not allow this change (a cancel before issue, an issue after cancel, another institution).
    #[serde(rename = "guarantee.state_conflict")]
    GuaranteeStateConflict,
    /// The bidder's signed statement does not verify, is expired, or names another institution, code or company.
    #[serde(rename = "guarantee.statement_invalid")]
    GuaranteeStatementInvalid,
    /// The server failed; the request may be retried.
    #[serde(rename = "server.internal")]
    Internal,
    /// A code this build does not know (sent by a newer platform).
    #[serde(other, rename = "unknown")]
    Unknown,
}

impl ErrorCode {
    /// The code as sent on the wire.
    #[allow(clippy::too_many_lines, reason = "one arm a code, a flat table")]
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
            ErrorCode::PickupAttestationInvalid => "pickup.attestation_invalid",
            ErrorCode::PickupAttestationRequired => "pickup.attestation_required",
            ErrorCode::QrNotFound => "qr.not_found",
            ErrorCode::QrInvalidRequest => "qr.invalid_request",
            ErrorCode::QrDesktopUnauthorized => "qr.desktop_unauthorized",
            ErrorCode::QrFrameInvalid => "qr.frame_invalid",
            ErrorCode::QrFrameStale => "qr.frame_stale",
            ErrorCode::QrExpired => "qr.expired",
            ErrorCode::QrBoundToOtherPhone => "qr.bound_to_other_phone",
            ErrorCode::QrNotScanned => "qr.not_scanned",
            ErrorCode::QrAlreadyAnswered => "qr.already_answered",
            ErrorCode::QrCancelled => "qr.cancelled",
            ErrorCode::QrWrongNumber => "qr.wrong_number",
            ErrorCode::QrNotMatched => "qr.not_matched",
            ErrorCode::QrAnswerInvalid => "qr.answer_invalid",
            ErrorCode::QrSignatureInvalid => "qr.signature_invalid",
            ErrorCode::QrCertificateUntrusted => "qr.certificate_untrusted",
            ErrorCode::QrCertificateRevoked => "qr.certificate_revoked",
            ErrorCode::QrCertificateExpired => "qr.certificate_expired",
            ErrorCode::QrNotAnswered => "qr.not_answered",
            ErrorCode::QrSealNotChosen => "qr.seal_not_chosen",
            ErrorCode::QrDigestPending => "qr.digest_pending",
            ErrorCode::QrTooManyRequests => "qr.too_many_requests",
            ErrorCode::HallNotFound => "hall.not_found",
            ErrorCode::HallNotABidder => "hall.not_a_bidder",
            ErrorCode::HallPhaseOrder => "hall.phase_order",
            ErrorCode::HallInvalidProject => "hall.invalid_project",
            ErrorCode::HallSignInNotOpen => "hall.sign_in_not_open",
            ErrorCode::HallSignInClosed => "hall.sign_in_closed",
            ErrorCode::HallNonceInvalid => "hall.nonce_invalid",
            ErrorCode::HallProofInvalid => "hall.proof_invalid",
            ErrorCode::HallCertificateUntrusted => "hall.certificate_untrusted",
            ErrorCode::HallCertificateRevoked => "hall.certificate_revoked",
            ErrorCode::HallNotSignedIn => "hall.not_signed_in",
            ErrorCode::HallWrongPhase => "hall.wrong_phase",
            ErrorCode::HallDesktopUnauthorized => "hall.desktop_unauthorized",
            ErrorCode::HallNotAnEnvelope => "hall.not_an_envelope",
            ErrorCode::HallBidTooLarge => "hall.bid_too_large",
            ErrorCode::HallUploadClosed => "hall.upload_closed",
            ErrorCode::HallBidNotFound => "hall.bid_not_found",
            ErrorCode::HallWrongKey => "hall.wrong_key",
            ErrorCode::HallDamagedBid => "hall.damaged_bid",
            ErrorCode::HallAlreadyDecrypted => "hall.already_decrypted",
            ErrorCode::HallCheckMismatch => "hall.check_mismatch",
            ErrorCode::HallInvalidPackage => "hall.invalid_package",
            ErrorCode::HallQuotesSealed => "hall.quotes_sealed",
            ErrorCode::HallNotYourBid => "hall.not_your_bid",
            ErrorCode::HallAmountMismatch => "hall.amount_mismatch",
            ErrorCode::HallProjectClosed => "hall.project_closed",
            ErrorCode::HallChallengeEmpty => "hall.challenge_empty",
            ErrorCode::HallChallengeTextTooLong => "hall.challenge_text_too_long",
            ErrorCode::HallTooManyAttachments => "hall.too_many_attachments",
            ErrorCode::HallAttachmentInvalid => "hall.attachment_invalid",
            ErrorCode::HallAttachmentType => "hall.attachment_type",
            ErrorCode::HallAttachmentTooLarge => "hall.attachment_too_large",
            ErrorCode::HallChallengeTooLarge => "hall.challenge_too_large",
            ErrorCode::HallChallengeNotFound => "hall.challenge_not_found",
            ErrorCode::HallChallengeAnswered => "hall.challenge_answered",
            ErrorCode::HallNoRoundOpen => "hall.no_round_open",
            ErrorCode::HallRoundClosed => "hall.round_closed",
            ErrorCode::HallRoundStillOpen => "hall.round_still_open",
            ErrorCode::HallNotASectionBidder => "hall.not_a_section_bidder",
            ErrorCode::HallInvalidAmount => "hall.invalid_amount",
            ErrorCode::HallDrawNotFound => "hall.draw_not_found",
            ErrorCode::HallDrawClosed => "hall.draw_closed",
            ErrorCode::HallAlreadyContributed => "hall.already_contributed",
            ErrorCode::HallInvalidDraw => "hall.invalid_draw",
            ErrorCode::GuaranteeProjectNotFound => "guarantee.project_not_found",
            ErrorCode::GuaranteeNotABidder => "guarantee.not_a_bidder",
            ErrorCode::GuaranteeSectionNotFound => "guarantee.section_not_found",
            ErrorCode::GuaranteeCodeNotFound => "guarantee.code_not_found",
            ErrorCode::GuaranteeInstitutionUnknown => "guarantee.institution_unknown",
            ErrorCode::GuaranteeCallbackInvalid => "guarantee.callback_invalid",
            ErrorCode::GuaranteeCallbackSignatureInvalid => "guarantee.callback_signature_invalid",
            ErrorCode::GuaranteeCallbackReplayed => "guarantee.callback_replayed",
            ErrorCode::GuaranteeDocumentInvalid => "guarantee.document_invalid",
            ErrorCode::GuaranteeDocumentMismatch => "guarantee.document_mismatch",
            ErrorCode::GuaranteeStateConflict => "guarantee.state_conflict",
            ErrorCode::GuaranteeStatementInvalid => "guarantee.statement_invalid",
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
    #[allow(clippy::too_many_lines, reason = "one line a code")]
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
            ErrorCode::PickupAttestationInvalid,
            ErrorCode::PickupAttestationRequired,
            ErrorCode::QrNotFound,
            ErrorCode::QrInvalidRequest,
            ErrorCode::QrDesktopUnauthorized,
            ErrorCode::QrFrameInvalid,
            ErrorCode::QrFrameStale,
            ErrorCode::QrExpired,
            ErrorCode::QrBoundToOtherPhone,
            ErrorCode::QrNotScanned,
            ErrorCode::QrAlreadyAnswered,
            ErrorCode::QrCancelled,
            ErrorCode::QrWrongNumber,
            ErrorCode::QrNotMatched,
            ErrorCode::QrAnswerInvalid,
            ErrorCode::QrSignatureInvalid,
            ErrorCode::QrCertificateUntrusted,
            ErrorCode::QrCertificateRevoked,
            ErrorCode::QrCertificateExpired,
            ErrorCode::QrNotAnswered,
            ErrorCode::QrSealNotChosen,
            ErrorCode::QrDigestPending,
            ErrorCode::QrTooManyRequests,
            ErrorCode::HallNotFound,
            ErrorCode::HallNotABidder,
            ErrorCode::HallPhaseOrder,
            ErrorCode::HallInvalidProject,
            ErrorCode::HallSignInNotOpen,
            ErrorCode::HallSignInClosed,
            ErrorCode::HallNonceInvalid,
            ErrorCode::HallProofInvalid,
            ErrorCode::HallCertificateUntrusted,
            ErrorCode::HallCertificateRevoked,
            ErrorCode::HallNotSignedIn,
            ErrorCode::HallWrongPhase,
            ErrorCode::HallDesktopUnauthorized,
            ErrorCode::HallNotAnEnvelope,
            ErrorCode::HallBidTooLarge,
            ErrorCode::HallUploadClosed,
            ErrorCode::HallBidNotFound,
            ErrorCode::HallWrongKey,
            ErrorCode::HallDamagedBid,
            ErrorCode::HallAlreadyDecrypted,
            ErrorCode::HallCheckMismatch,
            ErrorCode::HallInvalidPackage,
            ErrorCode::HallQuotesSealed,
            ErrorCode::HallNotYourBid,
            ErrorCode::HallAmountMismatch,
            ErrorCode::HallProjectClosed,
            ErrorCode::HallChallengeEmpty,
            ErrorCode::HallChallengeTextTooLong,
            ErrorCode::HallTooManyAttachments,
            ErrorCode::HallAttachmentInvalid,
            ErrorCode::HallAttachmentType,
            ErrorCode::HallAttachmentTooLarge,
            ErrorCode::HallChallengeTooLarge,
            ErrorCode::HallChallengeNotFound,
            ErrorCode::HallChallengeAnswered,
            ErrorCode::HallNoRoundOpen,
            ErrorCode::HallRoundClosed,
            ErrorCode::HallRoundStillOpen,
            ErrorCode::HallNotASectionBidder,
            ErrorCode::HallInvalidAmount,
            ErrorCode::HallDrawNotFound,
            ErrorCode::HallDrawClosed,
            ErrorCode::HallAlreadyContributed,
            ErrorCode::HallInvalidDraw,
            ErrorCode::GuaranteeProjectNotFound,
            ErrorCode::GuaranteeNotABidder,
            ErrorCode::GuaranteeSectionNotFound,
            ErrorCode::GuaranteeCodeNotFound,
            ErrorCode::GuaranteeInstitutionUnknown,
            ErrorCode::GuaranteeCallbackInvalid,
            ErrorCode::GuaranteeCallbackSignatureInvalid,
            ErrorCode::GuaranteeCallbackReplayed,
            ErrorCode::GuaranteeDocumentInvalid,
            ErrorCode::GuaranteeDocumentMismatch,
            ErrorCode::GuaranteeStateConflict,
            ErrorCode::GuaranteeStatementInvalid,
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
