package palmbid.app.ui.identity

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import palmbid.app.domain.IdentityState
import palmbid.app.presentation.identity.IdentityCheckEvent
import palmbid.app.presentation.identity.IdentityCheckState
import palmbid.app.ui.components.Countdown
import palmbid.app.ui.components.InfoRow
import palmbid.app.ui.components.LoadingBlock
import palmbid.app.ui.components.ScreenFrame
import palmbid.app.ui.components.SectionTitle
import palmbid.app.ui.components.Tag
import palmbid.app.ui.components.formatBytes
import palmbid.app.ui.components.formatDateTime
import palmbid.app.ui.components.identityState
import palmbid.app.ui.i18n.LocalStrings
import palmbid.app.ui.theme.PalmbidColors

/** Shows the identity video check: name, ID number, the code read aloud in a video, the review. */
@Composable
fun IdentityCheckScreen(state: IdentityCheckState, onEvent: (IdentityCheckEvent) -> Unit, modifier: Modifier = Modifier) {
    val s = LocalStrings.current
    val status = state.status
    val canEdit = status == null || status.state == IdentityState.NOT_SUBMITTED || status.state == IdentityState.REJECTED
    ScreenFrame(
        title = s.identityTitle,
        modifier = modifier,
        onBack = { onEvent(IdentityCheckEvent.Back) },
        error = state.error,
        onRetry = { onEvent(IdentityCheckEvent.Retry) },
        bottom = if (canEdit && !state.loading) {
            {
                Button(onClick = { onEvent(IdentityCheckEvent.Submit) }, enabled = state.canSubmit, modifier = Modifier.fillMaxWidth()) {
                    Text(if (state.busy) s.identitySubmitting else s.identitySubmit)
                }
            }
        } else {
            null
        },
    ) {
        if (state.loading) {
            LoadingBlock(s.commonLoading)
            return@ScreenFrame
        }
        if (status != null) {
            val colour = when (status.state) {
                IdentityState.APPROVED -> PalmbidColors.success
                IdentityState.REJECTED -> MaterialTheme.colorScheme.error
                IdentityState.PENDING -> PalmbidColors.caution
                IdentityState.NOT_SUBMITTED -> MaterialTheme.colorScheme.secondary
            }
            Tag(s.identityState(status.state), colour)
            status.name?.let { InfoRow(s.identityName, it) }
            status.submittedAt?.let { InfoRow(s.identitySubmittedAt, formatDateTime(it)) }
            status.decidedAt?.let { InfoRow(s.identityDecidedAt, formatDateTime(it)) }
            status.reason?.let { InfoRow(s.identityReason, it) }
        }
        if (!canEdit) return@ScreenFrame
        Text(s.identityIntro, style = MaterialTheme.typography.bodyMedium)
        OutlinedTextField(
            value = state.name,
            onValueChange = { onEvent(IdentityCheckEvent.NameChanged(it)) },
            label = { Text(s.identityName) },
            singleLine = true,
            modifier = Modifier.fillMaxWidth(),
        )
        OutlinedTextField(
            value = state.idNumber,
            onValueChange = { onEvent(IdentityCheckEvent.IdNumberChanged(it)) },
            label = { Text(s.identityIdNumber) },
            singleLine = true,
            isError = state.idNumber.isNotEmpty() && !state.idNumberValid,
            supportingText = if (state.idNumber.isNotEmpty() && !state.idNumberValid) {
                { Text(s.identityIdNumberInvalid) }
            } else {
                null
            },
            modifier = Modifier.fillMaxWidth(),
        )
        SectionTitle(s.identityVideo)
        val code = state.code
        if (code == null || state.codeSecondsLeft <= 0) {
            Text(s.identityCodeHint, style = MaterialTheme.typography.bodyMedium)
            OutlinedButton(onClick = { onEvent(IdentityCheckEvent.RequestCode) }, enabled = !state.busy) { Text(s.identityGetCode) }
        } else {
            Surface(color = MaterialTheme.colorScheme.primaryContainer, shape = MaterialTheme.shapes.medium, modifier = Modifier.fillMaxWidth()) {
                Column(Modifier.padding(16.dp), horizontalAlignment = Alignment.CenterHorizontally, verticalArrangement = Arrangement.spacedBy(8.dp)) {
                    Text(s.identityReadAloud, style = MaterialTheme.typography.bodyMedium)
                    Text(code.code, fontSize = 36.sp, fontWeight = FontWeight.Bold, letterSpacing = 6.sp)
                }
            }
            Countdown(s.identityCodeExpiresIn, state.codeSecondsLeft, null)
            OutlinedButton(onClick = { onEvent(IdentityCheckEvent.RecordVideo) }, enabled = !state.busy) {
                Text(if (state.videoBytes == null) s.identityRecord else s.identityRecordAgain)
            }
            state.videoBytes?.let { Text(s.identityVideoReady(formatBytes(it)), color = PalmbidColors.success, style = MaterialTheme.typography.bodyMedium) }
        }
    }
}
