import Foundation
import PalmbidCore

/// The identity video check: the user states name and ID number, records a
/// short video reading the code aloud, and waits for the CA's review.
public struct IdentityCheckState: Equatable, Sendable {
    public var platform: String
    public var name = ""
    public var idNumber = ""
    public var challenge: IdentityChallenge?
    /// The recorded video (MP4 bytes); never kept once submitted.
    public var video: Data?
    public var progress: IdentityProgress?
    public var busy = false
    public var error: AppError?

    public init(platform: String) {
        self.platform = platform
    }

    public var canSubmit: Bool {
        !name.isEmpty && !idNumber.isEmpty && challenge != nil && video != nil && !busy
    }
}

public enum IdentityCheckAction: Sendable {
    case appeared
    case nameChanged(String)
    case idNumberChanged(String)
    case requestCode
    case videoRecorded(Data)
    case submit
    case dismissError
}

@MainActor
public final class IdentityCheckViewModel: ScreenModel<IdentityCheckState, IdentityCheckAction> {
    private let accounts: AccountService

    public init(platform: String, accounts: AccountService) {
        self.accounts = accounts
        super.init(state: IdentityCheckState(platform: platform))
    }

    public override func send(_ action: IdentityCheckAction) {
        switch action {
        case .appeared:
            run { await self.perform { try await self.loadStatus() } }
        case let .nameChanged(name):
            update { $0.name = name }
        case let .idNumberChanged(idNumber):
            update { $0.idNumber = idNumber.uppercased() }
        case .requestCode:
            run { await self.perform { try await self.requestCode() } }
        case let .videoRecorded(video):
            update { $0.video = video }
        case .submit:
            guard state.canSubmit else { return }
            run { await self.perform { try await self.submit() } }
        case .dismissError:
            update { $0.error = nil }
        }
    }

    private func loadStatus() async throws {
        let progress = try await accounts.identityStatus(platform: state.platform)
        update { $0.progress = progress }
    }

    private func requestCode() async throws {
        let challenge = try await accounts.requestIdentityCode(platform: state.platform)
        // A new code makes an earlier recording useless.
        update {
            $0.challenge = challenge
            $0.video = nil
        }
    }

    private func submit() async throws {
        guard let challenge = state.challenge, let video = state.video else { return }
        let progress = try await accounts.submitIdentity(
            platform: state.platform, name: state.name, idNumber: state.idNumber,
            code: challenge.code, video: video
        )
        update {
            $0.progress = progress
            $0.video = nil
        }
    }

    private func perform(_ body: () async throws -> Void) async {
        update { $0.busy = true }
        do {
            try await body()
            update { $0.error = nil }
        } catch {
            update { $0.error = AppError(error) }
        }
        update { $0.busy = false }
    }
}
