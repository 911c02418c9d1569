package palmbid.app.ui.certificates

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import palmbid.app.presentation.certificates.CertificatesEvent
import palmbid.app.presentation.certificates.CertificatesState
import palmbid.app.ui.components.CertificateCard
import palmbid.app.ui.components.EmptyBlock
import palmbid.app.ui.components.LoadingBlock
import palmbid.app.ui.components.ScreenFrame
import palmbid.app.ui.components.formatDate
import palmbid.app.ui.i18n.LocalStrings

/** 我的证书: each credential in full, with PIN change and deletion. */
@Composable
fun CertificatesScreen(state: CertificatesState, onEvent: (CertificatesEvent) -> Unit, modifier: Modifier = Modifier) {
    val s = LocalStrings.current
    ScreenFrame(
        title = s.certificatesTitle,
        modifier = modifier,
        onBack = { onEvent(CertificatesEvent.Back) },
        error = state.error,
        onRetry = { onEvent(CertificatesEvent.Retry) },
        bottom = {
            Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                OutlinedButton(onClick = { onEvent(CertificatesEvent.Download) }, modifier = Modifier.weight(1f)) { Text(s.certificatesDownload) }
                Button(onClick = { onEvent(CertificatesEvent.PickUp) }, modifier = Modifier.weight(1f)) { Text(s.certificatesPickUp) }
            }
        },
    ) {
        when {
            state.loading -> LoadingBlock(s.commonLoading)
            state.error != null && state.credentials.isEmpty() -> Unit
            state.credentials.isEmpty() -> EmptyBlock(s.homeNoCertificate, s.homeNoCertificateHint)
            else -> for (credential in state.credentials) {
                val warning = state.renewalWarnings.firstOrNull { it.credentialId == credential.credentialId }
                CertificateCard(credential, detailed = true) {
                    if (warning != null) {
                        Text(
                            s.homeRenewalWarning(formatDate(warning.notAfter), warning.bids.size),
                            color = MaterialTheme.colorScheme.tertiary,
                            style = MaterialTheme.typography.bodyMedium,
                        )
                    }
                    if (state.confirmDelete == credential.credentialId) {
                        Surface(color = MaterialTheme.colorScheme.errorContainer, shape = MaterialTheme.shapes.medium) {
                            Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
                                Text(s.certificatesDeleteConfirm(credential.company), style = MaterialTheme.typography.bodyMedium)
                                Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                                    OutlinedButton(onClick = { onEvent(CertificatesEvent.CancelDelete) }, modifier = Modifier.weight(1f)) { Text(s.commonCancel) }
                                    Button(
                                        onClick = { onEvent(CertificatesEvent.ConfirmDelete) },
                                        enabled = !state.busy,
                                        colors = ButtonDefaults.buttonColors(containerColor = MaterialTheme.colorScheme.error),
                                        modifier = Modifier.weight(1f),
                                    ) { Text(s.certificatesDelete) }
                                }
                            }
                        }
                    } else {
                        Row(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.End) {
                            TextButton(onClick = { onEvent(CertificatesEvent.Delete(credential.credentialId)) }) {
                                Text(s.certificatesDelete, color = MaterialTheme.colorScheme.error)
                            }
                            TextButton(onClick = { onEvent(CertificatesEvent.ChangePin(credential.credentialId)) }, enabled = !credential.pin.locked) {
                                Text(s.certificatesChangePin)
                            }
                        }
                    }
                }
            }
        }
    }
}
