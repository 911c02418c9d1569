import Foundation

// The ports the view models depend on. PalmbidCore implements them over the
// library (Live*.swift); PalmbidMocks implements them in memory. Every
// method throws `AppError` only.

/// The certificates on the phone and their PINs.
public protocol CertificateStore: Sendable {
    func certificates() async throws -> [CertificateSummary]
    func pinState(credentialId: String) async throws -> PinState
    /// Fails with `keystore.pin_incorrect` (one try spent) or the PIN rules'
    /// codes for a trivial new PIN.
    func changePin(credentialId: String, oldPin: String, newPin: String) async throws
    /// Fails with `keystore.key_needed_by_bids` while `renewalNotices`
    /// lists the credential.
    func deleteCredential(credentialId: String) async throws
    /// Lists the credentials whose encryption keys pending bids still need.
    func renewalNotices() async throws -> [RenewalNotice]
    /// Lists the seals issued with each credential's signing certificate.
    func seals() async throws -> [CredentialSeals]
}

/// Platforms, SMS login and the identity video check.
public protocol AccountService: Sendable {
    func platforms() async throws -> [PlatformSummary]
    func addPlatform(name: String, baseUrl: String) async throws -> PlatformSummary
    func removePlatform(name: String) async throws
    func requestLoginCode(platform: String, phone: String) async throws -> LoginCodeSent
    /// `terms` are the versions the user consented to on the login screen.
    func login(platform: String, phone: String, code: String, terms: TermsVersions) async throws -> SessionSummary
    func session(platform: String) async throws -> SessionSummary?
    func logout(platform: String) async throws
    func requestIdentityCode(platform: String) async throws -> IdentityChallenge
    func identityStatus(platform: String) async throws -> IdentityProgress
    func submitIdentity(
        platform: String, name: String, idNumber: String, code: String, video: Data
    ) async throws -> IdentityProgress
}

/// Certificate pickup and download after a pickup QR code.
public protocol PickupService: Sendable {
    /// Generates the keys under `newPin` and sends the requests; the
    /// certificates come with `download`.
    func pickUp(_ order: PickupOrder, newPin: String) async throws
    func download(platform: String, pickupId: String, pin: String) async throws -> DownloadedCertificates
}

/// The one scanner: pickup codes and requests of the portal and toolbox.
public protocol QrService: Sendable {
    /// Refuses hosts of platforms the user does not trust (`qr.unknown_host`).
    func scan(_ text: String) async throws -> ScanOutcome
}

/// The bid-opening hall.
public protocol HallService: Sendable {
    func projects(platform: String) async throws -> [HallProjectSummary]
    func details(platform: String, project: String) async throws -> HallDetails
    func bids(platform: String, project: String) async throws -> [HallBidSummary]
    /// The credential whose PIN a signed action on `project` asks for, so
    /// the PIN pad shows its tries left and biometric unlock offers the PIN
    /// kept for it: with `bid`, the one holding the key that opens that bid
    /// (`checkBid`, `releaseBid`); without, the one whose signing
    /// certificate acts for the platform now (every other signed action).
    func pinCredential(platform: String, project: String, bid: String?) async throws -> String
    func signIn(platform: String, project: String, pin: String) async throws -> HallSignInReceipt
    /// Fetches the sign-in receipt as PDF bytes.
    func receipt(platform: String, project: String) async throws -> Data
    /// Checks, without releasing anything, that this phone opens the bid.
    /// `pin` is the PIN of the credential `pinCredential` names for the bid.
    /// When that credential has no signing certificate for the platform, the
    /// call fails with `hall.signer_pin_needed` before any PIN is used. Call
    /// again with `signerPin`, the PIN of the credential `pinCredential`
    /// names without a bid.
    func checkBid(platform: String, project: String, bid: String, pin: String, signerPin: String?) async throws -> Date
    /// Releases the bid's key (解密); `pin` and `signerPin` as for `checkBid`.
    func releaseBid(platform: String, project: String, bid: String, pin: String, signerPin: String?) async throws
    func quotes(platform: String, project: String) async throws -> [HallQuoteRow]
    /// Checks, without the PIN, that confirming `amount` for `bid` can succeed
    /// now (phase, bid, the amount read); call it before showing the PIN pad.
    func checkConfirmation(platform: String, project: String, bid: String, amount: String) async throws
    func confirmQuote(platform: String, project: String, bid: String, amount: String, pin: String) async throws
    func challenges(platform: String, project: String) async throws -> [HallChallengeSummary]
    func submitChallenge(
        platform: String, project: String, text: String, attachments: [ChallengeAttachment], pin: String
    ) async throws -> HallChallengeSummary
    func rounds(platform: String, project: String) async throws -> [HallRoundSummary]
    func submitRoundQuote(
        platform: String, project: String, section: Int, round: Int, amount: String, pin: String
    ) async throws
    func draws(platform: String, project: String) async throws -> [HallDrawSummary]
    /// Contributes to the open draw; keep the ticket until the reveal.
    func contributeDraw(platform: String, project: String, pin: String) async throws -> DrawTicket
    /// Verifies a revealed draw against this phone's contribution and
    /// returns the drawn coefficient; fails with a `hall.draw_*` code for
    /// each broken promise.
    func verifyDraw(platform: String, project: String, ticket: DrawTicket) async throws -> String
    /// The project's live events, delivered on the main actor. Ending the
    /// stream (the consuming task cancelled, or the view gone) stops the
    /// watch. A refusal by the platform ends the stream after a last
    /// `.connection(false)`; `projects` then shows the reason.
    func watch(platform: String, project: String) -> AsyncStream<HallEvent>
}

/// Electronic bid guarantees (电子保函).
public protocol GuaranteeService: Sendable {
    func projects(platform: String) async throws -> [GuaranteeProjectSummary]
    func sections(platform: String, project: String) async throws -> [GuaranteeSectionSummary]
    func institutions(platform: String) async throws -> [GuaranteeInstitutionSummary]
    func status(platform: String, project: String, section: Int) async throws -> GuaranteeProgress
    /// The credential whose PIN `apply` asks for on `section` of `project`
    /// (the company's newest valid signing certificate).
    func pinCredential(platform: String, project: String, section: Int) async throws -> String
    /// Signs the application; returns the institution's page to finish it.
    func apply(
        platform: String, project: String, section: Int, institution: String, pin: String
    ) async throws -> URL
}

/// The user's settings, kept on the phone.
public protocol SettingsStore: AnyObject, Sendable {
    /// nil follows the system language.
    var language: AppLanguage? { get set }
    var notificationsEnabled: Bool { get set }
    /// Unlock with Face ID / Touch ID instead of typing the PIN; off unless
    /// the user turns it on.
    var biometricUnlock: Bool { get set }
}

/// Draw tickets kept until their draws are revealed, so a verification still
/// works after the app was closed.
public protocol DrawTicketStore: AnyObject, Sendable {
    func save(_ ticket: DrawTicket, project: String)
    func tickets(project: String) -> [DrawTicket]
}

/// The PIN kept behind Face ID or Touch ID, for biometric unlock. The app
/// uses it only while the user has turned biometric unlock on (it is off by
/// default): the PIN is then stored after one correct entry, per credential,
/// readable only after a biometric match on this device.
public protocol BiometricPinStore: Sendable {
    /// Returns whether a PIN is stored for `credentialId`, without a prompt.
    func hasPin(credentialId: String) -> Bool
    func save(pin: String, credentialId: String) throws
    /// Reads the PIN after a biometric match, showing `reason`; returns nil
    /// when none is stored or the user cancelled.
    func pin(credentialId: String, reason: String) async throws -> String?
    func remove(credentialId: String)
    func removeAll()
}

/// Every PIN entry that asked for a key on this phone, newest first.
public protocol SignatureLog: Sendable {
    /// Up to `limit` entries older than entry `before`, or the newest when
    /// `before` is nil.
    func entries(limit: Int, before: Int64?) async throws -> [SignatureEntry]
}
