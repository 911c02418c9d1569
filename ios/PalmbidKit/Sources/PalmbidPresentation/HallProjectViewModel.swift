import Foundation
import PalmbidCore

/// An operation of the project screen that needs the PIN; the view shows the
/// PIN pad, which calls `HallProjectViewModel.perform(_:pin:)`.
public enum HallPinRequest: Equatable, Sendable {
    case signIn
    case checkBid(String)
    case releaseBid(String)
    case confirmQuote(bid: String, amount: String)
    case challenge(text: String, attachments: [ChallengeAttachment])
    case roundQuote(section: Int, round: Int, amount: String)
    case contributeDraw

    /// The bid whose key this request unlocks; nil when it only signs.
    public var openedBid: String? {
        switch self {
        case let .checkBid(bid), let .releaseBid(bid):
            return bid
        default:
            return nil
        }
    }
}

/// One project of the opening: phase and progress live from the hall's
/// event stream, and everything the bidder does in each phase.
public struct HallProjectState: Equatable, Sendable {
    public var platform: String
    public var projectId: String
    public var details: HallDetails?
    /// Live state from the stream; newer than `details` once it arrives.
    public var live: HallLiveState?
    /// The event stream is open.
    public var connected = false
    public var bids: [HallBidSummary] = []
    /// NOTE: set by a sign-in made while this screen was open. The bindings
    /// export no sign-in status, so after a restart the screen offers the
    /// sign-in again; a second sign-in returns the first record.
    public var signedIn: HallSignInReceipt?
    /// The sign-in receipt PDF, once asked for.
    public var receipt: Data?
    public var quotes: [HallQuoteRow] = []
    public var challenges: [HallChallengeSummary] = []
    public var rounds: [HallRoundSummary] = []
    public var draws: [HallDrawSummary] = []
    /// Draws this phone contributed to (it keeps their tickets).
    public var contributedDraws: Set<Int> = []
    /// Coefficients this phone verified, by draw.
    public var verifiedDraws: [Int: String] = [:]
    /// The latest alert, shown as a banner.
    public var alert: HallAlert?
    /// The PIN pad is up for this.
    public var pinRequest: HallPinRequest?
    /// The credential whose PIN `pinRequest` asks for, as the core names
    /// it (a bid opens with the key it was encrypted to, which may belong
    /// to an older credential than the signing one); nil when the lookup
    /// failed, and the pad then shows no count and offers no biometrics.
    public var pinCredential: String?
    /// Whether the pad requests the signing credential's PIN, after the bid
    /// key's, because the bid opens with a key whose credential has no
    /// signing certificate for the platform.
    public var signerPin = false
    public var error: AppError?

    public init(platform: String, projectId: String) {
        self.platform = platform
        self.projectId = projectId
    }

    /// The phase, from the stream when it is live.
    public var stage: HallStage? {
        live?.project.stage ?? details?.project.stage
    }

    public var counts: HallCounts? {
        live?.counts ?? details?.counts
    }
}

public enum HallProjectAction: Sendable {
    /// Loads the project and starts watching it.
    case appeared
    /// Stops the watch (the screen left, or the app went to the background).
    case disappeared
    case refresh
    case loadReceipt
    case receiptShown
    case requestPin(HallPinRequest)
    case pinCancelled
    case event(HallEvent)
    /// Verifies a revealed draw against this phone's contribution.
    case verifyDraw(Int)
    case dismissAlert
    case dismissError
}

@MainActor
public final class HallProjectViewModel: ScreenModel<HallProjectState, HallProjectAction> {
    private let hall: HallService
    private let tickets: DrawTicketStore
    private static let watchKey = "watch"
    /// The newest PIN pad request; an older lookup that ends later is dropped.
    private var padToken = UUID()
    /// The bid key's PIN, kept while the signing credential's is typed, with
    /// the request it is for.
    /// NOTE: a Swift `String` cannot be wiped, so it is dropped as soon as
    /// the call returns, the pad closes, another request starts or the
    /// screen goes away.
    private var held: (request: HallPinRequest, pin: String)?
    private static let signerPinNeeded = "hall.signer_pin_needed"
    /// Thrown to the signer's pad when the two-PIN call failed.
    private static let signerStepFailed = "app.signer_pin_retry"

    /// Starts a new PIN pad request, dropping the ones before it.
    private func newPadToken() -> UUID {
        padToken = UUID()
        held = nil
        return padToken
    }

    public init(platform: String, projectId: String, hall: HallService, tickets: DrawTicketStore) {
        self.hall = hall
        self.tickets = tickets
        super.init(state: HallProjectState(platform: platform, projectId: projectId))
    }

    public override func send(_ action: HallProjectAction) {
        switch action {
        case .appeared:
            run { await self.reload() }
            startWatching()
        case .disappeared:
            stop(Self.watchKey)
            // The screen left or the app went to the background.
            held = nil
            update { $0.connected = false }
        case .refresh:
            run { await self.reload() }
            // A watch that ended on a network failure or a refusal is
            // started again; a running one is left alone.
            startWatching()
        case .loadReceipt:
            run {
                do {
                    let pdf = try await self.hall.receipt(platform: self.state.platform, project: self.state.projectId)
                    self.update { $0.receipt = pdf }
                } catch {
                    self.update { $0.error = AppError(error) }
                }
            }
        case .receiptShown:
            update { $0.receipt = nil }
        case let .requestPin(.confirmQuote(bid, amount)):
            // A confirmation that cannot succeed (another amount, a closed
            // phase) is refused before the PIN is typed.
            let token = newPadToken()
            run {
                do {
                    try await self.hall.checkConfirmation(
                        platform: self.state.platform, project: self.state.projectId, bid: bid, amount: amount
                    )
                    await self.openPad(.confirmQuote(bid: bid, amount: amount), token: token)
                } catch {
                    self.update { $0.error = AppError(error) }
                }
            }
        case let .requestPin(request):
            let token = newPadToken()
            run { await self.openPad(request, token: token) }
        case .pinCancelled:
            _ = newPadToken()
            held = nil
            update {
                $0.pinRequest = nil
                $0.pinCredential = nil
                $0.signerPin = false
            }
        case let .event(event):
            apply(event)
        case let .verifyDraw(draw):
            guard let ticket = tickets.tickets(project: state.projectId).first(where: { $0.draw == draw }) else { return }
            run {
                do {
                    let coefficient = try await self.hall.verifyDraw(
                        platform: self.state.platform, project: self.state.projectId, ticket: ticket
                    )
                    self.update { $0.verifiedDraws[draw] = coefficient }
                } catch {
                    self.update { $0.error = AppError(error) }
                }
            }
        case .dismissAlert:
            update { $0.alert = nil }
        case .dismissError:
            update { $0.error = nil }
        }
    }

    /// Performs `request` with `pin` (the PIN pad's operation). Rethrows, so
    /// a wrong PIN keeps the pad up. On success the lists are reloaded.
    public func perform(_ request: HallPinRequest, pin: String) async throws {
        let platform = state.platform
        let project = state.projectId
        switch request {
        case .signIn:
            let receipt = try await hall.signIn(platform: platform, project: project, pin: pin)
            update { $0.signedIn = receipt }
        case let .checkBid(bid):
            try await withSignerPin(request, pin: pin) { pin, signerPin in
                _ = try await self.hall.checkBid(
                    platform: platform, project: project, bid: bid, pin: pin, signerPin: signerPin
                )
            }
        case let .releaseBid(bid):
            try await withSignerPin(request, pin: pin) { pin, signerPin in
                try await self.hall.releaseBid(
                    platform: platform, project: project, bid: bid, pin: pin, signerPin: signerPin
                )
            }
        case let .confirmQuote(bid, amount):
            try await hall.confirmQuote(platform: platform, project: project, bid: bid, amount: amount, pin: pin)
        case let .challenge(text, attachments):
            _ = try await hall.submitChallenge(
                platform: platform, project: project, text: text, attachments: attachments, pin: pin
            )
        case let .roundQuote(section, round, amount):
            try await hall.submitRoundQuote(
                platform: platform, project: project, section: section, round: round, amount: amount, pin: pin
            )
        case .contributeDraw:
            let ticket = try await hall.contributeDraw(platform: platform, project: project, pin: pin)
            tickets.save(ticket, project: project)
            update { $0.contributedDraws.insert(ticket.draw) }
        }
        update {
            $0.pinRequest = nil
            $0.pinCredential = nil
        }
        run { await self.reload() }
    }

    /// Runs a bid action with the PIN just typed. When the library asks for
    /// the signing credential's PIN too (before any PIN was used), keeps the
    /// first, turns the pad to the signer's and rethrows, so the pad stays
    /// up; the next PIN typed completes the call.
    private func withSignerPin(
        _ request: HallPinRequest, pin: String,
        call: @MainActor (String, String?) async throws -> Void
    ) async throws {
        if let first = held, first.request == request, state.signerPin {
            held = nil
            do {
                try await call(first.pin, pin)
                update { $0.signerPin = false }
                return
            } catch {
                let failure = AppError(error)
                guard failure.kind == .wrongPin || failure.kind == .locked else {
                    // Neither PIN was refused (the network, the platform):
                    // the pad stays on the signer's PIN, the first kept, for
                    // a retry.
                    held = first
                    throw failure
                }
                // The error does not say which of the two PINs was wrong, so
                // both are asked again, the bid key's first, with the error
                // shown on the screen. The signer's pad gets an error of its
                // own kind: read as its wrong PIN, it would drop the PIN kept
                // for biometric unlock and count a try it did not cause.
                update {
                    $0.signerPin = false
                    $0.pinCredential = nil
                    $0.error = failure
                }
                let token = newPadToken()
                run { await self.openPad(request, token: token) }
                throw AppError(
                    code: Self.signerStepFailed,
                    messageZh: "请重新输入两个 PIN 码。",
                    messageEn: "Enter both PINs again."
                )
            }
        }
        do {
            try await call(pin, nil)
        } catch let error as AppError where error.code == Self.signerPinNeeded {
            let signer = try? await hall.pinCredential(platform: state.platform, project: state.projectId, bid: nil)
            // The pad may have closed, or another request begun, meanwhile.
            guard state.pinRequest == request else { throw error }
            held = (request: request, pin: pin)
            update {
                $0.signerPin = true
                $0.pinCredential = signer
            }
            throw error
        }
    }

    /// Asks the core whose PIN `request` needs, then opens the pad for it.
    /// A failed lookup still opens the pad, without a credential: the
    /// count is a help, and the operation itself reports what went wrong.
    /// A lookup overtaken by a newer request or a cancel opens nothing.
    private func openPad(_ request: HallPinRequest, token: UUID) async {
        let credential = try? await hall.pinCredential(
            platform: state.platform, project: state.projectId, bid: request.openedBid
        )
        guard padToken == token, !Task.isCancelled else { return }
        update {
            $0.pinCredential = credential
            $0.pinRequest = request
        }
    }

    private func startWatching() {
        guard !isKeeping(Self.watchKey) else { return }
        let events = hall.watch(platform: state.platform, project: state.projectId)
        keep(Self.watchKey) { [weak self] in
            for await event in events {
                guard let self else { return }
                self.send(.event(event))
            }
            // The watch ended on its own (project closed or refused): show
            // it as disconnected and reload, which surfaces a refusal's
            // message. A cancelled watch (the screen left) does neither.
            guard let self, !Task.isCancelled else { return }
            self.update { $0.connected = false }
            await self.reload()
        }
    }

    private func apply(_ event: HallEvent) {
        let before = state.stage
        switch event {
        case let .state(live):
            update { $0.live = live }
        case let .alert(live, alert):
            update {
                $0.live = live
                $0.alert = alert
            }
        case let .connection(open):
            update { $0.connected = open }
        }
        // A new phase changes what the lists hold (quotes appear at quote
        // reading, rounds at evaluation).
        if let stage = state.stage, stage != before {
            run { await self.reload() }
        }
    }

    private func reload() async {
        // The child tasks run off the main actor: they get copies.
        let hall = self.hall
        let platform = state.platform
        let project = state.projectId
        do {
            async let details = hall.details(platform: platform, project: project)
            async let bids = hall.bids(platform: platform, project: project)
            async let challenges = hall.challenges(platform: platform, project: project)
            let (loadedDetails, loadedBids, loadedChallenges) = try await (details, bids, challenges)
            let contributed = Set(tickets.tickets(project: project).map(\.draw))
            update {
                $0.details = loadedDetails
                $0.bids = loadedBids
                $0.challenges = loadedChallenges
                $0.contributedDraws = contributed
            }
            try await loadPhaseLists(stage: loadedDetails.project.stage)
            update { $0.error = nil }
        } catch {
            update { $0.error = AppError(error) }
        }
    }

    /// Quotes exist from quote reading on, rounds and draws in evaluation;
    /// asking earlier only earns a refusal.
    private func loadPhaseLists(stage: HallStage) async throws {
        let platform = state.platform
        let project = state.projectId
        if stage >= .quoteReading {
            let quotes = try await hall.quotes(platform: platform, project: project)
            update { $0.quotes = quotes }
        }
        if stage >= .evaluation {
            let rounds = try await hall.rounds(platform: platform, project: project)
            let draws = try await hall.draws(platform: platform, project: project)
            update {
                $0.rounds = rounds
                $0.draws = draws
            }
        }
    }
}
