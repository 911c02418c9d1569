import PalmbidCore
import PalmbidPresentation
import SwiftUI
import UIKit

/// 扫一扫: the camera, and where a code leads. A code from a universal link
/// is handled the same way.
@MainActor
struct ScanView: View {
    @StateObject private var screen: Observed<ScanViewModel>
    @EnvironmentObject private var app: AppModel

    init(model: @autoclosure @escaping () -> ScanViewModel) {
        _screen = StateObject(wrappedValue: Observed(model()))
    }

    private var state: ScanState { screen.state }

    var body: some View {
        ZStack(alignment: .bottom) {
            if state.cameraDenied {
                VStack(spacing: 16) {
                    Text(String(localized: "scan_permission_title"))
                        .font(.headline)
                    Text(String(localized: "scan_permission_text"))
                        .multilineTextAlignment(.center)
                    Button(String(localized: "scan_permission_grant")) {
                        if let url = URL(string: UIApplication.openSettingsURLString) {
                            UIApplication.shared.open(url)
                        }
                    }
                }
                .padding()
            } else {
                QrScannerView(
                    active: state.scanning,
                    onCode: { screen.send(.codeRead($0)) },
                    onDenied: { screen.send(.cameraDenied) }
                )
                .ignoresSafeArea()
                VStack(spacing: 6) {
                    Text(String(localized: "scan_hint"))
                    Text(String(localized: "scan_trust_hint"))
                        .font(.footnote)
                }
                .multilineTextAlignment(.center)
                .padding()
                .background(.thinMaterial, in: RoundedRectangle(cornerRadius: 12))
                .padding(.bottom, 40)
            }
            if state.handling {
                ProgressView(String(localized: "scan_checking"))
                    .padding()
                    .background(.regularMaterial, in: RoundedRectangle(cornerRadius: 12))
            }
        }
        .navigationTitle(String(localized: "scan_title"))
        .errorBanner(state.error) { screen.send(.resume) }
        .onAppear {
            screen.send(.resume)
            takeLinkedCode()
        }
        .onChange(of: app.linkedCode) { _ in takeLinkedCode() }
        .onChange(of: state.handling) { handling in
            guard !handling, let route = state.route else { return }
            switch route {
            case let .pickup(order):
                app.open(app.park(order))
            case let .confirm(session):
                app.open(app.park(session))
            }
        }
    }

    private func takeLinkedCode() {
        guard let code = app.linkedCode else { return }
        app.linkedCode = nil
        screen.send(.resume)
        screen.send(.codeRead(code))
    }
}
