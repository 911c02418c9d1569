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
            if !state.loading && state.entries.isEmpty && state.error == nil {
                Text(String(localized: "signature_log_empty"))
                    .foregroundStyle(.secondary)
            }
            ForEach(state.entries) { entry in
                VStack(alignment: .leading, spacing: 4) {
                    Text(entry.what).font(.headline)
                    Text(entry.requester)
                    Text(Formats.dateTime(entry.signedAt))
                        .font(.footnote)
                    Text(Formats.format(String(localized: "certificate_serial"), entry.certificateSerial))
                        .font(.caption.monospaced())
                        .foregroundStyle(.secondary)
                }
            }
        }
        .overlay { if state.loading { ProgressView() } }
        .navigationTitle(String(localized: "signature_log_title"))
        .errorBanner(state.error) { screen.send(.dismissError) }
        .onAppear { screen.send(.appeared) }
    }
}
