import Foundation

/// Draw tickets in `UserDefaults`, one JSON list a project. A ticket is the
/// library's public record of a contribution, so nothing secret is stored.
public final class UserDefaultsDrawTickets: DrawTicketStore, @unchecked Sendable {
    // UserDefaults is documented as thread-safe; `lock` makes the
    // read-modify-write of `save` atomic.
    private let defaults: UserDefaults
    private let lock = NSLock()

    public init(defaults: UserDefaults = .standard) {
        self.defaults = defaults
    }

    public func save(_ ticket: DrawTicket, project: String) {
        lock.lock()
        defer { lock.unlock() }
        var kept = read(project: project).filter { $0.draw != ticket.draw }
        kept.append(ticket)
        if let data = try? JSONEncoder().encode(kept) {
            defaults.set(data, forKey: key(project))
        }
    }

    public func tickets(project: String) -> [DrawTicket] {
        lock.lock()
        defer { lock.unlock() }
        return read(project: project)
    }

    private func read(project: String) -> [DrawTicket] {
        guard let data = defaults.data(forKey: key(project)) else { return [] }
        return (try? JSONDecoder().decode([DrawTicket].self, from: data)) ?? []
    }

    private func key(_ project: String) -> String {
        "hall.draw_tickets.\(project)"
    }
}
