package palmbid.app.core

import palmbid.app.domain.Attachment
import palmbid.app.domain.Challenge
import palmbid.app.domain.ChallengeAttachment
import palmbid.app.domain.DecryptionCheck
import palmbid.app.domain.Draw
import palmbid.app.domain.DrawContribution
import palmbid.app.domain.DrawStatus
import palmbid.app.domain.HallBid
import palmbid.app.domain.HallNotice
import palmbid.app.domain.HallPhase
import palmbid.app.domain.HallProgress
import palmbid.app.domain.HallProject
import palmbid.app.domain.HallProjectState
import palmbid.app.domain.HallQuote
import palmbid.app.domain.HallSection
import palmbid.app.domain.HallSignIn
import palmbid.app.domain.HallUpdate
import palmbid.app.domain.OpenRound
import palmbid.app.domain.ProjectDetails
import palmbid.app.domain.QuoteConfirmation
import palmbid.app.domain.QuoteRound
import palmbid.app.domain.QuoteTable
import palmbid.app.domain.RoundQuote
import palmbid.app.domain.VerifiedDraw

// Conversions of the hall's generated records; see Conversions.kt for the
// rules. Every hall time is Unix seconds by the platform's clock.

internal fun palmbid.ffi.HallPhase.toDomain() = when (this) {
    palmbid.ffi.HallPhase.NOT_OPEN -> HallPhase.NOT_OPEN
    palmbid.ffi.HallPhase.SIGN_IN -> HallPhase.SIGN_IN
    palmbid.ffi.HallPhase.DECRYPTION -> HallPhase.DECRYPTION
    palmbid.ffi.HallPhase.QUOTE_READING -> HallPhase.QUOTE_READING
    palmbid.ffi.HallPhase.QUOTE_CONFIRMATION -> HallPhase.QUOTE_CONFIRMATION
    palmbid.ffi.HallPhase.EVALUATION -> HallPhase.EVALUATION
    palmbid.ffi.HallPhase.CLOSED -> HallPhase.CLOSED
}

internal fun palmbid.ffi.HallProject.toDomain() = HallProject(
    id = id,
    name = name,
    sections = sections,
    openingAt = instant(openingAt),
    phase = phase.toDomain(),
)

internal fun palmbid.ffi.HallProgress.toDomain() =
    HallProgress(bidders.toInt(), signedIn.toInt(), decrypted.toInt(), confirmed.toInt())

internal fun palmbid.ffi.HallProjectState.toDomain() = HallProjectState(
    project = project.toDomain(),
    progress = progress?.toDomain(),
    lastSeq = lastSeq.toLong(),
    updatedAt = instant(updatedAt),
    answeredChallenges = answeredChallenges,
    openRounds = openRounds.map { OpenRound(it.section.toInt(), it.round.toInt(), it.deadline?.let(::instant)) },
    draw = draw?.let { DrawStatus(it.draw.toInt(), it.candidates, it.index?.toInt(), it.coefficient) },
)

internal fun palmbid.ffi.HallNotice.toDomain(): HallNotice = when (this) {
    is palmbid.ffi.HallNotice.OpeningSoon -> HallNotice.OpeningSoon(minutes)
    is palmbid.ffi.HallNotice.PhaseStarted -> HallNotice.PhaseStarted(phase.toDomain())
    is palmbid.ffi.HallNotice.ChallengeAnswered -> HallNotice.ChallengeAnswered(challengeId)
    is palmbid.ffi.HallNotice.RoundOpened ->
        HallNotice.RoundOpened(section.toInt(), round.toInt(), deadline?.let(::instant))
    is palmbid.ffi.HallNotice.RoundClosed -> HallNotice.RoundClosed(section.toInt(), round.toInt())
    is palmbid.ffi.HallNotice.DrawOpened -> HallNotice.DrawOpened(draw.toInt())
    is palmbid.ffi.HallNotice.DrawRevealed -> HallNotice.DrawRevealed(draw.toInt(), coefficient)
}

internal fun palmbid.ffi.HallStreamStatus.toDomain(): HallUpdate = when (this) {
    is palmbid.ffi.HallStreamStatus.Connected -> HallUpdate.Connected(after.toLong())
    is palmbid.ffi.HallStreamStatus.Reconnecting -> HallUpdate.Reconnecting(breaks.toInt(), reason)
}

internal fun palmbid.ffi.HallSignIn.toDomain() = HallSignIn(
    company = company,
    creditCode = creditCode,
    certificateSerial = certificateSerial,
    signedInAt = instant(signedInAt),
    receiptId = receiptId,
)

internal fun palmbid.ffi.HallDecryptionCheck.toDomain() = DecryptionCheck(bidId, instant(checkedAt), recipient)

internal fun palmbid.ffi.HallBid.toDomain() = HallBid(
    bidId = bidId,
    section = section.toInt(),
    size = size.toLong(),
    uploadedAt = instant(uploadedAt),
    recipients = recipients,
    check = check?.toDomain(),
    decrypted = decrypted,
    quote = quote,
)

internal fun palmbid.ffi.HallQuote.toDomain() = HallQuote(
    section = section.toInt(),
    sectionName = sectionName,
    company = company,
    creditCode = creditCode,
    bidId = bidId,
    decrypted = decrypted,
    amount = amount,
    confirmed = confirmed,
    confirmedAt = confirmedAt?.let(::instant),
)

internal fun palmbid.ffi.HallQuoteTable.toDomain() = QuoteTable(phase.toDomain(), quotes.map { it.toDomain() })

internal fun palmbid.ffi.HallQuoteConfirmation.toDomain() = QuoteConfirmation(
    bidId = bidId,
    section = section.toInt(),
    company = company,
    amount = amount,
    certificateSerial = certificateSerial,
    confirmedAt = instant(confirmedAt),
)

internal fun palmbid.ffi.HallProjectDetails.toDomain() = ProjectDetails(
    id = id,
    name = name,
    code = code,
    tenderer = tenderer,
    agent = agent,
    openingAt = instant(openingAt),
    place = place,
    notes = notes,
    sections = sections.map { HallSection(it.position.toInt(), it.name, it.bidders.toInt()) },
    phase = phase.toDomain(),
    progress = progress.toDomain(),
)

internal fun Attachment.toFfi() = palmbid.ffi.HallAttachment(name, content)

internal fun palmbid.ffi.HallChallenge.toDomain() = Challenge(
    id = id,
    text = text,
    attachments = attachments.map { ChallengeAttachment(it.name, it.kind, it.size.toLong()) },
    certificateSerial = certificateSerial,
    submittedAt = instant(submittedAt),
    answer = answer,
    answeredAt = answeredAt?.let(::instant),
)

internal fun palmbid.ffi.HallRoundQuote.toDomain() =
    RoundQuote(creditCode, company, amount, instant(submittedAt))

internal fun palmbid.ffi.HallRound.toDomain() = QuoteRound(
    section = section.toInt(),
    round = round.toInt(),
    open = open,
    openedAt = instant(openedAt),
    deadline = deadline?.let(::instant),
    closedAt = closedAt?.let(::instant),
    quotes = quotes.map { it.toDomain() },
)

internal fun palmbid.ffi.HallDraw.toDomain() = Draw(
    draw = draw.toInt(),
    open = open,
    candidates = candidates,
    commitment = commitment,
    contributions = contributions.toInt(),
    index = index?.toInt(),
)

internal fun palmbid.ffi.HallDrawContribution.toDomain() = DrawContribution(draw.toInt(), candidates, commitment, kept)

internal fun palmbid.ffi.HallVerifiedDraw.toDomain() = VerifiedDraw(draw.toInt(), index.toInt(), coefficient)
