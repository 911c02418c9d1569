import Foundation

// App-owned value types. They copy what the screens need from the library's
// records, so that views and view models never see a generated type and a
// change in the bindings stops at PalmbidCore.

/// Purpose of a credential's key (Chinese PKI issues two certificates).
public enum KeyPurpose: Equatable, Sendable {
    case signing
    case encryption
}

/// One certificate held on the phone.
public struct CertificateSummary: Equatable, Sendable, Identifiable {
    public var id: String { keyId }
    public var keyId: String
    /// The credential (signing + encryption pair) the key belongs to; the PIN
    /// is per credential.
    public var credentialId: String
    public var purpose: KeyPurpose
    public var subject: String
    public var issuer: String
    public var serialHex: String
    public var notBefore: Date
    public var notAfter: Date
    /// SHA-256 of the certificate, hex.
    public var fingerprint: String

    public init(
        keyId: String, credentialId: String, purpose: KeyPurpose, subject: String, issuer: String,
        serialHex: String, notBefore: Date, notAfter: Date, fingerprint: String
    ) {
        self.keyId = keyId
        self.credentialId = credentialId
        self.purpose = purpose
        self.subject = subject
        self.issuer = issuer
        self.serialHex = serialHex
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.fingerprint = fingerprint
    }
}

/// A credential whose encryption key pending bids still need: renewing,
/// replacing or deleting it before their openings would leave those bids
/// unopenable.
public struct RenewalNotice: Equatable, Sendable {
    public var credentialId: String
    /// How many bids still need the key.
    public var bids: Int
    /// The last of those bids' opening deadlines.
    public var lastDeadline: Date?

    public init(credentialId: String, bids: Int, lastDeadline: Date?) {
        self.credentialId = credentialId
        self.bids = bids
        self.lastDeadline = lastDeadline
    }
}

/// A credential's PIN counter.
public struct PinState: Equatable, Sendable {
    public var triesLeft: Int
    public var locked: Bool

    public init(triesLeft: Int, locked: Bool) {
        self.triesLeft = triesLeft
        self.locked = locked
    }
}

/// A seal the platform issued with the certificate.
public enum SealType: Equatable, Sendable, CaseIterable {
    case personal
    case legalRepresentative
    case company
}

/// A seal and its image, for the seal choice on the confirm screen.
public struct SealPicture: Equatable, Sendable {
    public var type: SealType
    /// PNG bytes.
    public var png: Data

    public init(type: SealType, png: Data) {
        self.type = type
        self.png = png
    }
}

/// A platform the user trusts.
public struct PlatformSummary: Equatable, Sendable, Identifiable {
    public var id: String { name }
    /// The name the user gave it; every account call names the platform by it.
    public var name: String
    public var baseUrl: String

    public init(name: String, baseUrl: String) {
        self.name = name
        self.baseUrl = baseUrl
    }
}

/// The versions of the agreement and privacy policy the user consents to.
public struct TermsVersions: Equatable, Sendable {
    public var agreement: String
    public var privacy: String

    public init(agreement: String, privacy: String) {
        self.agreement = agreement
        self.privacy = privacy
    }
}

/// An SMS code was sent.
public struct LoginCodeSent: Equatable, Sendable {
    public var expiresAt: Date
    /// No new code before this time.
    public var resendAfter: Date
    public var terms: TermsVersions

    public init(expiresAt: Date, resendAfter: Date, terms: TermsVersions) {
        self.expiresAt = expiresAt
        self.resendAfter = resendAfter
        self.terms = terms
    }
}

/// A logged-in session (the token itself stays in the library).
public struct SessionSummary: Equatable, Sendable {
    public var platform: String
    public var phone: String
    public var expiresAt: Date

    public init(platform: String, phone: String, expiresAt: Date) {
        self.platform = platform
        self.phone = phone
        self.expiresAt = expiresAt
    }
}

/// Progress of the identity video check.
public enum IdentityProgress: Equatable, Sendable {
    case notSubmitted
    case pending
    case approved
    /// With the reviewer's reason, when given.
    case rejected(reason: String?)
}

/// The code the user reads aloud in the identity video.
public struct IdentityChallenge: Equatable, Sendable {
    public var code: String
    public var expiresAt: Date

    public init(code: String, expiresAt: Date) {
        self.code = code
        self.expiresAt = expiresAt
    }
}

/// Progress of a CA order.
public enum OrderProgress: Equatable, Sendable {
    case pending
    case approved
    case rejected
    case pickedUp
    case issued
}

/// A certificate order behind a pickup QR code.
public struct PickupOrder: Equatable, Sendable {
    public var platform: String
    public var pickupId: String
    public var name: String
    public var phone: String
    public var company: String
    public var creditCode: String
    public var seals: [SealType]
    public var progress: OrderProgress

    public init(
        platform: String, pickupId: String, name: String, phone: String, company: String,
        creditCode: String, seals: [SealType], progress: OrderProgress
    ) {
        self.platform = platform
        self.pickupId = pickupId
        self.name = name
        self.phone = phone
        self.company = company
        self.creditCode = creditCode
        self.seals = seals
        self.progress = progress
    }
}

/// The certificates a download installed.
public struct DownloadedCertificates: Equatable, Sendable {
    public var company: String
    public var creditCode: String
    public var certificates: [CertificateSummary]

    public init(company: String, creditCode: String, certificates: [CertificateSummary]) {
        self.company = company
        self.creditCode = creditCode
        self.certificates = certificates
    }
}

/// The purpose a PIN entry unlocked a key for, as the core records it, with
/// the same cases as Android's `SignatureOperation`.
public enum SignatureOperation: Equatable, Sendable, CaseIterable {
    case signDigest
    case signFile
    /// An envelope file opened on the phone.
    case decryptFile
    /// A content key released to a public key the app passed.
    case releaseKey
    case qrLogin
    case qrSign
    case qrSeal
    case encryptionCertificate
    case qrDecrypt
    case hallSignIn
    case hallDecrypt
    case hallCheck
    case quoteConfirmation
    case challenge
    case roundQuote
    case drawContribution
    case guaranteeApplication
    /// A certificate installed for a stored key.
    case certificateInstall
    /// A PIN change: it unlocks every key of the credential, so the entry
    /// names no key.
    case pinChange
    /// An operation a newer library records and this app does not name.
    case other
}

/// The result of one PIN entry.
public enum KeyUseOutcome: Equatable, Sendable, CaseIterable {
    /// The PIN was right and the key was used.
    case used
    /// Refused: wrong PIN.
    case wrongPin
    /// Refused: the credential was locked, or this try locked it.
    case locked
    /// The PIN was right but the key could not be used; nothing was signed.
    case failed
    /// The try was counted, but the app stopped before the result was written.
    case interrupted

    /// Whether the key was refused; such tries may be someone else's, so the
    /// log highlights them.
    public var refused: Bool { self == .wrongPin || self == .locked }
}

/// One entry of the signature log (签名记录): a PIN entry that asked for a
/// key, refused ones included. Nothing secret: no PIN, key or content.
/// Platform, requester and project stay apart, as the library gives them.
public struct SignatureEntry: Equatable, Sendable, Identifiable {
    /// Row id; the log pages back by passing the last one as `before`.
    public var id: Int64
    public var at: Date
    public var operation: SignatureOperation
    public var credentialId: String
    /// The key; nil for a PIN change, which unlocks every key of the credential.
    public var keyId: String?
    /// The key's purpose, with `keyId`.
    public var purpose: KeyPurpose?
    /// Serial of the key's certificate at the time, lowercase hex.
    public var certificateSerial: String?
    public var platform: String?
    /// The sender of a QR request: site or program, machine, address.
    public var requester: String?
    /// The project (hall or guarantee).
    public var project: String?
    public var documentName: String?
    /// SHA-256 of what was signed or decrypted, lowercase hex.
    public var documentSha256: String?
    public var outcome: KeyUseOutcome

    /// Wrong PIN or locked: highlighted, since it may be someone else's try.
    public var refused: Bool { outcome.refused }

    public init(
        id: Int64, at: Date, operation: SignatureOperation, credentialId: String, keyId: String?,
        purpose: KeyPurpose?, certificateSerial: String?, platform: String?, requester: String?,
        project: String?, documentName: String?, documentSha256: String?, outcome: KeyUseOutcome
    ) {
        self.id = id
        self.at = at
        self.operation = operation
        self.credentialId = credentialId
        self.keyId = keyId
        self.purpose = purpose
        self.certificateSerial = certificateSerial
        self.platform = platform
        self.requester = requester
        self.project = project
        self.documentName = documentName
        self.documentSha256 = documentSha256
        self.outcome = outcome
    }
}

/// The seals the CA issued with one credential's signing certificate.
public struct CredentialSeals: Equatable, Sendable {
    public var platform: String
    public var credentialId: String
    public var seals: [SealPicture]

    public init(platform: String, credentialId: String, seals: [SealPicture]) {
        self.platform = platform
        self.credentialId = credentialId
        self.seals = seals
    }
}
