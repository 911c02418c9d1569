package palmbid.app.core

import java.io.ByteArrayOutputStream
import java.nio.file.Path
import java.util.Properties
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext
import palmbid.app.domain.AppSettings
import palmbid.app.domain.Language
import palmbid.app.domain.NotificationSettings
import palmbid.app.domain.SettingsStore

/**
 * [SettingsStore] in a properties file (UTF-8 through escapes), replaced
 * atomically on every change. No secret is ever stored here. A key that is
 * missing or unreadable takes its default, so a file from an older version
 * opens.
 */
class FileSettingsStore private constructor(
    private val file: Path,
    initial: AppSettings,
) : SettingsStore {
    private val state = MutableStateFlow(initial)
    private val writing = Mutex()

    override val settings: StateFlow<AppSettings> = state.asStateFlow()

    /**
     * Applies [change] to the current settings and writes the result before
     * publishing it; changes run one at a time, so none is lost.
     *
     * @throws palmbid.app.domain.PalmbidFailure [CODE_STORAGE] when the file cannot be written.
     */
    override suspend fun update(change: (AppSettings) -> AppSettings) {
        writing.withLock {
            val next = change(state.value)
            if (next == state.value) return
            withContext(Dispatchers.IO) { writeAtomically(file, encode(next)) }
            state.value = next
        }
    }

    companion object {
        private const val LANGUAGE = "language"
        private const val CURRENT_PLATFORM = "current_platform"
        private const val OPENING_REMINDERS = "notifications.opening_reminders"
        private const val PHASE_CHANGES = "notifications.phase_changes"
        private const val CHALLENGE_ANSWERS = "notifications.challenge_answers"
        private const val ROUNDS_AND_DRAWS = "notifications.rounds_and_draws"

        /** Opens the settings kept in [file], which need not exist yet. */
        suspend fun open(file: Path): FileSettingsStore = withContext(Dispatchers.IO) {
            val bytes = readIfExists(file)
            FileSettingsStore(file, if (bytes == null) AppSettings() else decode(bytes))
        }

        internal fun encode(settings: AppSettings): ByteArray {
            val properties = Properties()
            settings.language?.let { properties.setProperty(LANGUAGE, it.name) }
            settings.currentPlatform?.let { properties.setProperty(CURRENT_PLATFORM, it) }
            with(settings.notifications) {
                properties.setProperty(OPENING_REMINDERS, openingReminders.toString())
                properties.setProperty(PHASE_CHANGES, phaseChanges.toString())
                properties.setProperty(CHALLENGE_ANSWERS, challengeAnswers.toString())
                properties.setProperty(ROUNDS_AND_DRAWS, roundsAndDraws.toString())
            }
            return ByteArrayOutputStream().also { properties.store(it, "palmbid app settings") }.toByteArray()
        }

        internal fun decode(bytes: ByteArray): AppSettings {
            val properties = Properties().apply { load(bytes.inputStream()) }
            val defaults = NotificationSettings()
            fun flag(key: String, default: Boolean) = properties.getProperty(key)?.toBooleanStrictOrNull() ?: default
            return AppSettings(
                language = properties.getProperty(LANGUAGE)?.let { name -> Language.entries.firstOrNull { it.name == name } },
                notifications = NotificationSettings(
                    openingReminders = flag(OPENING_REMINDERS, defaults.openingReminders),
                    phaseChanges = flag(PHASE_CHANGES, defaults.phaseChanges),
                    challengeAnswers = flag(CHALLENGE_ANSWERS, defaults.challengeAnswers),
                    roundsAndDraws = flag(ROUNDS_AND_DRAWS, defaults.roundsAndDraws),
                ),
                currentPlatform = properties.getProperty(CURRENT_PLATFORM),
            )
        }
    }
}
