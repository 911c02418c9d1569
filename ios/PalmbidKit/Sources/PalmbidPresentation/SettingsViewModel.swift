import Foundation
import PalmbidCore

/// Settings: trusted platforms, language, notifications, biometric unlock.
public struct SettingsState: Equatable, Sendable {
    public var platforms: [PlatformSummary] = []
    public var newPlatformName = ""
    public var newPlatformUrl = ""
    /// nil follows the system.
    public var language: AppLanguage?
    public var notificationsEnabled: Bool
    public var biometricUnlock: Bool
    /// The device has Face ID or Touch ID, so the toggle is shown.
    public var biometricAvailable: Bool
    public var error: AppError?

    public init(language: AppLanguage?, notificationsEnabled: Bool, biometricUnlock: Bool, biometricAvailable: Bool) {
        self.language = language
        self.notificationsEnabled = notificationsEnabled
        self.biometricUnlock = biometricUnlock
        self.biometricAvailable = biometricAvailable
    }

    public var canAddPlatform: Bool {
        !newPlatformName.trimmingCharacters(in: .whitespaces).isEmpty && !newPlatformUrl.isEmpty
    }
}

public enum SettingsAction: Sendable {
    case appeared
    case newPlatformNameChanged(String)
    case newPlatformUrlChanged(String)
    case addPlatform
    case removePlatform(String)
    case languageChosen(AppLanguage?)
    case notificationsToggled(Bool)
    case biometricToggled(Bool)
    case dismissError
}

@MainActor
public final class SettingsViewModel: ScreenModel<SettingsState, SettingsAction> {
    private let accounts: AccountService
    private let settings: SettingsStore
    private let biometrics: BiometricPinStore?

    /// `biometrics` is nil on a device without Face ID or Touch ID.
    public init(accounts: AccountService, settings: SettingsStore, biometrics: BiometricPinStore? = nil) {
        self.accounts = accounts
        self.settings = settings
        self.biometrics = biometrics
        super.init(state: SettingsState(
            language: settings.language,
            notificationsEnabled: settings.notificationsEnabled,
            biometricUnlock: settings.biometricUnlock && biometrics != nil,
            biometricAvailable: biometrics != nil
        ))
    }

    public override func send(_ action: SettingsAction) {
        switch action {
        case .appeared:
            run { await self.loadPlatforms() }
        case let .newPlatformNameChanged(name):
            update { $0.newPlatformName = name }
        case let .newPlatformUrlChanged(url):
            update { $0.newPlatformUrl = url.trimmingCharacters(in: .whitespaces) }
        case .addPlatform:
            guard state.canAddPlatform else { return }
            let name = state.newPlatformName.trimmingCharacters(in: .whitespaces)
            let url = state.newPlatformUrl
            run {
                do {
                    // The library fetches the platform's root certificate and
                    // refuses anything but https (http on loopback only).
                    _ = try await self.accounts.addPlatform(name: name, baseUrl: url)
                    self.update {
                        $0.newPlatformName = ""
                        $0.newPlatformUrl = ""
                    }
                    await self.loadPlatforms()
                } catch {
                    self.update { $0.error = AppError(error) }
                }
            }
        case let .removePlatform(name):
            run {
                do {
                    try await self.accounts.removePlatform(name: name)
                    await self.loadPlatforms()
                } catch {
                    self.update { $0.error = AppError(error) }
                }
            }
        case let .languageChosen(language):
            settings.language = language
            update { $0.language = language }
        case let .notificationsToggled(on):
            settings.notificationsEnabled = on
            update { $0.notificationsEnabled = on }
        case let .biometricToggled(on):
            guard biometrics != nil else { return }
            settings.biometricUnlock = on
            // Turning it off deletes every stored PIN at once.
            if !on {
                biometrics?.removeAll()
            }
            update { $0.biometricUnlock = on }
        case .dismissError:
            update { $0.error = nil }
        }
    }

    private func loadPlatforms() async {
        do {
            let platforms = try await accounts.platforms()
            update { $0.platforms = platforms }
        } catch {
            update { $0.error = AppError(error) }
        }
    }
}
