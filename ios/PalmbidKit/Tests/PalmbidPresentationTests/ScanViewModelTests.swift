import PalmbidCore
import PalmbidMocks
import PalmbidPresentation
import XCTest

@MainActor
final class ScanViewModelTests: XCTestCase {
    func testPickupCodeLeadsToThePickupScreen() async {
        let qr = MockQrService(codes: ["https://ggzy.example.cn/q/abc": .pickup(.sample)])
        let model = ScanViewModel(qr: qr)

        model.send(.codeRead("https://ggzy.example.cn/q/abc"))
        await model.settle()

        guard case let .pickup(order) = model.state.route else {
            return XCTFail("expected the pickup route, got \(String(describing: model.state.route))")
        }
        XCTAssertEqual(order, .sample)
        XCTAssertFalse(model.state.scanning)
    }

    func testScanHandlesRepeatedFrameOnce() async {
        let qr = MockQrService()
        let model = ScanViewModel(qr: qr)

        model.send(.codeRead("https://evil.example/q/x"))
        model.send(.codeRead("https://evil.example/q/x"))
        await model.settle()
        model.send(.codeRead("https://evil.example/q/x"))
        await model.settle()

        let scanned = await qr.scanned
        XCTAssertEqual(scanned.count, 1)
        XCTAssertEqual(model.state.error?.code, "qr.unknown_host")
    }

    func testResumeScansAgain() async {
        let qr = MockQrService()
        let model = ScanViewModel(qr: qr)
        model.send(.codeRead("https://evil.example/q/x"))
        await model.settle()

        model.send(.resume)
        XCTAssertTrue(model.state.scanning)
        XCTAssertNil(model.state.error)
        model.send(.codeRead("https://evil.example/q/x"))
        await model.settle()

        let scanned = await qr.scanned
        XCTAssertEqual(scanned.count, 2)
    }

    func testDeniedCameraStopsScanning() {
        let model = ScanViewModel(qr: MockQrService())
        model.send(.cameraDenied)
        model.send(.resume)
        XCTAssertFalse(model.state.scanning)
        XCTAssertTrue(model.state.cameraDenied)
    }
}
