package palmbid.app.presentation.pin

import palmbid.app.presentation.common.PinPadEvent
import palmbid.app.presentation.common.PinPadState
import palmbid.app.presentation.common.ShownError

/** Purpose of the PIN screen. */
enum class PinMode {
    /** Choose a new PIN (first certificate). */
    SET,

    /** Unlock a credential for one operation. */
    ENTER,

    /** Change the PIN: the current one, then the new one twice. */
    CHANGE,
}

/** The PIN the pad is collecting. */
enum class PinStep { CURRENT, NEW, REPEAT }

/** PIN set, enter and change on the app's own keypad. */
data class PinEntryState(
    val mode: PinMode = PinMode.ENTER,
    val step: PinStep = PinStep.CURRENT,
    /** Company of the credential, to say whose PIN is asked for. */
    val company: String? = null,
    val pinPad: PinPadState = PinPadState(),
    /** The repeated PIN differed from the new one. */
    val mismatch: Boolean = false,
    val error: ShownError? = null,
    /** The PIN was set, accepted or changed. */
    val done: Boolean = false,
)

sealed interface PinEntryEvent {
    data class Pin(val event: PinPadEvent) : PinEntryEvent
    data object Back : PinEntryEvent

    /** Navigation: leave after [PinEntryState.done]. */
    data object Done : PinEntryEvent
}
