import UIKit
import UserNotifications

/// APNs as a hint only: a push means "something changed in the hall" and
/// carries nothing else. The app pulls the real state from the platform over
/// its signed API when it becomes active or receives a hint, so a forged or
/// replayed push can neither show false data nor make the phone act.
@MainActor
final class AppDelegate: NSObject, UIApplicationDelegate {
    /// Called when a hint arrives; the app refreshes.
    var onHint: (@MainActor () -> Void)?
    /// The APNs device token, hex, once registered.
    private(set) var deviceToken: String?

    /// Requests permission (alerts for the opening's reminders) and registers
    /// with APNs. The app calls it at start when notifications are on in the
    /// settings.
    func registerForHints() {
        Task { @MainActor in
            let center = UNUserNotificationCenter.current()
            // A refusal or a failure leaves the app pulling on activation.
            guard (try? await center.requestAuthorization(options: [.alert, .sound, .badge])) == true else {
                return
            }
            UIApplication.shared.registerForRemoteNotifications()
        }
    }

    func application(_ application: UIApplication, didRegisterForRemoteNotificationsWithDeviceToken token: Data) {
        deviceToken = token.map { String(format: "%02x", $0) }.joined()
        // TODO: hand the token to the platform once palmbid-ffi exports a
        // push registration call. Until then no push arrives, and the app
        // relies on the hall's event stream and on refreshing when active.
    }

    func application(_ application: UIApplication, didFailToRegisterForRemoteNotificationsWithError error: Error) {
        // Without push the app still refreshes whenever it becomes active.
        deviceToken = nil
    }

    func application(
        _ application: UIApplication, didReceiveRemoteNotification userInfo: [AnyHashable: Any],
        fetchCompletionHandler completionHandler: @escaping (UIBackgroundFetchResult) -> Void
    ) {
        // The payload is ignored on purpose: it is only a hint to pull.
        onHint?()
        completionHandler(.newData)
    }
}
