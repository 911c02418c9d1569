import Foundation
import PalmbidCore

/// Purpose of the PIN screen.
public enum PinPurpose: Sendable {
    /// Choose a new PIN (pickup): typed twice, then handed to `operation`.
    case choose(operation: @Sendable @MainActor (String) async throws -> Void)
    /// Unlock a credential for one operation (sign, confirm, release). The
    /// credential is nil when it is not installed yet (the download after a
    /// pickup); the pad then shows no tries left.
    case enter(credentialId: String?, operation: @Sendable @MainActor (String) async throws -> Void)
    /// Change a credential's PIN: old, new, new again.
    case change(credentialId: String)
}

/// The app's own PIN keypad (no system keyboard, so no third-party keyboard
/// and no autofill reads the PIN).
///
/// The digits are not part of the state: the state counts the digits typed,
/// and the buffer stays inside the view model, overwritten when cleared.

public struct PinPadState: Equatable, Sendable {
    public enum Stage: Equatable, Sendable {
        case current
        case new
        case repeatNew
    }

    /// The purpose without its operation, for the screen's titles.
    public enum Kind: Equatable, Sendable {
        case choose
        case enter
        case change
    }

    public var kind: Kind
    public var stage: Stage
    /// How many digits are typed (drawn as dots).
    public var entered = 0
    /// Tries left before the credential locks; nil until known.
    public var triesLeft: Int?
    public var locked = false
    public var busy = false
    /// The two new PINs differed; the user starts the new PIN again.
    public var mismatch = false
    /// A PIN is stored behind Face ID or Touch ID for this credential, so the
    /// pad offers biometric unlock.
    public var biometricOffered = false
    /// The operation succeeded; the screen closes.
    public var done = false
    public var error: AppError?

    public init(kind: Kind, stage: Stage) {
        self.kind = kind
        self.stage = stage
    }

    public var canSubmit: Bool {
        entered >= PinPadState.minimumLength && !busy && !locked
    }

    /// The library refuses shorter PINs (`keystore.pin_too_short`); the pad
    /// does not offer to submit them.
    public static let minimumLength = 6
    /// Long enough for any PIN a user types on a keypad.
    public static let maximumLength = 12
}

public enum PinPadAction: Sendable {
    case appeared
    case digit(Int)
    case backspace
    case submit
    /// The app went to the background or the screen was captured: forget
    /// everything typed.
    case clear
    /// The user chose biometric unlock; `reason` is the prompt's text.
    case biometricRequested(reason: String)
    case dismissError
}

@MainActor
public final class PinViewModel: ScreenModel<PinPadState, PinPadAction> {
    private let purpose: PinPurpose
    private let certificates: CertificateStore
    /// Set only while biometric unlock is on in the settings.
    private let biometrics: BiometricPinStore?
    private let buffer = PinDigits()
    /// The current PIN of a change, kept while the new one is typed.
    private var held = PinDigits()
    private var firstNew = PinDigits()

    public init(purpose: PinPurpose, certificates: CertificateStore, biometrics: BiometricPinStore? = nil) {
        self.purpose = purpose
        self.certificates = certificates
        self.biometrics = biometrics
        switch purpose {
        case .choose:
            super.init(state: PinPadState(kind: .choose, stage: .new))
        case .enter:
            super.init(state: PinPadState(kind: .enter, stage: .current))
        case .change:
            super.init(state: PinPadState(kind: .change, stage: .current))
        }
    }

    public override func send(_ action: PinPadAction) {
        switch action {
        case .appeared:
            if let credentialId {
                run { await self.reloadTries(credentialId) }
            }
            if case let .enter(credentialId?, _) = purpose, let biometrics {
                update { $0.biometricOffered = biometrics.hasPin(credentialId: credentialId) }
            }
        case let .biometricRequested(reason):
            guard case let .enter(credentialId?, operation) = purpose, let biometrics,
                  state.biometricOffered, !state.busy, !state.locked
            else { return }
            run { await self.unlockWithBiometrics(biometrics, credentialId: credentialId, reason: reason, operation: operation) }
        case let .digit(digit):
            guard (0...9).contains(digit), !buffer.isFull, !state.busy else { return }
            buffer.append(UInt8(digit) + 0x30)
            update {
                $0.entered = buffer.count
                $0.mismatch = false
            }
        case .backspace:
            guard !buffer.isEmpty else { return }
            buffer.removeLast()
            update { $0.entered = buffer.count }
        case .submit:
            guard state.canSubmit else { return }
            advance()
        case .clear:
            wipeAll()
            update {
                $0.entered = 0
                $0.stage = stageAfterReset
            }
        case .dismissError:
            update { $0.error = nil }
        }
    }

    private var credentialId: String? {
        switch purpose {
        case .choose:
            return nil
        case let .enter(credentialId, _):
            return credentialId
        case let .change(credentialId):
            return credentialId
        }
    }

    private var stageAfterReset: PinPadState.Stage {
        if case .choose = purpose {
            return .new
        }
        return .current
    }

    private func advance() {
        let typed = takeBuffer()
        switch (purpose, state.stage) {
        case let (.enter(_, operation), _):
            run { await self.finish(pin: typed, operation: operation) }
        case (.change, .current):
            held.wipe()
            held = typed
            update { $0.stage = .new }
        case (_, .new):
            firstNew.wipe()
            firstNew = typed
            update { $0.stage = .repeatNew }
        case (_, .repeatNew):
            guard typed.matches(firstNew) else {
                typed.wipe()
                firstNew.wipe()
                update {
                    $0.mismatch = true
                    $0.stage = .new
                }
                return
            }
            switch purpose {
            case let .choose(operation):
                run { await self.finish(pin: typed, operation: operation) }
            case let .change(credentialId):
                // Moved out, so a clear (the app sent to the background)
                // before the task runs cannot empty it under the call.
                let old = held.take()
                run {
                    defer { old.wipe() }
                    await self.finish(pin: typed) { newPin in
                        try await self.certificates.changePin(
                            credentialId: credentialId, oldPin: old.text(), newPin: newPin
                        )
                    }
                }
            case .enter:
                typed.wipe()
            }
        case (.choose, .current):
            typed.wipe()
        }
    }

    private func finish(
        pin digits: PinDigits, fromBiometrics: Bool = false, operation: @MainActor (String) async throws -> Void
    ) async {
        defer { digits.wipe() }
        update { $0.busy = true }
        do {
            try await operation(digits.text())
            rememberForBiometrics(digits, typed: !fromBiometrics)
            wipeAll()
            update {
                $0.busy = false
                $0.done = true
                $0.error = nil
            }
        } catch {
            let appError = AppError(error)
            // Start over from the first stage: for a change, a wrong current
            // PIN means the new one must be typed again too.
            wipeAll()
            update {
                $0.busy = false
                $0.error = appError
                $0.stage = stageAfterReset
                $0.locked = appError.kind == .locked
            }
            if let credentialId, appError.kind == .wrongPin || appError.kind == .locked {
                // A stored PIN that no longer unlocks (changed elsewhere) is
                // dropped rather than spending more tries.
                if fromBiometrics {
                    biometrics?.remove(credentialId: credentialId)
                    update { $0.biometricOffered = false }
                }
                await reloadTries(credentialId)
            }
        }
    }

    private func unlockWithBiometrics(
        _ biometrics: BiometricPinStore, credentialId: String, reason: String,
        operation: @MainActor (String) async throws -> Void
    ) async {
        do {
            guard let pin = try await biometrics.pin(credentialId: credentialId, reason: reason) else { return }
            await finish(pin: PinDigits(utf8: pin), fromBiometrics: true, operation: operation)
        } catch {
            update { $0.error = AppError(error) }
        }
    }

    /// Stores a PIN the user typed and the library accepted, when biometric
    /// unlock is on. After a change the new PIN replaces the stored one.
    private func rememberForBiometrics(_ digits: PinDigits, typed: Bool) {
        guard typed, let biometrics else { return }
        switch purpose {
        case let .enter(credentialId?, _), let .change(credentialId):
            // Failing to store only means the next unlock needs the keypad.
            try? biometrics.save(pin: digits.text(), credentialId: credentialId)
        case .enter, .choose:
            break
        }
    }

    private func reloadTries(_ credentialId: String) async {
        do {
            let pin = try await certificates.pinState(credentialId: credentialId)
            update {
                $0.triesLeft = pin.triesLeft
                $0.locked = pin.locked
            }
        } catch {
            update { $0.error = AppError(error) }
        }
    }

    /// Moves the typed digits out of the buffer and clears the count.
    private func takeBuffer() -> PinDigits {
        let typed = buffer.take()
        update { $0.entered = 0 }
        return typed
    }

    private func wipeAll() {
        buffer.wipe()
        held.wipe()
        firstNew.wipe()
    }
}
