package palmbid.app.presentation.hall

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import palmbid.app.domain.AccountService
import palmbid.app.domain.HallService
import palmbid.app.domain.SettingsStore
import palmbid.app.presentation.common.attempt
import palmbid.app.presentation.common.currentPlatform

/** 开标大厅: the current platform's projects, next opening first; reloads on refresh and resume. */
class HallListPresenter(
    private val scope: CoroutineScope,
    private val hall: HallService,
    private val settings: SettingsStore,
    private val accounts: AccountService,
) {
    private val mutable = MutableStateFlow(HallListState())
    val state: StateFlow<HallListState> = mutable.asStateFlow()
    private var loading: Job? = null

    init {
        load()
    }

    fun onEvent(event: HallListEvent) {
        when (event) {
            HallListEvent.Refresh, HallListEvent.Resumed -> load()
            else -> Unit
        }
    }

    private fun load() {
        loading?.cancel()
        mutable.update { it.copy(loading = true, error = null) }
        loading = scope.launch {
            attempt({ e -> mutable.update { it.copy(loading = false, error = e) } }) {
                val platform = currentPlatform(settings, accounts)
                val projects = platform?.let { hall.projects(it) }.orEmpty().sortedBy { it.openingAt }
                mutable.update { it.copy(loading = false, platform = platform, projects = projects) }
            }
        }
    }
}
