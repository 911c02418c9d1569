import Foundation
import PalmbidCore

/// Draw tickets in memory.
public final class InMemoryDrawTickets: DrawTicketStore, @unchecked Sendable {
    // Every access goes through `stored`.
    private let stored = Locked([String: [DrawTicket]]())

    public init() {}

    public func save(_ ticket: DrawTicket, project: String) {
        stored.with { projects in
            projects[project, default: []].removeAll { kept in kept.draw == ticket.draw }
            projects[project, default: []].append(ticket)
        }
    }

    public func tickets(project: String) -> [DrawTicket] {
        stored.with { $0[project] ?? [] }
    }
}
