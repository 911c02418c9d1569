import Foundation

/// The platform's QR addresses, `https://{platform host}/q/{id}`, opened as
/// universal links (another camera app scanned the code). The whole URL goes
/// to the same scan path as the in-app scanner, where the library checks the
/// host against the trusted platforms. This check only keeps other paths of
/// the associated domains out.
enum UniversalLink {
    static func qrText(from url: URL) -> String? {
        guard
            url.scheme == "https",
            url.user == nil, url.password == nil,
            url.pathComponents.count == 3, url.pathComponents[1] == "q"
        else {
            return nil
        }
        return url.absoluteString
    }
}
