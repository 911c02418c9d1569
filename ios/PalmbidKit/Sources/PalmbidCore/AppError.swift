import Foundation

/// Every failure the screens see: the library's stable `code`, its message in
/// both languages, and the few cases a screen draws differently.
///
/// Screens branch on `kind`, never on message text. The `code` is what a
/// support desk needs.
public struct AppError: Error, Equatable, Sendable {
    /// The cases that change what a screen shows.
    public enum Kind: Equatable, Sendable {
        /// The PIN was wrong; the PIN screen reloads the tries left.
        case wrongPin
        /// Too many wrong PINs; the certificate must be unlocked again.
        case locked
        /// The Secure Enclave key that seals the device secret is gone
        /// (app reinstalled, device restored, passcode removed); the
        /// certificate must be picked up again.
        case deviceKeyLost
        /// The Secure Enclave key is out of reach for now (the phone is
        /// locked); unlock it and retry. No PIN try was counted.
        case deviceUnavailable
        /// Not logged in to the platform, or the session ended; log in
        /// again with an SMS code.
        case loginRequired
        /// The platform could not be reached or the stream broke; retrying
        /// may help.
        case network
        /// A QR request or an SMS login code expired; start again.
        case expired
        /// Anything else: show the message.
        case other
    }

    /// Stable machine-readable code, `module.reason`, for example
    /// `keystore.pin_incorrect`.
    public let code: String
    /// The message in Simplified Chinese, shown by default.
    public let messageZh: String
    /// The same message in English.
    public let messageEn: String

    public init(code: String, messageZh: String, messageEn: String) {
        self.code = code
        self.messageZh = messageZh
        self.messageEn = messageEn
    }

    /// The case a screen branches on, derived from the code so that the two
    /// can never disagree.
    public var kind: Kind {
        switch code {
        case "keystore.pin_incorrect":
            return .wrongPin
        case "keystore.locked":
            return .locked
        case "keystore.device_binding", "keystore.device_unseal", "app.device_key_lost":
            return .deviceKeyLost
        case "keystore.device_unavailable":
            return .deviceUnavailable
        case "account.not_logged_in", "api.not_logged_in", "auth.unauthorized", "hall.not_logged_in",
             "qr.not_logged_in":
            return .loginRequired
        case "api.unreachable", "api.bad_response", "api.client", "hall.stream_lost", "app.network":
            return .network
        case "qr.expired", "qr.time_up", "auth.sms_code_expired":
            return .expired
        default:
            return .other
        }
    }

    /// Returns the message in `language`.
    public func message(_ language: AppLanguage) -> String {
        switch language {
        case .zhHans:
            return messageZh
        case .en:
            return messageEn
        }
    }
}

/// The two languages of the app's messages; Chinese first.
public enum AppLanguage: String, CaseIterable, Sendable {
    case zhHans = "zh-Hans"
    case en = "en"

    /// Picks the language of `locale`: English for English locales, and
    /// Chinese for every other, as the first users read Chinese.
    public init(locale: Locale) {
        self = locale.identifier.hasPrefix("en") ? .en : .zhHans
    }
}

extension AppError {
    /// `error` as the app's error: itself when it is one, `cancelled` for a
    /// cancelled task, `unexpected` for anything else. The core's services
    /// throw `AppError` only, so the last case is a Swift or Foundation
    /// failure in the app's own code.
    public init(_ error: Error) {
        if let appError = error as? AppError {
            self = appError
        } else if error is CancellationError {
            self = .cancelled
        } else {
            self = .unexpected
        }
    }

    /// A task was cancelled by the screen that started it (the user left).
    public static let cancelled = AppError(
        code: "app.cancelled",
        messageZh: "操作已取消。",
        messageEn: "The operation was cancelled."
    )

    /// Error for a failure the library did not produce (a Swift runtime or
    /// Foundation error). Its text may contain paths or values, so it is not
    /// shown.
    static let unexpected = AppError(
        code: "app.unexpected",
        messageZh: "发生意外错误，请重试；如仍失败请联系平台客服。",
        messageEn: "Something unexpected failed; try again, and contact the platform's support if it keeps failing."
    )
}
