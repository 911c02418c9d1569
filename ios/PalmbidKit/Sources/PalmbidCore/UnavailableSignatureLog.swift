import Foundation

/// The signature log until the library exports it.
///
/// TODO: read the core's signature log once palmbid-ffi exports it; until
/// then the screen shows this error instead of an empty list, which would
/// wrongly suggest that nothing was signed.
public struct UnavailableSignatureLog: SignatureLog {
    public init() {}

    public func entries() async throws -> [SignatureEntry] {
        throw AppError(
            code: "app.signature_log_unavailable",
            messageZh: "此版本暂不能显示签名记录，请升级应用后查看。",
            messageEn: "This version cannot show the signature log yet; update the app to see it."
        )
    }
}
