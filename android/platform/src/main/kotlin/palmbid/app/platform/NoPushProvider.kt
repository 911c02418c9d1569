package palmbid.app.platform

import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.emptyFlow
import palmbid.app.domain.PushHint
import palmbid.app.domain.PushProvider

/**
 * The push provider of phones without a supported vendor channel (or
 * builds without the vendor SDKs): it never delivers, and the app pulls
 * the hall state each time it comes to the foreground instead.
 */
object NoPushProvider : PushProvider {
    override val vendor: String = "none"

    override fun isAvailable(): Boolean = false

    override fun tokens(): Flow<String> = emptyFlow()

    override fun hints(): Flow<PushHint> = emptyFlow()
}
