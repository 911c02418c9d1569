package palmbid.app.presentation.pickup

import palmbid.app.domain.PickedUp
import palmbid.app.domain.ScannedPickup
import palmbid.app.presentation.common.PinPadEvent
import palmbid.app.presentation.common.PinPadState
import palmbid.app.presentation.common.ShownError

/** Steps of a certificate pickup (证书领取). */
enum class PickupStep {
    /** The scanned order is shown for the user to check. */
    REVIEW,

    /** The user chooses the certificate's PIN. */
    NEW_PIN,

    /** The user types the PIN again. */
    REPEAT_PIN,

    /** Keys are made and the certificates requested and installed. */
    WORKING,

    DONE,
}

/** Certificate pickup after scanning the CA's pickup code. */
data class CertificatePickupState(
    val step: PickupStep = PickupStep.REVIEW,
    val error: ShownError? = null,
    /** The order the scanned code names; set when the screen opens. */
    val scanned: ScannedPickup? = null,
    val pinPad: PinPadState = PinPadState(),
    /** The repeated PIN differed; the user starts the new PIN again. */
    val pinMismatch: Boolean = false,
    /** The installed certificates, at [PickupStep.DONE]. */
    val result: PickedUp? = null,
)

sealed interface CertificatePickupEvent {
    /** The order is right: go on to the PIN. */
    data object Accept : CertificatePickupEvent
    data class Pin(val event: PinPadEvent) : CertificatePickupEvent
    data object Retry : CertificatePickupEvent

    /** Navigation: leave the screen (after done, or to abandon). */
    data object Done : CertificatePickupEvent
    data object Back : CertificatePickupEvent
}
