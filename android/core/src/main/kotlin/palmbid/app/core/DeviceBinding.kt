package palmbid.app.core

/**
 * The hardware key that seals the keystore's 32-byte device secret
 * (Android Keystore, StrongBox where present). The app implements it in
 * :platform; [PalmbidCore.open] hands it to the core.
 *
 * `unseal(seal(x))` must return `x` on the same phone. Both must throw once
 * the hardware key is gone (app reinstalled, device reset, lock screen
 * removed), and the core then reports `keystore.device_binding` or
 * `keystore.device_unseal` ([palmbid.app.domain.FailureKind.DEVICE_KEY_LOST]).
 * A key out of reach only for now (the phone is locked, Keystore is busy)
 * is thrown as `palmbid.ffi.PalmbidException.Failed` with code
 * `device.locked` or `device.unavailable`, which the core reports as
 * `keystore.device_unavailable` ([palmbid.app.domain.FailureKind.DEVICE_UNAVAILABLE]).
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
