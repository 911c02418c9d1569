import PalmbidCore
import PalmbidPresentation
import SwiftUI

/// The start phases, then the navigation stack over the home screen.
@MainActor
struct RootView: View {
    @EnvironmentObject private var app: AppModel
    @Environment(\.appLanguage) private var language

    var body: some View {
        switch app.phase {
        case .starting:
            ProgressView(String(localized: "common_loading"))
        case .noPasscode:
            NoPasscodeView()
        case let .failed(error):
            VStack(spacing: 16) {
                Text(String(localized: "app_start_failed"))
                    .font(.headline)
                Text(error.message(language))
                Text(Formats.format(String(localized: "error_code"), error.code))
                    .font(.footnote.monospaced())
                    .foregroundStyle(.secondary)
            }
            .padding()
        case let .ready(services):
            NavigationStack(path: $app.path) {
                HomeView(model: HomeViewModel(certificates: services.certificates))
                    .navigationDestination(for: Route.self) { route in
                        destination(route, services: services)
                    }
            }
            .onChange(of: app.path) { _ in app.forgetUnreachable() }
        }
    }

    @ViewBuilder
    private func destination(_ route: Route, services: Services) -> some View {
        switch route {
        case .certificates:
            CertificateInfoView(model: CertificateInfoViewModel(certificates: services.certificates), services: services)
        case .scan:
            ScanView(model: ScanViewModel(qr: services.qr))
        case .hallList:
            HallListView(model: HallListViewModel(accounts: services.accounts, hall: services.hall))
        case let .hallProject(platform, project):
            HallProjectView(
                model: HallProjectViewModel(
                    platform: platform, projectId: project, hall: services.hall, tickets: services.drawTickets
                ),
                certificates: services.certificates
            )
        case let .guarantees(platform):
            GuaranteesView(
                model: GuaranteesViewModel(platform: platform, guarantees: services.guarantees),
                certificates: services.certificates
            )
        case .messages:
            MessagesView(model: app.messages)
        case .signatureLog:
            SignatureLogView(model: SignatureLogViewModel(log: services.signatureLog))
        case .settings:
            SettingsView(model: SettingsViewModel(
                accounts: services.accounts, settings: services.settings, biometrics: app.biometricHardware
            ))
        case let .smsLogin(platform):
            SmsLoginView(model: SmsLoginViewModel(platform: platform, accounts: services.accounts))
        case let .identity(platform):
            IdentityCheckView(model: IdentityCheckViewModel(platform: platform, accounts: services.accounts))
        case let .pickup(id):
            if let order = app.order(id) {
                PickupView(model: PickupViewModel(order: order, pickup: services.pickup), certificates: services.certificates)
            }
        case let .download(platform, pickupId):
            DownloadView(
                model: DownloadViewModel(platform: platform, pickupId: pickupId, pickup: services.pickup),
                certificates: services.certificates
            )
        case let .confirm(id):
            if let session = app.session(id) {
                ConfirmView(model: ConfirmViewModel(session: session), certificates: services.certificates)
            }
        }
    }
}
