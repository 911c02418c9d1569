import Foundation
import PalmbidCore

/// 签名记录: every PIN entry that asked for a key on this phone, newest
/// first, paged back by entry id.
public struct SignatureLogState: Equatable, Sendable {
    public var loading = true
    public var entries: [SignatureEntry] = []
    /// A further page is loading.
    public var loadingMore = false
    /// No older entry is left.
    public var endReached = false
    public var error: AppError?

    /// Refused tries (wrong PIN, locked) among the loaded entries; the view
    /// warns when there is any, since they may be someone else's.
    public var refusedCount: Int { entries.filter(\.refused).count }

    public init() {}
}

public enum SignatureLogAction: Sendable {
    case appeared
    /// The list reached its end: load the next page.
    case loadMore
    /// Loads again what failed: the first page, or the next one.
    case retry
    case dismissError
}

@MainActor
public final class SignatureLogViewModel: ScreenModel<SignatureLogState, SignatureLogAction> {
    private let log: SignatureLog
    private let pageSize: Int

    public init(log: SignatureLog, pageSize: Int = 50) {
        self.log = log
        self.pageSize = pageSize
        super.init(state: SignatureLogState())
    }

    public override func send(_ action: SignatureLogAction) {
        switch action {
        case .appeared:
            if state.entries.isEmpty { load(first: true) }
        case .loadMore:
            if !state.loading && !state.loadingMore && !state.endReached && state.error == nil {
                load(first: false)
            }
        case .retry:
            load(first: state.entries.isEmpty)
        case .dismissError:
            update { $0.error = nil }
        }
    }

    private func load(first: Bool) {
        let before = first ? nil : state.entries.last?.id
        update {
            if first { $0.loading = true } else { $0.loadingMore = true }
            $0.error = nil
        }
        let pageSize = pageSize
        run {
            do {
                let page = try await self.log.entries(limit: pageSize, before: before)
                self.update {
                    $0.entries = first ? page : $0.entries + page
                    $0.endReached = page.count < pageSize
                    $0.loading = false
                    $0.loadingMore = false
                }
            } catch {
                self.update {
                    $0.error = AppError(error)
                    $0.loading = false
                    $0.loadingMore = false
                }
            }
        }
    }
}
