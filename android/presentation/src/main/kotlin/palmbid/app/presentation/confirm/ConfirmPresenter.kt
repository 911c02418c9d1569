package palmbid.app.presentation.confirm

import kotlinx.coroutines.Job
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import palmbid.app.domain.CertificateStore
import palmbid.app.domain.FailureKind
import palmbid.app.domain.QrKind
import palmbid.app.domain.QrRequest
import palmbid.app.presentation.common.PinKeypad
import palmbid.app.presentation.common.ShownError
import palmbid.app.presentation.common.afterFailure
import palmbid.app.presentation.common.attempt

/**
 * The confirm screen for a scanned request: number matching first for a
 * login, then the review (who asks, what is signed, the seal for a seal
 * request), then the PIN. The time left is read from the request (the
 * platform's clock) every second; at zero the request is expired. The PIN
 * is wiped after the answer, whatever the outcome.
 */
class ConfirmPresenter(
    private val scope: CoroutineScope,
    private val request: QrRequest,
    private val certificates: CertificateStore,
) {
    private val keypad = PinKeypad()
    private val details = request.details
    private val mutable = MutableStateFlow(
        ConfirmState(
            step = if (details.kind == QrKind.LOGIN) ConfirmStep.NUMBER_MATCH else ConfirmStep.REVIEW,
            details = details,
            secondsLeft = request.secondsLeft(),
            clockWarning = request.clockWarning(),
            seal = details.seals.singleOrNull()?.kind,
        ),
    )
    val state: StateFlow<ConfirmState> = mutable.asStateFlow()

    init {
        // Leaving the screen ends the scope: digits typed so far are wiped then.
        scope.coroutineContext[Job]?.invokeOnCompletion { keypad.clear() }
        scope.launch { tick() }
        scope.launch {
            attempt({}) {
                val pin = certificates.pinState(details.signer.credentialId)
                mutable.update { it.copy(pinPad = it.pinPad.copy(triesLeft = pin.triesLeft, locked = pin.locked)) }
            }
        }
    }

    fun onEvent(event: ConfirmEvent) {
        when (event) {
            is ConfirmEvent.NumberChosen -> chooseNumber(event.number)
            is ConfirmEvent.SealChosen -> if (details.seals.any { it.kind == event.seal }) {
                mutable.update { it.copy(seal = event.seal) }
            }
            ConfirmEvent.Continue -> mutable.update {
                val ready = it.step == ConfirmStep.REVIEW && (details.kind != QrKind.SEAL || it.seal != null)
                when {
                    !ready -> it
                    // The tick may be up to a second late: never open the PIN pad on an expired request.
                    request.secondsLeft() <= 0 -> it.copy(step = ConfirmStep.EXPIRED, secondsLeft = 0)
                    else -> it.copy(step = ConfirmStep.PIN, error = null)
                }
            }
            is ConfirmEvent.Pin -> key(event)
            ConfirmEvent.Cancel -> cancel()
            ConfirmEvent.Retry -> mutable.update { it.copy(error = null) }
            ConfirmEvent.Done -> keypad.clear()
        }
    }

    /** Reads the countdown every second until the request ends. */
    private suspend fun tick() {
        while (scope.isActive) {
            val left = request.secondsLeft()
            mutable.update {
                when {
                    it.step.ended() -> it.copy(secondsLeft = left)
                    left <= 0 -> {
                        keypad.clear()
                        it.copy(secondsLeft = 0, step = ConfirmStep.EXPIRED, pinPad = keypad.state(it.pinPad))
                    }
                    else -> it.copy(secondsLeft = left)
                }
            }
            if (mutable.value.step.ended()) return
            delay(1_000)
        }
    }

    private fun chooseNumber(number: Int) {
        if (mutable.value.step != ConfirmStep.NUMBER_MATCH) return
        mutable.update { it.copy(step = ConfirmStep.WORKING, error = null) }
        scope.launch {
            attempt({ e ->
                mutable.update {
                    when {
                        e.code == WRONG_NUMBER -> it.copy(step = ConfirmStep.CANCELLED, wrongNumber = true, error = e)
                        it.step != ConfirmStep.WORKING -> it.copy(error = e)
                        else -> it.copy(step = stepAfter(e, ConfirmStep.NUMBER_MATCH), error = e)
                    }
                }
            }) {
                request.chooseNumber(number)
                // The countdown may have ended the request meanwhile; an ended step stays.
                mutable.update { if (it.step == ConfirmStep.WORKING) it.copy(step = ConfirmStep.REVIEW) else it }
            }
        }
    }

    private fun key(event: ConfirmEvent.Pin) {
        val now = mutable.value
        if (now.step != ConfirmStep.PIN || now.pinPad.locked || now.pinPad.busy) return
        if (!keypad.press(event.event)) {
            mutable.update { it.copy(pinPad = keypad.state(it.pinPad)) }
            return
        }
        val pin = keypad.takePin()
        val seal = if (details.kind == QrKind.SEAL) now.seal else null
        mutable.update { it.copy(step = ConfirmStep.WORKING, error = null, pinPad = keypad.state(it.pinPad).copy(busy = true)) }
        scope.launch {
            try {
                attempt({ e -> failAnswer(e) }) {
                    request.answer(seal, pin)
                    mutable.update { it.copy(step = ConfirmStep.DONE, pinPad = it.pinPad.copy(busy = false)) }
                }
            } finally {
                pin.wipe()
            }
        }
    }

    private suspend fun failAnswer(error: ShownError) {
        val pad = afterFailure(mutable.value.pinPad, error, certificates, details.signer.credentialId)
        mutable.update {
            // A request the countdown ended meanwhile stays ended.
            val step = if (it.step == ConfirmStep.WORKING) stepAfter(error, ConfirmStep.PIN) else it.step
            it.copy(step = step, error = error, pinPad = pad)
        }
    }

    private fun cancel() {
        keypad.clear()
        if (mutable.value.step.ended()) return
        mutable.update { it.copy(step = ConfirmStep.CANCELLED, pinPad = keypad.state(it.pinPad)) }
        // The platform learns of it so the desktop stops waiting; a failure changes nothing here.
        scope.launch { attempt({}) { request.cancel() } }
    }

    /** Returns the step a failure leaves the screen at: expired, ended, or back at [retry] with the error shown. */
    private fun stepAfter(error: ShownError, retry: ConfirmStep): ConfirmStep = when (error.kind) {
        FailureKind.EXPIRED -> ConfirmStep.EXPIRED
        else -> if (error.code in ENDING_CODES) ConfirmStep.CANCELLED else retry
    }

    private companion object {
        const val WRONG_NUMBER = "qr.wrong_number"

        /** Refusals after which the request cannot be answered any more. */
        val ENDING_CODES = setOf("qr.cancelled", "qr.already_answered", "qr.bound_to_other_phone", WRONG_NUMBER)

        fun ConfirmStep.ended() = this == ConfirmStep.DONE || this == ConfirmStep.EXPIRED || this == ConfirmStep.CANCELLED
    }
}
