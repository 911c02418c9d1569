package palmbid.app

import android.content.Context
import android.util.Log
import java.io.File
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import palmbid.app.core.PalmbidCore
import palmbid.app.domain.FailureKind
import palmbid.app.domain.PalmbidFailure
import palmbid.app.domain.PalmbidServices
import palmbid.app.domain.PushProvider
import palmbid.app.platform.AndroidKeyAttestor
import palmbid.app.platform.AndroidKeystoreDeviceBinding
import palmbid.app.platform.DeviceKeyState
import palmbid.app.platform.KeyAttestation
import palmbid.app.platform.PushProviders
import palmbid.app.platform.VendorPushClients
import palmbid.app.presentation.messages.InboxFeeder
import palmbid.ffi.PalmbidException

/** The progress of opening the keystore. */
sealed interface Startup {
    /** The keystore is being opened (Argon2id and the device key take a moment). */
    data object Opening : Startup

    /** Every port is ready. */
    data class Ready(val services: PalmbidServices) : Startup

    /**
     * The keystore could not open. For a device-key failure, [deviceKey]
     * distinguishes a lost key (issue the certificate again) from a phone
     * that was only locked (open again after unlocking); it is null
     * otherwise.
     */
    data class Failed(val failure: PalmbidFailure, val deviceKey: DeviceKeyState?) : Startup
}

/**
 * The app's objects, built by hand once per process: the platform glue,
 * then the core opened over the keystore home, then (per screen, in
 * Navigation.kt) the presenters over the core's ports.
 */
class AppGraph(context: Context) {

    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    /** The keystore home: the SQLite database of keys, sessions and the signature log. */
    private val keystoreHome = File(context.filesDir, KEYSTORE_DIR)

    private val appContext = context.applicationContext

    val deviceBinding = AndroidKeystoreDeviceBinding(context)

    /** Attests a fresh hardware key for each certificate pickup. */
    private val attestor = AndroidKeyAttestor(KeyAttestation(context))

    // TODO: link the vendor push SDKs in release builds and pass their
    // clients here. Until then every phone gets NoPushProvider, and the app
    // pulls the hall state on resume.
    val push: PushProvider = PushProviders.choose(VendorPushClients())

    private val startup = MutableStateFlow<Startup>(Startup.Opening)

    /** The keystore's state; screens wait for [Startup.Ready]. */
    val state: StateFlow<Startup> = startup.asStateFlow()

    private val pulls = MutableStateFlow(0)

    /** Fills the 消息 inbox from the hall while the app is in the foreground. */
    @Volatile
    private var feeder: InboxFeeder? = null

    /**
     * Counts the requests to pull the hall state again: one each time the
     * app comes to the foreground and one for each push hint. The shown
     * screens reload on each.
     */
    val pullCount: StateFlow<Int> = pulls.asStateFlow()

    init {
        open()
        // A hint only signals a change; the pull fetches the new state.
        scope.launch {
            push.hints().collect {
                pulls.update { it + 1 }
                feeder?.resume()
            }
        }
    }

    /** Called from `MainActivity.onResume`: retries a failed open, and triggers a hall pull. */
    fun onForeground() {
        if (startup.value is Startup.Failed) open()
        pulls.update { it + 1 }
        feeder?.resume()
    }

    /** Called from `MainActivity.onStop`: the hall watches of the inbox stop until the next resume. */
    fun onBackground() {
        feeder?.pause()
    }

    /**
     * Deletes the keystore home and the hardware key, then opens a new, empty
     * keystore. Only when the hardware key is lost for good: every key in
     * that home is unusable then, and the user must have the certificates
     * issued again anyway. Does nothing in any other state.
     */
    fun startOver() {
        val failed = startup.value as? Startup.Failed ?: return
        if (failed.deviceKey != DeviceKeyState.MISSING && failed.deviceKey != DeviceKeyState.INVALIDATED) return

        startup.value = Startup.Opening
        scope.launch {
            keystoreHome.deleteRecursively()
            try {
                deviceBinding.deleteKey()
            } catch (e: PalmbidException) {
                // A key that cannot be deleted is replaced at the next seal.
                Log.w(TAG, "old device key not deleted: ${e.javaClass.simpleName}")
            }
            open()
        }
    }

    /** Notifications of the current keystore's inbox; replaced when the keystore is opened again. */
    private var notifying: Job? = null

    private fun startFeeding(services: PalmbidServices) {
        notifying?.cancel()
        feeder?.pause()
        notifying = Notifier(appContext, services).start(scope)
        feeder = InboxFeeder(scope, services.hall, services.certificates, services.settings, services.inbox)
            .also { it.resume() }
    }

    private fun open() {
        startup.value = Startup.Opening
        scope.launch {
            startup.value = try {
                keystoreHome.mkdirs()
                // The core declares its own binding interface so that no
                // generated type appears in its API; this adapter passes
                // the Keystore-backed one through.
                val binding = object : palmbid.app.core.DeviceBinding {
                    override fun seal(secret: ByteArray): ByteArray = deviceBinding.seal(secret)

                    override fun unseal(sealed: ByteArray): ByteArray = deviceBinding.unseal(sealed)
                }
                val core = PalmbidCore.open(keystoreHome.toPath(), binding, attestor)
                startFeeding(core.services)
                Startup.Ready(core.services)
            } catch (failure: PalmbidFailure) {
                // A failure Keystore did not explain (device.unavailable)
                // may still be a key lost for good: the key's own state
                // decides what the screen offers.
                val deviceKey = when (failure.kind) {
                    FailureKind.DEVICE_KEY_LOST, FailureKind.DEVICE_UNAVAILABLE -> deviceBinding.keyState()
                    else -> null
                }
                Startup.Failed(failure, deviceKey)
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                // A bug rather than a refusal; shown, not crashed on.
                Startup.Failed(
                    PalmbidFailure(
                        CODE_STARTUP,
                        "无法打开证书库（${e.javaClass.simpleName}）；请重启应用，仍失败请联系客服",
                        "cannot open the keystore (${e.javaClass.simpleName}); restart the app, and contact support if it fails again",
                        e,
                    ),
                    deviceKey = null,
                )
            }
        }
    }

    private companion object {
        const val TAG = "palmbid.app"

        /** Code of an unexpected exception while opening the keystore. */
        const val CODE_STARTUP = "app.startup_failed"

        /** Excluded from backup and device transfer in res/xml/data_extraction_rules.xml. */
        const val KEYSTORE_DIR = "keystore"
    }
}
