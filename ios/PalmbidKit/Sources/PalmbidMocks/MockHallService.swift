import Foundation
import PalmbidCore

/// The hall in memory. Tests push live events with `emit(_:)` and see
/// whether the watch is still running with `watching`.
public final class MockHallService: HallService, @unchecked Sendable {
    // All mutable state is behind `store`.
    private let store: Locked<Store>
    private let certificates: MockCertificateStore
    /// The credential whose key signs.
    private let credentialId: String
    /// The credential whose key opens the bids; another than the signing
    /// one after a renewal.
    private let bidCredentialId: String

    private struct Store {
        var project: HallProjectSummary
        var bids: [HallBidSummary]
        var quotes: [HallQuoteRow] = []
        var challenges: [HallChallengeSummary] = []
        var rounds: [HallRoundSummary] = []
        var draws: [HallDrawSummary] = []
        /// Candidate index of each revealed draw.
        var revealed: [Int: Int] = [:]
        var signedIn: HallSignInReceipt?
        var confirmed: [String: String] = [:]
        var watchers: [UUID: AsyncStream<HallEvent>.Continuation] = [:]
        var calls: [String] = []
    }

    /// The bid credential has no signing certificate for the platform, so
    /// check and release need the signing credential's PIN too.
    private let bidNeedsSigner: Bool

    public init(
        project: HallProjectSummary = .sample, bids: [HallBidSummary] = [], certificates: MockCertificateStore,
        credentialId: String, bidCredentialId: String? = nil, bidNeedsSigner: Bool = false
    ) {
        store = Locked(Store(project: project, bids: bids))
        self.certificates = certificates
        self.credentialId = credentialId
        self.bidCredentialId = bidCredentialId ?? credentialId
        self.bidNeedsSigner = bidNeedsSigner
    }

    /// Checks the PINs of a bid action as the library does: the need for
    /// the signer's PIN is raised before any try.
    private func verifyBidPins(pin: String, signerPin: String?) async throws {
        if bidNeedsSigner, signerPin == nil {
            throw AppError(
                code: "hall.signer_pin_needed",
                messageZh: "请再输入签名证书凭据 \(credentialId) 的 PIN 码。",
                messageEn: "Enter also the PIN of the signing credential \(credentialId)."
            )
        }
        try await certificates.verify(credentialId: bidCredentialId, pin: pin)
        if bidNeedsSigner, let signerPin {
            try await certificates.verify(credentialId: credentialId, pin: signerPin)
        }
    }

    /// Watches not yet ended.
    public var watching: Int { store.with { $0.watchers.count } }
    /// Names of the calls made, in order.
    public var calls: [String] { store.with { $0.calls } }
    public var confirmed: [String: String] { store.with { $0.confirmed } }

    public func setStage(_ stage: HallStage) {
        store.with { $0.project.stage = stage }
    }

    public func setQuotes(_ quotes: [HallQuoteRow]) {
        store.with { $0.quotes = quotes }
    }

    /// Delivers `event` to every running watch.
    public func emit(_ event: HallEvent) {
        for watcher in store.with({ Array($0.watchers.values) }) {
            watcher.yield(event)
        }
    }

    /// Ends every running watch, as the library does when the project closes.
    public func finishWatches() {
        for watcher in store.with({ Array($0.watchers.values) }) {
            watcher.finish()
        }
    }

    private func record(_ call: String) {
        store.with { $0.calls.append(call) }
    }

    private func project(_ id: String) throws -> HallProjectSummary {
        let project = store.with { $0.project }
        guard project.id == id else {
            throw AppError(code: "hall.not_found", messageZh: "项目不存在。", messageEn: "No such project.")
        }
        return project
    }

    public func projects(platform: String) async throws -> [HallProjectSummary] {
        record("projects")
        return [store.with { $0.project }]
    }

    public func details(platform: String, project: String) async throws -> HallDetails {
        record("details")
        let summary = try self.project(project)
        return HallDetails(
            project: summary, code: "GD-2026-001", tenderer: "示例招标人", agent: "示例招标代理",
            place: "线上", notes: nil, counts: HallCounts(bidders: 3, signedIn: 1, decrypted: 0, confirmed: 0)
        )
    }

    public func bids(platform: String, project: String) async throws -> [HallBidSummary] {
        record("bids")
        _ = try self.project(project)
        return store.with { $0.bids }
    }

    public func pinCredential(platform: String, project: String, bid: String?) async throws -> String {
        record("pinCredential")
        _ = try self.project(project)
        return bid == nil ? credentialId : bidCredentialId
    }

    public func signIn(platform: String, project: String, pin: String) async throws -> HallSignInReceipt {
        record("signIn")
        _ = try self.project(project)
        try await certificates.verify(credentialId: credentialId, pin: pin)
        let receipt = HallSignInReceipt(company: "示例建设有限公司", signedInAt: Date(timeIntervalSince1970: 1_800_000_000), receiptId: "receipt-1")
        store.with { $0.signedIn = receipt }
        return receipt
    }

    public func receipt(platform: String, project: String) async throws -> Data {
        record("receipt")
        return Data("%PDF-1.7".utf8)
    }

    public func checkBid(platform: String, project: String, bid: String, pin: String, signerPin: String?) async throws -> Date {
        record("checkBid")
        try await verifyBidPins(pin: pin, signerPin: signerPin)
        return Date(timeIntervalSince1970: 1_800_000_000)
    }

    public func releaseBid(platform: String, project: String, bid: String, pin: String, signerPin: String?) async throws {
        record("releaseBid")
        try await verifyBidPins(pin: pin, signerPin: signerPin)
    }

    public func quotes(platform: String, project: String) async throws -> [HallQuoteRow] {
        record("quotes")
        return store.with { $0.quotes }
    }

    public func checkConfirmation(platform: String, project: String, bid: String, amount: String) async throws {
        record("checkConfirmation")
        try checkAmount(bid: bid, amount: amount)
    }

    public func confirmQuote(platform: String, project: String, bid: String, amount: String, pin: String) async throws {
        record("confirmQuote")
        try checkAmount(bid: bid, amount: amount)
        try await certificates.verify(credentialId: credentialId, pin: pin)
        store.with { $0.confirmed[bid] = amount }
    }

    private func checkAmount(bid: String, amount: String) throws {
        let read = store.with { $0.quotes.first { $0.bidId == bid }?.amount }
        guard read == amount else {
            throw AppError(code: "hall.amount_mismatch", messageZh: "金额与唱标结果不一致。", messageEn: "The amount differs from the quote read.")
        }
    }

    public func challenges(platform: String, project: String) async throws -> [HallChallengeSummary] {
        record("challenges")
        return store.with { $0.challenges }
    }

    public func submitChallenge(
        platform: String, project: String, text: String, attachments: [ChallengeAttachment], pin: String
    ) async throws -> HallChallengeSummary {
        record("submitChallenge")
        try await certificates.verify(credentialId: credentialId, pin: pin)
        let challenge = HallChallengeSummary(
            id: UUID().uuidString, text: text, attachmentNames: attachments.map(\.name),
            submittedAt: Date(timeIntervalSince1970: 1_800_000_000), answer: nil
        )
        store.with { $0.challenges.append(challenge) }
        return challenge
    }

    public func rounds(platform: String, project: String) async throws -> [HallRoundSummary] {
        record("rounds")
        return store.with { $0.rounds }
    }

    public func submitRoundQuote(
        platform: String, project: String, section: Int, round: Int, amount: String, pin: String
    ) async throws {
        record("submitRoundQuote")
        try await certificates.verify(credentialId: credentialId, pin: pin)
    }

    public func draws(platform: String, project: String) async throws -> [HallDrawSummary] {
        record("draws")
        return store.with { $0.draws }
    }

    public func contributeDraw(platform: String, project: String, pin: String) async throws -> DrawTicket {
        record("contributeDraw")
        guard let open = store.with({ $0.draws.first { $0.isOpen } }) else {
            throw AppError(code: "hall.no_draw_open", messageZh: "没有进行中的抽取。", messageEn: "No draw is open.")
        }
        try await certificates.verify(credentialId: credentialId, pin: pin)
        return DrawTicket(draw: open.draw, kept: "{\"draw\":\(open.draw)}")
    }

    public func verifyDraw(platform: String, project: String, ticket: DrawTicket) async throws -> String {
        record("verifyDraw")
        let found = store.with { store in
            store.revealed[ticket.draw].flatMap { index in
                store.draws.first { $0.draw == ticket.draw }.map { $0.candidates[index] }
            }
        }
        guard let coefficient = found else {
            throw AppError(code: "hall.draw_not_revealed", messageZh: "抽取尚未公布结果。", messageEn: "The draw is not revealed yet.")
        }
        return coefficient
    }

    /// Adds draw number `draw` with `candidates`, open for contributions.
    public func openDraw(_ draw: Int, candidates: [String]) {
        store.with {
            $0.draws.append(HallDrawSummary(draw: draw, isOpen: true, candidates: candidates, contributions: 0, coefficient: nil))
        }
    }

    /// Closes draw `draw` and reveals candidate `index`.
    public func reveal(_ draw: Int, index: Int) {
        store.with { store in
            store.revealed[draw] = index
            for position in store.draws.indices where store.draws[position].draw == draw {
                store.draws[position].isOpen = false
                store.draws[position].coefficient = store.draws[position].candidates[index]
            }
        }
    }

    public func watch(platform: String, project: String) -> AsyncStream<HallEvent> {
        record("watch")
        let id = UUID()
        let (stream, continuation) = AsyncStream<HallEvent>.makeStream()
        continuation.onTermination = { [store] _ in
            store.with { $0.watchers[id] = nil }
        }
        store.with { $0.watchers[id] = continuation }
        return stream
    }
}

extension HallProjectSummary {
    public static let sample = HallProjectSummary(
        id: "project-1", name: "示例市政道路工程施工", sections: ["第一标段"],
        openingAt: Date(timeIntervalSince1970: 1_800_003_600), stage: .signIn
    )
}
