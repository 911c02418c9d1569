import PalmbidCore
import PalmbidPresentation
import SwiftUI

/// Home: the holder, then the tiles 我的证书, 扫一扫, 开标大厅, 电子保函, 消息.
@MainActor
struct HomeView: View {
    @StateObject private var screen: Observed<HomeViewModel>
    @EnvironmentObject private var app: AppModel

    init(model: @autoclosure @escaping () -> HomeViewModel) {
        _screen = StateObject(wrappedValue: Observed(model()))
    }

    private var state: HomeState { screen.state }

    var body: some View {
        List {
            Section {
                if state.loading {
                    ProgressView()
                } else if state.needsPickup {
                    VStack(alignment: .leading, spacing: 8) {
                        Text(String(localized: "home_no_certificate"))
                            .font(.headline)
                        Text(String(localized: "home_no_certificate_hint"))
                            .font(.footnote)
                            .foregroundStyle(.secondary)
                        Button(String(localized: "home_login"), action: startPickup)
                            .buttonStyle(.borderedProminent)
                    }
                } else {
                    ForEach(state.holders) { holder in
                        VStack(alignment: .leading, spacing: 4) {
                            Text(holder.subject)
                                .font(.headline)
                            Text(Formats.format(String(localized: "cert_valid_until"), Formats.date(holder.notAfter)))
                                .font(.footnote)
                                .foregroundStyle(expiring(holder) ? Color.orange : Color.secondary)
                            if let notice = state.renewalNotices.first(where: { $0.credentialId == holder.credentialId }) {
                                Label(
                                    Formats.format(
                                        String(localized: "home_renewal_warning"), Formats.date(holder.notAfter), notice.bids
                                    ),
                                    systemImage: "exclamationmark.triangle"
                                )
                                .font(.footnote)
                                .foregroundStyle(.orange)
                            }
                        }
                    }
                }
            }
            Section {
                tile(String(localized: "home_certificates"), String(localized: "home_certificates_hint"), "person.text.rectangle", .certificates)
                tile(String(localized: "home_scan"), String(localized: "home_scan_hint"), "qrcode.viewfinder", .scan)
                tile(String(localized: "home_hall"), String(localized: "home_hall_hint"), "building.columns", .hallList)
                tile(String(localized: "home_guarantees"), String(localized: "home_guarantees_hint"), "doc.text.magnifyingglass", nil)
                MessagesTile(messages: app.messages)
            }
            Section {
                tile(String(localized: "home_signature_log"), String(localized: "home_signature_log_hint"), "signature", .signatureLog)
                tile(String(localized: "home_settings"), nil, "gearshape", .settings)
            }
        }
        .navigationTitle(String(localized: "home_title"))
        .errorBanner(state.error) { screen.send(.dismissError) }
        .onAppear {
            screen.send(.appeared)
            app.onRefresh = { [weak model = screen.model] in model?.send(.refresh) }
        }
        .refreshable { screen.send(.refresh) }
    }

    private func expiring(_ certificate: CertificateSummary) -> Bool {
        state.expiringSoon.contains { $0.credentialId == certificate.credentialId }
    }

    /// Makes a tile that opens `route`. The guarantees tile (no route) first
    /// picks the platform, as guarantees belong to one.
    private func tile(_ title: String, _ hint: String?, _ icon: String, _ route: Route?) -> some View {
        Button {
            if let route {
                app.open(route)
            } else {
                openGuarantees()
            }
        } label: {
            Label {
                VStack(alignment: .leading, spacing: 2) {
                    Text(title)
                    if let hint {
                        Text(hint)
                            .font(.footnote)
                            .foregroundStyle(.secondary)
                    }
                }
            } icon: {
                Image(systemName: icon)
            }
        }
    }

    /// Starts a pickup with the SMS login on a trusted platform, or opens the
    /// settings to add a platform when there is none.
    private func startPickup() {
        Task {
            guard case let .ready(services) = app.phase,
                  let platform = try? await services.accounts.platforms().first?.name
            else {
                app.open(.settings)
                return
            }
            app.open(.smsLogin(platform: platform))
        }
    }

    private func openGuarantees() {
        Task {
            guard case let .ready(services) = app.phase,
                  let platform = try? await services.accounts.platforms().first?.name
            else {
                app.open(.settings)
                return
            }
            app.open(.guarantees(platform: platform))
        }
    }
}

/// The 消息 tile, with the count of unread hall alerts.
@MainActor
private struct MessagesTile: View {
    @ObservedObject var messages: Observed<MessagesViewModel>
    @EnvironmentObject private var app: AppModel

    var body: some View {
        Button {
            app.open(.messages)
        } label: {
            Label {
                VStack(alignment: .leading, spacing: 2) {
                    Text(String(localized: "home_messages"))
                    Text(String(localized: "home_messages_hint"))
                        .font(.footnote)
                        .foregroundStyle(.secondary)
                }
            } icon: {
                Image(systemName: "bell")
            }
            .badge(messages.state.unread)
        }
    }
}
