package palmbid.app.ui.project

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import palmbid.app.domain.HallPhase
import palmbid.app.presentation.project.ProjectEvent
import palmbid.app.presentation.project.ProjectState
import palmbid.app.ui.components.EmptyBlock
import palmbid.app.ui.components.InfoRow
import palmbid.app.ui.components.PhaseSteps
import palmbid.app.ui.components.ProgressRows
import palmbid.app.ui.components.SectionTitle
import palmbid.app.ui.components.Tag
import palmbid.app.ui.components.formatBytes
import palmbid.app.ui.components.formatDateTime
import palmbid.app.ui.components.formatDateTimeSeconds
import palmbid.app.ui.components.phase
import palmbid.app.ui.i18n.LocalStrings
import palmbid.app.ui.theme.PalmbidColors

@Composable
private fun Block(content: @Composable () -> Unit) {
    Card(
        modifier = Modifier.fillMaxWidth(),
        colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.surface),
        elevation = CardDefaults.cardElevation(defaultElevation = 1.dp),
    ) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) { content() }
    }
}

/** Phase, progress, 签到 and its 回执, this company's bid files with 解密检测 and 解密. */
@Composable
internal fun OverviewTab(state: ProjectState, onEvent: (ProjectEvent) -> Unit) {
    val s = LocalStrings.current
    val hall = state.hall ?: return
    val phase = hall.project.phase
    Block {
        PhaseSteps(phase)
        InfoRow(s.hallOpeningAt, formatDateTime(hall.project.openingAt))
        hall.progress?.let { ProgressRows(it) }
        Text(s.projectUpdatedAt(formatDateTimeSeconds(hall.updatedAt)), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
    }
    SectionTitle(s.projectSignInTitle)
    Block {
        val signIn = state.signIn
        if (signIn != null) {
            Text(s.projectSignedIn(formatDateTimeSeconds(signIn.signedInAt)), color = PalmbidColors.success, fontWeight = FontWeight.SemiBold)
            InfoRow(s.pickupCompany, signIn.company)
            InfoRow(s.certSerial, signIn.certificateSerial)
            OutlinedButton(onClick = { onEvent(ProjectEvent.OpenReceipt) }) { Text(s.projectReceipt) }
        } else {
            val open = phase == HallPhase.SIGN_IN
            Text(
                when {
                    open -> s.projectSignInOpen
                    phase == HallPhase.NOT_OPEN -> s.projectSignInNotYet
                    else -> s.projectSignInClosed
                },
                style = MaterialTheme.typography.bodyMedium,
            )
            Button(onClick = { onEvent(ProjectEvent.SignIn) }, enabled = open && !state.busy, modifier = Modifier.fillMaxWidth()) { Text(s.projectSignIn) }
        }
    }
    SectionTitle(s.projectBidsTitle)
    if (state.bids.isEmpty()) {
        EmptyBlock(s.projectNoBids, null)
    }
    for (bid in state.bids) {
        Block {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(s.projectBidSection(bid.section), style = MaterialTheme.typography.titleSmall, modifier = Modifier.weight(1f))
                when {
                    bid.decrypted -> Tag(s.projectBidDecrypted, PalmbidColors.success)
                    bid.check != null -> Tag(s.projectBidChecked, PalmbidColors.success)
                    else -> Tag(s.projectBidUnchecked, PalmbidColors.caution)
                }
            }
            InfoRow(s.projectBidSize, formatBytes(bid.size))
            InfoRow(s.projectBidUploaded, formatDateTime(bid.uploadedAt))
            bid.check?.let { InfoRow(s.projectBidCheckedAt, formatDateTime(it.checkedAt)) }
            bid.quote?.let { InfoRow(s.projectQuote, s.projectAmount(it)) }
            when {
                phase == HallPhase.DECRYPTION && !bid.decrypted ->
                    Button(onClick = { onEvent(ProjectEvent.Decrypt(bid.bidId)) }, enabled = !state.busy, modifier = Modifier.fillMaxWidth()) { Text(s.projectDecrypt) }
                (phase == HallPhase.NOT_OPEN || phase == HallPhase.SIGN_IN) && !bid.decrypted -> {
                    if (bid.check == null) Text(s.projectCheckHint, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                    OutlinedButton(onClick = { onEvent(ProjectEvent.CheckBid(bid.bidId)) }, enabled = !state.busy) {
                        Text(if (bid.check == null) s.projectCheck else s.projectCheckAgain)
                    }
                }
                else -> Unit
            }
        }
    }
}

/** 唱标: every bidder's quote; this company's row carries 确认 in the confirmation phase. */
@Composable
internal fun QuotesTab(state: ProjectState, onEvent: (ProjectEvent) -> Unit) {
    val s = LocalStrings.current
    val table = state.quotes
    if (table == null || table.quotes.isEmpty()) {
        EmptyBlock(s.projectQuotesEmpty, s.projectQuotesEmptyHint)
        return
    }
    for ((section, rows) in table.quotes.groupBy { it.section }) {
        SectionTitle(s.projectSectionName(section, rows.first().sectionName))
        Block {
            for ((i, quote) in rows.withIndex()) {
                if (i > 0) HorizontalDivider()
                val own = quote.creditCode == state.ownCreditCode
                Row(verticalAlignment = Alignment.CenterVertically) {
                    Column(Modifier.weight(1f)) {
                        Text(
                            quote.company,
                            style = MaterialTheme.typography.bodyMedium,
                            fontWeight = if (own) FontWeight.Bold else FontWeight.Normal,
                        )
                        Text(
                            quote.amount?.let { s.projectAmount(it) } ?: s.projectNotDecrypted,
                            style = MaterialTheme.typography.titleSmall,
                            color = if (quote.amount != null) MaterialTheme.colorScheme.onSurface else MaterialTheme.colorScheme.onSurfaceVariant,
                        )
                    }
                    when (quote.confirmed) {
                        true -> Tag(s.projectConfirmed, PalmbidColors.success)
                        false -> Tag(s.projectUnconfirmed, PalmbidColors.caution)
                        null -> Unit
                    }
                }
                val amount = quote.amount
                val bidId = quote.bidId
                if (own && table.phase == HallPhase.QUOTE_CONFIRMATION && quote.confirmed != true && amount != null && bidId != null) {
                    Text(s.projectConfirmHint, style = MaterialTheme.typography.bodySmall)
                    Button(onClick = { onEvent(ProjectEvent.ConfirmQuote(bidId, amount)) }, enabled = !state.busy, modifier = Modifier.fillMaxWidth()) {
                        Text(s.projectConfirm)
                    }
                }
            }
        }
    }
    for (confirmation in state.confirmations) {
        Text(
            s.projectConfirmedAt(s.projectAmount(confirmation.amount), formatDateTimeSeconds(confirmation.confirmedAt)),
            color = PalmbidColors.success,
            style = MaterialTheme.typography.bodySmall,
        )
    }
}

/** 项目详情. */
@Composable
internal fun DetailsTab(state: ProjectState) {
    val s = LocalStrings.current
    val details = state.details
    if (details == null) {
        EmptyBlock(s.commonLoading, null)
        return
    }
    Block {
        Text(details.name, style = MaterialTheme.typography.titleMedium, fontWeight = FontWeight.SemiBold)
        details.code?.let { InfoRow(s.projectCode, it) }
        details.tenderer?.let { InfoRow(s.projectTenderer, it) }
        details.agent?.let { InfoRow(s.projectAgent, it) }
        InfoRow(s.hallOpeningAt, formatDateTime(details.openingAt))
        details.place?.let { InfoRow(s.projectPlace, it) }
        InfoRow(s.projectPhase, s.phase(details.phase))
    }
    SectionTitle(s.hallSections)
    Block {
        for (section in details.sections) {
            InfoRow(s.projectSectionName(section.position, section.name), s.projectBidders(section.bidders))
        }
    }
    details.notes?.let {
        SectionTitle(s.projectNotes)
        Text(it, style = MaterialTheme.typography.bodyMedium)
    }
}

/** Shows 质疑: earlier challenges with the agent's replies, and a draft with attachments. */
@Composable
internal fun ChallengesTab(state: ProjectState, onEvent: (ProjectEvent) -> Unit) {
    val s = LocalStrings.current
    for (challenge in state.challenges) {
        Block {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(formatDateTime(challenge.submittedAt), style = MaterialTheme.typography.labelMedium, modifier = Modifier.weight(1f))
                if (challenge.answer != null) Tag(s.projectChallengeAnswered, PalmbidColors.success) else Tag(s.projectChallengeWaiting, PalmbidColors.caution)
            }
            Text(challenge.text, style = MaterialTheme.typography.bodyMedium)
            for (attachment in challenge.attachments) {
                Text(s.projectAttachment(attachment.name, formatBytes(attachment.size)), style = MaterialTheme.typography.bodySmall)
            }
            challenge.answer?.let {
                HorizontalDivider()
                Text(s.projectChallengeAnswer, style = MaterialTheme.typography.labelLarge, color = MaterialTheme.colorScheme.primary)
                Text(it, style = MaterialTheme.typography.bodyMedium)
            }
        }
    }
    SectionTitle(s.projectChallengeNew)
    val draft = state.challengeDraft
    OutlinedTextField(
        value = draft.text,
        onValueChange = { onEvent(ProjectEvent.ChallengeTextChanged(it)) },
        label = { Text(s.projectChallengeText) },
        minLines = 3,
        modifier = Modifier.fillMaxWidth(),
    )
    for (attachment in draft.attachments) {
        Row(verticalAlignment = Alignment.CenterVertically) {
            Text(s.projectAttachment(attachment.name, formatBytes(attachment.content.size.toLong())), style = MaterialTheme.typography.bodySmall, modifier = Modifier.weight(1f))
            TextButton(onClick = { onEvent(ProjectEvent.RemoveAttachment(attachment.name)) }) { Text(s.commonRemove) }
        }
    }
    Text(
        s.projectAttachmentLimits(formatBytes(draft.totalBytes), formatBytes(palmbid.app.domain.Attachment.MAX_TOTAL_BYTES)),
        style = MaterialTheme.typography.bodySmall,
        color = MaterialTheme.colorScheme.onSurfaceVariant,
    )
    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        OutlinedButton(onClick = { onEvent(ProjectEvent.PickAttachment) }, modifier = Modifier.weight(1f)) { Text(s.projectAddAttachment) }
        Button(
            onClick = { onEvent(ProjectEvent.SubmitChallenge) },
            enabled = draft.text.isNotBlank() && !state.busy,
            modifier = Modifier.weight(1f),
        ) { Text(s.projectSubmitChallenge) }
    }
}

/** 多轮报价: rounds the experts opened; others' quotes show once a round closes. */
@Composable
internal fun RoundsTab(state: ProjectState, onEvent: (ProjectEvent) -> Unit) {
    val s = LocalStrings.current
    if (state.rounds.isEmpty()) {
        EmptyBlock(s.projectRoundsEmpty, s.projectRoundsEmptyHint)
        return
    }
    for (round in state.rounds) {
        Block {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(s.projectRound(round.section, round.round), style = MaterialTheme.typography.titleSmall, modifier = Modifier.weight(1f))
                if (round.open) Tag(s.projectRoundOpen, PalmbidColors.caution) else Tag(s.projectRoundClosed, MaterialTheme.colorScheme.secondary)
            }
            round.deadline?.let { InfoRow(s.projectDeadline, formatDateTimeSeconds(it)) }
            for (quote in round.quotes) {
                InfoRow(quote.company, s.projectAmount(quote.amount))
            }
            val submitted = round.quotes.any { it.creditCode == state.ownCreditCode }
            if (round.open && !submitted) {
                OutlinedTextField(
                    value = state.roundAmount,
                    onValueChange = { onEvent(ProjectEvent.RoundAmountChanged(it)) },
                    label = { Text(s.projectRoundAmount) },
                    singleLine = true,
                    modifier = Modifier.fillMaxWidth(),
                )
                Button(
                    onClick = { onEvent(ProjectEvent.SubmitRoundQuote(round.section, round.round)) },
                    enabled = state.roundAmount.isNotBlank() && !state.busy,
                    modifier = Modifier.fillMaxWidth(),
                ) { Text(s.projectSubmitRound) }
            } else if (round.open) {
                Text(s.projectRoundSubmitted, color = PalmbidColors.success, style = MaterialTheme.typography.bodyMedium)
            }
        }
    }
}

/** 抽取系数: contribute while the draw is open, then verify the revealed coefficient. */
@Composable
internal fun DrawTab(state: ProjectState, onEvent: (ProjectEvent) -> Unit) {
    val s = LocalStrings.current
    if (state.draws.isEmpty()) {
        EmptyBlock(s.projectDrawEmpty, s.projectDrawEmptyHint)
        return
    }
    for (draw in state.draws) {
        Block {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(s.projectDraw(draw.draw), style = MaterialTheme.typography.titleSmall, modifier = Modifier.weight(1f))
                if (draw.open) Tag(s.projectDrawOpen, PalmbidColors.caution) else Tag(s.projectDrawClosed, MaterialTheme.colorScheme.secondary)
            }
            InfoRow(s.projectDrawCandidates, draw.candidates.joinToString("  "))
            InfoRow(s.projectDrawContributions, draw.contributions.toString())
            draw.index?.let { InfoRow(s.projectDrawResult, draw.candidates.getOrNull(it) ?: "#$it") }
            val contribution = state.drawContribution?.takeIf { it.draw == draw.draw }
            val verified = state.verifiedDraw?.takeIf { it.draw == draw.draw }
            when {
                verified != null -> Text(s.projectDrawVerified(verified.coefficient), color = PalmbidColors.success, fontWeight = FontWeight.SemiBold)
                draw.open && contribution == null ->
                    Button(onClick = { onEvent(ProjectEvent.ContributeDraw) }, enabled = !state.busy, modifier = Modifier.fillMaxWidth()) { Text(s.projectContribute) }
                draw.open -> Text(s.projectDrawContributed, color = PalmbidColors.success, style = MaterialTheme.typography.bodyMedium)
                draw.index != null && contribution != null ->
                    OutlinedButton(onClick = { onEvent(ProjectEvent.VerifyDraw) }, enabled = !state.busy) { Text(s.projectVerifyDraw) }
                else -> Unit
            }
        }
    }
}
