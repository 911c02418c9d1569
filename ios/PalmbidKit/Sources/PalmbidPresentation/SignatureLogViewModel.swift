import Foundation
import PalmbidCore

/// Every signature the phone made, newest first.
public struct SignatureLogState: Equatable, Sendable {
    public var loading = true
    public var entries: [SignatureEntry] = []
    public var error: AppError?

    public init() {}
}

public enum SignatureLogAction: Sendable {
    case appeared
    case dismissError
}

@MainActor
public final class SignatureLogViewModel: ScreenModel<SignatureLogState, SignatureLogAction> {
    private let log: SignatureLog

    public init(log: SignatureLog) {
        self.log = log
        super.init(state: SignatureLogState())
    }

    public override func send(_ action: SignatureLogAction) {
        switch action {
        case .appeared:
            run {
                do {
                    let entries = try await self.log.entries()
                    self.update {
                        $0.entries = entries.sorted { $0.signedAt > $1.signedAt }
                        $0.loading = false
                    }
                } catch {
                    self.update {
                        $0.error = AppError(error)
                        $0.loading = false
                    }
                }
            }
        case .dismissError:
            update { $0.error = nil }
        }
    }
}
