import Combine
import SwiftUI
import UIKit

/// Watches what could expose a PIN or a confirm screen: screen recording,
/// AirPlay mirroring, and the app leaving the foreground.
@MainActor
final class PrivacyGuard: ObservableObject {
    /// The screen is being recorded or mirrored; PIN and confirm screens hide.
    @Published private(set) var screenCaptured = false
    private var subscription: AnyCancellable?

    init() {
        refresh()
        // iOS 16 has UIScreen.isCaptured and this notification. On iOS 17
        // the scene's sceneCaptureState reports the same per scene, and the
        // notification still fires.
        subscription = NotificationCenter.default
            .publisher(for: UIScreen.capturedDidChangeNotification)
            .receive(on: RunLoop.main)
            .sink { [weak self] _ in self?.refresh() }
    }

    func refresh() {
        screenCaptured = Self.isCaptured()
    }

    private static func isCaptured() -> Bool {
        let scenes = UIApplication.shared.connectedScenes.compactMap { $0 as? UIWindowScene }
        if #available(iOS 17.0, *) {
            return scenes.contains { $0.traitCollection.sceneCaptureState == .active }
        }
        return scenes.contains { $0.screen.isCaptured }
    }
}

/// Hides the content while the screen is captured: a PIN pad or a confirm
/// screen must not end up in a recording or on a mirrored display.
@MainActor
struct HiddenWhileCaptured: ViewModifier {
    @EnvironmentObject private var privacy: PrivacyGuard

    @ViewBuilder
    func body(content: Content) -> some View {
        if privacy.screenCaptured {
            VStack(spacing: 12) {
                Image(systemName: "eye.slash")
                    .font(.largeTitle)
                Text(String(localized: "privacy_screen_captured"))
                    .multilineTextAlignment(.center)
            }
            .padding()
        } else {
            content
        }
    }
}

extension View {
    func hiddenWhileCaptured() -> some View {
        modifier(HiddenWhileCaptured())
    }
}

/// Placeholder that the app switcher's snapshot and onlookers see while the
/// app is inactive: the logo and no data.
@MainActor
struct PrivacyPlaceholder: View {
    var body: some View {
        ZStack {
            Color(uiColor: .systemBackground).ignoresSafeArea()
            VStack(spacing: 12) {
                Image(systemName: "checkmark.shield")
                    .font(.system(size: 56))
                Text(String(localized: "home_title"))
                    .font(.title2)
            }
        }
    }
}
