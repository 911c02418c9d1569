package palmbid.app.presentation.identity

import palmbid.app.domain.IdentityCode
import palmbid.app.domain.IdentityStatus
import palmbid.app.presentation.common.ShownError

/**
 * The identity video check (实名认证): name and ID number, a code to read
 * aloud in a short video, then the platform's review.
 */
data class IdentityCheckState(
    val loading: Boolean = true,
    val error: ShownError? = null,
    val platform: String? = null,
    /** The platform's record; null until loaded. */
    val status: IdentityStatus? = null,
    val name: String = "",
    val idNumber: String = "",
    /** The code to read aloud, once asked for. */
    val code: IdentityCode? = null,
    /** Seconds until [code] expires. */
    val codeSecondsLeft: Long = 0,
    /** Size of the recorded video, bytes; null before one is recorded. */
    val videoBytes: Long? = null,
    val busy: Boolean = false,
) {
    /** A mainland resident ID number: 17 digits and a digit or X. */
    val idNumberValid: Boolean
        get() = idNumber.length == 18 && idNumber.take(17).all { it in '0'..'9' } &&
            (idNumber.last() in '0'..'9' || idNumber.last() == 'X')

    val canSubmit: Boolean
        get() = name.isNotBlank() && idNumberValid && code != null && codeSecondsLeft > 0 && videoBytes != null && !busy
}

/** A recorded video, MP4 bytes, handed over by the app's camera. */
class RecordedVideo(val mp4: ByteArray) {
    override fun equals(other: Any?): Boolean = other is RecordedVideo && other.mp4.contentEquals(mp4)
    override fun hashCode(): Int = mp4.contentHashCode()
    override fun toString(): String = "RecordedVideo(${mp4.size} bytes)"
}

sealed interface IdentityCheckEvent {
    data class NameChanged(val name: String) : IdentityCheckEvent
    data class IdNumberChanged(val idNumber: String) : IdentityCheckEvent
    data object RequestCode : IdentityCheckEvent

    /** Navigation: open the camera to record the video. */
    data object RecordVideo : IdentityCheckEvent

    /** The camera returned a video. */
    data class VideoRecorded(val video: RecordedVideo) : IdentityCheckEvent

    data object Submit : IdentityCheckEvent
    data object Retry : IdentityCheckEvent
    data object Back : IdentityCheckEvent
}
