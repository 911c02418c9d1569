package palmbid.app.ui.signaturelog

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
import androidx.compose.ui.unit.dp
import palmbid.app.presentation.signaturelog.SignatureLogEvent
import palmbid.app.presentation.signaturelog.SignatureLogState
import palmbid.app.ui.components.EmptyBlock
import palmbid.app.ui.components.InfoRow
import palmbid.app.ui.components.LoadingBlock
import palmbid.app.ui.components.ScreenFrame
import palmbid.app.ui.components.Tag
import palmbid.app.ui.components.formatDateTimeSeconds
import palmbid.app.ui.components.operation
import palmbid.app.ui.components.shortHex
import palmbid.app.ui.i18n.LocalStrings
import palmbid.app.ui.theme.PalmbidColors

/** 签名记录: every use of a key on this phone, newest first. */
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
                for (entry in state.entries) {
                    Card(
                        modifier = Modifier.fillMaxWidth(),
                        colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.surface),
                    ) {
                        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                            Row(verticalAlignment = Alignment.CenterVertically) {
                                Text(s.operation(entry.operation, entry.operationName), style = MaterialTheme.typography.titleSmall, modifier = Modifier.weight(1f))
                                if (entry.succeeded) Tag(s.logSucceeded, PalmbidColors.success) else Tag(s.logRefused, MaterialTheme.colorScheme.error)
                            }
                            Text(formatDateTimeSeconds(entry.at), style = MaterialTheme.typography.bodySmall)
                            entry.counterparty?.let { InfoRow(s.logCounterparty, it) }
                            entry.documentName?.let { InfoRow(s.confirmDocument, it) }
                            entry.documentSha256?.let { InfoRow(s.confirmDigest, shortHex(it)) }
                            entry.certificateSerial?.let { InfoRow(s.certSerial, it) }
                        }
                    }
                }
                when {
                    state.loadingMore -> LoadingBlock(s.commonLoading)
                    state.endReached -> Text(s.logEnd, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant, modifier = Modifier.align(Alignment.CenterHorizontally))
                    else -> OutlinedButton(onClick = { onEvent(SignatureLogEvent.LoadMore) }, modifier = Modifier.align(Alignment.CenterHorizontally)) { Text(s.logMore) }
                }
            }
        }
    }
}
