import PalmbidCore
import SwiftUI

/// An error as every screen shows it: the library's message in the chosen
/// language, and the stable code small beneath it for support.
@MainActor
struct ErrorBanner: View {
    let error: AppError
    let onDismiss: () -> Void
    @Environment(\.appLanguage) private var language

    var body: some View {
        HStack(alignment: .top, spacing: 12) {
            Image(systemName: icon)
                .foregroundStyle(.red)
            VStack(alignment: .leading, spacing: 4) {
                Text(error.message(language))
                Text(Formats.format(String(localized: "error_code"), error.code))
                    .font(.caption2.monospaced())
                    .foregroundStyle(.secondary)
            }
            Spacer()
            Button(String(localized: "common_dismiss"), action: onDismiss)
                .font(.footnote)
        }
        .padding()
        .background(Color.red.opacity(0.08), in: RoundedRectangle(cornerRadius: 12))
        .padding(.horizontal)
    }

    private var icon: String {
        switch error.kind {
        case .network:
            return "wifi.exclamationmark"
        case .locked, .wrongPin:
            return "lock.trianglebadge.exclamationmark"
        case .deviceKeyLost:
            return "iphone.slash"
        case .deviceUnavailable:
            return "lock.iphone"
        case .loginRequired:
            return "person.crop.circle.badge.exclamationmark"
        case .expired:
            return "clock.badge.exclamationmark"
        case .other:
            return "exclamationmark.triangle"
        }
    }
}

extension View {
    /// Shows `error` above the content when set.
    func errorBanner(_ error: AppError?, dismiss: @escaping () -> Void) -> some View {
        safeAreaInset(edge: .top) {
            if let error {
                ErrorBanner(error: error, onDismiss: dismiss)
            }
        }
    }
}

enum Formats {
    static func dateTime(_ date: Date) -> String {
        date.formatted(date: .abbreviated, time: .shortened)
    }

    static func date(_ date: Date) -> String {
        date.formatted(date: .abbreviated, time: .omitted)
    }

    static func bytes(_ count: UInt64) -> String {
        ByteCountFormatter.string(fromByteCount: Int64(clamping: count), countStyle: .file)
    }

    /// Fills a localized format string with its arguments (keys with
    /// placeholders, such as `pin_tries_left`, contain `%1$lld`).
    static func format(_ template: String, _ arguments: CVarArg...) -> String {
        String(format: template, locale: Locale.current, arguments: arguments)
    }
}
