package palmbid.app.ui.confirm

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import palmbid.app.domain.QrKind
import palmbid.app.domain.QrRequestDetails
import palmbid.app.presentation.confirm.ConfirmEvent
import palmbid.app.presentation.confirm.ConfirmState
import palmbid.app.presentation.confirm.ConfirmStep
import palmbid.app.ui.components.Choice
import palmbid.app.ui.components.Countdown
import palmbid.app.ui.components.InfoRow
import palmbid.app.ui.components.LoadingBlock
import palmbid.app.ui.components.PinKeypad
import palmbid.app.ui.components.ScreenFrame
import palmbid.app.ui.components.SectionTitle
import palmbid.app.ui.components.Tag
import palmbid.app.ui.components.commonName
import palmbid.app.ui.components.formatBytes
import palmbid.app.ui.components.formatDate
import palmbid.app.ui.components.qrKind
import palmbid.app.ui.components.requester
import palmbid.app.ui.components.seal
import palmbid.app.ui.components.shortHex
import palmbid.app.ui.i18n.LocalStrings
import palmbid.app.ui.theme.PalmbidColors

/**
 * Shows the confirm screen for every QR kind: the requester, from which machine and
 * address, what exactly is signed or decrypted and with which certificate,
 * the time left; number matching first for a login; the seal choice for a
 * seal; the PIN pad last.
 */
@Composable
fun ConfirmScreen(state: ConfirmState, onEvent: (ConfirmEvent) -> Unit, modifier: Modifier = Modifier) {
    val s = LocalStrings.current
    val details = state.details
    ScreenFrame(
        title = details?.let { s.qrKind(it.kind) } ?: s.confirmTitle,
        modifier = modifier,
        error = state.error,
        onRetry = { onEvent(ConfirmEvent.Retry) },
        bottom = when (state.step) {
            ConfirmStep.REVIEW -> {
                {
                    val needsSeal = details?.kind == QrKind.SEAL && state.seal == null
                    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                        OutlinedButton(onClick = { onEvent(ConfirmEvent.Cancel) }, modifier = Modifier.weight(1f)) { Text(s.confirmReject) }
                        Button(
                            onClick = { onEvent(ConfirmEvent.Continue) },
                            enabled = details != null && !needsSeal && state.secondsLeft > 0,
                            modifier = Modifier.weight(1f),
                        ) { Text(if (needsSeal) s.confirmChooseSealFirst else s.confirmContinue) }
                    }
                }
            }
            ConfirmStep.PIN -> {
                {
                    PinKeypad(state.pinPad, s.pinEnterTitle, { onEvent(ConfirmEvent.Pin(it)) })
                    TextButton(onClick = { onEvent(ConfirmEvent.Cancel) }, modifier = Modifier.align(Alignment.CenterHorizontally)) { Text(s.commonCancel) }
                }
            }
            ConfirmStep.DONE, ConfirmStep.EXPIRED, ConfirmStep.CANCELLED -> {
                { Button(onClick = { onEvent(ConfirmEvent.Done) }, modifier = Modifier.fillMaxWidth()) { Text(s.commonDone) } }
            }
            ConfirmStep.NUMBER_MATCH, ConfirmStep.WORKING -> null
        },
    ) {
        if (details == null) {
            LoadingBlock(s.commonLoading)
            return@ScreenFrame
        }
        when (state.step) {
            ConfirmStep.DONE -> Outcome(s.confirmDone(s.qrKind(details.kind)), PalmbidColors.success)
            ConfirmStep.EXPIRED -> Outcome(s.confirmExpired, MaterialTheme.colorScheme.error)
            ConfirmStep.CANCELLED -> Outcome(if (state.wrongNumber) s.confirmWrongNumber else s.confirmCancelled, MaterialTheme.colorScheme.error)
            ConfirmStep.WORKING -> LoadingBlock(s.confirmWorking)
            else -> Unit
        }
        if (state.step in setOf(ConfirmStep.NUMBER_MATCH, ConfirmStep.REVIEW, ConfirmStep.PIN)) {
            Countdown(s.confirmTimeLeft, state.secondsLeft, (details.answerBy.epochSecond - details.createdAt.epochSecond).takeIf { it > 0 })
            if (state.clockWarning) {
                Text(s.confirmClockWarning, color = PalmbidColors.caution, style = MaterialTheme.typography.bodySmall)
            }
        }
        if (state.step == ConfirmStep.NUMBER_MATCH) {
            NumberMatch(details, onEvent)
            Requester(details)
            return@ScreenFrame
        }
        Requester(details)
        Subject(details)
        if (details.kind == QrKind.SEAL && state.step == ConfirmStep.REVIEW) {
            SectionTitle(s.confirmSeal)
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                for (seal in details.seals) {
                    Choice(s.seal(seal.kind), state.seal == seal.kind, { onEvent(ConfirmEvent.SealChosen(seal.kind)) })
                }
            }
        } else if (details.kind == QrKind.SEAL && state.seal != null) {
            InfoRow(s.confirmSeal, s.seal(state.seal))
        }
    }
}

@Composable
private fun Outcome(text: String, colour: androidx.compose.ui.graphics.Color) {
    Text(text, color = colour, style = MaterialTheme.typography.titleMedium, fontWeight = FontWeight.SemiBold)
}

@Composable
private fun NumberMatch(details: QrRequestDetails, onEvent: (ConfirmEvent) -> Unit) {
    val s = LocalStrings.current
    Text(s.confirmNumberMatchTitle, style = MaterialTheme.typography.titleMedium)
    Text(s.confirmNumberMatchHint, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
    Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
        for (number in details.numberChoices) {
            OutlinedButton(onClick = { onEvent(ConfirmEvent.NumberChosen(number)) }, modifier = Modifier.weight(1f).height(72.dp)) {
                Text(number.toString(), fontSize = 28.sp, fontWeight = FontWeight.Bold)
            }
        }
    }
    TextButton(onClick = { onEvent(ConfirmEvent.Cancel) }) { Text(s.confirmNoneMatches) }
}

@Composable
private fun Requester(details: QrRequestDetails) {
    val s = LocalStrings.current
    SectionTitle(s.confirmWhoAsks)
    Surface(color = MaterialTheme.colorScheme.surface, shape = MaterialTheme.shapes.medium) {
        Column(Modifier.fillMaxWidth().padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(details.requester.name, style = MaterialTheme.typography.titleSmall, modifier = Modifier.weight(1f))
                Tag(s.requester(details.requester.kind), MaterialTheme.colorScheme.secondary)
            }
            InfoRow(s.confirmPlatform, details.platform)
            InfoRow(s.confirmMachine, details.requester.machine)
            InfoRow(s.confirmAddress, details.requester.address)
        }
    }
}

@Composable
private fun Subject(details: QrRequestDetails) {
    val s = LocalStrings.current
    SectionTitle(
        when (details.kind) {
            QrKind.LOGIN -> s.confirmWhatLogin
            QrKind.SIGN -> s.confirmWhatSign
            QrKind.SEAL -> s.confirmWhatSeal
            QrKind.ENCRYPTION_CERTIFICATE -> s.confirmWhatEncryptionCertificate
            QrKind.DECRYPT -> s.confirmWhatDecrypt
        },
    )
    Surface(color = MaterialTheme.colorScheme.surface, shape = MaterialTheme.shapes.medium) {
        Column(Modifier.fillMaxWidth().padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            details.document?.let {
                InfoRow(s.confirmDocument, it.name)
                InfoRow(s.confirmDocumentSize, formatBytes(it.size))
                InfoRow(s.confirmDigest, shortHex(it.sha256Hex))
            }
            val certificate = if (details.kind == QrKind.ENCRYPTION_CERTIFICATE || details.kind == QrKind.DECRYPT) {
                details.encryption ?: details.signer
            } else {
                details.signer
            }
            InfoRow(s.confirmCertificate, commonName(certificate.certificate.subject))
            InfoRow(s.certValidity, s.certValidityRange(formatDate(certificate.certificate.notBefore), formatDate(certificate.certificate.notAfter)))
        }
    }
}
