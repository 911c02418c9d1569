import Foundation
import PalmbidCore

/// The hall's project list, per platform.
public struct HallListState: Equatable, Sendable {
    public var platforms: [PlatformSummary] = []
    public var platform: String?
    public var projects: [HallProjectSummary] = []
    public var loading = false
    public var error: AppError?

    public init() {}
}

public enum HallListAction: Sendable {
    case appeared
    case selectPlatform(String)
    case refresh
    case dismissError
}

@MainActor
public final class HallListViewModel: ScreenModel<HallListState, HallListAction> {
    private let accounts: AccountService
    private let hall: HallService

    public init(accounts: AccountService, hall: HallService) {
        self.accounts = accounts
        self.hall = hall
        super.init(state: HallListState())
    }

    public override func send(_ action: HallListAction) {
        switch action {
        case .appeared:
            run { await self.loadPlatforms() }
        case let .selectPlatform(name):
            update { $0.platform = name }
            run { await self.loadProjects() }
        case .refresh:
            run { await self.loadProjects() }
        case .dismissError:
            update { $0.error = nil }
        }
    }

    private func loadPlatforms() async {
        do {
            let platforms = try await accounts.platforms()
            update {
                $0.platforms = platforms
                if $0.platform == nil {
                    $0.platform = platforms.first?.name
                }
            }
            await loadProjects()
        } catch {
            update { $0.error = AppError(error) }
        }
    }

    private func loadProjects() async {
        guard let platform = state.platform else { return }
        update { $0.loading = true }
        do {
            let projects = try await hall.projects(platform: platform)
            // Drop a result for a platform the user switched away from.
            guard state.platform == platform else { return }
            update {
                $0.projects = projects.sorted { $0.openingAt < $1.openingAt }
                $0.loading = false
                $0.error = nil
            }
        } catch {
            update {
                $0.error = AppError(error)
                $0.loading = false
            }
        }
    }
}
