package palmbid.app.core

/**
 * The hardware key that seals the keystore's 32-byte device secret
 * (Android Keystore, StrongBox where present). The app implements it in
 * :platform; [PalmbidCore.open] hands it to the core.
 *
 * `unseal(seal(x))` must return `x` on the same phone. Both must throw once
 * the hardware key is gone (app reinstalled, device reset, lock screen
 * removed), and the core then reports `keystore.device_binding`.
 */
interface DeviceBinding {
    /** Encrypts [secret]; the core stores the result. */
    fun seal(secret: ByteArray): ByteArray

    /** Decrypts what [seal] returned. */
    fun unseal(sealed: ByteArray): ByteArray
}

/** Carries the app's [DeviceBinding] into the bindings' callback interface. */
internal class ForeignDeviceBinding(private val binding: DeviceBinding) : palmbid.ffi.DeviceBinding {
    override fun seal(secret: ByteArray): ByteArray = binding.seal(secret)

    override fun unseal(sealed: ByteArray): ByteArray = binding.unseal(sealed)
}
