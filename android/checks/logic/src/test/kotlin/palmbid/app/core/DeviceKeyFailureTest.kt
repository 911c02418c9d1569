package palmbid.app.core

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import palmbid.app.domain.FailureKind
import palmbid.app.domain.PalmbidFailure
import palmbid.ffi.AesGcmDeviceBinding
import palmbid.ffi.PalmbidException
import palmbid.ffi.tempHome

/**
 * How the real library reports the hardware key failing, through the
 * app's [DeviceBinding]: a locked phone is a retry, a lost key is a
 * certificate to issue again.
 */
class DeviceKeyFailureTest {
    /** A binding over [hardware] whose unseal throws [failure] while set. */
    private class Switchable(private val hardware: AesGcmDeviceBinding) : DeviceBinding {
        @Volatile
        var failure: (() -> Exception)? = null

        override fun seal(secret: ByteArray): ByteArray = hardware.seal(secret)

        override fun unseal(sealed: ByteArray): ByteArray = failure?.let { throw it() } ?: hardware.unseal(sealed)
    }

    @Test
    fun `a locked phone is unavailable and a lost key is lost`() = runBlocking {
        val home = tempHome().resolve("phone")
        val binding = Switchable(AesGcmDeviceBinding())
        PalmbidCore.openForTesting(home, binding).close()

        binding.failure = { PalmbidException.Failed("device.locked", "手机已锁屏", "the phone is locked") }
        val locked = assertThrows<PalmbidFailure> { runBlocking { PalmbidCore.openForTesting(home, binding) } }
        assertEquals("keystore.device_unavailable", locked.code)
        assertEquals(FailureKind.DEVICE_UNAVAILABLE, locked.kind)
        assertTrue(locked.messageZh.contains("解锁手机"), locked.messageZh)

        binding.failure = { PalmbidException.Failed("device.key_missing", "设备密钥已不存在", "the device key is gone") }
        val lost = assertThrows<PalmbidFailure> { runBlocking { PalmbidCore.openForTesting(home, binding) } }
        assertEquals("keystore.device_unseal", lost.code)
        assertEquals(FailureKind.DEVICE_KEY_LOST, lost.kind)

        binding.failure = null
        PalmbidCore.openForTesting(home, binding).close()
    }
}
