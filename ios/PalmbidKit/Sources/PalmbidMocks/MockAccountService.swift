import Foundation
import PalmbidCore

/// Platforms, SMS login and identity check in memory. The SMS code is
/// `smsCode`; any other code is refused with the platform's code.
public actor MockAccountService: AccountService {
    public private(set) var stored: [PlatformSummary]
    public private(set) var sessions: [String: SessionSummary] = [:]
    public private(set) var identity: IdentityProgress = .notSubmitted
    /// The terms the last login consented to.
    public private(set) var consented: TermsVersions?
    public var smsCode = "123456"
    public var terms = TermsVersions(agreement: "2026-01", privacy: "2026-01")
    public var failure: AppError?
    private let now: @Sendable () -> Date

    public init(platforms: [PlatformSummary] = [.sample], now: @escaping @Sendable () -> Date = { Date() }) {
        stored = platforms
        self.now = now
    }

    public func setFailure(_ error: AppError?) {
        failure = error
    }

    public func platforms() async throws -> [PlatformSummary] {
        if let failure { throw failure }
        return stored
    }

    public func addPlatform(name: String, baseUrl: String) async throws -> PlatformSummary {
        if let failure { throw failure }
        let platform = PlatformSummary(name: name, baseUrl: baseUrl)
        stored.append(platform)
        return platform
    }

    public func removePlatform(name: String) async throws {
        if let failure { throw failure }
        stored.removeAll { $0.name == name }
    }

    public func requestLoginCode(platform: String, phone: String) async throws -> LoginCodeSent {
        if let failure { throw failure }
        return LoginCodeSent(expiresAt: now().addingTimeInterval(300), resendAfter: now().addingTimeInterval(60), terms: terms)
    }

    public func login(platform: String, phone: String, code: String, terms: TermsVersions) async throws -> SessionSummary {
        if let failure { throw failure }
        guard code == smsCode else { throw MockErrors.smsCodeWrong }
        consented = terms
        let session = SessionSummary(platform: platform, phone: phone, expiresAt: now().addingTimeInterval(86_400))
        sessions[platform] = session
        return session
    }

    public func session(platform: String) async throws -> SessionSummary? {
        if let failure { throw failure }
        return sessions[platform]
    }

    public func logout(platform: String) async throws {
        sessions[platform] = nil
    }

    public func requestIdentityCode(platform: String) async throws -> IdentityChallenge {
        if let failure { throw failure }
        return IdentityChallenge(code: "4711", expiresAt: now().addingTimeInterval(600))
    }

    public func identityStatus(platform: String) async throws -> IdentityProgress {
        if let failure { throw failure }
        return identity
    }

    public func submitIdentity(
        platform: String, name: String, idNumber: String, code: String, video: Data
    ) async throws -> IdentityProgress {
        if let failure { throw failure }
        identity = .pending
        return identity
    }
}

extension PlatformSummary {
    public static let sample = PlatformSummary(name: "示例公共资源交易平台", baseUrl: "https://ggzy.example.cn/")
}
