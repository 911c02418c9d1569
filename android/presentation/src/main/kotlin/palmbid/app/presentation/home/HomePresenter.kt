package palmbid.app.presentation.home

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import palmbid.app.domain.PalmbidServices
import palmbid.app.presentation.common.attempt
import palmbid.app.presentation.common.currentPlatform

/**
 * The home screen: loads the current platform, its session, the
 * credentials and renewal warnings; counts unread messages as they come.
 * Navigation events are the app's; this presenter ignores them.
 */
class HomePresenter(
    private val scope: CoroutineScope,
    private val services: PalmbidServices,
) {
    private val mutable = MutableStateFlow(HomeState())
    val state: StateFlow<HomeState> = mutable.asStateFlow()
    private var loading: Job? = null

    init {
        scope.launch {
            services.inbox.messages.collect { messages ->
                mutable.update { it.copy(unreadMessages = messages.count { m -> !m.read }) }
            }
        }
        load()
    }

    fun onEvent(event: HomeEvent) {
        when (event) {
            HomeEvent.Retry, HomeEvent.Resumed -> load()
            else -> Unit
        }
    }

    private fun load() {
        loading?.cancel()
        mutable.update { it.copy(loading = true, error = null) }
        loading = scope.launch {
            attempt({ error -> mutable.update { it.copy(loading = false, error = error) } }) {
                val platform = currentPlatform(services.settings, services.accounts)
                val session = platform?.let { services.accounts.session(it) }
                val credentials = services.certificates.credentials()
                val warnings = services.certificates.renewalWarnings()
                mutable.update {
                    it.copy(
                        loading = false,
                        platform = platform,
                        loggedInPhone = session?.phone,
                        credentials = credentials,
                        renewalWarnings = warnings,
                    )
                }
            }
        }
    }
}
