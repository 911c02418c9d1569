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
                        Button(String(localized: "home_start_pickup"), action: startPickup)
                            .buttonStyle(.borderedProminent)
                    }
                } else {
                    ForEach(state.holders) { holder in
                        VStack(alignment: .leading, spacing: 4) {
                            Text(holder.subject)
                                .font(.headline)
                            Text(Formats.format(String(localized: "home_valid_until"), Formats.date(holder.notAfter)))
                                .font(.footnote)
                                .foregroundStyle(.secondary)
                        }
                    }
                    if !state.expiringSoon.isEmpty {
                        Label(String(localized: "home_expiring_soon"), systemImage: "clock.badge.exclamationmark")
                            .foregroundStyle(.orange)
                    }
                }
            }
            Section {
                tile(String(localized: "home_my_certificates"), "person.text.rectangle", .certificates)
                tile(String(localized: "home_scan"), "qrcode.viewfinder", .scan)
                tile(String(localized: "home_hall"), "building.columns", .hallList)
                tile(String(localized: "home_guarantees"), "doc.text.magnifyingglass", nil)
                MessagesTile(messages: app.messages)
            }
            Section {
                tile(String(localized: "home_signature_log"), "signature", .signatureLog)
                tile(String(localized: "home_settings"), "gearshape", .settings)
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

    /// Makes a tile that opens `route`. The guarantees tile (no route) first
    /// picks the platform, as guarantees belong to one.
    private func tile(_ title: String, _ icon: String, _ route: Route?) -> some View {
        Button {
            if let route {
                app.open(route)
            } else {
                openGuarantees()
            }
        } label: {
            Label(title, systemImage: icon)
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
            Label(String(localized: "home_messages"), systemImage: "bell")
                .badge(messages.state.unread)
        }
    }
}
