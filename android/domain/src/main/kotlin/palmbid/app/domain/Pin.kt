package palmbid.app.domain

/**
 * A PIN as the app's keypad collects it: digits in a char array the owner
 * wipes when done, never a `String` held in a screen state, a saved
 * instance state or a log. [toString] never shows the digits.
 *
 * The ports take a [Pin] and hand it to the core at the last moment. The
 * caller wipes it ([wipe]) after the call returns, whatever the outcome.
 */
class Pin private constructor(private val digits: CharArray) {

    /** Number of digits entered. */
    val length: Int get() = digits.size

    /**
     * Returns the digits for the one call into the core. The FFI takes a string, so a
     * copy exists for the duration of that call; it is not kept.
     */
    fun reveal(): String = String(digits)

    /** Overwrites the digits; the PIN is then empty of meaning. */
    fun wipe() {
        digits.fill('\u0000')
    }

    override fun toString(): String = "Pin(${digits.size} digits)"

    companion object {
        /** Shortest PIN the core accepts. */
        const val MIN_LENGTH = 6

        /** Longest PIN the keypad collects. */
        const val MAX_LENGTH = 12

        /**
         * Takes ownership of [digits] (the keypad's buffer); fails on a
         * non-digit, which the keypad cannot produce.
         */
        fun of(digits: CharArray): Pin {
            require(digits.all { it in '0'..'9' }) { "a PIN holds digits only" }
            return Pin(digits)
        }
    }
}

/** A credential's PIN counter as the keystore keeps it. */
data class PinState(
    val failedAttempts: Int,
    val triesLeft: Int,
    val locked: Boolean,
)
