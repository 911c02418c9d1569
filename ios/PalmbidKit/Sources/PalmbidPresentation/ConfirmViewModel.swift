import Foundation
import PalmbidCore

/// The confirm screen for every QR kind: who asks, from where, what is
/// signed or decrypted, a countdown by the platform's clock, the number
/// match for a login and the seal choice for a seal; then the PIN pad.
public struct ConfirmState: Equatable, Sendable {
    public enum Step: Equatable, Sendable {
        case review
        /// The PIN screen is up.
        case pin
        case answered
        case cancelled
        /// The time to answer ran out.
        case expired
    }

    public var details: QrDetails
    public var step: Step = .review
    public var secondsLeft: Int
    public var clockWarning: Bool
    /// Login: the number the user picked and the platform accepted.
    public var chosenNumber: Int?
    /// Seal: the seal the user picked.
    public var chosenSeal: SealType?
    public var busy = false
    public var error: AppError?

    public init(details: QrDetails, secondsLeft: Int, clockWarning: Bool) {
        self.details = details
        self.secondsLeft = secondsLeft
        self.clockWarning = clockWarning
    }

    /// Whether everything the action needs is chosen, so that the PIN pad
    /// may be offered.
    public var readyForPin: Bool {
        guard step == .review, !busy, secondsLeft > 0 else { return false }
        switch details.action {
        case .login:
            return chosenNumber != nil
        case .seal:
            return chosenSeal != nil
        case .sign, .encryptionCertificate, .decrypt:
            return true
        }
    }
}

public enum ConfirmAction: Sendable {
    /// Starts the countdown.
    case appeared
    /// One second passed.
    case tick
    case chooseNumber(Int)
    case chooseSeal(SealType)
    case proceedToPin
    case pinCancelled
    case cancel
    case disappeared
    case dismissError
}

@MainActor
public final class ConfirmViewModel: ScreenModel<ConfirmState, ConfirmAction> {
    private let session: QrSession
    private let ticks: Bool

    /// `ticks: false` leaves the countdown to `.tick` actions (tests).
    public init(session: QrSession, ticks: Bool = true) {
        self.session = session
        self.ticks = ticks
        super.init(state: ConfirmState(
            details: session.details, secondsLeft: session.secondsLeft(), clockWarning: session.clockWarning()
        ))
    }

    public var credentialId: String { state.details.signer.credentialId }

    public override func send(_ action: ConfirmAction) {
        switch action {
        case .appeared:
            guard ticks else { return }
            keep("countdown") { [weak self] in
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: 1_000_000_000)
                    guard let self else { return }
                    self.send(.tick)
                }
            }
        case .tick:
            let left = session.secondsLeft()
            update { $0.secondsLeft = max(0, left) }
            if left <= 0, state.step == .review || state.step == .pin {
                update { $0.step = .expired }
                stop("countdown")
            }
        case let .chooseNumber(number):
            guard state.details.action == .login, state.chosenNumber == nil, !state.busy else { return }
            run { await self.chooseNumber(number) }
        case let .chooseSeal(seal):
            update { $0.chosenSeal = seal }
        case .proceedToPin:
            guard state.readyForPin else { return }
            update { $0.step = .pin }
        case .pinCancelled:
            if state.step == .pin {
                update { $0.step = .review }
            }
        case .cancel:
            run { await self.cancel() }
        case .disappeared:
            stopAll()
        case .dismissError:
            update { $0.error = nil }
        }
    }

    /// Answers the request with `pin` (the PIN screen's operation). A wrong
    /// PIN leaves the request open and is rethrown, so the pad stays up and
    /// shows the tries left. A request that expired or ended on the
    /// platform meanwhile closes the pad and shows why.
    public func answer(pin: String) async throws {
        do {
            try await session.answer(seal: state.details.action == .seal ? state.chosenSeal : nil, pin: pin)
        } catch {
            let appError = AppError(error)
            if appError.kind == .expired || Self.endingCodes.contains(appError.code) {
                update {
                    $0.error = appError
                    $0.step = appError.kind == .expired ? .expired : .cancelled
                }
                stop("countdown")
            }
            throw appError
        }
        update { $0.step = .answered }
        stop("countdown")
    }

    /// Error codes after which the request is closed for good.
    private static let endingCodes: Set<String> = [
        "qr.cancelled", "qr.already_answered", "qr.bound_to_other_phone", "qr.wrong_number",
    ]

    private func chooseNumber(_ number: Int) async {
        update { $0.busy = true }
        do {
            try await session.chooseNumber(number)
            update {
                $0.chosenNumber = number
                $0.busy = false
            }
        } catch {
            // A wrong number cancels the request on both sides (qr.wrong_number).
            let appError = AppError(error)
            update {
                $0.error = appError
                $0.busy = false
                if appError.code == "qr.wrong_number" {
                    $0.step = .cancelled
                }
            }
        }
    }

    private func cancel() async {
        do {
            try await session.cancel()
        } catch {
            // Leaving the screen is what the user wanted, and the desktop
            // shows the request expiring instead.
            update { $0.error = AppError(error) }
        }
        update { $0.step = .cancelled }
        stop("countdown")
    }
}
