import Foundation

/// Settings in `UserDefaults`. Nothing secret is kept here: no PIN, no
/// token, no certificate.
public final class UserDefaultsSettings: SettingsStore, @unchecked Sendable {
    // UserDefaults is documented as thread-safe; this class adds no state.
    private let defaults: UserDefaults

    private enum Key {
        static let language = "settings.language"
        static let notifications = "settings.notifications"
        static let biometric = "settings.biometric_unlock"
    }

    public init(defaults: UserDefaults = .standard) {
        self.defaults = defaults
    }

    public var language: AppLanguage? {
        get { defaults.string(forKey: Key.language).flatMap(AppLanguage.init(rawValue:)) }
        set { defaults.set(newValue?.rawValue, forKey: Key.language) }
    }

    /// On unless the user turned it off: the opening's alerts matter.
    public var notificationsEnabled: Bool {
        get { defaults.object(forKey: Key.notifications) as? Bool ?? true }
        set { defaults.set(newValue, forKey: Key.notifications) }
    }

    /// Off unless the user turned it on.
    public var biometricUnlock: Bool {
        get { defaults.bool(forKey: Key.biometric) }
        set { defaults.set(newValue, forKey: Key.biometric) }
    }
}
