import Foundation

/// A project a guarantee can be applied for.
public struct GuaranteeProjectSummary: Equatable, Sendable, Identifiable {
    public var id: String
    public var name: String
    public var openingAt: Date

    public init(id: String, name: String, openingAt: Date) {
        self.id = id
        self.name = name
        self.openingAt = openingAt
    }
}

/// A section (标段) of such a project.
public struct GuaranteeSectionSummary: Equatable, Sendable {
    public var position: Int
    public var name: String

    public init(position: Int, name: String) {
        self.position = position
        self.name = name
    }
}

/// A bank, insurer or guarantor issuing electronic bid guarantees.
public struct GuaranteeInstitutionSummary: Equatable, Sendable, Identifiable {
    public var id: String
    public var name: String
    /// Fee in basis points of the guaranteed amount.
    public var feeRateBp: Int

    public init(id: String, name: String, feeRateBp: Int) {
        self.id = id
        self.name = name
        self.feeRateBp = feeRateBp
    }
}

/// Progress of a section's guarantee.
public enum GuaranteeProgress: Equatable, Sendable {
    case notApplied
    case applied(institution: String?)
    case issued(guaranteeNo: String)
    case rejected(reason: String?)
    case cancelled
}
