package palmbid.app.fakes

import java.util.concurrent.ConcurrentHashMap
import palmbid.app.domain.Pin
import palmbid.app.domain.PinState

/**
 * PINs of the fake credentials, counted as the keystore counts them: every
 * wrong attempt costs a try, a right one resets the count, and after
 * [MAX_TRIES] wrong ones in a row the credential is locked for good.
 * Stores the digits as a string: fakes hold no real secret.
 */
class FakePins {
    private class Entry(var digits: String, var failed: Int = 0)

    private val entries = ConcurrentHashMap<String, Entry>()

    /** Sets [credentialId]'s PIN to [digits] with no failed attempt. */
    fun register(credentialId: String, digits: String) {
        entries[credentialId] = Entry(digits)
    }

    fun state(credentialId: String): PinState {
        val entry = entry(credentialId)
        synchronized(entry) {
            val left = (MAX_TRIES - entry.failed).coerceAtLeast(0)
            return PinState(failedAttempts = entry.failed, triesLeft = left, locked = left == 0)
        }
    }

    /**
     * Checks [pin] against [credentialId]'s PIN, counting the attempt.
     *
     * @throws palmbid.app.domain.PalmbidFailure `keystore.pin_incorrect` with the tries
     *   left, or `keystore.locked`.
     */
    fun verify(credentialId: String, pin: Pin) {
        val entry = entry(credentialId)
        synchronized(entry) {
            if (entry.failed >= MAX_TRIES) throw Failures.locked()
            if (pin.reveal() == entry.digits) {
                entry.failed = 0
                return
            }
            entry.failed += 1
            val left = MAX_TRIES - entry.failed
            throw if (left == 0) Failures.locked() else Failures.pinIncorrect(left)
        }
    }

    /** Changes the PIN after checking [old] (which costs a try when wrong). */
    fun change(credentialId: String, old: Pin, new: Pin) {
        verify(credentialId, old)
        if (new.length < Pin.MIN_LENGTH) {
            throw Failures.of("keystore.pin_too_short", "PIN 码至少 6 位", "a PIN has at least 6 digits")
        }
        val entry = entry(credentialId)
        synchronized(entry) { entry.digits = new.reveal() }
    }

    fun remove(credentialId: String) {
        entries.remove(credentialId)
    }

    private fun entry(credentialId: String) = entries[credentialId] ?: throw Failures.of(
        "keystore.credential_not_found",
        "找不到证书 $credentialId；请刷新证书列表",
        "no credential $credentialId; refresh the certificate list",
    )

    companion object {
        /** Wrong PINs in a row before the credential locks, as in the core. */
        const val MAX_TRIES = 6
    }
}
