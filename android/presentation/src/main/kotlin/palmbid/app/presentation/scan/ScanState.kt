package palmbid.app.presentation.scan

import palmbid.app.domain.ScannedCode
import palmbid.app.presentation.common.ShownError

/** Scanner phase. */
enum class ScanPhase {
    /** Camera permission not granted: the screen explains why it is needed and requests it. */
    NO_PERMISSION,

    SCANNING,

    /** A code was read; the core is judging it. */
    CHECKING,
}

/** 扫一扫: the camera looks for a QR code; the core judges what it reads. */
data class ScanState(
    val phase: ScanPhase = ScanPhase.SCANNING,
    /** Reason the last code was rejected (not ours, untrusted host, expired). */
    val error: ShownError? = null,
    val torchOn: Boolean = false,
    /** The judged code; the app then opens the pickup or the confirm screen. */
    val result: ScannedCode? = null,
)

sealed interface ScanEvent {
    /** The camera read [text]. */
    data class Scanned(val text: String) : ScanEvent
    data class TorchToggled(val on: Boolean) : ScanEvent
    data object PermissionGranted : ScanEvent

    /** Navigation: ask the system for the camera permission. */
    data object RequestPermission : ScanEvent

    /** Scan again after a refused code. */
    data object Retry : ScanEvent
    data object Back : ScanEvent
}
