import Foundation
import PalmbidCore

/// Download: fetches the issued certificates and installs them under the PIN
/// chosen at pickup.
public struct DownloadState: Equatable, Sendable {
    public var platform: String
    public var pickupId: String
    public var downloaded: DownloadedCertificates?
    /// The PIN screen is up.
    public var askingPin = false
    public var error: AppError?

    public init(platform: String, pickupId: String) {
        self.platform = platform
        self.pickupId = pickupId
    }
}

public enum DownloadAction: Sendable {
    case start
    case pinCancelled
    case dismissError
}

@MainActor
public final class DownloadViewModel: ScreenModel<DownloadState, DownloadAction> {
    private let pickup: PickupService

    public init(platform: String, pickupId: String, pickup: PickupService) {
        self.pickup = pickup
        super.init(state: DownloadState(platform: platform, pickupId: pickupId))
    }

    public override func send(_ action: DownloadAction) {
        switch action {
        case .start:
            update { $0.askingPin = true }
        case .pinCancelled:
            update { $0.askingPin = false }
        case .dismissError:
            update { $0.error = nil }
        }
    }

    /// Downloads and installs the certificates (the PIN screen's operation).
    /// Rethrows, so a wrong PIN keeps the pad up.
    public func download(pin: String) async throws {
        let downloaded = try await pickup.download(platform: state.platform, pickupId: state.pickupId, pin: pin)
        update {
            $0.downloaded = downloaded
            $0.askingPin = false
        }
    }
}
