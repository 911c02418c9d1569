import PalmbidCore
import SwiftUI

@main
struct PalmbidApp: App {
    @UIApplicationDelegateAdaptor(AppDelegate.self) private var delegate
    @StateObject private var app = AppModel()
    @StateObject private var privacy = PrivacyGuard()
    @Environment(\.scenePhase) private var scenePhase

    var body: some Scene {
        WindowGroup {
            ZStack {
                RootView()
                // Covers the screen while inactive (app switcher, control
                // centre, a call): the snapshot iOS takes shows no data.
                if scenePhase != .active {
                    PrivacyPlaceholder()
                }
            }
            .environmentObject(app)
            .environmentObject(privacy)
            .environment(\.appLanguage, app.language)
            .task {
                delegate.onHint = { [weak app] in app?.refresh() }
                await app.start()
                if app.settings.notificationsEnabled {
                    delegate.registerForHints()
                }
            }
            // Universal links for the platform's /q/ addresses; the scan is
            // handled inside the app, never handed to Safari.
            .onContinueUserActivity(NSUserActivityTypeBrowsingWeb) { activity in
                if let url = activity.webpageURL {
                    app.handle(universalLink: url)
                }
            }
            .onOpenURL { url in
                app.handle(universalLink: url)
            }
        }
        .onChange(of: scenePhase) { phase in
            switch phase {
            case .active:
                privacy.refresh()
                app.refresh()
            case .background:
                app.enteredBackground()
            default:
                break
            }
        }
    }
}
