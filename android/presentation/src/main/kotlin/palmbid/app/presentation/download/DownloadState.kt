package palmbid.app.presentation.download

import palmbid.app.domain.Downloaded
import palmbid.app.domain.PickupRecord
import palmbid.app.presentation.common.PinPadEvent
import palmbid.app.presentation.common.PinPadState
import palmbid.app.presentation.common.ShownError

/** Certificate download (证书下载) for a pickup made earlier on this phone. */
data class DownloadState(
    val loading: Boolean = true,
    val error: ShownError? = null,
    val pickups: List<PickupRecord> = emptyList(),
    /** The pickup chosen; the PIN pad shows while it is set and [result] is null. */
    val selected: String? = null,
    val pinPad: PinPadState = PinPadState(),
    val result: Downloaded? = null,
)

sealed interface DownloadEvent {
    data class Choose(val pickupId: String) : DownloadEvent
    data class Pin(val event: PinPadEvent) : DownloadEvent
    data object CancelPin : DownloadEvent
    data object Retry : DownloadEvent
    data object Done : DownloadEvent
    data object Back : DownloadEvent
}
