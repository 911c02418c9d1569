package palmbid.app.core

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import palmbid.app.domain.PalmbidFailure
import palmbid.ffi.PalmbidException

/** Code of an exception the bindings threw that is not the core's own error. */
const val CODE_BINDING_FAILED = "app.binding_failed"

/** Code of a native library that could not be loaded or does not match its bindings. */
const val CODE_LIBRARY_UNAVAILABLE = "app.library_unavailable"

/**
 * Runs one call into the bindings on [Dispatchers.IO] and converts what it
 * throws, so that no port ever lets a generated exception out:
 *
 * - `PalmbidException.Failed` becomes [PalmbidFailure] with the same code
 *   and both messages;
 * - a [LinkageError] (library missing, or built from other sources than
 *   the generated Kotlin) becomes [CODE_LIBRARY_UNAVAILABLE];
 * - any other exception (uniffi's `InternalException`, a JNA failure)
 *   becomes [CODE_BINDING_FAILED].
 *
 * Cancellation passes through unchanged. [operation] names the port call
 * in the message; it never carries an argument, so no secret can reach it.
 */
internal suspend fun <T> ffiCall(operation: String, body: suspend () -> T): T =
    withContext(Dispatchers.IO) {
        try {
            body()
        } catch (e: CancellationException) {
            throw e
        } catch (e: Exception) {
            throw failureOf(operation, e)
        } catch (e: LinkageError) {
            throw failureOf(operation, e)
        }
    }

/** Converts [e], thrown by the bindings during [operation], into a [PalmbidFailure]; see [ffiCall]. */
internal fun failureOf(operation: String, e: Throwable): PalmbidFailure = when (e) {
    is PalmbidFailure -> e
    is PalmbidException.Failed -> PalmbidFailure(e.code, e.messageZh, e.messageEn, e)
    is LinkageError -> PalmbidFailure(
        CODE_LIBRARY_UNAVAILABLE,
        "无法加载 palmbid 本地库（$operation）：${e.javaClass.simpleName}；请重新安装应用",
        "the palmbid native library could not be loaded ($operation): ${e.javaClass.simpleName}; reinstall the app",
        e,
    )
    else -> PalmbidFailure(
        CODE_BINDING_FAILED,
        "调用 palmbid 出错（$operation）：${e.javaClass.simpleName}；请重试，仍失败请报告开发者",
        "the call into palmbid failed ($operation): ${e.javaClass.simpleName}; retry, and report it if it persists",
        e,
    )
}
