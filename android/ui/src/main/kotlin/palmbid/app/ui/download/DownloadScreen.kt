package palmbid.app.ui.download

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import palmbid.app.domain.PickupState
import palmbid.app.presentation.download.DownloadEvent
import palmbid.app.presentation.download.DownloadState
import palmbid.app.ui.components.EmptyBlock
import palmbid.app.ui.components.InfoRow
import palmbid.app.ui.components.LoadingBlock
import palmbid.app.ui.components.PinKeypad
import palmbid.app.ui.components.ScreenFrame
import palmbid.app.ui.components.Tag
import palmbid.app.ui.components.formatDate
import palmbid.app.ui.components.role
import palmbid.app.ui.i18n.LocalStrings
import palmbid.app.ui.theme.PalmbidColors

/** Certificate download for a pickup made earlier on this phone. */
@Composable
fun DownloadScreen(state: DownloadState, onEvent: (DownloadEvent) -> Unit, modifier: Modifier = Modifier) {
    val s = LocalStrings.current
    val askingPin = state.selected != null && state.result == null
    ScreenFrame(
        title = s.downloadTitle,
        modifier = modifier,
        onBack = { onEvent(DownloadEvent.Back) },
        error = state.error,
        onRetry = { onEvent(DownloadEvent.Retry) },
        bottom = when {
            askingPin -> {
                {
                    PinKeypad(state.pinPad, s.pinEnterTitle, { onEvent(DownloadEvent.Pin(it)) })
                    TextButton(onClick = { onEvent(DownloadEvent.CancelPin) }, modifier = Modifier.align(Alignment.CenterHorizontally)) { Text(s.commonCancel) }
                }
            }
            state.result != null -> {
                { Button(onClick = { onEvent(DownloadEvent.Done) }, modifier = Modifier.fillMaxWidth()) { Text(s.commonDone) } }
            }
            else -> null
        },
    ) {
        val result = state.result
        when {
            state.loading -> LoadingBlock(s.commonLoading)
            result != null -> {
                Text(s.downloadDone, style = MaterialTheme.typography.titleMedium, color = PalmbidColors.success, fontWeight = FontWeight.SemiBold)
                InfoRow(s.pickupCompany, result.company)
                InfoRow(s.pickupCreditCode, result.creditCode)
                for (certificate in result.certificates) {
                    InfoRow(s.role(certificate.role), s.certValidUntil(formatDate(certificate.certificate.notAfter)))
                }
            }
            state.error != null && state.pickups.isEmpty() -> Unit
            state.pickups.isEmpty() -> EmptyBlock(s.downloadEmpty, s.downloadEmptyHint)
            else -> {
                Text(s.downloadHint, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
                for (pickup in state.pickups) {
                    val selected = pickup.pickupId == state.selected
                    Card(
                        modifier = Modifier.fillMaxWidth().clickable { onEvent(DownloadEvent.Choose(pickup.pickupId)) },
                        colors = CardDefaults.cardColors(
                            containerColor = if (selected) MaterialTheme.colorScheme.primaryContainer else MaterialTheme.colorScheme.surface,
                        ),
                    ) {
                        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                            Row(verticalAlignment = Alignment.CenterVertically) {
                                Text(pickup.platform, style = MaterialTheme.typography.titleSmall, modifier = Modifier.weight(1f))
                                val (label, colour) = when (pickup.state) {
                                    PickupState.REQUESTED -> s.downloadStateRequested to PalmbidColors.caution
                                    PickupState.RECEIVED -> s.downloadStateReceived to MaterialTheme.colorScheme.primary
                                    PickupState.INSTALLED -> s.downloadStateInstalled to PalmbidColors.success
                                }
                                Tag(label, colour)
                            }
                            Text(s.downloadPickupId(pickup.pickupId), style = MaterialTheme.typography.bodySmall)
                        }
                    }
                }
            }
        }
    }
}
