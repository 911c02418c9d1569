import Foundation
import PalmbidCore

/// The base of every view model: a state value, an action enum, and
/// `send(_:)`, which updates the state and starts effects (service calls).
///
/// Views read `state`, call `send`, and redraw on `onChange`; they hold no
/// logic. Everything runs on the main actor, so state changes need no lock.
/// Effects are tasks on the main actor that await the services (which do
/// their work off the main thread) and then update the state.
@MainActor
open class ScreenModel<State, Action> {
    /// Current state, which the view draws.
    public private(set) var state: State {
        didSet { onChange?(state) }
    }

    /// Called after every state change; the SwiftUI wrapper republishes it.
    public var onChange: ((State) -> Void)?

    private var effects: [UUID: Task<Void, Never>] = [:]
    /// Long-running effects by key, each with the id of its start, so an
    /// effect that ends removes its own entry and not a newer one's.
    private var keyed: [String: (id: UUID, task: Task<Void, Never>)] = [:]

    public init(state: State) {
        self.state = state
    }

    /// Handles one action. Subclasses override it; the base does nothing.
    open func send(_ action: Action) {}

    /// Changes the state in place.
    public final func update(_ change: (inout State) -> Void) {
        change(&state)
    }

    /// Starts a finite effect (one service call and its state update).
    /// `settle()` waits for it.
    public final func run(_ operation: @escaping @MainActor () async -> Void) {
        let id = UUID()
        effects[id] = Task { @MainActor [weak self] in
            await operation()
            self?.effects[id] = nil
        }
    }

    /// Starts a long-running effect under `key` (a countdown, a hall watch),
    /// replacing and cancelling any effect under the same key. `settle()`
    /// does not wait for it; `stop(_:)` ends it.
    public final func keep(_ key: String, _ operation: @escaping @MainActor () async -> Void) {
        keyed[key]?.task.cancel()
        let id = UUID()
        let task = Task { @MainActor [weak self] in
            await operation()
            // Ended on its own: no longer running, so it can be started again.
            if let self, self.keyed[key]?.id == id {
                self.keyed[key] = nil
            }
        }
        keyed[key] = (id: id, task: task)
    }

    /// Cancels the long-running effect under `key`, if any.
    public final func stop(_ key: String) {
        keyed[key]?.task.cancel()
        keyed[key] = nil
    }

    /// Returns whether a long-running effect runs under `key`.
    public final func isKeeping(_ key: String) -> Bool {
        keyed[key] != nil
    }

    /// Cancels every effect; views call it when the screen goes away.
    public final func stopAll() {
        effects.values.forEach { $0.cancel() }
        effects.removeAll()
        keyed.values.forEach { $0.task.cancel() }
        keyed.removeAll()
    }

    /// Waits until every finite effect has finished, including effects that
    /// those started. Tests call it after `send`.
    public final func settle() async {
        while let task = effects.values.first {
            await task.value
            // The task removes itself on completion; this guards against one
            // that was cancelled before it started.
            if let id = effects.first(where: { $0.value == task })?.key {
                effects[id] = nil
            }
        }
    }
}

/// Interface a UI layer needs of any view model, without knowing its state
/// and action types in advance.
@MainActor
public protocol StateObservable: AnyObject {
    associatedtype State
    associatedtype Action
    var state: State { get }
    var onChange: ((State) -> Void)? { get set }
    func send(_ action: Action)
}

extension ScreenModel: StateObservable {}
