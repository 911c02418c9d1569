import Foundation
import PalmbidCore

/// Both certificates of each credential, their validity, the PIN state, and
/// the seals issued with them.
public struct CertificateInfoState: Equatable, Sendable {
    /// One credential: its signing and encryption certificates.
    public struct Credential: Equatable, Sendable, Identifiable {
        public var id: String
        public var signing: CertificateSummary?
        public var encryption: CertificateSummary?
        public var pin: PinState?
        /// The seals the CA issued with the signing certificate, in its order.
        public var seals: [SealPicture]

        public init(
            id: String, signing: CertificateSummary?, encryption: CertificateSummary?, pin: PinState?,
            seals: [SealPicture] = []
        ) {
            self.id = id
            self.signing = signing
            self.encryption = encryption
            self.pin = pin
            self.seals = seals
        }
    }

    public var loading = true
    public var credentials: [Credential] = []
    public var error: AppError?

    public init() {}
}

public enum CertificateInfoAction: Sendable {
    case appeared
    case delete(credentialId: String)
    case dismissError
}

@MainActor
public final class CertificateInfoViewModel: ScreenModel<CertificateInfoState, CertificateInfoAction> {
    private let certificates: CertificateStore

    public init(certificates: CertificateStore) {
        self.certificates = certificates
        super.init(state: CertificateInfoState())
    }

    public override func send(_ action: CertificateInfoAction) {
        switch action {
        case .appeared:
            run { await self.load() }
        case let .delete(credentialId):
            run {
                do {
                    // The library refuses while a pending bid still needs the
                    // key (keystore.key_needed_by_bids) and names the bids.
                    try await self.certificates.deleteCredential(credentialId: credentialId)
                    await self.load()
                } catch {
                    self.update { $0.error = AppError(error) }
                }
            }
        case .dismissError:
            update { $0.error = nil }
        }
    }

    private func load() async {
        do {
            let all = try await certificates.certificates()
            let seals = try await certificates.seals()
            var credentials: [CertificateInfoState.Credential] = []
            for credentialId in orderedCredentialIds(all) {
                let keys = all.filter { $0.credentialId == credentialId }
                credentials.append(CertificateInfoState.Credential(
                    id: credentialId,
                    signing: keys.first { $0.purpose == .signing },
                    encryption: keys.first { $0.purpose == .encryption },
                    pin: try await certificates.pinState(credentialId: credentialId),
                    seals: seals.filter { $0.credentialId == credentialId }.flatMap(\.seals)
                ))
            }
            update {
                $0.credentials = credentials
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

    private func orderedCredentialIds(_ all: [CertificateSummary]) -> [String] {
        var seen = Set<String>()
        return all.map(\.credentialId).filter { seen.insert($0).inserted }
    }
}
