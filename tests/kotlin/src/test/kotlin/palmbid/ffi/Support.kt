package palmbid.ffi

import java.nio.file.Files
import java.nio.file.Path
import java.security.MessageDigest
import java.security.SecureRandom
import java.util.concurrent.CopyOnWriteArrayList
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * A [DeviceBinding] standing in for Android Keystore: AES-256-GCM under a key
 * held by the test (the hardware key of a real phone). Sealed form:
 * 12-byte IV, then ciphertext and tag.
 */
class AesGcmDeviceBinding(
    private val key: SecretKey = newKey(),
) : DeviceBinding {
    /** Calls made, to check the keystore really went through the app. */
    val seals = java.util.concurrent.atomic.AtomicInteger()
    val unseals = java.util.concurrent.atomic.AtomicInteger()

    override fun seal(secret: ByteArray): ByteArray {
        seals.incrementAndGet()
        val iv = ByteArray(IV_BYTES).also { SecureRandom().nextBytes(it) }
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.ENCRYPT_MODE, key, GCMParameterSpec(TAG_BITS, iv))
        return iv + cipher.doFinal(secret)
    }

    override fun unseal(sealed: ByteArray): ByteArray {
        unseals.incrementAndGet()
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(TAG_BITS, sealed, 0, IV_BYTES))
        // A wrong key throws AEADBadTagException: a plain Java exception,
        // which palmbid must report as an error, not crash on.
        return cipher.doFinal(sealed, IV_BYTES, sealed.size - IV_BYTES)
    }

    companion object {
        private const val IV_BYTES = 12
        private const val TAG_BITS = 128

        fun newKey(): SecretKey = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()
    }
}

/** A [DeviceBinding] whose hardware key is gone: every call throws. */
class BrokenDeviceBinding(private val exception: () -> Exception) : DeviceBinding {
    override fun seal(secret: ByteArray): ByteArray = throw exception()

    override fun unseal(sealed: ByteArray): ByteArray = throw exception()
}

/** A [Logger] that keeps every event. */
class CollectingLogger : Logger {
    data class Event(val level: LogLevel, val target: String, val message: String)

    val events = CopyOnWriteArrayList<Event>()

    override fun log(level: LogLevel, target: String, message: String) {
        events.add(Event(level, target, message))
    }
}

/** Cheap Argon2id for tests; production opens with 64 MiB, t = 3. */
val TEST_KDF = KdfParams(mCostKib = 256u, tCost = 1u, pCost = 1u)

fun tempHome(): Path = Files.createTempDirectory("palmbid-kotlin-")

/** SHA-256 of a file's content, lower-case hex, as the core names documents. */
fun sha256Hex(file: Path): String = sha256Hex(Files.readAllBytes(file))

/** SHA-256 of [bytes], lower-case hex. */
fun sha256Hex(bytes: ByteArray): String =
    MessageDigest.getInstance("SHA-256").digest(bytes).joinToString("") { "%02x".format(it) }
