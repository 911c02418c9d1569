import Foundation
import PalmbidCore
import PalmbidPresentation
import SwiftUI

/// The services every screen draws on, as the core's protocols.
struct Services {
    let certificates: CertificateStore
    let accounts: AccountService
    let pickup: PickupService
    let qr: QrService
    let hall: HallService
    let guarantees: GuaranteeService
    let settings: SettingsStore
    let signatureLog: SignatureLog
    let drawTickets: DrawTicketStore
}

/// Destinations of the navigation stack. Values that are not `Hashable` (a
/// scanned request) are parked in the model under an id.
enum Route: Hashable {
    case certificates
    case scan
    case hallList
    case hallProject(platform: String, project: String)
    case guarantees(platform: String)
    case messages
    case signatureLog
    case settings
    case smsLogin(platform: String)
    case identity(platform: String)
    case pickup(UUID)
    case download(platform: String, pickupId: String)
    case confirm(UUID)
}

/// The app's wiring (manual dependency injection) and navigation.
@MainActor
final class AppModel: ObservableObject {
    enum Phase {
        case starting
        /// No device passcode: the Secure Enclave key cannot exist.
        case noPasscode
        case ready(Services)
        case failed(AppError)
    }

    @Published private(set) var phase: Phase = .starting
    @Published var path: [Route] = []
    /// Bumped when the app goes to the background; PIN pads clear on it.
    @Published private(set) var backgroundCount = 0
    /// A QR text from a universal link, waiting for the scanner's handling.
    @Published var linkedCode: String?

    let settings = UserDefaultsSettings()
    /// The hall alerts of this run, shared by the home tile and the 消息
    /// screen.
    let messages: Observed<MessagesViewModel>
    private var parkedOrders: [UUID: PickupOrder] = [:]
    private var parkedSessions: [UUID: QrSession] = [:]

    init() {
        messages = Observed(MessagesViewModel())
    }

    /// The biometric PIN store while biometric unlock is on and usable; nil
    /// otherwise, so PIN pads offer only the keypad.
    var biometricPins: BiometricPinStore? {
        settings.biometricUnlock && KeychainBiometricPins.isAvailable ? KeychainBiometricPins() : nil
    }

    /// The biometric PIN store when the device has Face ID or Touch ID, for
    /// the settings toggle.
    var biometricHardware: BiometricPinStore? {
        KeychainBiometricPins.isAvailable ? KeychainBiometricPins() : nil
    }

    /// The language of the library's messages: the user's choice, else the
    /// system's.
    var language: AppLanguage {
        settings.language ?? AppLanguage(locale: .current)
    }

    func start() async {
        guard case .starting = phase else { return }
        guard SecureEnclaveSealer.passcodeIsSet else {
            phase = .noPasscode
            return
        }
        do {
            let home = try FileManager.default.url(
                for: .applicationSupportDirectory, in: .userDomainMask, appropriateFor: nil, create: true
            ).appendingPathComponent("palmbid", isDirectory: true)
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            // The keystore must not land in iCloud or iTunes backups: the
            // device secret cannot be restored anyway, and a copy only helps
            // an attacker.
            var values = URLResourceValues()
            values.isExcludedFromBackup = true
            var excluded = home
            try excluded.setResourceValues(values)

            let live = try await LiveServices.open(home: home, sealer: SecureEnclaveSealer())
            phase = .ready(Services(
                certificates: live.certificates, accounts: live.accounts, pickup: live.pickup, qr: live.qr,
                hall: live.hall, guarantees: live.guarantees, settings: settings,
                signatureLog: live.signatureLog, drawTickets: UserDefaultsDrawTickets()
            ))
        } catch {
            phase = .failed(AppError(error))
        }
    }

    /// Starts again, as the user may have set a passcode while the
    /// explanation was shown.
    func retryAfterPasscode() async {
        phase = .starting
        await start()
    }

    func enteredBackground() {
        backgroundCount += 1
    }

    func open(_ route: Route) {
        path.append(route)
    }

    func park(_ order: PickupOrder) -> Route {
        let id = UUID()
        parkedOrders[id] = order
        return .pickup(id)
    }

    func park(_ session: QrSession) -> Route {
        let id = UUID()
        parkedSessions[id] = session
        return .confirm(id)
    }

    func order(_ id: UUID) -> PickupOrder? {
        parkedOrders[id]
    }

    func session(_ id: UUID) -> QrSession? {
        parkedSessions[id]
    }

    /// Drops parked values whose screens left the stack.
    func forgetUnreachable() {
        let live = Set(path.compactMap { route -> UUID? in
            switch route {
            case let .pickup(id), let .confirm(id):
                return id
            default:
                return nil
            }
        })
        parkedOrders = parkedOrders.filter { live.contains($0.key) }
        parkedSessions = parkedSessions.filter { live.contains($0.key) }
    }

    /// Opens a universal link to a `/q/` address in the scanner, exactly as
    /// if the camera had read it.
    func handle(universalLink url: URL) {
        guard let text = UniversalLink.qrText(from: url) else { return }
        linkedCode = text
        if path.last != .scan {
            path.append(.scan)
        }
    }

    /// Pulls fresh state after a push hint or when the app becomes active.
    /// The screens on the stack reload when they appear, and the home screen
    /// reloads through `onRefresh`.
    var onRefresh: (@MainActor () -> Void)?
    func refresh() {
        onRefresh?()
    }
}

private struct AppLanguageKey: EnvironmentKey {
    static let defaultValue: AppLanguage = .zhHans
}

extension EnvironmentValues {
    /// The language of the library's error messages.
    var appLanguage: AppLanguage {
        get { self[AppLanguageKey.self] }
        set { self[AppLanguageKey.self] = newValue }
    }
}
