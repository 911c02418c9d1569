import Combine
import PalmbidPresentation
import SwiftUI

/// Republishes a view model's state to SwiftUI. The view models are
/// Foundation-only; this wrapper is the one place that ties them to
/// `ObservableObject`.
///
/// Views hold it as `@StateObject` built from an autoclosure, so the view
/// model is made once per screen, not on every redraw of the parent.
@MainActor
final class Observed<Model: StateObservable>: ObservableObject {
    let model: Model
    @Published private(set) var state: Model.State

    init(_ model: Model) {
        self.model = model
        state = model.state
        model.onChange = { [weak self] in self?.state = $0 }
    }

    func send(_ action: Model.Action) {
        model.send(action)
    }
}
