import Foundation
import PalmbidCore

/// SMS login, with consent to the platform's agreement and privacy policy.
public struct SmsLoginState: Equatable, Sendable {
    public var platform: String
    public var phone = ""
    public var code = ""
    /// Both boxes must be ticked before a code is sent: the platform records
    /// the versions the user consented to with the session.
    public var agreementAccepted = false
    public var privacyAccepted = false
    /// The terms the code was sent with; login sends these back.
    public var sent: LoginCodeSent?
    /// Seconds until a new code may be requested.
    public var resendIn = 0
    public var busy = false
    public var session: SessionSummary?
    public var error: AppError?

    public init(platform: String) {
        self.platform = platform
    }

    public var canSendCode: Bool {
        agreementAccepted && privacyAccepted && !phone.isEmpty && resendIn == 0 && !busy
    }

    public var canLogin: Bool {
        sent != nil && !code.isEmpty && agreementAccepted && privacyAccepted && !busy
    }
}

public enum SmsLoginAction: Sendable {
    case phoneChanged(String)
    case codeChanged(String)
    case agreementToggled(Bool)
    case privacyToggled(Bool)
    case sendCode
    case login
    /// One second passed (the view's timer, or a test).
    case tick
    case dismissError
}

@MainActor
public final class SmsLoginViewModel: ScreenModel<SmsLoginState, SmsLoginAction> {
    private let accounts: AccountService
    private let now: @Sendable () -> Date

    public init(platform: String, accounts: AccountService, now: @escaping @Sendable () -> Date = { Date() }) {
        self.accounts = accounts
        self.now = now
        super.init(state: SmsLoginState(platform: platform))
    }

    public override func send(_ action: SmsLoginAction) {
        switch action {
        case let .phoneChanged(phone):
            update { $0.phone = phone.filter(\.isNumber) }
        case let .codeChanged(code):
            update { $0.code = code.filter(\.isNumber) }
        case let .agreementToggled(on):
            update { $0.agreementAccepted = on }
        case let .privacyToggled(on):
            update { $0.privacyAccepted = on }
        case .sendCode:
            guard state.canSendCode else { return }
            run { await self.sendCode() }
        case .login:
            guard state.canLogin else { return }
            run { await self.login() }
        case .tick:
            refreshCountdown()
        case .dismissError:
            update { $0.error = nil }
        }
    }

    private func sendCode() async {
        update { $0.busy = true }
        do {
            let sent = try await accounts.requestLoginCode(platform: state.platform, phone: state.phone)
            update {
                $0.sent = sent
                $0.busy = false
                $0.error = nil
            }
            refreshCountdown()
        } catch {
            update {
                $0.error = AppError(error)
                $0.busy = false
            }
        }
    }

    private func login() async {
        guard let sent = state.sent else { return }
        update { $0.busy = true }
        do {
            let session = try await accounts.login(
                platform: state.platform, phone: state.phone, code: state.code, terms: sent.terms
            )
            update {
                $0.session = session
                $0.busy = false
                $0.error = nil
            }
        } catch {
            update {
                $0.error = AppError(error)
                // A wrong code is typed again; keep the phone and consent.
                $0.code = ""
                $0.busy = false
            }
        }
    }

    private func refreshCountdown() {
        guard let sent = state.sent else { return }
        let left = Int(sent.resendAfter.timeIntervalSince(now()).rounded(.up))
        update { $0.resendIn = max(0, left) }
    }
}
