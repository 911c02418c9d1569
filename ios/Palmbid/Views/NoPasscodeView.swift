import SwiftUI

/// Shown instead of everything else when the device has no passcode: the
/// Secure Enclave key that binds the certificate to this phone can only
/// exist under a passcode, so the app cannot hold a certificate.
@MainActor
struct NoPasscodeView: View {
    @EnvironmentObject private var app: AppModel

    var body: some View {
        VStack(spacing: 20) {
            Image(systemName: "lock.open.trianglebadge.exclamationmark")
                .font(.system(size: 56))
            Text(String(localized: "passcode_title"))
                .font(.title2.bold())
            Text(String(localized: "passcode_explanation"))
                .multilineTextAlignment(.center)
            Button(String(localized: "common_retry")) {
                Task { await app.retryAfterPasscode() }
            }
            .buttonStyle(.borderedProminent)
        }
        .padding(32)
    }
}
