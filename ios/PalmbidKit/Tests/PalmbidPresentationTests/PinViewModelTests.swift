import PalmbidCore
import PalmbidMocks
import PalmbidPresentation
import XCTest

@MainActor
final class PinViewModelTests: XCTestCase {
    func testRightPinRunsTheOperationOnce() async throws {
        let store = storeWithCredential()
        let received = Recorder<String>()
        let model = PinViewModel(
            purpose: .enter(credentialId: "cred-1", operation: { pin in
                received.values.append(pin)
                try await store.verify(credentialId: "cred-1", pin: pin)
            }),
            certificates: store
        )

        enter("246810", into: model)
        await model.settle()

        XCTAssertEqual(received.values, ["246810"])
        XCTAssertTrue(model.state.done)
        XCTAssertNil(model.state.error)
        XCTAssertEqual(model.state.entered, 0)
    }

    func testWrongPinShowsTriesLeft() async throws {
        let store = storeWithCredential()
        let model = PinViewModel(
            purpose: .enter(credentialId: "cred-1", operation: { try await store.verify(credentialId: "cred-1", pin: $0) }),
            certificates: store
        )

        enter("135792", into: model)
        await model.settle()

        XCTAssertEqual(model.state.error?.kind, .wrongPin)
        XCTAssertEqual(model.state.triesLeft, MockCertificateStore.maximumTries - 1)
        XCTAssertFalse(model.state.done)
        XCTAssertFalse(model.state.locked)
        XCTAssertEqual(model.state.entered, 0)
    }

    func testSixWrongPinsLockAndRefuseFurtherInput() async throws {
        let store = storeWithCredential()
        let model = PinViewModel(
            purpose: .enter(credentialId: "cred-1", operation: { try await store.verify(credentialId: "cred-1", pin: $0) }),
            certificates: store
        )

        for _ in 0..<MockCertificateStore.maximumTries {
            enter("135792", into: model)
            await model.settle()
        }

        XCTAssertTrue(model.state.locked)
        XCTAssertEqual(model.state.error?.kind, .locked)
        XCTAssertEqual(model.state.triesLeft, 0)
        enter("246810", into: model)
        await model.settle()
        XCTAssertFalse(model.state.done, "a locked pad must not submit even the right PIN")
    }

    func testShortPinCannotBeSubmitted() async {
        let ran = Recorder<String>()
        let model = PinViewModel(purpose: .choose(operation: { ran.values.append($0) }), certificates: storeWithCredential())

        enter("12345", into: model)
        await model.settle()

        XCTAssertTrue(ran.values.isEmpty)
        XCTAssertEqual(model.state.stage, .new)
        XCTAssertEqual(model.state.entered, 5)
    }

    func testChosenPinMustBeTypedTwiceAlike() async {
        let chosen = Recorder<String>()
        let model = PinViewModel(purpose: .choose(operation: { chosen.values.append($0) }), certificates: storeWithCredential())

        enter("246810", into: model)
        XCTAssertEqual(model.state.stage, .repeatNew)
        enter("246811", into: model)
        await model.settle()
        XCTAssertTrue(model.state.mismatch)
        XCTAssertEqual(model.state.stage, .new)
        XCTAssertNil(chosen.last)

        enter("246810", into: model)
        enter("246810", into: model)
        await model.settle()
        XCTAssertEqual(chosen.values, ["246810"])
        XCTAssertTrue(model.state.done)
    }

    func testChangeChecksTheCurrentPin() async throws {
        let store = storeWithCredential()
        let model = PinViewModel(purpose: .change(credentialId: "cred-1"), certificates: store)

        enter("135792", into: model)
        enter("975318", into: model)
        enter("975318", into: model)
        await model.settle()
        XCTAssertEqual(model.state.error?.kind, .wrongPin)
        XCTAssertEqual(model.state.stage, .current)
        let unchanged = await store.pin(of: "cred-1")
        XCTAssertEqual(unchanged, "246810")

        enter("246810", into: model)
        enter("975318", into: model)
        enter("975318", into: model)
        await model.settle()
        XCTAssertTrue(model.state.done)
        let changed = await store.pin(of: "cred-1")
        XCTAssertEqual(changed, "975318")
    }

    func testClearForgetsWhatWasTyped() async {
        let chosen = Recorder<String>()
        let model = PinViewModel(purpose: .choose(operation: { chosen.values.append($0) }), certificates: storeWithCredential())

        enter("246810", into: model)
        model.send(.digit(2))
        model.send(.clear)
        XCTAssertEqual(model.state.entered, 0)
        XCTAssertEqual(model.state.stage, .new, "the first entry is forgotten too")

        // Typing the rest of the old entry does not complete it.
        enter("46810", into: model)
        await model.settle()
        XCTAssertNil(chosen.last)
    }

    func testDeviceKeyLostIsReportedAsSuch() async {
        let store = storeWithCredential()
        await store.setFailure(MockErrors.deviceKeyLost)
        let model = PinViewModel(
            purpose: .enter(credentialId: "cred-1", operation: { try await store.verify(credentialId: "cred-1", pin: $0) }),
            certificates: store
        )

        enter("246810", into: model)
        await model.settle()

        XCTAssertEqual(model.state.error?.kind, .deviceKeyLost)
        XCTAssertFalse(model.state.done)
    }

    func testPinWithoutAnInstalledCredentialShowsNoTries() async {
        let received = Recorder<String>()
        let model = PinViewModel(
            purpose: .enter(credentialId: nil, operation: { received.values.append($0) }),
            certificates: storeWithCredential()
        )

        model.send(.appeared)
        enter("246810", into: model)
        await model.settle()

        XCTAssertNil(model.state.triesLeft)
        XCTAssertEqual(received.values, ["246810"])
        XCTAssertTrue(model.state.done)
    }

    func testBiometricUnlockAfterOneTypedPin() async {
        let store = storeWithCredential()
        let biometrics = InMemoryBiometricPinStore()
        let received = Recorder<String>()
        let operation: @Sendable @MainActor (String) async throws -> Void = { pin in
            try await store.verify(credentialId: "cred-1", pin: pin)
            received.values.append(pin)
        }

        let first = PinViewModel(
            purpose: .enter(credentialId: "cred-1", operation: operation), certificates: store, biometrics: biometrics
        )
        first.send(.appeared)
        await first.settle()
        XCTAssertFalse(first.state.biometricOffered, "nothing is stored before a typed PIN")
        enter("246810", into: first)
        await first.settle()
        XCTAssertTrue(biometrics.hasPin(credentialId: "cred-1"))

        let second = PinViewModel(
            purpose: .enter(credentialId: "cred-1", operation: operation), certificates: store, biometrics: biometrics
        )
        second.send(.appeared)
        XCTAssertTrue(second.state.biometricOffered)
        second.send(.biometricRequested(reason: "unlock"))
        await second.settle()
        XCTAssertTrue(second.state.done)
        XCTAssertEqual(received.values, ["246810", "246810"])
    }

    func testStaleBiometricPinIsDropped() async {
        let store = storeWithCredential()
        let biometrics = InMemoryBiometricPinStore()
        try? biometrics.save(pin: "135792", credentialId: "cred-1")
        let model = PinViewModel(
            purpose: .enter(credentialId: "cred-1", operation: { try await store.verify(credentialId: "cred-1", pin: $0) }),
            certificates: store, biometrics: biometrics
        )

        model.send(.appeared)
        await model.settle()
        model.send(.biometricRequested(reason: "unlock"))
        await model.settle()

        XCTAssertEqual(model.state.error?.kind, .wrongPin)
        XCTAssertFalse(model.state.biometricOffered)
        XCTAssertFalse(biometrics.hasPin(credentialId: "cred-1"))
        XCTAssertEqual(model.state.triesLeft, MockCertificateStore.maximumTries - 1)
    }

    func testCancelledBiometricPromptKeepsThePad() async {
        let store = storeWithCredential()
        let biometrics = InMemoryBiometricPinStore()
        try? biometrics.save(pin: "246810", credentialId: "cred-1")
        biometrics.cancels = true
        let model = PinViewModel(
            purpose: .enter(credentialId: "cred-1", operation: { try await store.verify(credentialId: "cred-1", pin: $0) }),
            certificates: store, biometrics: biometrics
        )

        model.send(.appeared)
        await model.settle()
        model.send(.biometricRequested(reason: "unlock"))
        await model.settle()

        XCTAssertFalse(model.state.done)
        XCTAssertNil(model.state.error)
        XCTAssertTrue(model.state.biometricOffered)
    }

    func testNoBiometricsWithoutTheSetting() async {
        let model = PinViewModel(
            purpose: .enter(credentialId: "cred-1", operation: { _ in }), certificates: storeWithCredential()
        )
        model.send(.appeared)
        await model.settle()
        model.send(.biometricRequested(reason: "unlock"))
        await model.settle()
        XCTAssertFalse(model.state.biometricOffered)
        XCTAssertFalse(model.state.done)
    }
}
