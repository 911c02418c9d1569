import Foundation
import PalmbidBindings

final class LiveHallService: HallService {
    private let account: Account

    init(account: Account) {
        self.account = account
    }

    func projects(platform: String) async throws -> [HallProjectSummary] {
        try await bridged { try await account.hallProjects(platform: platform).map(HallProjectSummary.init) }
    }

    func details(platform: String, project: String) async throws -> HallDetails {
        try await bridged {
            let details = try await account.hallProjectDetails(platform: platform, project: project)
            let summary = HallProjectSummary(
                id: details.id,
                name: details.name,
                sections: details.sections.map(\.name),
                openingAt: Date(unix: details.openingAt),
                stage: HallStage(details.phase)
            )
            return HallDetails(
                project: summary, code: details.code, tenderer: details.tenderer, agent: details.agent,
                place: details.place, notes: details.notes, counts: HallCounts(details.progress)
            )
        }
    }

    func bids(platform: String, project: String) async throws -> [HallBidSummary] {
        try await bridged {
            try await account.hallBids(platform: platform, project: project).map {
                HallBidSummary(
                    id: $0.bidId, section: Int($0.section), checkedAt: $0.check.map { Date(unix: $0.checkedAt) },
                    decrypted: $0.decrypted, quote: $0.quote
                )
            }
        }
    }

    func pinCredential(platform: String, project: String, bid: String?) async throws -> String {
        try await bridged { try await account.hallPinCredential(platform: platform, project: project, bid: bid) }
    }

    func signIn(platform: String, project: String, pin: String) async throws -> HallSignInReceipt {
        try await bridged {
            let signIn = try await account.hallSignIn(platform: platform, project: project, pin: pin)
            return HallSignInReceipt(company: signIn.company, signedInAt: Date(unix: signIn.signedInAt), receiptId: signIn.receiptId)
        }
    }

    func receipt(platform: String, project: String) async throws -> Data {
        try await bridged { try await account.hallSignInReceipt(platform: platform, project: project) }
    }

    func checkBid(platform: String, project: String, bid: String, pin: String, signerPin: String?) async throws -> Date {
        try await bridged {
            let check = try await account.hallCheckBid(
                platform: platform, project: project, bid: bid, pin: pin, signerPin: signerPin
            )
            return Date(unix: check.checkedAt)
        }
    }

    func releaseBid(platform: String, project: String, bid: String, pin: String, signerPin: String?) async throws {
        _ = try await bridged {
            try await account.hallReleaseBid(platform: platform, project: project, bid: bid, pin: pin, signerPin: signerPin)
        }
    }

    func quotes(platform: String, project: String) async throws -> [HallQuoteRow] {
        try await bridged {
            try await account.hallQuotes(platform: platform, project: project).quotes.map {
                HallQuoteRow(
                    section: Int($0.section), sectionName: $0.sectionName, company: $0.company,
                    creditCode: $0.creditCode, bidId: $0.bidId, amount: $0.amount, confirmed: $0.confirmed
                )
            }
        }
    }

    func checkConfirmation(platform: String, project: String, bid: String, amount: String) async throws {
        try await bridged {
            try await account.hallCheckConfirmation(platform: platform, project: project, bid: bid, amount: amount)
        }
    }

    func confirmQuote(platform: String, project: String, bid: String, amount: String, pin: String) async throws {
        _ = try await bridged {
            try await account.hallConfirmQuote(platform: platform, project: project, bid: bid, amount: amount, pin: pin)
        }
    }

    func challenges(platform: String, project: String) async throws -> [HallChallengeSummary] {
        try await bridged { try await account.hallChallenges(platform: platform, project: project).map(HallChallengeSummary.init) }
    }

    func submitChallenge(
        platform: String, project: String, text: String, attachments: [ChallengeAttachment], pin: String
    ) async throws -> HallChallengeSummary {
        try await bridged {
            let files = attachments.map { HallAttachment(name: $0.name, content: $0.content) }
            let made = try await account.hallSubmitChallenge(
                platform: platform, project: project, text: text, attachments: files, pin: pin
            )
            return HallChallengeSummary(made)
        }
    }

    func rounds(platform: String, project: String) async throws -> [HallRoundSummary] {
        try await bridged {
            // While a round is open the platform lists this company's own
            // quote only. Once closed it lists everyone's, so the own amount
            // comes from open rounds only.
            try await account.hallRounds(platform: platform, project: project).map {
                HallRoundSummary(
                    section: Int($0.section), round: Int($0.round), isOpen: $0.open,
                    deadline: $0.deadline.map(Date.init(unix:)), ownAmount: $0.open ? $0.quotes.last?.amount : nil
                )
            }
        }
    }

    func submitRoundQuote(
        platform: String, project: String, section: Int, round: Int, amount: String, pin: String
    ) async throws {
        try await bridged {
            let sectionNumber = try libraryNumber(section)
            let roundNumber = try libraryNumber(round)
            _ = try await account.hallSubmitRoundQuote(
                platform: platform, project: project, section: sectionNumber, round: roundNumber,
                amount: amount, pin: pin
            )
        }
    }

    func draws(platform: String, project: String) async throws -> [HallDrawSummary] {
        try await bridged {
            try await account.hallDraws(platform: platform, project: project).map { draw in
                // `index` is set once the draw is revealed and picks one of
                // the candidates.
                let coefficient = draw.index.flatMap { index -> String? in
                    let position = Int(index)
                    return draw.candidates.indices.contains(position) ? draw.candidates[position] : nil
                }
                return HallDrawSummary(
                    draw: Int(draw.draw), isOpen: draw.open, candidates: draw.candidates,
                    contributions: Int(draw.contributions), coefficient: coefficient
                )
            }
        }
    }

    func contributeDraw(platform: String, project: String, pin: String) async throws -> DrawTicket {
        try await bridged {
            let contribution = try await account.hallContributeDraw(platform: platform, project: project, pin: pin)
            return DrawTicket(draw: Int(contribution.draw), kept: contribution.kept)
        }
    }

    func verifyDraw(platform: String, project: String, ticket: DrawTicket) async throws -> String {
        try await bridged {
            try await account.hallVerifyDraw(platform: platform, project: project, kept: ticket.kept).coefficient
        }
    }

    func watch(platform: String, project: String) -> AsyncStream<HallEvent> {
        hallEvents(account: account, platform: platform, project: project)
    }
}

extension HallChallengeSummary {
    init(_ challenge: HallChallenge) {
        self.init(
            id: challenge.id, text: challenge.text, attachmentNames: challenge.attachments.map(\.name),
            submittedAt: Date(unix: challenge.submittedAt), answer: challenge.answer
        )
    }
}
