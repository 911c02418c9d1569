import Foundation
import PalmbidBindings

/// The library opened on the app's keystore home: one object that hands out
/// every live service. Keep one for the app's lifetime.
public final class LiveServices: Sendable {
    let keystore: Keystore
    let account: Account

    public let certificates: CertificateStore
    public let accounts: AccountService
    public let pickup: PickupService
    public let qr: QrService
    public let hall: HallService
    public let guarantees: GuaranteeService
    public let signatureLog: SignatureLog

    private init(keystore: Keystore, account: Account) {
        self.keystore = keystore
        self.account = account
        certificates = LiveCertificateStore(keystore: keystore, account: account)
        accounts = LiveAccountService(account: account)
        pickup = LivePickupService(account: account)
        qr = LiveQrService(account: account)
        hall = LiveHallService(account: account)
        guarantees = LiveGuaranteeService(account: account)
        signatureLog = LiveSignatureLog(keystore: keystore)
    }

    /// Opens (creating on first use) the keystore in `home` with the
    /// production PIN cost, and the accounts stored with it.
    ///
    /// It opens SQLite, so call it off the main thread; the device secret is
    /// first unsealed when a PIN is used.
    public static func open(home: URL, sealer: DeviceSecretSealer) async throws -> LiveServices {
        try await bridged {
            let keystore = try await Keystore.open(home: home.path, binding: DeviceBindingAdapter(sealer))
            let account = try await Account.open(keystore: keystore)
            return LiveServices(keystore: keystore, account: account)
        }
    }
}

final class LiveCertificateStore: CertificateStore {
    private let keystore: Keystore
    /// The seals are stored with the account's pickups, not in the keystore.
    private let account: Account

    init(keystore: Keystore, account: Account) {
        self.keystore = keystore
        self.account = account
    }

    func certificates() async throws -> [CertificateSummary] {
        try await bridged { try await keystore.certificates().map(CertificateSummary.init) }
    }

    func pinState(credentialId: String) async throws -> PinState {
        try await bridged {
            let status = try await keystore.pinStatus(credentialId: credentialId)
            return PinState(triesLeft: Int(status.triesLeft), locked: status.locked)
        }
    }

    func changePin(credentialId: String, oldPin: String, newPin: String) async throws {
        try await bridged { try await keystore.changePin(credentialId: credentialId, oldPin: oldPin, newPin: newPin) }
    }

    func deleteCredential(credentialId: String) async throws {
        try await bridged { try await keystore.deleteCredential(credentialId: credentialId) }
    }

    func renewalNotices() async throws -> [RenewalNotice] {
        try await bridged {
            try await keystore.renewalWarnings().map { warning in
                RenewalNotice(
                    credentialId: warning.credentialId,
                    bids: warning.bids.count,
                    lastDeadline: warning.bids.map(\.deadlineUnix).max().map(Date.init(unix:))
                )
            }
        }
    }

    func seals() async throws -> [CredentialSeals] {
        try await bridged {
            try await account.seals().map { held in
                CredentialSeals(
                    platform: held.platform,
                    credentialId: held.credentialId,
                    seals: held.seals.map { SealPicture(type: SealType($0.kind), png: $0.png) }
                )
            }
        }
    }
}

final class LiveAccountService: AccountService {
    private let account: Account

    init(account: Account) {
        self.account = account
    }

    func platforms() async throws -> [PlatformSummary] {
        try await bridged { try await account.platforms().map { PlatformSummary(name: $0.name, baseUrl: $0.baseUrl) } }
    }

    func addPlatform(name: String, baseUrl: String) async throws -> PlatformSummary {
        try await bridged {
            let added = try await account.addPlatform(name: name, baseUrl: baseUrl)
            return PlatformSummary(name: added.name, baseUrl: added.baseUrl)
        }
    }

    func removePlatform(name: String) async throws {
        try await bridged { try await account.removePlatform(platform: name) }
    }

    func requestLoginCode(platform: String, phone: String) async throws -> LoginCodeSent {
        try await bridged {
            let sent = try await account.requestLoginCode(platform: platform, phone: phone)
            return LoginCodeSent(
                expiresAt: Date(unix: sent.expiresAtUnix),
                resendAfter: Date(unix: sent.resendAfterUnix),
                terms: TermsVersions(agreement: sent.terms.agreementVersion, privacy: sent.terms.privacyVersion)
            )
        }
    }

    func login(platform: String, phone: String, code: String, terms: TermsVersions) async throws -> SessionSummary {
        try await bridged {
            let consented = Terms(agreementVersion: terms.agreement, privacyVersion: terms.privacy)
            let session = try await account.login(platform: platform, phone: phone, code: code, terms: consented)
            return SessionSummary(platform: session.platform, phone: session.phone, expiresAt: Date(unix: session.expiresAtUnix))
        }
    }

    func session(platform: String) async throws -> SessionSummary? {
        try await bridged {
            try await account.session(platform: platform).map {
                SessionSummary(platform: $0.platform, phone: $0.phone, expiresAt: Date(unix: $0.expiresAtUnix))
            }
        }
    }

    func logout(platform: String) async throws {
        // An already ended session is the outcome the user wanted too.
        _ = try await bridged { try await account.logout(platform: platform) }
    }

    func requestIdentityCode(platform: String) async throws -> IdentityChallenge {
        try await bridged {
            let code = try await account.requestIdentityCode(platform: platform)
            return IdentityChallenge(code: code.code, expiresAt: Date(unix: code.expiresAtUnix))
        }
    }

    func identityStatus(platform: String) async throws -> IdentityProgress {
        try await bridged { IdentityProgress(try await account.identityStatus(platform: platform)) }
    }

    func submitIdentity(
        platform: String, name: String, idNumber: String, code: String, video: Data
    ) async throws -> IdentityProgress {
        try await bridged {
            IdentityProgress(
                try await account.submitIdentity(platform: platform, name: name, idNumber: idNumber, code: code, video: video)
            )
        }
    }
}

final class LivePickupService: PickupService {
    private let account: Account

    init(account: Account) {
        self.account = account
    }

    func pickUp(_ order: PickupOrder, newPin: String) async throws {
        _ = try await bridged { try await account.pickUp(scanned: order.bindingValue, newPin: newPin) }
    }

    func download(platform: String, pickupId: String, pin: String) async throws -> DownloadedCertificates {
        try await bridged {
            let downloaded = try await account.download(platform: platform, pickupId: pickupId, pin: pin)
            return DownloadedCertificates(
                company: downloaded.company,
                creditCode: downloaded.creditCode,
                certificates: downloaded.certificates.map(CertificateSummary.init)
            )
        }
    }
}
