package palmbid.app.ui.components

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import palmbid.app.domain.FailureKind
import palmbid.app.presentation.common.ShownError
import palmbid.app.ui.i18n.LocalStrings

/**
 * Shows a failure: a heading by its kind, the core's message in the chosen
 * language (it names the value and the fix), the stable code for support,
 * and a retry action when the screen can retry and the failure allows it.
 */
@Composable
fun ErrorBanner(error: ShownError, onRetry: (() -> Unit)?, modifier: Modifier = Modifier) {
    val s = LocalStrings.current
    val heading = when (error.kind) {
        FailureKind.WRONG_PIN -> s.errorWrongPin
        FailureKind.PIN_LOCKED -> s.errorPinLocked
        FailureKind.DEVICE_KEY_LOST -> s.errorDeviceKeyLost
        FailureKind.DEVICE_UNAVAILABLE -> s.errorDeviceUnavailable
        FailureKind.LOGIN_REQUIRED -> s.errorLoginRequired
        FailureKind.NETWORK -> s.errorNetwork
        FailureKind.EXPIRED -> s.errorExpired
        FailureKind.OTHER -> s.errorOther
    }
    Surface(
        color = MaterialTheme.colorScheme.errorContainer,
        contentColor = MaterialTheme.colorScheme.onErrorContainer,
        shape = MaterialTheme.shapes.medium,
        modifier = modifier.fillMaxWidth(),
    ) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(heading, style = MaterialTheme.typography.titleSmall, fontWeight = FontWeight.SemiBold)
            Text(error.message(s.language), style = MaterialTheme.typography.bodyMedium)
            Text(s.errorCode(error.code), style = MaterialTheme.typography.labelSmall)
            // A wrong PIN is retried on the pad; a locked or lost key cannot be retried at all.
            val retryable = error.kind !in setOf(FailureKind.WRONG_PIN, FailureKind.PIN_LOCKED, FailureKind.DEVICE_KEY_LOST)
            if (onRetry != null && retryable) {
                TextButton(onClick = onRetry, modifier = Modifier.align(Alignment.End)) { Text(s.commonRetry) }
            }
        }
    }
}
