import Foundation

/// Action a QR request wants the phone to take.
public enum QrAction: Equatable, Sendable {
    case login
    case sign
    case seal
    case encryptionCertificate
    case decrypt
}

/// The party showing the QR code.
public struct QrRequester: Equatable, Sendable {
    public enum Source: Equatable, Sendable {
        case portal
        case toolbox
    }

    public var source: Source
    public var name: String
    public var machine: String
    /// Network address of the desktop, as the platform saw it.
    public var address: String

    public init(source: Source, name: String, machine: String, address: String) {
        self.source = source
        self.name = name
        self.machine = machine
        self.address = address
    }
}

/// The document a request signs or decrypts.
public struct QrDocument: Equatable, Sendable {
    public var name: String
    public var sha256Hex: String
    /// Bytes.
    public var size: UInt64

    public init(name: String, sha256Hex: String, size: UInt64) {
        self.name = name
        self.sha256Hex = sha256Hex
        self.size = size
    }
}

/// Everything the confirm screen shows before the PIN pad.
public struct QrDetails: Equatable, Sendable {
    public var platform: String
    public var requestId: String
    public var action: QrAction
    public var requester: QrRequester
    public var document: QrDocument?
    public var signer: CertificateSummary
    public var encryption: CertificateSummary?
    public var seals: [SealPicture]
    /// Login only: the user picks the number the desktop shows among these.
    public var numberChoices: [Int]
    public var createdAt: Date
    public var answerBy: Date

    public init(
        platform: String, requestId: String, action: QrAction, requester: QrRequester,
        document: QrDocument?, signer: CertificateSummary, encryption: CertificateSummary?,
        seals: [SealPicture], numberChoices: [Int], createdAt: Date, answerBy: Date
    ) {
        self.platform = platform
        self.requestId = requestId
        self.action = action
        self.requester = requester
        self.document = document
        self.signer = signer
        self.encryption = encryption
        self.seals = seals
        self.numberChoices = numberChoices
        self.createdAt = createdAt
        self.answerBy = answerBy
    }
}

/// A scanned request of the portal or the toolbox, bound to this phone until
/// answered or cancelled.
public protocol QrSession: AnyObject, Sendable {
    var details: QrDetails { get }
    /// Seconds left to answer, by the platform's clock.
    func secondsLeft() -> Int
    /// Returns true when the phone's clock is more than 10 s off the
    /// platform's.
    func clockWarning() -> Bool
    /// Login only, before `answer`; a wrong number cancels the request.
    func chooseNumber(_ number: Int) async throws
    /// Signs the answer; `seal` only for the seal action.
    func answer(seal: SealType?, pin: String) async throws
    func cancel() async throws
}

/// What the scanner read.
public enum ScanOutcome: Sendable {
    case pickup(PickupOrder)
    case request(QrSession)
}
