import PalmbidCore
import PalmbidMocks
import PalmbidPresentation
import XCTest

@MainActor
final class HallProjectViewModelTests: XCTestCase {
    private func makeHall(store: MockCertificateStore) -> MockHallService {
        MockHallService(
            bids: [HallBidSummary(id: "bid-1", section: 1, checkedAt: nil, decrypted: false, quote: nil)],
            certificates: store, credentialId: "cred-1"
        )
    }

    private func live(_ stage: HallStage) -> HallLiveState {
        var project = HallProjectSummary.sample
        project.stage = stage
        return HallLiveState(
            project: project, counts: HallCounts(bidders: 3, signedIn: 2, decrypted: 0, confirmed: 0),
            updatedAt: Date(timeIntervalSince1970: 1_800_000_000), answeredChallenges: [], openRounds: [],
            coefficient: nil
        )
    }

    func testLiveStageChangeReloadsLists() async {
        let hall = makeHall(store: storeWithCredential())
        let model = HallProjectViewModel(platform: "p", projectId: HallProjectSummary.sample.id, hall: hall, tickets: InMemoryDrawTickets())

        model.send(.appeared)
        await model.settle()
        await eventually("the watch starts") { hall.watching == 1 }
        XCTAssertEqual(model.state.stage, .signIn)
        XCTAssertEqual(model.state.bids.map(\.id), ["bid-1"])

        hall.emit(.connection(true))
        await eventually("connected") { model.state.connected }

        hall.setStage(.quoteReading)
        hall.setQuotes([HallQuoteRow(
            section: 1, sectionName: "第一标段", company: "示例建设有限公司", creditCode: "9144",
            bidId: "bid-1", amount: "1000000.00", confirmed: false
        )])
        hall.emit(.alert(live(.quoteReading), .stageStarted(.quoteReading)))
        await eventually("the alert shows") { model.state.alert == .stageStarted(.quoteReading) }
        await model.settle()
        XCTAssertEqual(model.state.stage, .quoteReading)
        XCTAssertEqual(model.state.quotes.first?.amount, "1000000.00", "quotes load when quote reading starts")
    }

    func testLeavingTheScreenStopsTheWatch() async {
        let hall = makeHall(store: storeWithCredential())
        let model = HallProjectViewModel(platform: "p", projectId: HallProjectSummary.sample.id, hall: hall, tickets: InMemoryDrawTickets())

        model.send(.appeared)
        await eventually("the watch starts") { hall.watching == 1 }
        model.send(.disappeared)

        await eventually("the stream's end stops the watch") { hall.watching == 0 }
        XCTAssertFalse(model.state.connected)
    }

    func testWatchEndingOnItsOwnShowsDisconnected() async {
        let hall = makeHall(store: storeWithCredential())
        let model = HallProjectViewModel(platform: "p", projectId: HallProjectSummary.sample.id, hall: hall, tickets: InMemoryDrawTickets())
        model.send(.appeared)
        hall.emit(.connection(true))
        await eventually("connected") { model.state.connected }

        hall.finishWatches()

        await eventually("disconnected") { !model.state.connected }
    }

    func testRefreshRestartsAnEndedWatch() async {
        let hall = makeHall(store: storeWithCredential())
        let model = HallProjectViewModel(platform: "p", projectId: HallProjectSummary.sample.id, hall: hall, tickets: InMemoryDrawTickets())
        model.send(.appeared)
        await eventually("the watch starts") { hall.watching == 1 }

        hall.finishWatches()
        await eventually("disconnected") { !model.state.connected }
        // The ended watch releases its key ("watch") once its reload is done.
        await eventually("the ended watch is released") { !model.isKeeping("watch") }
        XCTAssertEqual(hall.watching, 0)

        model.send(.refresh)
        await eventually("a refresh starts the watch again") { hall.watching == 1 }
        model.send(.refresh)
        await model.settle()
        XCTAssertEqual(hall.watching, 1, "a running watch is not started twice")
    }

    func testSignInNeedsTheRightPin() async throws {
        let hall = makeHall(store: storeWithCredential())
        let model = HallProjectViewModel(platform: "p", projectId: HallProjectSummary.sample.id, hall: hall, tickets: InMemoryDrawTickets())
        model.send(.requestPin(.signIn))
        await model.settle()
        XCTAssertEqual(model.state.pinRequest, .signIn)
        XCTAssertEqual(model.state.pinCredential, "cred-1")

        do {
            try await model.perform(.signIn, pin: "135792")
            XCTFail("a wrong PIN must throw")
        } catch {
            XCTAssertEqual(AppError(error).kind, .wrongPin)
        }
        XCTAssertNil(model.state.signedIn)
        XCTAssertEqual(model.state.pinRequest, .signIn, "the pad stays up after a wrong PIN")

        try await model.perform(.signIn, pin: "246810")
        XCTAssertEqual(model.state.signedIn?.receiptId, "receipt-1")
        XCTAssertNil(model.state.pinRequest)
    }

    func testPadAsksForTheCredentialEachRequestUnlocks() async throws {
        // After a renewal under another PIN, "cred-2" signs while the bid
        // stays encrypted to the key of "cred-1".
        let store = MockCertificateStore(
            certificates: CertificateSummary.samplePair() + CertificateSummary.samplePair(credentialId: "cred-2"),
            pins: ["cred-1": "246810", "cred-2": "135724"]
        )
        let hall = MockHallService(
            bids: [HallBidSummary(id: "bid-1", section: 1, checkedAt: nil, decrypted: false, quote: nil)],
            certificates: store, credentialId: "cred-2", bidCredentialId: "cred-1"
        )
        let model = HallProjectViewModel(platform: "p", projectId: HallProjectSummary.sample.id, hall: hall, tickets: InMemoryDrawTickets())

        model.send(.requestPin(.signIn))
        await model.settle()
        XCTAssertEqual(model.state.pinCredential, "cred-2")
        try await model.perform(.signIn, pin: "135724")
        XCTAssertNil(model.state.pinCredential, "cleared with the pad")

        model.send(.requestPin(.checkBid("bid-1")))
        await model.settle()
        XCTAssertEqual(model.state.pinRequest, .checkBid("bid-1"))
        XCTAssertEqual(model.state.pinCredential, "cred-1", "the bid's key belongs to the older credential")
        do {
            try await model.perform(.checkBid("bid-1"), pin: "135724")
            XCTFail("the signing credential's PIN does not open the older key")
        } catch {
            XCTAssertEqual(AppError(error).kind, .wrongPin)
        }
        let tries = try await store.pinState(credentialId: "cred-1")
        XCTAssertEqual(tries.triesLeft, MockCertificateStore.maximumTries - 1, "the try is counted on the credential shown")
        try await model.perform(.checkBid("bid-1"), pin: "246810")
    }

    func testUnsignedBidKeyNeedsSignerPin() async throws {
        // "cred-2" holds the bid's key (imported, no signing certificate);
        // "cred-1" signs.
        let store = MockCertificateStore(
            certificates: CertificateSummary.samplePair() + CertificateSummary.samplePair(credentialId: "cred-2"),
            pins: ["cred-1": "246810", "cred-2": "135724"]
        )
        let hall = MockHallService(
            bids: [HallBidSummary(id: "bid-1", section: 1, checkedAt: nil, decrypted: false, quote: nil)],
            certificates: store, credentialId: "cred-1", bidCredentialId: "cred-2", bidNeedsSigner: true
        )
        let model = HallProjectViewModel(platform: "p", projectId: HallProjectSummary.sample.id, hall: hall, tickets: InMemoryDrawTickets())
        model.send(.requestPin(.checkBid("bid-1")))
        await model.settle()
        XCTAssertEqual(model.state.pinCredential, "cred-2")

        do {
            try await model.perform(.checkBid("bid-1"), pin: "135724")
            XCTFail("one PIN is not enough")
        } catch {
            XCTAssertEqual(AppError(error).code, "hall.signer_pin_needed")
        }
        XCTAssertTrue(model.state.signerPin)
        XCTAssertEqual(model.state.pinCredential, "cred-1", "the pad now counts the signer's tries")
        XCTAssertEqual(model.state.pinRequest, .checkBid("bid-1"), "the pad stays up")
        let untouched = try await store.pinState(credentialId: "cred-2")
        XCTAssertEqual(untouched.triesLeft, MockCertificateStore.maximumTries, "no try spent")

        try await model.perform(.checkBid("bid-1"), pin: "246810")
        XCTAssertFalse(model.state.signerPin)
        XCTAssertNil(model.state.pinRequest)
    }

    func testCancelBeforeTheLookupEndsOpensNoPad() async {
        let hall = makeHall(store: storeWithCredential())
        let model = HallProjectViewModel(platform: "p", projectId: HallProjectSummary.sample.id, hall: hall, tickets: InMemoryDrawTickets())

        model.send(.requestPin(.checkBid("bid-1")))
        model.send(.pinCancelled)
        await model.settle()
        XCTAssertNil(model.state.pinRequest, "the late lookup does not reopen the pad")

        model.send(.requestPin(.checkBid("bid-1")))
        model.send(.requestPin(.signIn))
        await model.settle()
        XCTAssertEqual(model.state.pinRequest, .signIn, "the newest request wins")
    }

    func testConfirmingAnotherAmountIsRefused() async throws {
        let hall = makeHall(store: storeWithCredential())
        hall.setQuotes([HallQuoteRow(
            section: 1, sectionName: "第一标段", company: "示例建设有限公司", creditCode: "9144",
            bidId: "bid-1", amount: "1000000.00", confirmed: false
        )])
        let model = HallProjectViewModel(platform: "p", projectId: HallProjectSummary.sample.id, hall: hall, tickets: InMemoryDrawTickets())

        model.send(.requestPin(.confirmQuote(bid: "bid-1", amount: "999.00")))
        await model.settle()
        XCTAssertNil(model.state.pinRequest, "no PIN pad for an amount that cannot be confirmed")
        XCTAssertEqual(model.state.error?.code, "hall.amount_mismatch")
        XCTAssertTrue(hall.confirmed.isEmpty)

        model.send(.requestPin(.confirmQuote(bid: "bid-1", amount: "1000000.00")))
        await model.settle()
        XCTAssertEqual(model.state.pinRequest, .confirmQuote(bid: "bid-1", amount: "1000000.00"))
        try await model.perform(.confirmQuote(bid: "bid-1", amount: "1000000.00"), pin: "246810")
        XCTAssertEqual(hall.confirmed, ["bid-1": "1000000.00"])
        XCTAssertEqual(hall.calls.filter { $0 == "checkConfirmation" }.count, 2)
    }

    func testDrawIsVerifiedWithTheKeptTicket() async throws {
        let hall = makeHall(store: storeWithCredential())
        hall.setStage(.evaluation)
        hall.openDraw(1, candidates: ["0.95", "0.97", "0.99"])
        let tickets = InMemoryDrawTickets()
        let model = HallProjectViewModel(platform: "p", projectId: HallProjectSummary.sample.id, hall: hall, tickets: tickets)

        try await model.perform(.contributeDraw, pin: "246810")
        XCTAssertEqual(model.state.contributedDraws, [1])
        XCTAssertEqual(tickets.tickets(project: HallProjectSummary.sample.id).map(\.draw), [1])

        model.send(.verifyDraw(1))
        await model.settle()
        XCTAssertEqual(model.state.error?.code, "hall.draw_not_revealed")
        XCTAssertNil(model.state.verifiedDraws[1])

        hall.reveal(1, index: 2)
        model.send(.verifyDraw(1))
        await model.settle()
        XCTAssertEqual(model.state.verifiedDraws[1], "0.99")
    }

    func testDrawTicketOutlivesTheScreen() async throws {
        let hall = makeHall(store: storeWithCredential())
        hall.setStage(.evaluation)
        hall.openDraw(1, candidates: ["0.95", "0.97"])
        let tickets = InMemoryDrawTickets()
        let first = HallProjectViewModel(platform: "p", projectId: HallProjectSummary.sample.id, hall: hall, tickets: tickets)
        try await first.perform(.contributeDraw, pin: "246810")

        let second = HallProjectViewModel(platform: "p", projectId: HallProjectSummary.sample.id, hall: hall, tickets: tickets)
        second.send(.refresh)
        await second.settle()
        XCTAssertEqual(second.state.contributedDraws, [1])
    }
}
