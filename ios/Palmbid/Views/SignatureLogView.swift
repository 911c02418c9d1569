import PalmbidCore
import PalmbidPresentation
import SwiftUI

/// 签名记录: every signature the phone made.
@MainActor
struct SignatureLogView: View {
    @StateObject private var screen: Observed<SignatureLogViewModel>

    init(model: @autoclosure @escaping () -> SignatureLogViewModel) {
        _screen = StateObject(wrappedValue: Observed(model()))
    }

    private var state: SignatureLogState { screen.state }

    var body: some View {
        List {
            Text(String(localized: "log_hint"))
                .font(.footnote)
                .foregroundStyle(.secondary)
            if !state.loading && state.entries.isEmpty && state.error == nil {
                VStack(alignment: .leading, spacing: 4) {
                    Text(String(localized: "log_empty"))
                    Text(String(localized: "log_empty_hint"))
                        .font(.footnote)
                }
                .foregroundStyle(.secondary)
            }
            ForEach(state.entries) { entry in
                VStack(alignment: .leading, spacing: 4) {
                    Text(entry.what).font(.headline)
                    LabeledContent(String(localized: "log_counterparty"), value: entry.requester)
                    Text(Formats.dateTime(entry.signedAt))
                        .font(.footnote)
                    LabeledContent(String(localized: "cert_serial")) {
                        Text(entry.certificateSerial)
                            .font(.caption.monospaced())
                    }
                }
            }
        }
        .overlay { if state.loading { ProgressView() } }
        .navigationTitle(String(localized: "log_title"))
        .errorBanner(state.error) { screen.send(.dismissError) }
        .onAppear { screen.send(.appeared) }
    }
}
