import Foundation
import PalmbidCore

/// Home: the holder's certificate at a glance and the tiles (我的证书, 扫一扫,
/// 开标大厅, 电子保函, 消息).
public struct HomeState: Equatable, Sendable {
    public var loading = true
    /// The signing certificates on the phone, one a credential.
    public var holders: [CertificateSummary] = []
    /// Certificates that expire within 30 days.
    public var expiringSoon: [CertificateSummary] = []
    /// Credentials that pending bids still need: shown so the holder does not
    /// renew or delete them before those openings.
    public var renewalNotices: [RenewalNotice] = []
    public var error: AppError?

    public init() {}

    /// No certificate yet: the home screen offers the pickup instead.
    public var needsPickup: Bool { !loading && holders.isEmpty }
}

public enum HomeAction: Sendable {
    case appeared
    case refresh
    case dismissError
}

@MainActor
public final class HomeViewModel: ScreenModel<HomeState, HomeAction> {
    private let certificates: CertificateStore
    private let now: @Sendable () -> Date

    public init(certificates: CertificateStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.certificates = certificates
        self.now = now
        super.init(state: HomeState())
    }

    public override func send(_ action: HomeAction) {
        switch action {
        case .appeared, .refresh:
            run { await self.load() }
        case .dismissError:
            update { $0.error = nil }
        }
    }

    private func load() async {
        update { $0.loading = true }
        do {
            let all = try await certificates.certificates()
            let notices = try await certificates.renewalNotices()
            let signing = all.filter { $0.purpose == .signing }
            let soon = now().addingTimeInterval(30 * 24 * 3600)
            update {
                $0.holders = signing
                $0.expiringSoon = all.filter { $0.notAfter < soon }
                $0.renewalNotices = notices
                $0.error = nil
                $0.loading = false
            }
        } catch {
            update {
                $0.error = AppError(error)
                $0.loading = false
            }
        }
    }
}
