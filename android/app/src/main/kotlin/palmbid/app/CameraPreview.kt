package palmbid.app

import android.util.Log
import androidx.camera.view.PreviewView
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberUpdatedState
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.viewinterop.AndroidView
import androidx.lifecycle.compose.LocalLifecycleOwner
import palmbid.app.platform.QrScanner

/**
 * Shows the back camera's picture while the QR scanner reads its frames.
 * The caller must have the CAMERA permission. [onText] gets each decoded code
 * on the main thread, after which the scanner pauses until [rearm]
 * changes; [torchOn] switches the flash on for dim rooms.
 */
@Composable
fun CameraPreview(
    onText: (String) -> Unit,
    rearm: Int,
    torchOn: Boolean,
    modifier: Modifier = Modifier,
) {
    val context = LocalContext.current
    val lifecycleOwner = LocalLifecycleOwner.current
    val currentOnText by rememberUpdatedState(onText)

    val previewView = remember { PreviewView(context) }
    val scanner = remember {
        QrScanner(context) { text -> previewView.post { currentOnText(text) } }
    }

    DisposableEffect(lifecycleOwner) {
        scanner.start(lifecycleOwner, previewView) { error ->
            // No back camera, or another app uses it, so the preview stays dark.
            Log.w(TAG, "camera unavailable: ${error.javaClass.simpleName}")
        }
        onDispose { scanner.stop() }
    }
    LaunchedEffect(rearm) {
        scanner.resume()
    }
    LaunchedEffect(torchOn) {
        scanner.setTorch(torchOn)
    }

    AndroidView(factory = { previewView }, modifier = modifier)
}

private const val TAG = "palmbid.app"
