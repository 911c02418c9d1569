import PalmbidCore
import PalmbidPresentation
import SwiftUI

/// Download: fetch and install the issued certificates.
@MainActor
struct DownloadView: View {
    @StateObject private var screen: Observed<DownloadViewModel>
    @EnvironmentObject private var app: AppModel
    private let certificates: CertificateStore

    init(model: @autoclosure @escaping () -> DownloadViewModel, certificates: CertificateStore) {
        _screen = StateObject(wrappedValue: Observed(model()))
        self.certificates = certificates
    }

    private var state: DownloadState { screen.state }

    var body: some View {
        Form {
            if let downloaded = state.downloaded {
                Section(String(localized: "download_done")) {
                    LabeledContent(String(localized: "pickup_company"), value: downloaded.company)
                    LabeledContent(String(localized: "pickup_credit_code"), value: downloaded.creditCode)
                    ForEach(downloaded.certificates) { certificate in
                        CertificateRow(certificate: certificate)
                    }
                }
                Button(String(localized: "common_done")) { app.path.removeAll() }
            } else {
                Section {
                    Text(Formats.format(String(localized: "download_pickup_id"), state.pickupId))
                    LabeledContent(String(localized: "pickup_platform"), value: state.platform)
                    Button(String(localized: "certificates_download")) { screen.send(.start) }
                }
            }
        }
        .navigationTitle(String(localized: "download_title"))
        .errorBanner(state.error) { screen.send(.dismissError) }
        .sheet(isPresented: Binding(
            get: { state.askingPin },
            set: { shown in if !shown && state.askingPin { screen.send(.pinCancelled) } }
        )) {
            let model = screen.model
            // The PIN chosen at pickup; the credential is not installed yet,
            // so there are no tries to show.
            PinPadView(
                model: PinViewModel(
                    purpose: .enter(credentialId: nil, operation: { try await model.download(pin: $0) }),
                    certificates: certificates
                ),
                onCancel: { model.send(.pinCancelled) }
            )
        }
    }
}
