import Foundation
import PalmbidCore

/// A hall alert kept for the 消息 screen.
public struct HallMessage: Equatable, Sendable, Identifiable {
    public var id: UUID
    public var projectName: String
    public var alert: HallAlert
    public var receivedAt: Date

    public init(id: UUID = UUID(), projectName: String, alert: HallAlert, receivedAt: Date) {
        self.id = id
        self.projectName = projectName
        self.alert = alert
        self.receivedAt = receivedAt
    }
}

/// Messages (消息): the hall alerts received while the app ran, newest
/// first. Kept in memory only: the hall is the record, these are reminders.
public struct MessagesState: Equatable, Sendable {
    public var messages: [HallMessage] = []
    public var unread = 0

    public init() {}
}

public enum MessagesAction: Sendable {
    case received(HallMessage)
    case read
    case clear
}

@MainActor
public final class MessagesViewModel: ScreenModel<MessagesState, MessagesAction> {
    /// Older messages are dropped past this count.
    public static let capacity = 200

    public init() {
        super.init(state: MessagesState())
    }

    public override func send(_ action: MessagesAction) {
        switch action {
        case let .received(message):
            update {
                $0.messages.insert(message, at: 0)
                if $0.messages.count > Self.capacity {
                    $0.messages.removeLast($0.messages.count - Self.capacity)
                }
                $0.unread += 1
            }
        case .read:
            update { $0.unread = 0 }
        case .clear:
            update {
                $0.messages = []
                $0.unread = 0
            }
        }
    }
}
