package palmbid.app.presentation.scan

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import palmbid.app.domain.ScanService
import palmbid.app.presentation.common.attempt

/**
 * 扫一扫: hands each read text to the core, one at a time. The camera reads
 * the same code many times a second, so frames read while one is being
 * judged, or after a result, are ignored.
 */
class ScanPresenter(
    private val scope: CoroutineScope,
    private val scan: ScanService,
    /** Whether the camera permission is granted when the screen opens. */
    cameraPermitted: Boolean = true,
) {
    private val mutable = MutableStateFlow(ScanState(phase = if (cameraPermitted) ScanPhase.SCANNING else ScanPhase.NO_PERMISSION))
    val state: StateFlow<ScanState> = mutable.asStateFlow()

    fun onEvent(event: ScanEvent) {
        when (event) {
            is ScanEvent.Scanned -> judge(event.text)
            is ScanEvent.TorchToggled -> mutable.update { it.copy(torchOn = event.on) }
            ScanEvent.PermissionGranted -> mutable.update { it.copy(phase = ScanPhase.SCANNING) }
            ScanEvent.Retry -> mutable.update {
                it.copy(error = null, result = null, phase = if (it.phase == ScanPhase.NO_PERMISSION) it.phase else ScanPhase.SCANNING)
            }
            else -> Unit
        }
    }

    private fun judge(text: String) {
        val now = mutable.value
        // A refused code stays on screen until Retry, so a code read again is not judged again.
        if (now.phase != ScanPhase.SCANNING || now.result != null || now.error != null) return
        mutable.update { it.copy(phase = ScanPhase.CHECKING) }
        scope.launch {
            attempt({ e -> mutable.update { it.copy(phase = ScanPhase.SCANNING, error = e) } }) {
                val result = scan.scan(text)
                mutable.update { it.copy(phase = ScanPhase.SCANNING, result = result) }
            }
        }
    }
}
