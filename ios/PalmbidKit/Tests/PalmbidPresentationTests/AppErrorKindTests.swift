import PalmbidCore
import XCTest

/// The codes each kind covers are the library's stable codes; Android's
/// FailureKind classifies the same codes the same way.
final class AppErrorKindTests: XCTestCase {
    private func kind(_ code: String) -> AppError.Kind {
        AppError(code: code, messageZh: "", messageEn: "").kind
    }

    func testCodesMapToKinds() {
        let table: [(String, AppError.Kind)] = [
            ("keystore.pin_incorrect", .wrongPin),
            ("keystore.locked", .locked),
            ("keystore.device_unseal", .deviceKeyLost),
            ("keystore.device_unavailable", .deviceUnavailable),
            ("account.not_logged_in", .loginRequired),
            ("auth.unauthorized", .loginRequired),
            ("hall.not_logged_in", .loginRequired),
            ("qr.not_logged_in", .loginRequired),
            ("api.unreachable", .network),
            ("hall.stream_lost", .network),
            ("qr.expired", .expired),
            ("qr.time_up", .expired),
            ("auth.sms_code_expired", .expired),
            ("hall.sign_in_closed", .other),
        ]
        for (code, expected) in table {
            XCTAssertEqual(kind(code), expected, code)
        }
    }
}
