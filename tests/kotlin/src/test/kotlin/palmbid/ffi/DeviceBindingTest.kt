package palmbid.ffi

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** The app's device binding failing in the ways a phone's can. */
class DeviceBindingTest {
    @Test
    fun `a binding that throws a plain exception arrives as a clear error naming it`() {
        val binding = BrokenDeviceBinding { IllegalStateException("StrongBox unavailable") }

        val error = assertThrows<PalmbidException.Failed> {
            runBlocking { Keystore.openForTesting(tempHome().toString(), binding, TEST_KDF) }
        }

        assertEquals("keystore.device_binding", error.code)
        assertTrue(error.messageEn.contains("StrongBox unavailable"), error.messageEn)
        assertTrue(error.messageZh.contains("设备密钥"), error.messageZh)
    }

    @Test
    fun `a binding that throws PalmbidException keeps the app's code in the message`() {
        val binding = BrokenDeviceBinding {
            PalmbidException.Failed("app.keystore_locked", "请先解锁手机", "unlock the phone first")
        }

        val error = assertThrows<PalmbidException.Failed> {
            runBlocking { Keystore.openForTesting(tempHome().toString(), binding, TEST_KDF) }
        }

        assertEquals("keystore.device_binding", error.code)
        assertTrue(error.messageEn.contains("app.keystore_locked"), error.messageEn)
        assertTrue(error.messageEn.contains("unlock the phone first"), error.messageEn)
    }

    @Test
    fun `a locked phone is reported as unavailable, not as a lost key`() = runBlocking {
        val home = tempHome().toString()
        val key = AesGcmDeviceBinding()
        Keystore.openForTesting(home, key, TEST_KDF).close()
        val locked = object : DeviceBinding {
            override fun seal(secret: ByteArray): ByteArray = key.seal(secret)

            override fun unseal(sealed: ByteArray): ByteArray =
                throw PalmbidException.Failed("device.locked", "手机已锁屏", "the phone is locked")
        }

        val error = assertThrows<PalmbidException.Failed> {
            runBlocking { Keystore.openForTesting(home, locked, TEST_KDF) }
        }

        assertEquals("keystore.device_unavailable", error.code)
        assertTrue(error.messageEn.contains("unlock the phone"), error.messageEn)
        assertTrue(error.messageZh.contains("解锁手机"), error.messageZh)
        // Unlocked again, the same keystore opens.
        Keystore.openForTesting(home, key, TEST_KDF).close()
    }

    @Test
    fun `a keystore copied to another device does not open there`() = runBlocking {
        val home = tempHome().toString()
        Keystore.openForTesting(home, AesGcmDeviceBinding(), TEST_KDF).close()

        // Another phone: another hardware key, so unsealing fails in GCM.
        val error = assertThrows<PalmbidException.Failed> {
            runBlocking { Keystore.openForTesting(home, AesGcmDeviceBinding(), TEST_KDF) }
        }

        assertEquals("keystore.device_unseal", error.code)
        assertTrue(error.messageEn.contains("another device"), error.messageEn)
    }

    @Test
    fun `the same device reopens its keystore through unseal`() = runBlocking {
        val home = tempHome().toString()
        val binding = AesGcmDeviceBinding()
        Keystore.openForTesting(home, binding, TEST_KDF).close()

        Keystore.openForTesting(home, binding, TEST_KDF).use { it.certificates() }

        assertEquals(1, binding.seals.get())
        assertTrue(binding.unseals.get() >= 1)
    }
}
