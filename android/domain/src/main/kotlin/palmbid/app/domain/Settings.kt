package palmbid.app.domain

import kotlinx.coroutines.flow.Flow

/** Which hall events may raise a system notification. */
data class NotificationSettings(
    val openingReminders: Boolean = true,
    val phaseChanges: Boolean = true,
    val challengeAnswers: Boolean = true,
    val roundsAndDraws: Boolean = true,
)

/** The app's own settings; no secret is ever stored here. */
data class AppSettings(
    /** Null follows the system language (Chinese unless the system is English). */
    val language: Language? = null,
    val notifications: NotificationSettings = NotificationSettings(),
    /** The platform the home screen acts on, by name. */
    val currentPlatform: String? = null,
)

interface SettingsStore {
    val settings: Flow<AppSettings>

    suspend fun update(change: (AppSettings) -> AppSettings)
}
