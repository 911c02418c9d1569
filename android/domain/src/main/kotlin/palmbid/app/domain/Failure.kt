package palmbid.app.domain

/** The language the app shows: Simplified Chinese first, English beside it. */
enum class Language { ZH_CN, EN }

/**
 * Every failure a port reports. [code] is the core's stable code
 * (`module.reason`, for example `keystore.pin_incorrect`); it never changes
 * meaning, so screens branch on [kind] or [code], never on the message.
 * The messages come from the core in both languages and already name the
 * value and the fix.
 */
class PalmbidFailure(
    val code: String,
    val messageZh: String,
    val messageEn: String,
    cause: Throwable? = null,
) : Exception("$code: $messageEn", cause) {

    /** Returns the message in [language]. */
    fun message(language: Language): String = when (language) {
        Language.ZH_CN -> messageZh
        Language.EN -> messageEn
    }

    /** Failure class a screen reacts to; [FailureKind.OTHER] shows the message. */
    val kind: FailureKind get() = FailureKind.of(code)

    companion object {
        /** Code of a failure the app itself detects before calling the core. */
        const val CODE_INVALID_INPUT = "app.invalid_input"

        /** Code of a network failure the app's own transport reports. */
        const val CODE_NETWORK = "app.network"
    }
}

/**
 * The failures screens treat differently. Codes map here in one place
 * ([of]); anything unknown is [OTHER] and shows the core's message.
 */
enum class FailureKind {
    /** The PIN was wrong; the PIN pad reloads the tries left. */
    WRONG_PIN,

    /** Too many wrong PINs: the credential is locked for good. */
    PIN_LOCKED,

    /**
     * The hardware key that seals the keystore is gone (device reset, app
     * reinstalled, lock screen removed): the certificate must be issued again.
     */
    DEVICE_KEY_LOST,

    /**
     * The hardware key is out of reach for now (the phone is locked,
     * Keystore is busy): unlock the phone and retry. Nothing was lost and no
     * PIN try was counted.
     */
    DEVICE_UNAVAILABLE,

    /** Not logged in to the platform, or the session ended. */
    LOGIN_REQUIRED,

    /** The platform was unreachable or sent a response outside the protocol. */
    NETWORK,

    /** A QR request or a login code expired. */
    EXPIRED,

    /** Any other failure. The message names the value and the fix. */
    OTHER;

    companion object {
        /** Classifies a stable code; prefixes follow the core's `module.reason` scheme. */
        fun of(code: String): FailureKind = when (code) {
            "keystore.pin_incorrect" -> WRONG_PIN
            "keystore.locked" -> PIN_LOCKED
            "keystore.device_binding", "keystore.device_unseal" -> DEVICE_KEY_LOST
            "keystore.device_unavailable" -> DEVICE_UNAVAILABLE
            "account.not_logged_in", "api.not_logged_in", "auth.unauthorized",
            "hall.not_logged_in", "qr.not_logged_in" -> LOGIN_REQUIRED
            PalmbidFailure.CODE_NETWORK, "api.unreachable", "api.bad_response",
            "api.client", "hall.stream_lost" -> NETWORK
            "qr.expired", "qr.time_up", "auth.sms_code_expired" -> EXPIRED
            else -> OTHER
        }
    }
}
