package palmbid.app.platform

import android.app.KeyguardManager
import android.content.Context
import androidx.test.ext.junit.runners.AndroidJUnit4
import androidx.test.platform.app.InstrumentationRegistry
import java.util.UUID
import org.junit.After
import org.junit.Assert.assertArrayEquals
import org.junit.Assert.assertEquals
import org.junit.Assert.assertFalse
import org.junit.Assert.assertThrows
import org.junit.Assume.assumeFalse
import org.junit.Assume.assumeTrue
import org.junit.Test
import org.junit.runner.RunWith
import palmbid.ffi.PalmbidException

/**
 * The device binding against the phone's real Android Keystore. Most
 * tests need a secure screen lock on the test device and an unlocked
 * screen; the last one needs a device without a screen lock.
 */
@RunWith(AndroidJUnit4::class)
class AndroidKeystoreDeviceBindingTest {

    private val context: Context = InstrumentationRegistry.getInstrumentation().targetContext
    private val alias = "palmbid.test.${UUID.randomUUID()}"
    private val binding = AndroidKeystoreDeviceBinding(context, alias)
    private val secret = ByteArray(32) { it.toByte() }

    private val screenLocked: Boolean
        get() = context.getSystemService(KeyguardManager::class.java).isDeviceSecure

    @After
    fun deleteTestKey() {
        binding.deleteKey()
    }

    @Test
    fun sealUnsealRoundTrip() {
        assumeTrue(screenLocked)

        val sealed = binding.seal(secret)

        assertArrayEquals(secret, binding.unseal(sealed))
        assertEquals(1 + 12 + 32 + 16, sealed.size)
        assertEquals(1.toByte(), sealed[0])
        assertEquals(DeviceKeyState.USABLE, binding.keyState())
    }

    @Test
    fun sealUsesFreshIv() {
        assumeTrue(screenLocked)

        val first = binding.seal(secret)
        val second = binding.seal(secret)

        assertFalse(first.contentEquals(second))
        assertArrayEquals(secret, binding.unseal(first))
        assertArrayEquals(secret, binding.unseal(second))
    }

    @Test
    fun tamperedBlobRejected() {
        assumeTrue(screenLocked)
        val sealed = binding.seal(secret)
        sealed[sealed.size - 1] = (sealed[sealed.size - 1].toInt() xor 1).toByte()

        assertCode(AndroidKeystoreDeviceBinding.CODE_SEALED_DAMAGED) { binding.unseal(sealed) }
    }

    @Test
    fun unknownVersionRejected() {
        assumeTrue(screenLocked)
        val sealed = binding.seal(secret)
        sealed[0] = 2

        assertCode(AndroidKeystoreDeviceBinding.CODE_SEALED_DAMAGED) { binding.unseal(sealed) }
    }

    @Test
    fun shortBlobRejected() {
        assertCode(AndroidKeystoreDeviceBinding.CODE_SEALED_DAMAGED) { binding.unseal(ByteArray(20)) }
    }

    @Test
    fun otherKeyBlobRejected() {
        assumeTrue(screenLocked)
        val other = AndroidKeystoreDeviceBinding(context, "$alias.other")
        try {
            val sealedByOther = other.seal(secret)
            binding.seal(secret)

            assertCode(AndroidKeystoreDeviceBinding.CODE_SEALED_DAMAGED) { binding.unseal(sealedByOther) }
        } finally {
            other.deleteKey()
        }
    }

    @Test
    fun deletedKeyReportedMissing() {
        assumeTrue(screenLocked)
        val sealed = binding.seal(secret)
        binding.deleteKey()

        assertCode(AndroidKeystoreDeviceBinding.CODE_KEY_MISSING) { binding.unseal(sealed) }
        assertEquals(DeviceKeyState.MISSING, binding.keyState())
    }

    @Test
    fun wrongSecretLengthRejected() {
        assertCode(AndroidKeystoreDeviceBinding.CODE_INVALID_SECRET) { binding.seal(ByteArray(16)) }
    }

    @Test
    fun noScreenLockRejected() {
        assumeFalse(screenLocked)

        assertCode(AndroidKeystoreDeviceBinding.CODE_NO_SCREEN_LOCK) { binding.seal(secret) }
        assertEquals(DeviceKeyState.NO_SCREEN_LOCK, binding.keyState())
    }

    private fun assertCode(code: String, call: () -> Unit) {
        val error = assertThrows(PalmbidException.Failed::class.java) { call() }
        assertEquals(code, error.code)
    }
}
