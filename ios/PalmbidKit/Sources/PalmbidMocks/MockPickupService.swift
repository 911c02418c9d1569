import Foundation
import PalmbidCore

/// Pickup and download in memory: `pickUp` records the PIN, `download`
/// checks it against the certificate store, as the library derives the key
/// from it.
public actor MockPickupService: PickupService {
    private let certificates: MockCertificateStore
    public private(set) var pickedUp: [PickupOrder] = []
    public private(set) var chosenPin: String?

    public init(certificates: MockCertificateStore) {
        self.certificates = certificates
    }

    public func pickUp(_ order: PickupOrder, newPin: String) async throws {
        guard newPin.count >= 6 else {
            throw AppError(code: "keystore.pin_too_short", messageZh: "PIN 码至少 6 位。", messageEn: "The PIN needs 6 digits or more.")
        }
        pickedUp.append(order)
        chosenPin = newPin
    }

    public func download(platform: String, pickupId: String, pin: String) async throws -> DownloadedCertificates {
        guard let order = pickedUp.first(where: { $0.pickupId == pickupId }) else {
            throw AppError(code: "account.nothing_picked_up", messageZh: "没有待下载的证书。", messageEn: "Nothing was picked up.")
        }
        guard pin == chosenPin else { throw MockErrors.wrongPin }
        return DownloadedCertificates(
            company: order.company, creditCode: order.creditCode,
            certificates: CertificateSummary.samplePair(credentialId: pickupId)
        )
    }
}

extension PickupOrder {
    public static let sample = PickupOrder(
        platform: PlatformSummary.sample.name, pickupId: "pickup-1", name: "张三", phone: "138****0000",
        company: "示例建设有限公司", creditCode: "91440000MA00000000", seals: [.personal, .company],
        progress: .approved
    )
}
