package palmbid.app.presentation.settings

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import palmbid.app.domain.AccountService
import palmbid.app.domain.AppSettings
import palmbid.app.domain.SettingsStore
import palmbid.app.presentation.common.attempt

/**
 * 设置: language, notifications and the current platform as the store
 * keeps them; adding a platform (the core fetches and pins its anchor) and
 * removing one after the user confirms.
 */
class SettingsPresenter(
    private val scope: CoroutineScope,
    private val settings: SettingsStore,
    private val accounts: AccountService,
) {
    private val mutable = MutableStateFlow(SettingsState())
    val state: StateFlow<SettingsState> = mutable.asStateFlow()

    init {
        scope.launch { settings.settings.collect { s -> mutable.update { it.copy(settings = s) } } }
        loadPlatforms()
    }

    fun onEvent(event: SettingsEvent) {
        when (event) {
            is SettingsEvent.LanguageChosen -> change { it.copy(language = event.language) }
            is SettingsEvent.NotificationsChanged -> change { it.copy(notifications = event.notifications) }
            is SettingsEvent.CurrentPlatformChosen -> change { it.copy(currentPlatform = event.platform) }
            is SettingsEvent.NewPlatformNameChanged -> mutable.update { it.copy(newPlatformName = event.name) }
            is SettingsEvent.NewPlatformUrlChanged -> mutable.update { it.copy(newPlatformUrl = event.url.trim()) }
            SettingsEvent.AddPlatform -> addPlatform()
            is SettingsEvent.RemovePlatform -> mutable.update { it.copy(confirmRemove = event.platform, error = null) }
            SettingsEvent.CancelRemove -> mutable.update { it.copy(confirmRemove = null) }
            SettingsEvent.ConfirmRemove -> removePlatform()
            SettingsEvent.Retry -> loadPlatforms()
            SettingsEvent.Back -> Unit
        }
    }

    private fun change(body: (AppSettings) -> AppSettings) {
        scope.launch { attempt({ e -> mutable.update { it.copy(error = e) } }) { settings.update(body) } }
    }

    private fun loadPlatforms() {
        mutable.update { it.copy(loading = true, error = null) }
        scope.launch {
            attempt({ e -> mutable.update { it.copy(loading = false, busy = false, error = e) } }) {
                val platforms = accounts.platforms()
                mutable.update { it.copy(loading = false, busy = false, platforms = platforms) }
            }
        }
    }

    private fun addPlatform() {
        val now = mutable.value
        if (!now.canAddPlatform) return
        mutable.update { it.copy(busy = true, error = null) }
        scope.launch {
            attempt({ e -> mutable.update { it.copy(busy = false, error = e) } }) {
                val added = accounts.addPlatform(now.newPlatformName.trim(), now.newPlatformUrl)
                // The first platform becomes the current one.
                settings.update { if (it.currentPlatform == null) it.copy(currentPlatform = added.name) else it }
                mutable.update { it.copy(newPlatformName = "", newPlatformUrl = "") }
                loadPlatforms()
            }
        }
    }

    private fun removePlatform() {
        val platform = mutable.value.confirmRemove ?: return
        mutable.update { it.copy(confirmRemove = null, busy = true, error = null) }
        scope.launch {
            attempt({ e -> mutable.update { it.copy(busy = false, error = e) } }) {
                accounts.removePlatform(platform)
                settings.update { if (it.currentPlatform == platform) it.copy(currentPlatform = null) else it }
                loadPlatforms()
            }
        }
    }
}
