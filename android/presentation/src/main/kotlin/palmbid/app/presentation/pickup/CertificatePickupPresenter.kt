package palmbid.app.presentation.pickup

import kotlinx.coroutines.Job
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import palmbid.app.domain.Pin
import palmbid.app.domain.PickupService
import palmbid.app.domain.ScannedPickup
import palmbid.app.presentation.common.PinKeypad
import palmbid.app.presentation.common.ShownError
import palmbid.app.presentation.common.attempt
import palmbid.app.presentation.common.wipe

/**
 * Certificate pickup after the scan: review the order, choose the new PIN
 * and type it again, then let the core make the keys and install the
 * certificates. Both entries of the new PIN are wiped once compared and
 * used, whatever the outcome.
 */
class CertificatePickupPresenter(
    private val scope: CoroutineScope,
    private val pickup: PickupService,
    scanned: ScannedPickup,
) {
    private val keypad = PinKeypad()
    private val mutable = MutableStateFlow(CertificatePickupState(scanned = scanned))
    val state: StateFlow<CertificatePickupState> = mutable.asStateFlow()

    /** The first entry of the new PIN, until the repeat is compared with it. */
    private var first: CharArray? = null

    init {
        // Leaving the screen ends the scope: the first entry of the new PIN is wiped then.
        scope.coroutineContext[Job]?.invokeOnCompletion {
            wipe(first)
            first = null
            keypad.clear()
        }
    }

    fun onEvent(event: CertificatePickupEvent) {
        when (event) {
            CertificatePickupEvent.Accept -> if (mutable.value.step == PickupStep.REVIEW) {
                mutable.update { it.copy(step = PickupStep.NEW_PIN, error = null) }
            }
            is CertificatePickupEvent.Pin -> key(event)
            CertificatePickupEvent.Retry -> restartPin(mismatch = false)
            CertificatePickupEvent.Back, CertificatePickupEvent.Done -> {
                wipe(first)
                first = null
                keypad.clear()
            }
        }
    }

    private fun key(event: CertificatePickupEvent.Pin) {
        val step = mutable.value.step
        if (step != PickupStep.NEW_PIN && step != PickupStep.REPEAT_PIN) return
        val submitted = keypad.press(event.event)
        if (!submitted) {
            mutable.update { it.copy(pinPad = keypad.state(it.pinPad)) }
            return
        }
        if (step == PickupStep.NEW_PIN) {
            first = keypad.takeDigits()
            mutable.update { it.copy(step = PickupStep.REPEAT_PIN, pinMismatch = false, error = null, pinPad = keypad.state(it.pinPad)) }
            return
        }
        val repeat = keypad.takeDigits()
        val entered = first
        first = null
        if (entered == null || !entered.contentEquals(repeat)) {
            wipe(entered)
            wipe(repeat)
            restartPin(mismatch = true)
            return
        }
        wipe(repeat)
        install(Pin.of(entered))
    }

    private fun install(pin: Pin) {
        val scanned = mutable.value.scanned ?: return pin.wipe()
        mutable.update { it.copy(step = PickupStep.WORKING, error = null, pinPad = keypad.state(it.pinPad)) }
        scope.launch {
            try {
                attempt(::fail) {
                    val result = pickup.pickUp(scanned, pin)
                    mutable.update { it.copy(step = PickupStep.DONE, result = result) }
                }
            } finally {
                pin.wipe()
            }
        }
    }

    /** After a refusal (a trivial PIN, a network failure) the user chooses the PIN again. */
    private fun fail(error: ShownError) {
        mutable.update { it.copy(step = PickupStep.NEW_PIN, error = error) }
    }

    private fun restartPin(mismatch: Boolean) {
        wipe(first)
        first = null
        keypad.clear()
        mutable.update {
            val step = if (it.step == PickupStep.REVIEW || it.step == PickupStep.DONE) it.step else PickupStep.NEW_PIN
            it.copy(step = step, pinMismatch = mismatch, error = null, pinPad = keypad.state(it.pinPad))
        }
    }
}
