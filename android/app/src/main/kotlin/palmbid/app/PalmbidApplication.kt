package palmbid.app

import android.app.Application
import android.app.NotificationChannel
import android.app.NotificationManager
import android.content.pm.ApplicationInfo
import android.util.Log
import palmbid.app.platform.LogcatLogger
import palmbid.ffi.LogLevel
import palmbid.ffi.PalmbidException
import palmbid.ffi.setLogger

/** The process: logging, notification channels and the [AppGraph]. */
class PalmbidApplication : Application() {

    lateinit var graph: AppGraph
        private set

    override fun onCreate() {
        super.onCreate()

        installLogger()
        createNotificationChannels()
        SharedFiles.clearOld(this)
        graph = AppGraph(this)
    }

    /** Routes the core's logs to logcat: debug and above in debug builds, info and above in release. */
    private fun installLogger() {
        val debuggable = (applicationInfo.flags and ApplicationInfo.FLAG_DEBUGGABLE) != 0
        try {
            setLogger(LogcatLogger, if (debuggable) LogLevel.DEBUG else LogLevel.INFO)
        } catch (e: PalmbidException) {
            // The app still works without the core's logs.
            Log.w(TAG, "palmbid logs are not forwarded: ${e.message}")
        }
    }

    /** Creates one channel for the hall and one for certificates, so the user can mute each. */
    private fun createNotificationChannels() {
        val manager = getSystemService(NotificationManager::class.java) ?: return
        manager.createNotificationChannels(
            listOf(
                NotificationChannel(CHANNEL_HALL, getString(R.string.channel_hall_name), NotificationManager.IMPORTANCE_HIGH)
                    .apply { description = getString(R.string.channel_hall_description) },
                NotificationChannel(
                    CHANNEL_CERTIFICATES,
                    getString(R.string.channel_certificates_name),
                    NotificationManager.IMPORTANCE_DEFAULT,
                ).apply { description = getString(R.string.channel_certificates_description) },
            ),
        )
    }

    companion object {
        /** Notification channel of bid-opening notices: sign-in, decryption, quotes. */
        const val CHANNEL_HALL = "hall"

        /** Notification channel of certificate notices: issuing, expiry, renewal. */
        const val CHANNEL_CERTIFICATES = "certificates"

        private const val TAG = "palmbid.app"
    }
}
