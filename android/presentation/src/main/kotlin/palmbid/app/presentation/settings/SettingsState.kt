package palmbid.app.presentation.settings

import palmbid.app.domain.AppSettings
import palmbid.app.domain.Language
import palmbid.app.domain.NotificationSettings
import palmbid.app.domain.Platform
import palmbid.app.presentation.common.ShownError

/** 设置: trusted platforms, language and notifications. */
data class SettingsState(
    val loading: Boolean = true,
    val error: ShownError? = null,
    val settings: AppSettings = AppSettings(),
    val platforms: List<Platform> = emptyList(),
    /** The add-platform form. */
    val newPlatformName: String = "",
    val newPlatformUrl: String = "",
    /** The platform whose removal awaits the user's confirmation. */
    val confirmRemove: String? = null,
    val busy: Boolean = false,
) {
    /** An address the core may try: http(s) with a host. */
    val canAddPlatform: Boolean
        get() = newPlatformName.isNotBlank() && !busy &&
            (newPlatformUrl.startsWith("https://") || newPlatformUrl.startsWith("http://")) &&
            newPlatformUrl.substringAfter("://").isNotBlank()
}

sealed interface SettingsEvent {
    /** Null follows the system language. */
    data class LanguageChosen(val language: Language?) : SettingsEvent
    data class NotificationsChanged(val notifications: NotificationSettings) : SettingsEvent
    data class CurrentPlatformChosen(val platform: String) : SettingsEvent
    data class NewPlatformNameChanged(val name: String) : SettingsEvent
    data class NewPlatformUrlChanged(val url: String) : SettingsEvent
    data object AddPlatform : SettingsEvent
    data class RemovePlatform(val platform: String) : SettingsEvent
    data object ConfirmRemove : SettingsEvent
    data object CancelRemove : SettingsEvent
    data object Retry : SettingsEvent
    data object Back : SettingsEvent
}
