import Foundation
import PalmbidCore

/// Scans in memory: `codes` maps a scanned text to its outcome; any other
/// text is refused as a host of an untrusted platform.
public actor MockQrService: QrService {
    private var codes: [String: ScanOutcome]
    public private(set) var scanned: [String] = []

    public init(codes: [String: ScanOutcome] = [:]) {
        self.codes = codes
    }

    public func scan(_ text: String) async throws -> ScanOutcome {
        scanned.append(text)
        guard let outcome = codes[text] else { throw MockErrors.unknownHost }
        return outcome
    }
}

/// A request of the portal or the toolbox. The number the desktop shows is
/// `desktopNumber`; the PIN is checked against the certificate store.
public final class MockQrSession: QrSession, @unchecked Sendable {
    // Mutable parts are behind `status`.
    public let details: QrDetails
    private let desktopNumber: Int?
    private let certificates: MockCertificateStore
    private let status: Locked<Status>

    private struct Status {
        var secondsLeft: Int
        var numberMatched = false
        var answered: (seal: SealType?, at: Int)?
        var cancelled = false
    }

    public init(details: QrDetails, desktopNumber: Int? = nil, secondsLeft: Int = 180, certificates: MockCertificateStore) {
        self.details = details
        self.desktopNumber = desktopNumber
        self.certificates = certificates
        status = Locked(Status(secondsLeft: secondsLeft))
    }

    public var answered: Bool { status.with { $0.answered != nil } }
    public var answeredSeal: SealType? { status.with { $0.answered?.seal } }
    public var cancelled: Bool { status.with { $0.cancelled } }

    /// Moves the platform's clock on.
    public func elapse(_ seconds: Int) {
        status.with { $0.secondsLeft -= seconds }
    }

    public func secondsLeft() -> Int {
        status.with { $0.secondsLeft }
    }

    public func clockWarning() -> Bool {
        false
    }

    public func chooseNumber(_ number: Int) async throws {
        guard number == desktopNumber else {
            status.with { $0.cancelled = true }
            throw MockErrors.wrongNumber
        }
        status.with { $0.numberMatched = true }
    }

    public func answer(seal: SealType?, pin: String) async throws {
        let ready = status.with { !$0.cancelled && $0.answered == nil && $0.secondsLeft > 0 }
        guard ready else {
            throw AppError(code: "qr.time_up", messageZh: "请求已失效。", messageEn: "The request is no longer open.")
        }
        try await certificates.verify(credentialId: details.signer.credentialId, pin: pin)
        status.with { $0.answered = (seal: seal, at: $0.secondsLeft) }
    }

    public func cancel() async throws {
        status.with { $0.cancelled = true }
    }
}

extension QrDetails {
    /// Makes a toolbox login (number matching) signed by `signer`.
    public static func sampleLogin(signer: CertificateSummary, numbers: [Int] = [17, 42, 86]) -> QrDetails {
        QrDetails(
            platform: PlatformSummary.sample.name, requestId: "req-1", action: .login,
            requester: QrRequester(source: .toolbox, name: "投标工具箱", machine: "DESKTOP-01", address: "10.0.0.8"),
            document: nil, signer: signer, encryption: nil, seals: [], numberChoices: numbers,
            createdAt: Date(timeIntervalSince1970: 1_800_000_000),
            answerBy: Date(timeIntervalSince1970: 1_800_000_180)
        )
    }

    /// Makes a seal request for a document, with two seals to choose from.
    public static func sampleSeal(signer: CertificateSummary) -> QrDetails {
        QrDetails(
            platform: PlatformSummary.sample.name, requestId: "req-2", action: .seal,
            requester: QrRequester(source: .toolbox, name: "投标工具箱", machine: "DESKTOP-01", address: "10.0.0.8"),
            document: QrDocument(name: "投标文件.pdf", sha256Hex: String(repeating: "c", count: 64), size: 1_048_576),
            signer: signer, encryption: nil,
            seals: [SealPicture(type: .personal, png: Data()), SealPicture(type: .company, png: Data())],
            numberChoices: [],
            createdAt: Date(timeIntervalSince1970: 1_800_000_000),
            answerBy: Date(timeIntervalSince1970: 1_800_000_180)
        )
    }
}
