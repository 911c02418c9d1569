package palmbid.app.presentation.confirm

import palmbid.app.domain.QrRequestDetails
import palmbid.app.domain.SealKind
import palmbid.app.presentation.common.PinPadEvent
import palmbid.app.presentation.common.PinPadState
import palmbid.app.presentation.common.ShownError

/** Steps of the reply to a scanned request. */
enum class ConfirmStep {
    /** Login: pick the number the desktop shows among three. */
    NUMBER_MATCH,

    /** The requester, what is signed or decrypted, and the seal choice for a seal request. */
    REVIEW,

    PIN,

    /** The reply is being sent. */
    WORKING,

    DONE,

    /** The request expired before the reply. */
    EXPIRED,

    /** The user cancelled, or picked the wrong number. */
    CANCELLED,
}

/**
 * The confirm screen for every QR kind (login, sign, seal, encryption
 * certificate, decrypt): every detail of the request shows before the
 * PIN pad, with the time left to reply.
 */
data class ConfirmState(
    val step: ConfirmStep = ConfirmStep.REVIEW,
    val error: ShownError? = null,
    /** Null while the request loads. */
    val details: QrRequestDetails? = null,
    /** Seconds left to reply, by the platform's clock. The presenter counts it down. */
    val secondsLeft: Long = 0,
    /** The phone's clock is far off the platform's. */
    val clockWarning: Boolean = false,
    /** Seal request: the seal chosen; the PIN step needs one. */
    val seal: SealKind? = null,
    val pinPad: PinPadState = PinPadState(),
    /** Login: the user picked a number that the desktop did not show. */
    val wrongNumber: Boolean = false,
)

sealed interface ConfirmEvent {
    data class NumberChosen(val number: Int) : ConfirmEvent
    data class SealChosen(val seal: SealKind) : ConfirmEvent

    /** From the review to the PIN pad. */
    data object Continue : ConfirmEvent
    data class Pin(val event: PinPadEvent) : ConfirmEvent
    data object Cancel : ConfirmEvent
    data object Retry : ConfirmEvent

    /** Navigation: leave the screen. */
    data object Done : ConfirmEvent
}
