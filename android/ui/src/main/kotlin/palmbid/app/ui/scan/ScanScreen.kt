package palmbid.app.ui.scan

import androidx.compose.foundation.background
import androidx.compose.foundation.border
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.aspectRatio
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import palmbid.app.presentation.scan.ScanEvent
import palmbid.app.presentation.scan.ScanPhase
import palmbid.app.presentation.scan.ScanState
import palmbid.app.ui.components.ScreenFrame
import palmbid.app.ui.i18n.LocalStrings

/**
 * Shows 扫一扫. [preview] is the camera's view, drawn by the app's platform
 * layer (CameraX on Android); the screen frames it and adds the instructions.
 */
@Composable
fun ScanScreen(
    state: ScanState,
    onEvent: (ScanEvent) -> Unit,
    modifier: Modifier = Modifier,
    preview: @Composable () -> Unit = {},
) {
    val s = LocalStrings.current
    ScreenFrame(
        title = s.scanTitle,
        modifier = modifier,
        onBack = { onEvent(ScanEvent.Back) },
        error = state.error,
        onRetry = { onEvent(ScanEvent.Retry) },
    ) {
        if (state.phase == ScanPhase.NO_PERMISSION) {
            Text(s.scanPermissionTitle, style = MaterialTheme.typography.titleMedium)
            Text(s.scanPermissionText, style = MaterialTheme.typography.bodyMedium)
            Button(onClick = { onEvent(ScanEvent.RequestPermission) }, modifier = Modifier.fillMaxWidth()) { Text(s.scanPermissionGrant) }
            return@ScreenFrame
        }
        Box(
            Modifier.fillMaxWidth().aspectRatio(1f).background(Color(0xFF111418), MaterialTheme.shapes.medium),
            contentAlignment = Alignment.Center,
        ) {
            preview()
            Box(Modifier.fillMaxSize(0.7f).border(3.dp, Color.White.copy(alpha = 0.9f), MaterialTheme.shapes.small))
            if (state.phase == ScanPhase.CHECKING) {
                Column(horizontalAlignment = Alignment.CenterHorizontally, verticalArrangement = Arrangement.spacedBy(12.dp)) {
                    CircularProgressIndicator(color = Color.White)
                    Text(s.scanChecking, color = Color.White, style = MaterialTheme.typography.bodyMedium)
                }
            }
        }
        Text(s.scanHint, style = MaterialTheme.typography.bodyMedium, textAlign = TextAlign.Center, modifier = Modifier.fillMaxWidth())
        Text(s.scanTrustHint, style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant, modifier = Modifier.padding(horizontal = 4.dp))
        Row(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.Center) {
            OutlinedButton(onClick = { onEvent(ScanEvent.TorchToggled(!state.torchOn)) }) {
                Text(if (state.torchOn) s.scanTorchOff else s.scanTorchOn)
            }
        }
    }
}
