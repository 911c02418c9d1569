import Foundation

/// Phases of a bid opening, in order.
public enum HallStage: Int, Equatable, Sendable, CaseIterable, Comparable {
    case notOpen
    case signIn
    case decryption
    case quoteReading
    case quoteConfirmation
    case evaluation
    case closed

    public static func < (lhs: HallStage, rhs: HallStage) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}

/// A project in the hall's list.
public struct HallProjectSummary: Equatable, Sendable, Identifiable {
    public var id: String
    public var name: String
    public var sections: [String]
    public var openingAt: Date
    public var stage: HallStage

    public init(id: String, name: String, sections: [String], openingAt: Date, stage: HallStage) {
        self.id = id
        self.name = name
        self.sections = sections
        self.openingAt = openingAt
        self.stage = stage
    }
}

/// Counts of the opening's progress.
public struct HallCounts: Equatable, Sendable {
    public var bidders: Int
    public var signedIn: Int
    public var decrypted: Int
    public var confirmed: Int

    public init(bidders: Int, signedIn: Int, decrypted: Int, confirmed: Int) {
        self.bidders = bidders
        self.signedIn = signedIn
        self.decrypted = decrypted
        self.confirmed = confirmed
    }
}

/// The project's details page.
public struct HallDetails: Equatable, Sendable {
    public var project: HallProjectSummary
    public var code: String?
    public var tenderer: String?
    public var agent: String?
    public var place: String?
    public var notes: String?
    public var counts: HallCounts

    public init(
        project: HallProjectSummary, code: String?, tenderer: String?, agent: String?,
        place: String?, notes: String?, counts: HallCounts
    ) {
        self.project = project
        self.code = code
        self.tenderer = tenderer
        self.agent = agent
        self.place = place
        self.notes = notes
        self.counts = counts
    }
}

/// This company's bid file in the project.
public struct HallBidSummary: Equatable, Sendable, Identifiable {
    public var id: String
    public var section: Int
    /// When the decryption check last succeeded; nil if never.
    public var checkedAt: Date?
    public var decrypted: Bool
    public var quote: String?

    public init(id: String, section: Int, checkedAt: Date?, decrypted: Bool, quote: String?) {
        self.id = id
        self.section = section
        self.checkedAt = checkedAt
        self.decrypted = decrypted
        self.quote = quote
    }
}

/// The sign-in receipt's summary (the PDF comes from `HallService.receipt`).
public struct HallSignInReceipt: Equatable, Sendable {
    public var company: String
    public var signedInAt: Date
    public var receiptId: String

    public init(company: String, signedInAt: Date, receiptId: String) {
        self.company = company
        self.signedInAt = signedInAt
        self.receiptId = receiptId
    }
}

/// A row of the quote reading (唱标).
public struct HallQuoteRow: Equatable, Sendable {
    public var section: Int
    public var sectionName: String
    public var company: String
    public var creditCode: String
    /// Set for this company's own bids, which it confirms.
    public var bidId: String?
    public var amount: String?
    public var confirmed: Bool?

    public init(
        section: Int, sectionName: String, company: String, creditCode: String,
        bidId: String?, amount: String?, confirmed: Bool?
    ) {
        self.section = section
        self.sectionName = sectionName
        self.company = company
        self.creditCode = creditCode
        self.bidId = bidId
        self.amount = amount
        self.confirmed = confirmed
    }
}

/// A file attached to a challenge.
public struct ChallengeAttachment: Equatable, Sendable {
    public var name: String
    public var content: Data

    public init(name: String, content: Data) {
        self.name = name
        self.content = content
    }
}

/// A challenge (质疑) this company made, with the agent's answer.
public struct HallChallengeSummary: Equatable, Sendable, Identifiable {
    public var id: String
    public var text: String
    public var attachmentNames: [String]
    public var submittedAt: Date
    public var answer: String?

    public init(id: String, text: String, attachmentNames: [String], submittedAt: Date, answer: String?) {
        self.id = id
        self.text = text
        self.attachmentNames = attachmentNames
        self.submittedAt = submittedAt
        self.answer = answer
    }
}

/// A multi-round quote round opened by the experts.
public struct HallRoundSummary: Equatable, Sendable {
    public var section: Int
    public var round: Int
    public var isOpen: Bool
    public var deadline: Date?
    /// This company's quote in the round, if any.
    public var ownAmount: String?

    public init(section: Int, round: Int, isOpen: Bool, deadline: Date?, ownAmount: String?) {
        self.section = section
        self.round = round
        self.isOpen = isOpen
        self.deadline = deadline
        self.ownAmount = ownAmount
    }
}

/// The coefficient draw (抽系数).
public struct HallDrawSummary: Equatable, Sendable {
    public var draw: Int
    public var isOpen: Bool
    public var candidates: [String]
    public var contributions: Int
    /// The coefficient chosen, once revealed.
    public var coefficient: String?

    public init(draw: Int, isOpen: Bool, candidates: [String], contributions: Int, coefficient: String?) {
        self.draw = draw
        self.isOpen = isOpen
        self.candidates = candidates
        self.contributions = contributions
        self.coefficient = coefficient
    }
}

/// This phone's contribution to a coefficient draw: what to keep until the
/// reveal to verify it. `kept` is the library's JSON record and contains
/// nothing secret.
public struct DrawTicket: Equatable, Sendable, Codable {
    public var draw: Int
    public var kept: String

    public init(draw: Int, kept: String) {
        self.draw = draw
        self.kept = kept
    }
}

/// The live state of a watched project.
public struct HallLiveState: Equatable, Sendable {
    public var project: HallProjectSummary
    public var counts: HallCounts?
    public var updatedAt: Date
    public var answeredChallenges: [String]
    /// Open multi-round quote rounds, as (section, round).
    public var openRounds: [HallRoundSummary]
    public var coefficient: String?

    public init(
        project: HallProjectSummary, counts: HallCounts?, updatedAt: Date,
        answeredChallenges: [String], openRounds: [HallRoundSummary], coefficient: String?
    ) {
        self.project = project
        self.counts = counts
        self.updatedAt = updatedAt
        self.answeredChallenges = answeredChallenges
        self.openRounds = openRounds
        self.coefficient = coefficient
    }
}

/// A moment worth a notification.
public enum HallAlert: Equatable, Sendable {
    case openingSoon(minutes: Int)
    case stageStarted(HallStage)
    case challengeAnswered
    case roundOpened(section: Int, round: Int)
    case roundClosed(section: Int, round: Int)
    case drawOpened(draw: Int)
    case drawRevealed(draw: Int, coefficient: String)
}

/// Event a hall watch delivers.
public enum HallEvent: Equatable, Sendable {
    case state(HallLiveState)
    case alert(HallLiveState, HallAlert)
    /// The event stream is open (true) or reconnecting (false).
    case connection(Bool)
}
