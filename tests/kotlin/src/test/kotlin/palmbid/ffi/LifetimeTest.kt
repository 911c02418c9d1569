package palmbid.ffi

import java.nio.file.Files
import java.nio.file.Paths
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * Native objects are freed when Kotlin closes them, and a closed object is
 * refused rather than used after free.
 */
class LifetimeTest {
    @Test
    fun `opening and closing keystores and reading records many times does not grow native memory`() = runBlocking {
        val home = tempHome().toString()
        val binding = AesGcmDeviceBinding()
        val pki = TestPki()
        val leaf = pki.pkcs12("leak", "digitalSignature", "pw")
        val credential = Keystore.openForTesting(home, binding, TEST_KDF).use {
            it.importPkcs12(leaf.pkcs12, "pw", "246810").single().credentialId
        }

        suspend fun cycle(times: Int) = repeat(times) {
            Keystore.openForTesting(home, binding, TEST_KDF).use { keystore ->
                val records = keystore.certificates()
                assertEquals(1, records.size)
                assertEquals(6u, keystore.pinStatus(credential).triesLeft)
            }
        }

        // Warm up: JIT, JNA, the runtime's threads, SQLite's first pages.
        cycle(WARM_UP)
        System.gc()
        val before = residentKib()

        cycle(ROUNDS)
        System.gc()
        val grown = residentKib() - before

        // One leaked keystore holds an SQLite connection and its caches
        // (well over 100 KiB), so a leak of every round would show as
        // hundreds of MiB; the margin covers allocator and JIT noise.
        assertTrue(grown < MARGIN_KIB, "resident memory grew by $grown KiB over $ROUNDS rounds")
    }

    @Test
    fun `a closed keystore is refused, not used after free`() = runBlocking {
        val keystore = Keystore.openForTesting(tempHome().toString(), AesGcmDeviceBinding(), TEST_KDF)
        keystore.close()

        assertThrows<IllegalStateException> { runBlocking { keystore.certificates() } }
        Unit
    }

    private fun residentKib(): Long =
        Files.readAllLines(Paths.get("/proc/self/status"))
            .first { it.startsWith("VmRSS:") }
            .split(Regex("\\s+"))[1]
            .toLong()

    private companion object {
        const val WARM_UP = 100
        const val ROUNDS = 1500
        const val MARGIN_KIB = 24L * 1024
    }
}
