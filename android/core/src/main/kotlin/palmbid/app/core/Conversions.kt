package palmbid.app.core

import java.time.Instant
import palmbid.app.domain.CertificateInfo
import palmbid.app.domain.DocumentInfo
import palmbid.app.domain.Downloaded
import palmbid.app.domain.GuaranteeApplication
import palmbid.app.domain.GuaranteeCode
import palmbid.app.domain.GuaranteeInstitution
import palmbid.app.domain.GuaranteeProject
import palmbid.app.domain.GuaranteeSection
import palmbid.app.domain.GuaranteeSections
import palmbid.app.domain.GuaranteeState
import palmbid.app.domain.GuaranteeView
import palmbid.app.domain.IdentityCode
import palmbid.app.domain.IdentityState
import palmbid.app.domain.IdentityStatus
import palmbid.app.domain.InstitutionKind
import palmbid.app.domain.KeyRole
import palmbid.app.domain.LoginCodeSent
import palmbid.app.domain.OrderState
import palmbid.app.domain.PendingBid
import palmbid.app.domain.PickedUp
import palmbid.app.domain.PickupRecord
import palmbid.app.domain.PickupState
import palmbid.app.domain.PinState
import palmbid.app.domain.Platform
import palmbid.app.domain.QrKind
import palmbid.app.domain.QrRequestDetails
import palmbid.app.domain.Requester
import palmbid.app.domain.RequesterKind
import palmbid.app.domain.ScannedPickup
import palmbid.app.domain.SealImage
import palmbid.app.domain.SealKind
import palmbid.app.domain.Session
import palmbid.app.domain.StoredCertificate
import palmbid.app.domain.Terms
import palmbid.app.domain.VerifiedGuarantee

// One-way conversions from the generated records to the app's own types
// (and back where a port passes a value into the core). Enums map with an
// exhaustive `when`, so a variant added to the bindings fails the build
// here instead of at run time. Times cross the FFI as Unix seconds.

internal fun instant(unixSeconds: Long): Instant = Instant.ofEpochSecond(unixSeconds)

internal fun palmbid.ffi.CertificateInfo.toDomain() = CertificateInfo(
    subject = subject,
    issuer = issuer,
    serialHex = serialHex,
    notBefore = instant(notBeforeUnix),
    notAfter = instant(notAfterUnix),
    fingerprint = fingerprint,
)

internal fun palmbid.ffi.KeyRole.toDomain() = when (this) {
    palmbid.ffi.KeyRole.SIGNING -> KeyRole.SIGNING
    palmbid.ffi.KeyRole.ENCRYPTION -> KeyRole.ENCRYPTION
}

internal fun palmbid.ffi.CertificateRecord.toDomain() = StoredCertificate(
    keyId = keyId,
    credentialId = credentialId,
    role = role.toDomain(),
    certificate = certificate.toDomain(),
    chain = chain.map { it.toDomain() },
)

internal fun palmbid.ffi.SealKind.toDomain() = when (this) {
    palmbid.ffi.SealKind.PERSONAL -> SealKind.PERSONAL
    palmbid.ffi.SealKind.LEGAL_REPRESENTATIVE -> SealKind.LEGAL_REPRESENTATIVE
    palmbid.ffi.SealKind.COMPANY -> SealKind.COMPANY
}

internal fun SealKind.toFfi() = when (this) {
    SealKind.PERSONAL -> palmbid.ffi.SealKind.PERSONAL
    SealKind.LEGAL_REPRESENTATIVE -> palmbid.ffi.SealKind.LEGAL_REPRESENTATIVE
    SealKind.COMPANY -> palmbid.ffi.SealKind.COMPANY
}

internal fun palmbid.ffi.SealImage.toDomain() = SealImage(kind.toDomain(), png)

internal fun palmbid.ffi.PinStatus.toDomain() = PinState(
    failedAttempts = failedAttempts.toInt(),
    triesLeft = triesLeft.toInt(),
    locked = locked,
)

internal fun palmbid.ffi.PendingBid.toDomain() = PendingBid(projectId, bidId, instant(deadlineUnix))

internal fun palmbid.ffi.TrustedPlatform.toDomain() = Platform(
    name = name,
    baseUrl = baseUrl,
    anchor = anchor.toDomain(),
    addedAt = instant(addedAtUnix),
)

internal fun palmbid.ffi.Terms.toDomain() = Terms(agreementVersion, privacyVersion)

internal fun Terms.toFfi() = palmbid.ffi.Terms(agreementVersion, privacyVersion)

internal fun palmbid.ffi.LoginCodeSent.toDomain() = LoginCodeSent(
    expiresAt = instant(expiresAtUnix),
    resendAfter = instant(resendAfterUnix),
    terms = terms.toDomain(),
)

internal fun palmbid.ffi.Session.toDomain() = Session(platform, phone, instant(expiresAtUnix))

internal fun palmbid.ffi.IdentityState.toDomain() = when (this) {
    palmbid.ffi.IdentityState.NOT_SUBMITTED -> IdentityState.NOT_SUBMITTED
    palmbid.ffi.IdentityState.PENDING -> IdentityState.PENDING
    palmbid.ffi.IdentityState.APPROVED -> IdentityState.APPROVED
    palmbid.ffi.IdentityState.REJECTED -> IdentityState.REJECTED
}

internal fun palmbid.ffi.IdentityStatus.toDomain() = IdentityStatus(
    state = state.toDomain(),
    caseId = caseId,
    name = name,
    reason = reason,
    submittedAt = submittedAtUnix?.let(::instant),
    decidedAt = decidedAtUnix?.let(::instant),
)

internal fun palmbid.ffi.IdentityCode.toDomain() = IdentityCode(code, instant(expiresAtUnix))

internal fun palmbid.ffi.OrderState.toDomain() = when (this) {
    palmbid.ffi.OrderState.PENDING -> OrderState.PENDING
    palmbid.ffi.OrderState.APPROVED -> OrderState.APPROVED
    palmbid.ffi.OrderState.REJECTED -> OrderState.REJECTED
    palmbid.ffi.OrderState.PICKED_UP -> OrderState.PICKED_UP
    palmbid.ffi.OrderState.ISSUED -> OrderState.ISSUED
}

internal fun OrderState.toFfi() = when (this) {
    OrderState.PENDING -> palmbid.ffi.OrderState.PENDING
    OrderState.APPROVED -> palmbid.ffi.OrderState.APPROVED
    OrderState.REJECTED -> palmbid.ffi.OrderState.REJECTED
    OrderState.PICKED_UP -> palmbid.ffi.OrderState.PICKED_UP
    OrderState.ISSUED -> palmbid.ffi.OrderState.ISSUED
}

internal fun palmbid.ffi.ScannedPickup.toDomain() = ScannedPickup(
    platform = platform,
    pickupId = pickupId,
    name = name,
    phone = phone,
    company = company,
    creditCode = creditCode,
    seals = seals.map { it.toDomain() },
    state = state.toDomain(),
)

internal fun ScannedPickup.toFfi() = palmbid.ffi.ScannedPickup(
    platform = platform,
    pickupId = pickupId,
    name = name,
    phone = phone,
    company = company,
    creditCode = creditCode,
    seals = seals.map { it.toFfi() },
    state = state.toFfi(),
)

internal fun palmbid.ffi.PickedUp.toDomain() = PickedUp(
    platform = platform,
    pickupId = pickupId,
    signing = signingCertificate.toDomain(),
    encryption = encryptionCertificate.toDomain(),
    chain = chain.map { it.toDomain() },
    seals = seals.map { it.toDomain() },
)

internal fun palmbid.ffi.PickupState.toDomain() = when (this) {
    palmbid.ffi.PickupState.REQUESTED -> PickupState.REQUESTED
    palmbid.ffi.PickupState.RECEIVED -> PickupState.RECEIVED
    palmbid.ffi.PickupState.INSTALLED -> PickupState.INSTALLED
}

internal fun palmbid.ffi.PickupRecord.toDomain() = PickupRecord(platform, pickupId, state.toDomain())

internal fun palmbid.ffi.Downloaded.toDomain() = Downloaded(
    company = company,
    creditCode = creditCode,
    certificates = certificates.map { it.toDomain() },
)

internal fun palmbid.ffi.QrKind.toDomain() = when (this) {
    palmbid.ffi.QrKind.LOGIN -> QrKind.LOGIN
    palmbid.ffi.QrKind.SIGN -> QrKind.SIGN
    palmbid.ffi.QrKind.SEAL -> QrKind.SEAL
    palmbid.ffi.QrKind.ENCRYPTION_CERTIFICATE -> QrKind.ENCRYPTION_CERTIFICATE
    palmbid.ffi.QrKind.DECRYPT -> QrKind.DECRYPT
}

internal fun palmbid.ffi.Requester.toDomain() = Requester(
    kind = when (kind) {
        palmbid.ffi.RequesterKind.PORTAL -> RequesterKind.PORTAL
        palmbid.ffi.RequesterKind.TOOLBOX -> RequesterKind.TOOLBOX
    },
    name = name,
    machine = machine,
    address = address,
)

internal fun palmbid.ffi.DocumentInfo.toDomain() = DocumentInfo(name, sha256Hex, size.toLong())

internal fun palmbid.ffi.QrRequestDetails.toDomain() = QrRequestDetails(
    platform = platform,
    requestId = requestId,
    kind = kind.toDomain(),
    requester = requester.toDomain(),
    document = document?.toDomain(),
    signer = signer.toDomain(),
    encryption = encryption?.toDomain(),
    seals = seals.map { it.toDomain() },
    numberChoices = numberChoices.map { it.toInt() },
    createdAt = instant(createdAtUnix),
    answerBy = instant(answerByUnix),
)

internal fun palmbid.ffi.GuaranteeProject.toDomain() = GuaranteeProject(id, name, instant(openingAtUnix))

internal fun palmbid.ffi.GuaranteeSection.toDomain() = GuaranteeSection(position.toInt(), name, creditCode)

internal fun palmbid.ffi.GuaranteeSections.toDomain() = GuaranteeSections(project.toDomain(), sections.map { it.toDomain() })

internal fun palmbid.ffi.GuaranteeCode.toDomain() = GuaranteeCode(
    code = code,
    projectId = projectId,
    projectName = projectName,
    section = section.toInt(),
    sectionName = sectionName,
    creditCode = creditCode,
    company = company,
)

internal fun palmbid.ffi.GuaranteeInstitution.toDomain() = GuaranteeInstitution(
    id = id,
    name = name,
    kind = when (kind) {
        palmbid.ffi.InstitutionKind.BANK -> InstitutionKind.BANK
        palmbid.ffi.InstitutionKind.INSURER -> InstitutionKind.INSURER
        palmbid.ffi.InstitutionKind.GUARANTOR -> InstitutionKind.GUARANTOR
    },
    feeRateBp = feeRateBp.toInt(),
    development = development,
)

internal fun palmbid.ffi.GuaranteeApplication.toDomain() = GuaranteeApplication(
    url = url,
    institution = institution.toDomain(),
    code = code.toDomain(),
    expiresAt = instant(expiresAtUnix),
)

internal fun palmbid.ffi.GuaranteeState.toDomain() = when (this) {
    palmbid.ffi.GuaranteeState.NONE -> GuaranteeState.NONE
    palmbid.ffi.GuaranteeState.APPLIED -> GuaranteeState.APPLIED
    palmbid.ffi.GuaranteeState.ISSUED -> GuaranteeState.ISSUED
    palmbid.ffi.GuaranteeState.REJECTED -> GuaranteeState.REJECTED
    palmbid.ffi.GuaranteeState.CANCELLED -> GuaranteeState.CANCELLED
}

internal fun palmbid.ffi.VerifiedGuarantee.toDomain() =
    VerifiedGuarantee(pdf, guaranteeNo, signerSubject, signerFingerprint)

internal fun palmbid.ffi.GuaranteeView.toDomain() = GuaranteeView(
    code = code.toDomain(),
    state = state.toDomain(),
    institution = institution,
    reason = reason,
    updatedAt = updatedAtUnix?.let(::instant),
    document = document?.toDomain(),
)
