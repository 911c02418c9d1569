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
    public var error: AppError?

    public init(language: AppLanguage?, notificationsEnabled: Bool, biometricUnlock: Bool) {
        self.language = language
        self.notificationsEnabled = notificationsEnabled
        self.biometricUnlock = biometricUnlock
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

    public init(accounts: AccountService, settings: SettingsStore) {
        self.accounts = accounts
        self.settings = settings
        super.init(state: SettingsState(
            language: settings.language,
            notificationsEnabled: settings.notificationsEnabled,
            biometricUnlock: settings.biometricUnlock
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
            settings.biometricUnlock = on
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
