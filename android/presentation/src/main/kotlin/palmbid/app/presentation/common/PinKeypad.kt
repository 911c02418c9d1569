package palmbid.app.presentation.common

import palmbid.app.domain.Pin

/**
 * The digits typed on the app's keypad, held by a presenter. They live in a
 * char array that is wiped whenever the digits are taken or dropped; a
 * screen state shows only [entered]. One keypad serves a screen for its life.
 */
class PinKeypad(
    val minLength: Int = Pin.MIN_LENGTH,
    val maxLength: Int = Pin.MAX_LENGTH,
) {
    private val buffer = CharArray(maxLength)

    /** Digits typed so far. */
    var entered: Int = 0
        private set

    /**
     * Applies a key press; returns true for a [PinPadEvent.Submit] with at
     * least [minLength] digits, when the owner should [takeDigits] or [takePin].
     */
    fun press(event: PinPadEvent): Boolean {
        when (event) {
            is PinPadEvent.Digit -> if (entered < maxLength && event.digit in 0..9) {
                buffer[entered] = '0' + event.digit
                entered += 1
            }
            PinPadEvent.Backspace -> if (entered > 0) {
                entered -= 1
                buffer[entered] = '\u0000'
            }
            PinPadEvent.Submit -> return entered >= minLength
        }
        return false
    }

    /** Moves the digits typed into a new array that the caller owns and wipes, and empties the keypad. */
    fun takeDigits(): CharArray {
        val digits = buffer.copyOf(entered)
        clear()
        return digits
    }

    /** Moves the digits typed into a [Pin] that the caller wipes after use, and empties the keypad. */
    fun takePin(): Pin = Pin.of(takeDigits())

    /** Wipes the digits typed. */
    fun clear() {
        buffer.fill('\u0000')
        entered = 0
    }

    /** Returns [base] with this keypad's count of digits and lengths. */
    fun state(base: PinPadState): PinPadState =
        base.copy(entered = entered, minLength = minLength, maxLength = maxLength)
}

/** Wipes [digits]. */
fun wipe(digits: CharArray?) {
    digits?.fill('\u0000')
}
