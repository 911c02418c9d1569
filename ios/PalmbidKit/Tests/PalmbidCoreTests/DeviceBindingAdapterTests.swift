import Foundation
import PalmbidBindings
@testable import PalmbidCore
import XCTest

final class DeviceBindingAdapterTests: XCTestCase {
    /// A sealer whose key is out of reach, as on a locked iPhone.
    private struct LockedSealer: DeviceSecretSealer {
        func seal(_ secret: Data) throws -> Data {
            secret
        }

        func unseal(_ sealed: Data) throws -> Data {
            throw AppError(code: "device.locked", messageZh: "手机已锁屏", messageEn: "the phone is locked")
        }
    }

    func testSealerCodeReachesTheLibrary() {
        let adapter = DeviceBindingAdapter(LockedSealer())
        XCTAssertThrowsError(try adapter.unseal(sealed: Data([1, 2, 3]))) { error in
            guard case let .Failed(code, messageZh, _)? = error as? PalmbidError else {
                return XCTFail("not the bindings' error: \(error)")
            }
            XCTAssertEqual(code, "device.locked")
            XCTAssertEqual(messageZh, "手机已锁屏")
        }
    }

    func testSealPassesDataThrough() throws {
        let adapter = DeviceBindingAdapter(LockedSealer())
        XCTAssertEqual(try adapter.seal(secret: Data([7, 8])), Data([7, 8]))
    }
}
