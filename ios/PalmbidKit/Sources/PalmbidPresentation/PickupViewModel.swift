import Foundation
import PalmbidCore

/// Certificate pickup: the order behind a pickup QR code, then a new PIN
/// (on the PIN screen), which generates the keys and sends the requests.
public struct PickupState: Equatable, Sendable {
    public enum Step: Equatable, Sendable {
        /// Showing the order; the user checks name, company and phone.
        case review
        /// The PIN screen is up to choose the certificate's PIN.
        case choosingPin
        /// Requests sent; the download screen follows.
        case pickedUp
    }

    public var order: PickupOrder
    public var step: Step = .review
    public var error: AppError?

    public init(order: PickupOrder) {
        self.order = order
    }

    /// The CA must have approved the order before it can be picked up.
    public var canPickUp: Bool { order.progress == .approved }
}

public enum PickupAction: Sendable {
    case proceed
    case pinCancelled
    case dismissError
}

@MainActor
public final class PickupViewModel: ScreenModel<PickupState, PickupAction> {
    private let pickup: PickupService

    public init(order: PickupOrder, pickup: PickupService) {
        self.pickup = pickup
        super.init(state: PickupState(order: order))
    }

    public override func send(_ action: PickupAction) {
        switch action {
        case .proceed:
            guard state.canPickUp else { return }
            update { $0.step = .choosingPin }
        case .pinCancelled:
            update { $0.step = .review }
        case .dismissError:
            update { $0.error = nil }
        }
    }

    /// Picks the order up under `newPin` (the PIN screen's operation). A
    /// failure is rethrown, so the PIN screen shows it and stays up.
    public func pickUp(newPin: String) async throws {
        try await pickup.pickUp(state.order, newPin: newPin)
        update { $0.step = .pickedUp }
    }
}
