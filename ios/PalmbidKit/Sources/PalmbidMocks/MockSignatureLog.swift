import Foundation
import PalmbidCore

/// A signature log in memory, paged like the library's: newest first by id,
/// older than `before`. Counts the calls so tests can see no page is asked
/// past the end.
public actor MockSignatureLog: SignatureLog {
    public private(set) var stored: [SignatureEntry]
    public private(set) var calls = 0
    /// When set, the next call fails with it, then it is cleared.
    private var nextFailure: AppError?

    public init(entries: [SignatureEntry] = SignatureEntry.samples) {
        stored = entries
    }

    public func failNext(with error: AppError) {
        nextFailure = error
    }

    public func entries(limit: Int, before: Int64?) async throws -> [SignatureEntry] {
        calls += 1
        if let failure = nextFailure {
            nextFailure = nil
            throw failure
        }
        return Array(
            stored.sorted { $0.id > $1.id }
                .filter { entry in before.map { entry.id < $0 } ?? true }
                .prefix(max(0, limit))
        )
    }
}

extension SignatureEntry {
    /// Five entries, newest first: a hall sign-in, a PIN change, a QR
    /// signature, then a locked and a wrong-PIN QR login.
    public static let samples: [SignatureEntry] = [
        sample(5, minutesAgo: 5, .hallSignIn, project: "示例项目"),
        sample(4, minutesAgo: 60, .pinChange, purpose: nil),
        sample(3, minutesAgo: 180, .qrSign, requester: "投标工具箱 DESKTOP-01", document: "投标文件.pdf"),
        sample(2, minutesAgo: 1440, .qrLogin, requester: "示例交易平台门户", outcome: .locked),
        sample(1, minutesAgo: 1441, .qrLogin, requester: "示例交易平台门户", outcome: .wrongPin),
    ]

    /// Makes an entry of credential `cred-1` on 示例交易平台, `minutesAgo`
    /// before 2026-12-05 02:00 UTC.
    public static func sample(
        _ id: Int64, minutesAgo: Int, _ operation: SignatureOperation, purpose: KeyPurpose? = .signing,
        requester: String? = nil, project: String? = nil, document: String? = nil, outcome: KeyUseOutcome = .used
    ) -> SignatureEntry {
        SignatureEntry(
            id: id,
            at: Date(timeIntervalSince1970: 1_796_436_000 - Double(minutesAgo * 60)),
            operation: operation,
            credentialId: "cred-1",
            keyId: purpose.map { "cred-1-\($0 == .signing ? "sign" : "enc")" },
            purpose: purpose,
            certificateSerial: purpose.map { $0 == .signing ? "01" : "02" },
            platform: "示例交易平台",
            requester: requester,
            project: project,
            documentName: document,
            documentSha256: document.map { _ in String(repeating: "9f", count: 32) },
            outcome: outcome
        )
    }
}
