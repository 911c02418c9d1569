package palmbid.app.platform

import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.flow.emptyFlow
import palmbid.app.domain.PushHint
import palmbid.app.domain.PushProvider

/**
 * The app's view of a vendor push SDK, implemented by the code that links
 * that SDK. Keeping the SDK behind this interface lets :platform
 * build without any vendor SDK and without reflection.
 */
interface VendorPushClient {
    /** Returns whether the vendor's push service runs on this phone. */
    fun isSupported(): Boolean

    /**
     * Registers with the vendor's push service. Calls [onToken] with the
     * token now and again whenever the vendor rotates it, and [onError]
     * when registration fails. Until [unregister], the client feeds the
     * vendor's data messages to [PushHintRelay.deliver].
     */
    fun register(onToken: (String) -> Unit, onError: (Throwable) -> Unit)

    /** Stops token callbacks; the phone may still receive pushes already sent. */
    fun unregister()
}

/**
 * A [PushProvider] over a vendor SDK's [VendorPushClient]. The vendor
 * classes below only name the vendor and document its SDK.
 */
abstract class VendorPushProvider(
    final override val vendor: String,
    private val client: VendorPushClient,
) : PushProvider {

    override fun isAvailable(): Boolean = client.isSupported()

    /** Registers while collected; ends with the registration error, if any. */
    override fun tokens(): Flow<String> {
        if (!client.isSupported()) return emptyFlow()
        return callbackFlow {
            client.register(
                onToken = { token -> trySend(token) },
                onError = { error -> close(error) },
            )
            awaitClose { client.unregister() }
        }
    }

    /** Hints the client's message receiver delivered to [PushHintRelay]. */
    override fun hints(): Flow<PushHint> = PushHintRelay.hints
}
