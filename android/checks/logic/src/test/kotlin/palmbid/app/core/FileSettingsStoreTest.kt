package palmbid.app.core

import java.nio.file.Files
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import palmbid.app.domain.AppSettings
import palmbid.app.domain.Language
import palmbid.app.domain.NotificationSettings
import palmbid.app.domain.PalmbidFailure

class FileSettingsStoreTest {
    private val folder = Files.createTempDirectory("palmbid-settings-")
    private val file = folder.resolve("app").resolve("settings.properties")

    @Test
    fun `a change is written atomically and read back after a restart`() = runBlocking {
        val store = FileSettingsStore.open(file)
        assertEquals(AppSettings(), store.settings.value, "no file: the defaults")

        store.update {
            it.copy(
                language = Language.EN,
                currentPlatform = "示范平台=甲,乙",
                notifications = NotificationSettings(phaseChanges = false),
            )
        }
        assertEquals(listOf("settings.properties"), Files.list(file.parent).map { it.fileName.toString() }.toList(), "no temporary file is left")

        val reopened = FileSettingsStore.open(file)
        assertEquals(store.settings.value, reopened.settings.value)
        assertEquals("示范平台=甲,乙", reopened.settings.value.currentPlatform)
        assertFalse(reopened.settings.value.notifications.phaseChanges)
        assertTrue(reopened.settings.value.notifications.openingReminders)
    }

    @Test
    fun `unreadable values take their defaults`() = runBlocking {
        Files.createDirectories(file.parent)
        Files.writeString(file, "language=KLINGON\nnotifications.phase_changes=perhaps\ncurrent_platform=dev\n")
        val settings = FileSettingsStore.open(file).settings.value

        assertEquals(null, settings.language)
        assertTrue(settings.notifications.phaseChanges)
        assertEquals("dev", settings.currentPlatform)
    }

    @Test
    fun `a folder that cannot be written fails with the storage code and keeps the old settings`() = runBlocking {
        Files.createDirectories(file.parent)
        val store = FileSettingsStore.open(file)
        // A folder where the file should be: the rename over it fails.
        Files.createDirectories(file.resolve("blocker"))
        val failure = assertThrows<PalmbidFailure> { runBlocking { store.update { it.copy(language = Language.ZH_CN) } } }

        assertEquals(CODE_STORAGE, failure.code)
        assertTrue(failure.messageZh.contains("settings.properties"), failure.messageZh)
        assertEquals(AppSettings(), store.settings.value)
    }
}
