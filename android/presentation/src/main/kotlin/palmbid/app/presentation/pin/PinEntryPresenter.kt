package palmbid.app.presentation.pin

import kotlinx.coroutines.Job
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import palmbid.app.domain.CertificateStore
import palmbid.app.domain.Pin
import palmbid.app.presentation.common.PinKeypad
import palmbid.app.presentation.common.ShownError
import palmbid.app.presentation.common.afterFailure
import palmbid.app.presentation.common.attempt
import palmbid.app.presentation.common.wipe

/**
 * PIN set, enter and change on the app's keypad.
 *
 * - [PinMode.ENTER]: the PIN goes to [action] (the signed operation that
 *   needs it); a wrong one reloads the tries left, too many lock the pad.
 * - [PinMode.SET]: the new PIN, typed twice, goes to [action].
 * - [PinMode.CHANGE]: the current PIN, then the new one twice, go to
 *   [CertificateStore.changePin] for [credentialId].
 *
 * Every entry is wiped once used or compared, whatever the outcome; the
 * state carries only the count of digits.
 */
class PinEntryPresenter(
    private val scope: CoroutineScope,
    private val certificates: CertificateStore,
    mode: PinMode,
    /** The credential whose PIN is asked for; null for [PinMode.SET]. */
    private val credentialId: String?,
    /** Operation that [PinMode.ENTER] and [PinMode.SET] run with the PIN; it must not keep the PIN. */
    private val action: (suspend (Pin) -> Unit)? = null,
    company: String? = null,
) {
    private val keypad = PinKeypad()
    private val mutable = MutableStateFlow(
        PinEntryState(mode = mode, step = if (mode == PinMode.SET) PinStep.NEW else PinStep.CURRENT, company = company),
    )
    val state: StateFlow<PinEntryState> = mutable.asStateFlow()

    /** CHANGE: the current PIN, until the new one is confirmed. */
    private var current: CharArray? = null

    /** SET and CHANGE: the new PIN's first entry, until the repeat is compared. */
    private var fresh: CharArray? = null

    init {
        // Without an action the PIN would be taken and "done" shown with nothing checked.
        require(mode == PinMode.CHANGE || action != null) { "PinMode.$mode needs an action to run with the PIN" }
        require(mode == PinMode.SET || credentialId != null) { "PinMode.$mode needs the credential whose PIN is asked for" }
        // Leaving the screen ends the scope: digits held for a later step are wiped then.
        scope.coroutineContext[Job]?.invokeOnCompletion { forget() }
        if (credentialId != null && mode != PinMode.SET) {
            scope.launch {
                attempt({ e -> mutable.update { it.copy(error = e) } }) {
                    val pin = certificates.pinState(credentialId)
                    mutable.update { it.copy(pinPad = it.pinPad.copy(triesLeft = pin.triesLeft, locked = pin.locked)) }
                }
            }
        }
    }

    fun onEvent(event: PinEntryEvent) {
        when (event) {
            is PinEntryEvent.Pin -> key(event)
            PinEntryEvent.Back, PinEntryEvent.Done -> forget()
        }
    }

    private fun key(event: PinEntryEvent.Pin) {
        val now = mutable.value
        if (now.done || now.pinPad.busy || now.pinPad.locked) return
        if (!keypad.press(event.event)) {
            mutable.update { it.copy(pinPad = keypad.state(it.pinPad)) }
            return
        }
        val digits = keypad.takeDigits()
        when (now.step) {
            PinStep.CURRENT -> if (now.mode == PinMode.ENTER) {
                run(Pin.of(digits)) { pin -> action?.invoke(pin) }
            } else {
                current = digits
                next(PinStep.NEW)
            }
            PinStep.NEW -> {
                fresh = digits
                next(PinStep.REPEAT)
            }
            PinStep.REPEAT -> repeat(digits)
        }
    }

    private fun repeat(digits: CharArray) {
        val first = fresh
        fresh = null
        if (first == null || !first.contentEquals(digits)) {
            wipe(first)
            wipe(digits)
            mutable.update { it.copy(step = PinStep.NEW, mismatch = true, pinPad = keypad.state(it.pinPad)) }
            return
        }
        wipe(digits)
        val newPin = Pin.of(first)
        if (mutable.value.mode == PinMode.SET) {
            run(newPin) { pin -> action?.invoke(pin) }
            return
        }
        val old = current?.let { Pin.of(it) }
        current = null
        val id = credentialId
        if (old == null || id == null) {
            newPin.wipe()
            return
        }
        run(newPin, also = old) { pin -> certificates.changePin(id, old, pin) }
    }

    /** Runs [body] with [pin] (and [also]), wiping both afterwards. */
    private fun run(pin: Pin, also: Pin? = null, body: suspend (Pin) -> Unit) {
        mutable.update { it.copy(error = null, mismatch = false, pinPad = keypad.state(it.pinPad).copy(busy = true)) }
        scope.launch {
            try {
                val ok = attempt({ e -> fail(e) }) { body(pin) } != null
                if (ok) mutable.update { it.copy(done = true, pinPad = it.pinPad.copy(busy = false)) }
            } finally {
                pin.wipe()
                also?.wipe()
            }
        }
    }

    private suspend fun fail(error: ShownError) {
        val pad = afterFailure(mutable.value.pinPad, error, certificates, credentialId)
        // A wrong current PIN in CHANGE starts the change again from the current PIN.
        mutable.update {
            val step = if (it.mode == PinMode.SET) PinStep.NEW else PinStep.CURRENT
            it.copy(error = error, step = step, pinPad = pad)
        }
    }

    private fun next(step: PinStep) {
        mutable.update { it.copy(step = step, mismatch = false, error = null, pinPad = keypad.state(it.pinPad)) }
    }

    private fun forget() {
        keypad.clear()
        wipe(current)
        wipe(fresh)
        current = null
        fresh = null
    }
}
