package palmbid.app.platform

import android.os.Build
import palmbid.app.domain.PushProvider

/**
 * The vendor SDK clients a build links, one a vendor; null where the SDK
 * is not linked.
 */
data class VendorPushClients(
    val huawei: VendorPushClient? = null,
    val honor: VendorPushClient? = null,
    val xiaomi: VendorPushClient? = null,
    val oppo: VendorPushClient? = null,
    val vivo: VendorPushClient? = null,
)

/** Picks the push channel of this phone's maker. */
object PushProviders {

    /**
     * Returns the provider for [manufacturer] (`Build.MANUFACTURER` by
     * default), or [NoPushProvider] when the maker has no supported channel,
     * its SDK is not linked, or its push service does not run on this
     * phone (for example a Huawei phone without HMS Core).
     */
    fun choose(clients: VendorPushClients, manufacturer: String = Build.MANUFACTURER): PushProvider {
        val provider = when (manufacturer.trim().lowercase()) {
            "huawei" -> clients.huawei?.let(::HuaweiPushProvider)
            "honor" -> clients.honor?.let(::HonorPushProvider)
            "xiaomi", "redmi", "poco" -> clients.xiaomi?.let(::XiaomiPushProvider)
            "oppo", "oneplus", "realme" -> clients.oppo?.let(::OppoPushProvider)
            "vivo", "iqoo" -> clients.vivo?.let(::VivoPushProvider)
            else -> null
        }
        return provider?.takeIf { it.isAvailable() } ?: NoPushProvider
    }
}
