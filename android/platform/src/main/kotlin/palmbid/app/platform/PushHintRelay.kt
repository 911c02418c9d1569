package palmbid.app.platform

import kotlinx.coroutines.channels.BufferOverflow
import kotlinx.coroutines.flow.MutableSharedFlow
import kotlinx.coroutines.flow.SharedFlow
import kotlinx.coroutines.flow.asSharedFlow
import palmbid.app.domain.PushHint

/**
 * The relay between a vendor SDK's message receiver, which delivers the
 * data of each push, and [VendorPushProvider.hints], which reads it.
 *
 * A push is only a hint that something changed: the app then pulls the
 * hall state from the platform, which is the only source it trusts. So a
 * hint carries two keys and nothing else is read:
 *
 * | key | value |
 * |---|---|
 * | `platform` | the platform that changed, 1 to 200 printable characters |
 * | `project` | optional project id, 1 to 128 of `A-Z a-z 0-9 . _ -` |
 *
 * Other keys are ignored, and so is a payload whose `platform` or
 * `project` is invalid. A forged or malformed push can at most cause one
 * pull.
 */
object PushHintRelay {

    private val delivered = MutableSharedFlow<PushHint>(
        extraBufferCapacity = BUFFER,
        onBufferOverflow = BufferOverflow.DROP_OLDEST,
    )

    /** Hints as they arrive; a hint delivered while no collector is active is not replayed. */
    val hints: SharedFlow<PushHint> = delivered.asSharedFlow()

    /**
     * Parses a push's key-value data and emits the hint. Returns whether
     * the data was a valid hint. Safe to call from any thread.
     */
    fun deliver(data: Map<String, String>): Boolean {
        val hint = parse(data) ?: return false
        return delivered.tryEmit(hint)
    }

    /** Returns the hint in [data], or null when it contains none. */
    fun parse(data: Map<String, String>): PushHint? {
        val platform = data["platform"]?.takeIf(::isPlatformName) ?: return null
        val project = data["project"]
        if (project != null && !isProjectId(project)) return null
        return PushHint(platform = platform, projectId = project)
    }

    private fun isPlatformName(value: String): Boolean =
        value.length in 1..MAX_PLATFORM_LENGTH && value.isNotBlank() && value.none { it.isISOControl() }

    private fun isProjectId(value: String): Boolean =
        value.length in 1..MAX_PROJECT_LENGTH && value.all { it in 'A'..'Z' || it in 'a'..'z' || it in '0'..'9' || it in "._-" }

    private const val BUFFER = 16
    private const val MAX_PLATFORM_LENGTH = 200
    private const val MAX_PROJECT_LENGTH = 128
}
