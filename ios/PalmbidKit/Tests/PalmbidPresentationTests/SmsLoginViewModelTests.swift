import PalmbidCore
import PalmbidMocks
import PalmbidPresentation
import XCTest

@MainActor
final class SmsLoginViewModelTests: XCTestCase {
    private let start = Date(timeIntervalSince1970: 1_800_000_000)

    func testNoCodeWithoutConsentToBoth() {
        let model = SmsLoginViewModel(platform: PlatformSummary.sample.name, accounts: MockAccountService())
        model.send(.phoneChanged("13800000000"))
        XCTAssertFalse(model.state.canSendCode)
        model.send(.agreementToggled(true))
        XCTAssertFalse(model.state.canSendCode, "the privacy policy needs its own consent")
        model.send(.privacyToggled(true))
        XCTAssertTrue(model.state.canSendCode)
    }

    func testLoginSendsConsentedTerms() async throws {
        let now = start
        let accounts = MockAccountService(now: { now })
        let model = SmsLoginViewModel(platform: PlatformSummary.sample.name, accounts: accounts, now: { now })
        model.send(.phoneChanged("138 0000 0000"))
        model.send(.agreementToggled(true))
        model.send(.privacyToggled(true))

        model.send(.sendCode)
        await model.settle()
        XCTAssertNotNil(model.state.sent)
        XCTAssertEqual(model.state.phone, "13800000000", "spaces are dropped")
        XCTAssertEqual(model.state.resendIn, 60)
        XCTAssertFalse(model.state.canSendCode, "no second code before the resend time")

        model.send(.codeChanged("123456"))
        model.send(.login)
        await model.settle()
        XCTAssertEqual(model.state.session?.phone, "13800000000")
        let consented = await accounts.consented
        XCTAssertEqual(consented, model.state.sent?.terms)
    }

    func testWrongCodeIsClearedAndExplained() async {
        let model = SmsLoginViewModel(platform: PlatformSummary.sample.name, accounts: MockAccountService())
        model.send(.phoneChanged("13800000000"))
        model.send(.agreementToggled(true))
        model.send(.privacyToggled(true))
        model.send(.sendCode)
        await model.settle()

        model.send(.codeChanged("000000"))
        model.send(.login)
        await model.settle()

        XCTAssertNil(model.state.session)
        XCTAssertEqual(model.state.error?.code, "auth.sms_code_wrong")
        XCTAssertEqual(model.state.code, "")
    }

    func testUnreachablePlatformIsANetworkError() async {
        let accounts = MockAccountService()
        await accounts.setFailure(MockErrors.unreachable)
        let model = SmsLoginViewModel(platform: PlatformSummary.sample.name, accounts: accounts)
        model.send(.phoneChanged("13800000000"))
        model.send(.agreementToggled(true))
        model.send(.privacyToggled(true))
        model.send(.sendCode)
        await model.settle()

        XCTAssertEqual(model.state.error?.kind, .network)
        XCTAssertFalse(model.state.busy)
    }
}
