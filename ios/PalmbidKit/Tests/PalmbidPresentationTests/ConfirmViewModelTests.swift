import PalmbidCore
import PalmbidMocks
import PalmbidPresentation
import XCTest

@MainActor
final class ConfirmViewModelTests: XCTestCase {
    private let signer = CertificateSummary.samplePair()[0]

    func testLoginNeedsTheDesktopsNumberBeforeThePin() async throws {
        let store = storeWithCredential()
        let session = MockQrSession(details: .sampleLogin(signer: signer), desktopNumber: 42, certificates: store)
        let model = ConfirmViewModel(session: session, ticks: false)

        model.send(.proceedToPin)
        XCTAssertEqual(model.state.step, .review, "no PIN pad before the number is matched")

        model.send(.chooseNumber(42))
        await model.settle()
        XCTAssertEqual(model.state.chosenNumber, 42)
        model.send(.proceedToPin)
        XCTAssertEqual(model.state.step, .pin)

        try await model.answer(pin: "246810")
        XCTAssertEqual(model.state.step, .answered)
        XCTAssertTrue(session.answered)
    }

    func testWrongNumberCancelsTheRequest() async {
        let session = MockQrSession(details: .sampleLogin(signer: signer), desktopNumber: 42, certificates: storeWithCredential())
        let model = ConfirmViewModel(session: session, ticks: false)

        model.send(.chooseNumber(17))
        await model.settle()

        XCTAssertEqual(model.state.step, .cancelled)
        XCTAssertEqual(model.state.error?.code, "qr.wrong_number")
        XCTAssertTrue(session.cancelled)
        model.send(.proceedToPin)
        XCTAssertEqual(model.state.step, .cancelled)
    }

    func testWrongPinLeavesTheRequestOpen() async {
        let session = MockQrSession(details: .sampleLogin(signer: signer), desktopNumber: 42, certificates: storeWithCredential())
        let model = ConfirmViewModel(session: session, ticks: false)
        model.send(.chooseNumber(42))
        await model.settle()
        model.send(.proceedToPin)

        do {
            try await model.answer(pin: "135792")
            XCTFail("a wrong PIN must throw")
        } catch {
            XCTAssertEqual(AppError(error).kind, .wrongPin)
        }
        XCTAssertEqual(model.state.step, .pin)
        XCTAssertFalse(session.answered)
    }

    func testAnswerAfterExpiryClosesThePad() async {
        let session = MockQrSession(details: .sampleLogin(signer: signer), desktopNumber: 42, certificates: storeWithCredential())
        let model = ConfirmViewModel(session: session, ticks: false)
        model.send(.chooseNumber(42))
        await model.settle()
        model.send(.proceedToPin)
        // The platform's time runs out while the PIN is typed.
        session.elapse(200)

        do {
            try await model.answer(pin: "246810")
            XCTFail("an expired request must throw")
        } catch {
            XCTAssertEqual(AppError(error).kind, .expired)
        }
        XCTAssertEqual(model.state.step, .expired, "the pad closes on an expired request")
        XCTAssertEqual(model.state.error?.code, "qr.time_up")
        XCTAssertFalse(session.answered)
    }

    func testSealIsChosenBeforeThePinAndSent() async throws {
        let session = MockQrSession(details: .sampleSeal(signer: signer), certificates: storeWithCredential())
        let model = ConfirmViewModel(session: session, ticks: false)

        XCTAssertFalse(model.state.readyForPin)
        model.send(.chooseSeal(.company))
        XCTAssertTrue(model.state.readyForPin)
        model.send(.proceedToPin)
        try await model.answer(pin: "246810")

        XCTAssertEqual(session.answeredSeal, .company)
    }

    func testCountdownExpiresTheRequest() {
        let session = MockQrSession(
            details: .sampleLogin(signer: signer), desktopNumber: 42, secondsLeft: 2, certificates: storeWithCredential()
        )
        let model = ConfirmViewModel(session: session, ticks: false)
        XCTAssertEqual(model.state.secondsLeft, 2)

        session.elapse(1)
        model.send(.tick)
        XCTAssertEqual(model.state.secondsLeft, 1)
        XCTAssertEqual(model.state.step, .review)

        session.elapse(1)
        model.send(.tick)
        XCTAssertEqual(model.state.secondsLeft, 0)
        XCTAssertEqual(model.state.step, .expired)
        XCTAssertFalse(model.state.readyForPin)
    }

    func testCancelTellsThePlatform() async {
        let session = MockQrSession(details: .sampleLogin(signer: signer), desktopNumber: 42, certificates: storeWithCredential())
        let model = ConfirmViewModel(session: session, ticks: false)

        model.send(.cancel)
        await model.settle()

        XCTAssertEqual(model.state.step, .cancelled)
        XCTAssertTrue(session.cancelled)
    }
}
