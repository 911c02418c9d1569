import Foundation
import PalmbidBindings

/// The app's hardware key that seals the keystore's 32-byte device secret
/// (the Secure Enclave on iOS). `unseal(seal(x)) == x` on this device, and
/// `unseal` must throw once the hardware key is gone.
public protocol DeviceSecretSealer: Sendable {
    func seal(_ secret: Data) throws -> Data
    func unseal(_ sealed: Data) throws -> Data
}

/// Hands the app's sealer to the library. An error with code
/// `device.locked` or `device.unavailable` comes back from the keystore call
/// as `keystore.device_unavailable` (`.deviceUnavailable`); anything else as
/// `keystore.device_binding` or `keystore.device_unseal` (`.deviceKeyLost`).
final class DeviceBindingAdapter: DeviceBinding, @unchecked Sendable {
    // The sealer is Sendable and this class contains nothing else, so the
    // library may call it from any of its threads.
    private let sealer: DeviceSecretSealer

    init(_ sealer: DeviceSecretSealer) {
        self.sealer = sealer
    }

    func seal(secret: Data) throws -> Data {
        try Self.passingCode { try sealer.seal(secret) }
    }

    func unseal(sealed: Data) throws -> Data {
        try Self.passingCode { try sealer.unseal(sealed) }
    }

    /// Rethrows an `AppError` as the bindings' error. The generated callback
    /// code passes on the code of a `PalmbidError` only. Any other error
    /// reaches the library as an unexpected one, reported as a lost key, so
    /// a `device.locked` would be lost on the way.
    private static func passingCode<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as AppError {
            throw PalmbidError.Failed(code: error.code, messageZh: error.messageZh, messageEn: error.messageEn)
        }
    }
}
