package palmbid.app.platform

import android.app.KeyguardManager
import android.content.Context
import android.content.pm.PackageManager
import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import android.security.keystore.UserNotAuthenticatedException
import java.io.IOException
import java.security.GeneralSecurityException
import java.security.KeyStore
import java.security.ProviderException
import java.security.UnrecoverableKeyException
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import palmbid.ffi.DeviceBinding
import palmbid.ffi.PalmbidException

/**
 * Seals the keystore's 32-byte device secret with an AES-256-GCM key held
 * by Android Keystore, so a copied keystore database opens on no other
 * phone.
 *
 * The key is generated inside the secure hardware and cannot be exported:
 * in StrongBox when the phone has one, else in the TEE. It is usable only
 * while the phone is unlocked (`setUnlockedDeviceRequired`), so a stolen,
 * locked phone cannot be made to unseal. The key is created only on a
 * phone with a secure screen lock. Keystore picks a random 12-byte IV
 * for every seal; the sealed form is
 *
 * ```
 * version (1 byte, 0x01) || IV (12 bytes) || AES-GCM ciphertext and 16-byte tag
 * ```
 *
 * with [AAD] as associated data, so a blob sealed for another purpose is
 * rejected.
 *
 * Failures are thrown as `PalmbidException.Failed` with a `device.*` code
 * ([CODE_KEY_MISSING], [CODE_KEY_INVALIDATED], ...). The core reports
 * [CODE_DEVICE_LOCKED] and [CODE_UNAVAILABLE] as
 * `keystore.device_unavailable` (unlock the phone and retry, no PIN try
 * counted), and every other code as `keystore.device_binding` (seal) or
 * `keystore.device_unseal` (unseal), which the app shows as a lost device
 * key: the user must have the certificate issued again. [keyState]
 * distinguishes a lost key from a phone that is only locked or has no
 * screen lock.
 *
 * Calls block on Keystore; palmbid makes them on its own worker threads.
 */
class AndroidKeystoreDeviceBinding(
    context: Context,
    private val alias: String = DEFAULT_ALIAS,
) : DeviceBinding {

    private val hasStrongBox =
        context.packageManager.hasSystemFeature(PackageManager.FEATURE_STRONGBOX_KEYSTORE)

    private val keyguard = context.getSystemService(KeyguardManager::class.java)

    private val lock = Any()

    override fun seal(secret: ByteArray): ByteArray {
        if (secret.size != SECRET_LENGTH) {
            throw failure(
                CODE_INVALID_SECRET,
                "设备密钥长度应为 $SECRET_LENGTH 字节，实际为 ${secret.size} 字节；请更新应用",
                "the device secret must be $SECRET_LENGTH bytes, got ${secret.size}; update the app",
            )
        }

        val cipher = guarded { encryptingCipher() }
        val iv = cipher.iv
        if (iv == null || iv.size != IV_LENGTH) {
            throw failure(
                CODE_UNAVAILABLE,
                "设备密钥库返回了 ${iv?.size ?: 0} 字节的 IV（应为 $IV_LENGTH 字节）；请重启手机后重试",
                "Android Keystore returned a ${iv?.size ?: 0}-byte IV instead of $IV_LENGTH bytes; restart the phone and try again",
            )
        }

        val sealed = guarded {
            cipher.updateAAD(AAD)
            cipher.doFinal(secret)
        }
        return byteArrayOf(FORMAT_VERSION) + iv + sealed
    }

    override fun unseal(sealed: ByteArray): ByteArray {
        if (sealed.size < HEADER_LENGTH + TAG_LENGTH) {
            throw damaged("is ${sealed.size} bytes, shorter than the ${HEADER_LENGTH + TAG_LENGTH}-byte minimum")
        }
        if (sealed[0] != FORMAT_VERSION) {
            throw damaged("has format version ${sealed[0]}, this app reads version $FORMAT_VERSION")
        }

        val key = guarded { loadKey() } ?: throw failure(
            CODE_KEY_MISSING,
            "本机的设备密钥已不存在（手机已重置或应用曾被重装）；请重新办理证书",
            "this phone's device key is gone (the phone was reset or the app reinstalled); apply for the certificate again",
        )

        val iv = sealed.copyOfRange(1, HEADER_LENGTH)
        return guarded {
            val cipher = Cipher.getInstance(TRANSFORMATION)
            cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(TAG_LENGTH * 8, iv))
            cipher.updateAAD(AAD)
            try {
                cipher.doFinal(sealed, HEADER_LENGTH, sealed.size - HEADER_LENGTH)
            } catch (e: AEADBadTagException) {
                throw damaged("does not match this phone's device key")
            }
        }
    }

    /**
     * Returns the state of the hardware key, so the app can distinguish a
     * lost key (the certificate must be issued again) from a phone that is
     * locked right now or has no screen lock. Call it off the main thread,
     * after an unseal failure.
     */
    fun keyState(): DeviceKeyState {
        if (keyguard?.isDeviceSecure != true) return DeviceKeyState.NO_SCREEN_LOCK

        return try {
            val key = loadKey() ?: return DeviceKeyState.MISSING
            Cipher.getInstance(TRANSFORMATION).init(Cipher.ENCRYPT_MODE, key)
            DeviceKeyState.USABLE
        } catch (e: KeyPermanentlyInvalidatedException) {
            DeviceKeyState.INVALIDATED
        } catch (e: UserNotAuthenticatedException) {
            DeviceKeyState.LOCKED
        } catch (e: UnrecoverableKeyException) {
            DeviceKeyState.INVALIDATED
        } catch (e: GeneralSecurityException) {
            if (isLockedFailure(e)) DeviceKeyState.LOCKED else DeviceKeyState.UNAVAILABLE
        } catch (e: ProviderException) {
            if (isLockedFailure(e)) DeviceKeyState.LOCKED else DeviceKeyState.UNAVAILABLE
        } catch (e: IOException) {
            DeviceKeyState.UNAVAILABLE
        }
    }

    /**
     * Deletes the hardware key. Call it only after deleting the keystore
     * home it sealed, when the user starts over: every key in that home
     * becomes unusable.
     *
     * @throws PalmbidException.Failed with [CODE_UNAVAILABLE] when Keystore fails.
     */
    fun deleteKey() {
        guarded {
            synchronized(lock) { keyStore().deleteEntry(alias) }
        }
    }

    /**
     * Returns a cipher ready to encrypt under the key, creating the key on
     * first use. A key invalidated by the system is replaced: sealing only
     * happens for a keystore that has no sealed secret yet, so nothing
     * depends on the old key.
     */
    private fun encryptingCipher(): Cipher = synchronized(lock) {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        try {
            cipher.init(Cipher.ENCRYPT_MODE, loadKey() ?: generateKey())
        } catch (e: KeyPermanentlyInvalidatedException) {
            keyStore().deleteEntry(alias)
            cipher.init(Cipher.ENCRYPT_MODE, generateKey())
        }
        cipher
    }

    private fun loadKey(): SecretKey? = keyStore().getKey(alias, null) as? SecretKey

    private fun generateKey(): SecretKey {
        // Without a secure screen lock an unlocked-device-required key
        // protects nothing, and Android 12 to 14 cannot even create or use
        // one, so the app requires a screen lock before the first seal.
        if (keyguard?.isDeviceSecure != true) {
            throw failure(
                CODE_NO_SCREEN_LOCK,
                "手机未设置锁屏密码；请在系统设置中设置锁屏 PIN、图案或密码后重试",
                "the phone has no screen lock; set a screen lock PIN, pattern or password in the system settings and try again",
            )
        }

        if (hasStrongBox) {
            try {
                return generateKey(strongBox = true)
            } catch (e: StrongBoxUnavailableException) {
                // Declared but not usable right now (or not for this key
                // size): the TEE still keeps the key in hardware.
            }
        }
        return generateKey(strongBox = false)
    }

    private fun generateKey(strongBox: Boolean): SecretKey {
        val spec = KeyGenParameterSpec.Builder(
            alias,
            KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT,
        )
            .setKeySize(KEY_BITS)
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            // Keystore chooses each IV, so an IV is never reused.
            .setRandomizedEncryptionRequired(true)
            .setUnlockedDeviceRequired(true)
            .setIsStrongBoxBacked(strongBox)
            .build()
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, ANDROID_KEYSTORE)
        generator.init(spec)
        return generator.generateKey()
    }

    private fun keyStore(): KeyStore = KeyStore.getInstance(ANDROID_KEYSTORE).apply { load(null) }

    /** Runs a Keystore operation, turning its exceptions into `device.*` failures. */
    private inline fun <T> guarded(operation: () -> T): T = try {
        operation()
    } catch (e: PalmbidException) {
        throw e
    } catch (e: KeyPermanentlyInvalidatedException) {
        throw failure(
            CODE_KEY_INVALIDATED,
            "本机的设备密钥已被系统作废（锁屏方式曾被关闭或更改）；请重新办理证书",
            "Android invalidated this phone's device key (the screen lock was removed or changed); apply for the certificate again",
        )
    } catch (e: UserNotAuthenticatedException) {
        throw lockedFailure()
    } catch (e: UnrecoverableKeyException) {
        // The entry exists but its key cannot be loaded any more: retrying
        // does not bring it back, so it is reported as lost, not unavailable.
        throw failure(
            CODE_KEY_INVALIDATED,
            "本机的设备密钥已无法读取（UnrecoverableKeyException）；请重新办理证书",
            "this phone's device key can no longer be loaded (UnrecoverableKeyException); apply for the certificate again",
        )
    } catch (e: GeneralSecurityException) {
        throw if (isLockedFailure(e)) lockedFailure() else keystoreFailed(e)
    } catch (e: ProviderException) {
        throw if (isLockedFailure(e)) lockedFailure() else keystoreFailed(e)
    } catch (e: IOException) {
        throw keystoreFailed(e)
    }

    private fun lockedFailure() = failure(
        CODE_DEVICE_LOCKED,
        "手机已锁屏，设备密钥暂不可用；请解锁手机后重试",
        "the phone is locked, so the device key cannot be used; unlock the phone and try again",
    )

    private fun keystoreFailed(e: Exception) = failure(
        CODE_UNAVAILABLE,
        "设备密钥库操作失败（${e.javaClass.simpleName}）；请重启手机后重试",
        "Android Keystore failed (${e.javaClass.simpleName}); restart the phone and try again",
    )

    private fun damaged(detail: String) = failure(
        CODE_SEALED_DAMAGED,
        "证书库中保存的设备密钥已损坏或不属于本机；请重新办理证书",
        "the sealed device secret $detail; it is damaged or from another phone, so apply for the certificate again",
    )

    private fun failure(code: String, zh: String, en: String) = PalmbidException.Failed(code, zh, en)

    companion object {
        /** Keystore alias of the sealing key. */
        const val DEFAULT_ALIAS = "palmbid.device-binding.v1"

        /** The input was not a 32-byte secret: a bug, never user error. */
        const val CODE_INVALID_SECRET = "device.invalid_secret"

        /** The hardware key does not exist: reset phone or reinstalled app. */
        const val CODE_KEY_MISSING = "device.key_missing"

        /** Android invalidated the key, for example when the screen lock was removed. */
        const val CODE_KEY_INVALIDATED = "device.key_invalidated"

        /** The phone has no secure screen lock, so no key is created. */
        const val CODE_NO_SCREEN_LOCK = "device.no_screen_lock"

        /** The phone is locked; unlocking it makes the key usable again. */
        const val CODE_DEVICE_LOCKED = "device.locked"

        /** The sealed blob is malformed, of an unknown version, or fails its tag. */
        const val CODE_SEALED_DAMAGED = "device.sealed_damaged"

        /** Keystore itself failed; retrying may help, so the core does not report the key as lost. */
        const val CODE_UNAVAILABLE = "device.unavailable"

        private const val ANDROID_KEYSTORE = "AndroidKeyStore"
        private const val TRANSFORMATION = "AES/GCM/NoPadding"
        private const val KEY_BITS = 256
        private const val SECRET_LENGTH = 32
        private const val FORMAT_VERSION: Byte = 1
        private const val IV_LENGTH = 12
        private const val TAG_LENGTH = 16
        private const val HEADER_LENGTH = 1 + IV_LENGTH

        /** Associated data: binds each sealed blob to this use and format. */
        private val AAD = "palmbid/device-secret/android-keystore/v1".toByteArray(Charsets.US_ASCII)
    }
}

/**
 * Returns whether Keystore refused because the phone is locked. From API 33
 * Keystore reports that as an `android.security.KeyStoreException` cause
 * whose `requiresUserAuthentication()` is true.
 */
private fun isLockedFailure(error: Throwable): Boolean {
    if (Build.VERSION.SDK_INT < Build.VERSION_CODES.TIRAMISU) return false
    var cause: Throwable? = error
    while (cause != null) {
        if (cause is android.security.KeyStoreException && cause.requiresUserAuthentication()) return true
        cause = cause.cause
    }
    return false
}

/** The state of the hardware sealing key, as [AndroidKeystoreDeviceBinding.keyState] finds it. */
enum class DeviceKeyState {
    /** The key exists and can be used now. */
    USABLE,

    /** The phone is locked; the key works again once it is unlocked. */
    LOCKED,

    /** The phone has no secure screen lock, so no key can be created or used until one is set. */
    NO_SCREEN_LOCK,

    /** No key: the phone was reset or the app reinstalled. The certificate must be issued again. */
    MISSING,

    /** Android invalidated the key (screen lock removed). The certificate must be issued again. */
    INVALIDATED,

    /** Keystore failed for another reason; retrying later may help. */
    UNAVAILABLE,
}
