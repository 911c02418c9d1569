import Foundation
import PalmbidCore

/// Destination of a scan.
public enum ScanRoute: Sendable {
    case pickup(PickupOrder)
    case confirm(QrSession)
}

/// The scanner (扫一扫). The camera delivers every frame's text; the view
/// model handles one code at a time and ignores repeats of the code it is
/// handling.
public struct ScanState: Sendable {
    /// The camera is delivering codes (false while one is handled or after
    /// a route was taken).
    public var scanning = true
    public var handling = false
    public var route: ScanRoute?
    public var error: AppError?
    /// No camera permission: the screen explains how to allow it.
    public var cameraDenied = false

    public init() {}
}

public enum ScanAction: Sendable {
    case codeRead(String)
    case cameraDenied
    /// Back from the screen the route opened, or the error was read.
    case resume
}

@MainActor
public final class ScanViewModel: ScreenModel<ScanState, ScanAction> {
    private let qr: QrService
    private var lastText: String?

    public init(qr: QrService) {
        self.qr = qr
        super.init(state: ScanState())
    }

    public override func send(_ action: ScanAction) {
        switch action {
        case let .codeRead(text):
            // The same code stays in view for many frames; a toolbox code
            // changes every second, so only an identical text is a repeat.
            guard state.scanning, !state.handling, text != lastText else { return }
            lastText = text
            update {
                $0.handling = true
                $0.scanning = false
            }
            run { await self.handle(text) }
        case .cameraDenied:
            update {
                $0.cameraDenied = true
                $0.scanning = false
            }
        case .resume:
            lastText = nil
            update {
                $0.route = nil
                $0.error = nil
                $0.handling = false
                $0.scanning = !$0.cameraDenied
            }
        }
    }

    private func handle(_ text: String) async {
        do {
            let outcome = try await qr.scan(text)
            let route: ScanRoute
            switch outcome {
            case let .pickup(order):
                route = .pickup(order)
            case let .request(session):
                route = .confirm(session)
            }
            update {
                $0.route = route
                $0.handling = false
            }
        } catch {
            update {
                $0.error = AppError(error)
                $0.handling = false
            }
        }
    }
}
