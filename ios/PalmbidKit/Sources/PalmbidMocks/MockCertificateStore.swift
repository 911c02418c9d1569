import Foundation
import PalmbidCore

/// Certificates and PINs in memory, with the library's PIN rules: a wrong PIN
/// costs a try, the sixth wrong one locks.
public actor MockCertificateStore: CertificateStore {
    public private(set) var stored: [CertificateSummary]
    private var pins: [String: String]
    private var failures: [String: Int] = [:]
    private var notices: [RenewalNotice] = []
    private var heldSeals: [CredentialSeals] = []
    /// When set, every call fails with it (device key lost, for example).
    public var failure: AppError?

    public static let maximumTries = 6

    public init(certificates: [CertificateSummary] = [], pins: [String: String] = [:]) {
        stored = certificates
        self.pins = pins
    }

    public func setFailure(_ error: AppError?) {
        failure = error
    }

    public func certificates() async throws -> [CertificateSummary] {
        if let failure { throw failure }
        return stored
    }

    public func pinState(credentialId: String) async throws -> PinState {
        if let failure { throw failure }
        let failed = failures[credentialId, default: 0]
        return PinState(triesLeft: max(0, Self.maximumTries - failed), locked: failed >= Self.maximumTries)
    }

    /// Checks `pin` the way the keystore does; view model tests call it from
    /// PIN operations.
    public func verify(credentialId: String, pin: String) throws {
        if let failure { throw failure }
        let failed = failures[credentialId, default: 0]
        guard failed < Self.maximumTries else { throw MockErrors.locked }
        guard pins[credentialId] == pin else {
            failures[credentialId] = failed + 1
            throw failed + 1 >= Self.maximumTries ? MockErrors.locked : MockErrors.wrongPin
        }
        failures[credentialId] = 0
    }

    public func changePin(credentialId: String, oldPin: String, newPin: String) async throws {
        try verify(credentialId: credentialId, pin: oldPin)
        pins[credentialId] = newPin
    }

    public func deleteCredential(credentialId: String) async throws {
        if let failure { throw failure }
        if notices.contains(where: { $0.credentialId == credentialId }) {
            throw AppError(
                code: "keystore.key_needed_by_bids",
                messageZh: "仍有投标文件需要此证书解密。",
                messageEn: "Bids still need this certificate to decrypt."
            )
        }
        stored.removeAll { $0.credentialId == credentialId }
        pins[credentialId] = nil
    }

    public func renewalNotices() async throws -> [RenewalNotice] {
        if let failure { throw failure }
        return notices
    }

    public func setNotices(_ notices: [RenewalNotice]) {
        self.notices = notices
    }

    public func seals() async throws -> [CredentialSeals] {
        if let failure { throw failure }
        return heldSeals.filter { held in stored.contains { $0.credentialId == held.credentialId } }
    }

    public func setSeals(_ seals: [CredentialSeals]) {
        heldSeals = seals
    }

    public func pin(of credentialId: String) -> String? {
        pins[credentialId]
    }
}

extension CertificateSummary {
    /// Makes a sample credential: its signing and encryption certificates.
    public static func samplePair(
        credentialId: String = "cred-1", subject: String = "CN=张三,O=示例建设有限公司",
        notAfter: Date = Date(timeIntervalSince1970: 1_900_000_000)
    ) -> [CertificateSummary] {
        [KeyPurpose.signing, .encryption].map { purpose in
            CertificateSummary(
                keyId: "\(credentialId)-\(purpose == .signing ? "sign" : "enc")",
                credentialId: credentialId,
                purpose: purpose,
                subject: subject,
                issuer: "CN=示例 CA",
                serialHex: purpose == .signing ? "01" : "02",
                notBefore: Date(timeIntervalSince1970: 1_700_000_000),
                notAfter: notAfter,
                fingerprint: String(repeating: purpose == .signing ? "a" : "b", count: 64)
            )
        }
    }
}
