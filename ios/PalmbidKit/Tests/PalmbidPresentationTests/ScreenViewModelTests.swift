import PalmbidCore
import PalmbidMocks
import PalmbidPresentation
import XCTest

/// The smaller screens: home, certificate info, pickup, download,
/// guarantees, settings, messages.
@MainActor
final class ScreenViewModelTests: XCTestCase {
    func testHomeOffersThePickupWithoutACertificate() async {
        let model = HomeViewModel(certificates: MockCertificateStore())
        XCTAssertFalse(model.state.needsPickup, "not before loading finished")
        model.send(.appeared)
        await model.settle()
        XCTAssertTrue(model.state.needsPickup)
    }

    func testHomeListsExpiringCertificates() async {
        let now = Date(timeIntervalSince1970: 1_900_000_000 - 10 * 24 * 3600)
        let store = MockCertificateStore(certificates: CertificateSummary.samplePair())
        let model = HomeViewModel(certificates: store, now: { now })
        model.send(.appeared)
        await model.settle()
        XCTAssertEqual(model.state.holders.count, 1)
        XCTAssertEqual(model.state.expiringSoon.count, 2)
    }

    func testHomeShowsCredentialsPendingBidsNeed() async {
        let store = MockCertificateStore(certificates: CertificateSummary.samplePair(), pins: ["cred-1": "246810"])
        let notice = RenewalNotice(credentialId: "cred-1", bids: 2, lastDeadline: Date(timeIntervalSince1970: 1_800_000_000))
        await store.setNotices([notice])
        let model = HomeViewModel(certificates: store)
        model.send(.appeared)
        await model.settle()
        XCTAssertEqual(model.state.renewalNotices, [notice])

        let info = CertificateInfoViewModel(certificates: store)
        info.send(.delete(credentialId: "cred-1"))
        await info.settle()
        XCTAssertEqual(info.state.error?.code, "keystore.key_needed_by_bids")
        let left = await store.stored
        XCTAssertEqual(left.count, 2, "a credential pending bids need is kept")
    }

    func testCertificateInfoShowsTheSealsOfEachCredential() async {
        let store = MockCertificateStore(certificates: CertificateSummary.samplePair())
        let personal = SealPicture(type: .personal, png: Data([0x89, 0x50, 0x4e, 0x47]))
        await store.setSeals([
            CredentialSeals(platform: "示例交易平台", credentialId: "cred-1", seals: [personal]),
            CredentialSeals(platform: "示例交易平台", credentialId: "cred-gone", seals: [personal]),
        ])
        let model = CertificateInfoViewModel(certificates: store)
        model.send(.appeared)
        await model.settle()
        XCTAssertEqual(model.state.credentials.map(\.id), ["cred-1"], "seals of a deleted credential add none")
        XCTAssertEqual(model.state.credentials.first?.seals, [personal])
    }

    func testHomeReportsALostDeviceKey() async {
        let store = MockCertificateStore()
        await store.setFailure(MockErrors.deviceKeyLost)
        let model = HomeViewModel(certificates: store)
        model.send(.appeared)
        await model.settle()
        XCTAssertEqual(model.state.error?.kind, .deviceKeyLost)
    }

    func testCertificateInfoPairsEachCredential() async {
        let store = MockCertificateStore(certificates: CertificateSummary.samplePair(), pins: ["cred-1": "246810"])
        let model = CertificateInfoViewModel(certificates: store)
        model.send(.appeared)
        await model.settle()
        XCTAssertEqual(model.state.credentials.count, 1)
        XCTAssertEqual(model.state.credentials.first?.signing?.purpose, .signing)
        XCTAssertEqual(model.state.credentials.first?.encryption?.purpose, .encryption)
        XCTAssertEqual(model.state.credentials.first?.pin, PinState(triesLeft: 6, locked: false))
    }

    func testPickupThenDownloadWithTheSamePin() async throws {
        let store = MockCertificateStore()
        let pickup = MockPickupService(certificates: store)
        let model = PickupViewModel(order: .sample, pickup: pickup)
        model.send(.proceed)
        XCTAssertEqual(model.state.step, .choosingPin)
        try await model.pickUp(newPin: "246810")
        XCTAssertEqual(model.state.step, .pickedUp)

        let download = DownloadViewModel(platform: PickupOrder.sample.platform, pickupId: PickupOrder.sample.pickupId, pickup: pickup)
        do {
            try await download.download(pin: "135792")
            XCTFail("a PIN other than the chosen one must fail")
        } catch {
            XCTAssertEqual(AppError(error).kind, .wrongPin)
        }
        try await download.download(pin: "246810")
        XCTAssertEqual(download.state.downloaded?.certificates.count, 2)
    }

    func testPendingOrderCannotBePickedUp() {
        var order = PickupOrder.sample
        order.progress = .pending
        let model = PickupViewModel(order: order, pickup: MockPickupService(certificates: MockCertificateStore()))
        model.send(.proceed)
        XCTAssertEqual(model.state.step, .review)
    }

    func testGuaranteeApplicationOpensTheInstitutionsPage() async throws {
        let store = storeWithCredential()
        let service = MockGuaranteeService(certificates: store, credentialId: "cred-1")
        let model = GuaranteesViewModel(platform: "p", guarantees: service)
        model.send(.appeared)
        await model.settle()
        model.send(.selectProject("project-1"))
        await model.settle()
        XCTAssertEqual(model.state.progress[1], .notApplied)

        model.send(.apply(section: 1, institution: "bank-1"))
        await model.settle()
        XCTAssertEqual(model.state.applying, GuaranteeChoice(section: 1, institution: "bank-1"))
        XCTAssertEqual(model.state.pinCredential, "cred-1", "the pad asks for the credential that signs")
        try await model.apply(pin: "246810")
        await model.settle()
        XCTAssertNil(model.state.pinCredential)

        XCTAssertEqual(model.state.applicationPage?.host, "bank.example.cn")
        XCTAssertEqual(model.state.progress[1], .applied(institution: "bank-1"))
    }

    func testSettingsStoredBiometricOff() async {
        let settings = InMemorySettings()
        let accounts = MockAccountService()
        let model = SettingsViewModel(accounts: accounts, settings: settings)
        XCTAssertFalse(model.state.biometricUnlock)

        model.send(.languageChosen(.en))
        model.send(.notificationsToggled(false))
        XCTAssertEqual(settings.language, .en)
        XCTAssertFalse(settings.notificationsEnabled)

        model.send(.newPlatformNameChanged("测试平台"))
        model.send(.newPlatformUrlChanged(" https://test.example.cn/ "))
        model.send(.addPlatform)
        await model.settle()
        XCTAssertEqual(model.state.platforms.map(\.name), [PlatformSummary.sample.name, "测试平台"])
        XCTAssertEqual(model.state.newPlatformName, "")
    }

    func testTurningBiometricsOffDeletesStoredPins() {
        let biometrics = InMemoryBiometricPinStore()
        try? biometrics.save(pin: "246810", credentialId: "cred-1")
        let settings = InMemorySettings()
        let model = SettingsViewModel(accounts: MockAccountService(), settings: settings, biometrics: biometrics)
        XCTAssertTrue(model.state.biometricAvailable)

        model.send(.biometricToggled(true))
        XCTAssertTrue(settings.biometricUnlock)
        model.send(.biometricToggled(false))

        XCTAssertFalse(settings.biometricUnlock)
        XCTAssertFalse(biometrics.hasPin(credentialId: "cred-1"))
    }

    func testBiometricToggleNeedsTheHardware() {
        let settings = InMemorySettings()
        let model = SettingsViewModel(accounts: MockAccountService(), settings: settings)
        model.send(.biometricToggled(true))
        XCTAssertFalse(settings.biometricUnlock)
        XCTAssertFalse(model.state.biometricAvailable)
    }

    func testMessagesKeepTheNewestFirstWithinCapacity() {
        let model = MessagesViewModel()
        for index in 0..<(MessagesViewModel.capacity + 5) {
            model.send(.received(HallMessage(
                projectName: "项目 \(index)", alert: .openingSoon(minutes: 15), receivedAt: Date()
            )))
        }
        XCTAssertEqual(model.state.messages.count, MessagesViewModel.capacity)
        XCTAssertEqual(model.state.messages.first?.projectName, "项目 \(MessagesViewModel.capacity + 4)")
        XCTAssertEqual(model.state.unread, MessagesViewModel.capacity + 5)
        model.send(.read)
        XCTAssertEqual(model.state.unread, 0)
    }
}
