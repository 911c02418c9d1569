package palmbid.app.ui.components

import androidx.compose.ui.graphics.Color
import palmbid.app.domain.GuaranteeState
import palmbid.app.domain.HallNotice
import palmbid.app.domain.HallPhase
import palmbid.app.domain.IdentityState
import palmbid.app.domain.InstitutionKind
import palmbid.app.domain.KeyRole
import palmbid.app.domain.KeyUseOutcome
import palmbid.app.domain.OrderState
import palmbid.app.domain.QrKind
import palmbid.app.domain.RequesterKind
import palmbid.app.domain.SealKind
import palmbid.app.domain.SignatureOperation
import palmbid.app.ui.i18n.Strings
import palmbid.app.ui.theme.PalmbidColors

// The words of the domain's enums, in the chosen language.

fun Strings.phase(phase: HallPhase): String = when (phase) {
    HallPhase.NOT_OPEN -> phaseNotOpen
    HallPhase.SIGN_IN -> phaseSignIn
    HallPhase.DECRYPTION -> phaseDecryption
    HallPhase.QUOTE_READING -> phaseQuoteReading
    HallPhase.QUOTE_CONFIRMATION -> phaseQuoteConfirmation
    HallPhase.EVALUATION -> phaseEvaluation
    HallPhase.CLOSED -> phaseClosed
}

fun phaseColour(phase: HallPhase): Color = when (phase) {
    HallPhase.NOT_OPEN -> Color(0xFF5F6673)
    HallPhase.SIGN_IN, HallPhase.DECRYPTION -> Color(0xFF1A56B0)
    HallPhase.QUOTE_READING, HallPhase.QUOTE_CONFIRMATION -> PalmbidColors.caution
    HallPhase.EVALUATION -> Color(0xFF6A3DA8)
    HallPhase.CLOSED -> PalmbidColors.success
}

fun Strings.seal(kind: SealKind): String = when (kind) {
    SealKind.PERSONAL -> sealPersonal
    SealKind.LEGAL_REPRESENTATIVE -> sealLegalRepresentative
    SealKind.COMPANY -> sealCompany
}

fun Strings.role(role: KeyRole): String = when (role) {
    KeyRole.SIGNING -> certSigning
    KeyRole.ENCRYPTION -> certEncryption
}

fun Strings.qrKind(kind: QrKind): String = when (kind) {
    QrKind.LOGIN -> confirmKindLogin
    QrKind.SIGN -> confirmKindSign
    QrKind.SEAL -> confirmKindSeal
    QrKind.ENCRYPTION_CERTIFICATE -> confirmKindEncryptionCertificate
    QrKind.DECRYPT -> confirmKindDecrypt
}

fun Strings.requester(kind: RequesterKind): String = when (kind) {
    RequesterKind.PORTAL -> confirmRequesterPortal
    RequesterKind.TOOLBOX -> confirmRequesterToolbox
}

fun Strings.orderState(state: OrderState): String = when (state) {
    OrderState.PENDING -> pickupOrderPending
    OrderState.APPROVED -> pickupOrderApproved
    OrderState.REJECTED -> pickupOrderRejected
    OrderState.PICKED_UP -> pickupOrderPickedUp
    OrderState.ISSUED -> pickupOrderIssued
}

fun Strings.identityState(state: IdentityState): String = when (state) {
    IdentityState.NOT_SUBMITTED -> identityStateNotSubmitted
    IdentityState.PENDING -> identityStatePending
    IdentityState.APPROVED -> identityStateApproved
    IdentityState.REJECTED -> identityStateRejected
}

fun Strings.guaranteeState(state: GuaranteeState): String = when (state) {
    GuaranteeState.NONE -> guaranteesStateNone
    GuaranteeState.APPLIED -> guaranteesStateApplied
    GuaranteeState.ISSUED -> guaranteesStateIssued
    GuaranteeState.REJECTED -> guaranteesStateRejected
    GuaranteeState.CANCELLED -> guaranteesStateCancelled
}

fun Strings.institutionKind(kind: InstitutionKind): String = when (kind) {
    InstitutionKind.BANK -> guaranteesInstitutionBank
    InstitutionKind.INSURER -> guaranteesInstitutionInsurer
    InstitutionKind.GUARANTOR -> guaranteesInstitutionGuarantor
}

/**
 * Returns the operation's name. [raw] is the core's name, shown for an
 * operation this app does not know when the core gave one more telling than
 * its generic `other`.
 */
fun Strings.operation(operation: SignatureOperation, raw: String): String = when (operation) {
    SignatureOperation.SIGN_DIGEST -> logOpSignDigest
    SignatureOperation.SIGN_FILE -> logOpSignFile
    SignatureOperation.DECRYPT_FILE -> logOpDecryptFile
    SignatureOperation.RELEASE_KEY -> logOpReleaseKey
    SignatureOperation.QR_LOGIN -> logOpQrLogin
    SignatureOperation.QR_SIGN -> logOpQrSign
    SignatureOperation.QR_SEAL -> logOpQrSeal
    SignatureOperation.ENCRYPTION_CERTIFICATE -> logOpEncryptionCertificate
    SignatureOperation.QR_DECRYPT -> logOpQrDecrypt
    SignatureOperation.HALL_SIGN_IN -> logOpHallSignIn
    SignatureOperation.HALL_DECRYPT -> logOpHallDecrypt
    SignatureOperation.HALL_CHECK -> logOpHallCheck
    SignatureOperation.QUOTE_CONFIRMATION -> logOpQuoteConfirmation
    SignatureOperation.CHALLENGE -> logOpChallenge
    SignatureOperation.ROUND_QUOTE -> logOpRoundQuote
    SignatureOperation.DRAW_CONTRIBUTION -> logOpDrawContribution
    SignatureOperation.GUARANTEE_APPLICATION -> logOpGuaranteeApplication
    SignatureOperation.CERTIFICATE_INSTALL -> logOpCertificateInstall
    SignatureOperation.PIN_CHANGE -> logOpPinChange
    SignatureOperation.OTHER -> raw.takeUnless { it.isBlank() || it == "other" } ?: logOpOther
}

/** Returns the result of a PIN entry in the signature log. */
fun Strings.outcome(outcome: KeyUseOutcome): String = when (outcome) {
    KeyUseOutcome.USED -> logOutcomeUsed
    KeyUseOutcome.WRONG_PIN -> logOutcomeWrongPin
    KeyUseOutcome.LOCKED -> logOutcomeLocked
    KeyUseOutcome.FAILED -> logOutcomeFailed
    KeyUseOutcome.INTERRUPTED -> logOutcomeInterrupted
}

/** Words a hall notice as one sentence. */
fun Strings.notice(notice: HallNotice): String = when (notice) {
    is HallNotice.OpeningSoon -> noticeOpeningSoon(notice.minutes.toInt())
    is HallNotice.PhaseStarted -> noticePhaseStarted(phase(notice.phase))
    is HallNotice.ChallengeAnswered -> noticeChallengeAnswered
    is HallNotice.RoundOpened -> noticeRoundOpened(notice.section, notice.round)
    is HallNotice.RoundClosed -> noticeRoundClosed(notice.section, notice.round)
    is HallNotice.DrawOpened -> noticeDrawOpened(notice.draw)
    is HallNotice.DrawRevealed -> noticeDrawRevealed(notice.draw, notice.coefficient)
}
