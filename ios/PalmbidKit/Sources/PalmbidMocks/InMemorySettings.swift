import Foundation
import PalmbidCore

/// Settings in memory, with the production defaults.
public final class InMemorySettings: SettingsStore, @unchecked Sendable {
    // Every property goes through `values`.
    private let values = Locked(Values())

    private struct Values {
        var language: AppLanguage?
        var notificationsEnabled = true
        var biometricUnlock = false
    }

    public init() {}

    public var language: AppLanguage? {
        get { values.with { $0.language } }
        set { values.with { $0.language = newValue } }
    }

    public var notificationsEnabled: Bool {
        get { values.with { $0.notificationsEnabled } }
        set { values.with { $0.notificationsEnabled = newValue } }
    }

    public var biometricUnlock: Bool {
        get { values.with { $0.biometricUnlock } }
        set { values.with { $0.biometricUnlock = newValue } }
    }
}
