package palmbid.app.ui.signaturelog

import androidx.compose.foundation.BorderStroke
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.unit.dp
import palmbid.app.domain.KeyUseOutcome
import palmbid.app.domain.SignatureLogEntry
import palmbid.app.presentation.signaturelog.SignatureLogEvent
import palmbid.app.presentation.signaturelog.SignatureLogState
import palmbid.app.ui.components.EmptyBlock
import palmbid.app.ui.components.InfoRow
import palmbid.app.ui.components.LoadingBlock
import palmbid.app.ui.components.ScreenFrame
import palmbid.app.ui.components.Tag
import palmbid.app.ui.components.formatDateTimeSeconds
import palmbid.app.ui.components.operation
import palmbid.app.ui.components.outcome
import palmbid.app.ui.components.role
import palmbid.app.ui.components.shortHex
import palmbid.app.ui.i18n.LocalStrings
import palmbid.app.ui.theme.PalmbidColors

/** 签名记录: every PIN entry that asked for a key on this phone, newest first; refused tries stand out. */
@Composable
fun SignatureLogScreen(state: SignatureLogState, onEvent: (SignatureLogEvent) -> Unit, modifier: Modifier = Modifier) {
    val s = LocalStrings.current
    ScreenFrame(
        title = s.logTitle,
        modifier = modifier,
        onBack = { onEvent(SignatureLogEvent.Back) },
        error = state.error,
        onRetry = { onEvent(SignatureLogEvent.Retry) },
    ) {
        when {
            state.loading -> LoadingBlock(s.commonLoading)
            state.error != null && state.entries.isEmpty() -> Unit
            state.entries.isEmpty() -> EmptyBlock(s.logEmpty, s.logEmptyHint)
            else -> {
                Text(s.logHint, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                if (state.refusedCount > 0) {
                    Text(s.logRefusedHint, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.error)
                }
                for (entry in state.entries) EntryCard(entry)
                when {
                    state.loadingMore -> LoadingBlock(s.commonLoading)
                    state.endReached -> Text(s.logEnd, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant, modifier = Modifier.align(Alignment.CenterHorizontally))
                    else -> OutlinedButton(onClick = { onEvent(SignatureLogEvent.LoadMore) }, modifier = Modifier.align(Alignment.CenterHorizontally)) { Text(s.logMore) }
                }
            }
        }
    }
}

/** Shows one PIN entry; a refused one (wrong PIN, locked) gets an error-tinted card because it may be someone else's try. */
@Composable
private fun EntryCard(entry: SignatureLogEntry) {
    val s = LocalStrings.current
    val error = MaterialTheme.colorScheme.error
    Card(
        modifier = Modifier.fillMaxWidth(),
        colors = CardDefaults.cardColors(
            containerColor = if (entry.refused) MaterialTheme.colorScheme.errorContainer else MaterialTheme.colorScheme.surface,
        ),
        border = if (entry.refused) BorderStroke(1.dp, error) else null,
    ) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(s.operation(entry.operation, entry.operationName), style = MaterialTheme.typography.titleSmall, modifier = Modifier.weight(1f))
                Tag(s.outcome(entry.outcome), outcomeColour(entry.outcome, error))
            }
            Text(formatDateTimeSeconds(entry.at), style = MaterialTheme.typography.bodySmall)
            entry.requester?.let { InfoRow(s.logRequester, it) }
            entry.platform?.let { InfoRow(s.logPlatform, it) }
            entry.project?.let { InfoRow(s.logProject, it) }
            InfoRow(s.logKey, entry.role?.let { s.role(it) } ?: s.logAllKeys)
            entry.documentName?.let { InfoRow(s.confirmDocument, it) }
            entry.documentSha256?.let { InfoRow(s.confirmDigest, shortHex(it)) }
            entry.certificateSerial?.let { InfoRow(s.certSerial, it) }
        }
    }
}

private fun outcomeColour(outcome: KeyUseOutcome, error: Color): Color = when (outcome) {
    KeyUseOutcome.USED -> PalmbidColors.success
    KeyUseOutcome.WRONG_PIN, KeyUseOutcome.LOCKED -> error
    KeyUseOutcome.FAILED, KeyUseOutcome.INTERRUPTED -> PalmbidColors.caution
}
