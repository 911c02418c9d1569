import Foundation
import PalmbidCore

/// Biometric PIN storage in memory. `cancels` makes the next reads behave
/// as if the user dismissed the Face ID prompt.
public final class InMemoryBiometricPinStore: BiometricPinStore, @unchecked Sendable {
    // Every access goes through `pins`.
    private let pins = Locked([String: String]())
    private let cancelling = Locked(false)

    public init() {}

    public var cancels: Bool {
        get { cancelling.with { $0 } }
        set { cancelling.with { $0 = newValue } }
    }

    public func hasPin(credentialId: String) -> Bool {
        pins.with { $0[credentialId] != nil }
    }

    public func save(pin: String, credentialId: String) throws {
        pins.with { $0[credentialId] = pin }
    }

    public func pin(credentialId: String, reason: String) async throws -> String? {
        if cancels {
            return nil
        }
        return pins.with { $0[credentialId] }
    }

    public func remove(credentialId: String) {
        pins.with { $0[credentialId] = nil }
    }

    public func removeAll() {
        pins.with { $0.removeAll() }
    }
}
