import Foundation
import PalmbidBindings

final class LiveQrService: QrService {
    private let account: Account

    init(account: Account) {
        self.account = account
    }

    func scan(_ text: String) async throws -> ScanOutcome {
        try await bridged {
            switch try await account.scanCode(text: text) {
            case let .pickup(pickup):
                return .pickup(PickupOrder(pickup))
            case let .request(request):
                return .request(LiveQrSession(request))
            }
        }
    }
}

/// A scanned request. The request that gets signed is the one held inside
/// the library object; `details` is a copy for display.
final class LiveQrSession: QrSession, @unchecked Sendable {
    // Immutable after init, and QrRequest is safe to call from any thread.
    private let request: QrRequest
    let details: QrDetails

    init(_ request: QrRequest) {
        self.request = request
        details = QrDetails(request.details())
    }

    func secondsLeft() -> Int {
        Int(request.secondsLeft())
    }

    func clockWarning() -> Bool {
        request.clockWarning()
    }

    func chooseNumber(_ number: Int) async throws {
        guard let choice = UInt32(exactly: number) else {
            throw AppError(
                code: "app.not_a_choice",
                messageZh: "数字 \(number) 不在可选范围内，请选择电脑上显示的数字。",
                messageEn: "\(number) is not one of the choices; pick the number the computer shows."
            )
        }
        try await bridged { try await request.chooseNumber(number: choice) }
    }

    func answer(seal: SealType?, pin: String) async throws {
        try await bridged { try await request.answer(seal: seal?.bindingValue, pin: pin) }
    }

    func cancel() async throws {
        try await bridged { try await request.cancel() }
    }
}
