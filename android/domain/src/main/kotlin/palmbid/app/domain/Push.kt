package palmbid.app.domain

import kotlinx.coroutines.flow.Flow

/**
 * A hint pushed by the platform: only which project changed, never a
 * secret, an amount or a name. The app reacts by pulling the hall's
 * state, so a lost or forged push never loses or invents an event.
 */
data class PushHint(val platform: String, val projectId: String?)

/** A vendor push channel (Huawei, Honor, Xiaomi, OPPO, vivo) or none. */
interface PushProvider {
    /** Short vendor name for logs and settings, e.g. `huawei`. */
    val vendor: String

    /** Returns whether the channel works on this phone. */
    fun isAvailable(): Boolean

    /** Streams the registration token, emitted again when the vendor rotates it. */
    fun tokens(): Flow<String>

    /** Hints as they arrive. */
    fun hints(): Flow<PushHint>
}
