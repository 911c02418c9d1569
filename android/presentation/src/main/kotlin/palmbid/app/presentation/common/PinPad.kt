package palmbid.app.presentation.common

/**
 * The app's own PIN keypad as a screen draws it. The digits themselves are
 * never here: the presenter collects them into a `CharArray` that it wipes
 * after use, and the state carries only how many were typed.
 */
data class PinPadState(
    /** Digits typed so far. */
    val entered: Int = 0,
    val minLength: Int = 6,
    val maxLength: Int = 12,
    /** Tries left before the credential locks; null when not yet known or not counted (a new PIN). */
    val triesLeft: Int? = null,
    /** The credential is locked after too many wrong PINs; the pad takes no input. */
    val locked: Boolean = false,
    /**
     * Order of the ten digits on the keys, row by row, when the keypad is
     * shuffled; null keeps the phone layout 1-9, 0.
     */
    val shuffledDigits: List<Int>? = null,
    /** The presenter is checking the PIN; the pad takes no input. */
    val busy: Boolean = false,
) {
    /** True when enough digits are typed to submit. */
    val canSubmit: Boolean get() = entered >= minLength && !locked && !busy
}

/** Key presses on the keypad; each screen wraps them in its own event type. */
sealed interface PinPadEvent {
    /** A digit key, 0-9. */
    data class Digit(val digit: Int) : PinPadEvent

    data object Backspace : PinPadEvent

    data object Submit : PinPadEvent
}
