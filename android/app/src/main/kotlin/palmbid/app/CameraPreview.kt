package palmbid.app

import android.Manifest
import android.content.pm.PackageManager
import android.util.Log
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.camera.view.PreviewView
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.rememberUpdatedState
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.viewinterop.AndroidView
import androidx.lifecycle.compose.LocalLifecycleOwner
import palmbid.app.platform.QrScanner

/**
 * Shows the back camera's picture while the QR scanner reads its frames.
 *
 * Asks for the CAMERA permission on first show and again whenever
 * [permissionRequests] changes; [onPermissionGranted] is called once the
 * camera may be used. [onText] gets each decoded code on the main thread,
 * after which the scanner pauses until [rearm] changes.
 */
@Composable
fun CameraPreview(
    onText: (String) -> Unit,
    onPermissionGranted: () -> Unit,
    permissionRequests: Int,
    rearm: Int,
    modifier: Modifier = Modifier,
) {
    val context = LocalContext.current
    val lifecycleOwner = LocalLifecycleOwner.current
    val currentOnText by rememberUpdatedState(onText)
    val currentOnPermissionGranted by rememberUpdatedState(onPermissionGranted)

    var granted by remember {
        mutableStateOf(
            context.checkSelfPermission(Manifest.permission.CAMERA) == PackageManager.PERMISSION_GRANTED,
        )
    }
    val request = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { result ->
        granted = result
    }
    LaunchedEffect(permissionRequests) {
        if (!granted) request.launch(Manifest.permission.CAMERA)
    }
    LaunchedEffect(granted) {
        if (granted) currentOnPermissionGranted()
    }
    if (!granted) return

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

    AndroidView(factory = { previewView }, modifier = modifier)
}

private const val TAG = "palmbid.app"
