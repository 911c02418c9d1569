package palmbid.app.platform

import android.util.Log
import palmbid.ffi.LogLevel
import palmbid.ffi.Logger

/**
 * Forwards palmbid's `tracing` events to logcat under the tag `palmbid`,
 * with the Rust module path (for example `palmbid_core::keystore`) in front
 * of each line. palmbid logs operations, ids and outcomes, never PINs,
 * keys, tokens or document contents, so the lines are safe to keep.
 *
 * Install it once with `palmbid.ffi.setLogger(LogcatLogger, level)`.
 */
object LogcatLogger : Logger {
    private const val TAG = "palmbid"

    override fun log(level: LogLevel, target: String, message: String) {
        val priority = when (level) {
            LogLevel.ERROR -> Log.ERROR
            LogLevel.WARN -> Log.WARN
            LogLevel.INFO -> Log.INFO
            LogLevel.DEBUG -> Log.DEBUG
            LogLevel.TRACE -> Log.VERBOSE
        }
        Log.println(priority, TAG, "$target: $message")
    }
}
