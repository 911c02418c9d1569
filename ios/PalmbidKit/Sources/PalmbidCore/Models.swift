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

/// A signature the phone made, as the signature log lists it.
public struct SignatureEntry: Equatable, Sendable, Identifiable {
    public var id: String
    public var signedAt: Date
    /// Description of what was signed: a document name, a login, a quote
    /// confirmation.
    public var what: String
    /// The requester: the platform, portal or toolbox.
    public var requester: String
    public var certificateSerial: String

    public init(id: String, signedAt: Date, what: String, requester: String, certificateSerial: String) {
        self.id = id
        self.signedAt = signedAt
        self.what = what
        self.requester = requester
        self.certificateSerial = certificateSerial
    }
}
