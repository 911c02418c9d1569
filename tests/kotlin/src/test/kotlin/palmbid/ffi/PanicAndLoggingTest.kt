package palmbid.ffi

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** A panic in Rust and the app's logger, across the FFI. */
class PanicAndLoggingTest {
    @Test
    fun `a panic arrives as PalmbidException with code ffi_panic and the JVM lives on`() {
        val logger = CollectingLogger()
        setLogger(logger, LogLevel.INFO)

        val error = assertThrows<PalmbidException.Failed> { panicForTesting() }

        assertEquals("ffi.panic", error.code)
        assertTrue(error.messageZh.contains("内部错误"), error.messageZh)
        assertTrue(error.messageEn.contains("panic_for_testing"), error.messageEn)

        // The guard logged the panic through the app's logger.
        val logged = logger.events.single { it.target == "palmbid_ffi" }
        assertEquals(LogLevel.ERROR, logged.level)
        assertTrue(logged.message.contains("panic_for_testing"), logged.message)

        // The library still answers after the panic.
        assertThrows<PalmbidException.Failed> { panicForTesting() }
    }

    @Test
    fun `a logger that throws does not break the call that logged`() {
        setLogger(
            object : Logger {
                override fun log(level: LogLevel, target: String, message: String) {
                    throw IllegalStateException("broken app logger")
                }
            },
            LogLevel.TRACE,
        )

        val error = assertThrows<PalmbidException.Failed> { panicForTesting() }

        assertEquals("ffi.panic", error.code)
        setLogger(CollectingLogger(), LogLevel.INFO)
    }

    @Test
    fun `events below the level are not delivered`() {
        val logger = CollectingLogger()
        setLogger(logger, LogLevel.ERROR)

        assertThrows<PalmbidException.Failed> { panicForTesting() }

        assertTrue(logger.events.all { it.level == LogLevel.ERROR }, logger.events.toString())
        assertTrue(logger.events.isNotEmpty())
        setLogger(CollectingLogger(), LogLevel.INFO)
    }
}
