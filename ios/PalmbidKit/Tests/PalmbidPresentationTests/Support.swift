import Foundation
import PalmbidCore
import PalmbidMocks
import PalmbidPresentation
import XCTest

/// Waits up to two seconds for `condition`, for effects that `settle()` does
/// not wait for (a hall watch); fails the test when it never holds.
@MainActor
func eventually(
    _ message: String, file: StaticString = #filePath, line: UInt = #line, _ condition: () -> Bool
) async {
    for _ in 0..<200 {
        if condition() {
            return
        }
        try? await Task.sleep(nanoseconds: 10_000_000)
    }
    XCTFail("never happened: \(message)", file: file, line: line)
}

/// Types `pin` on the pad and submits it.
@MainActor
func enter(_ pin: String, into model: PinViewModel) {
    for character in pin {
        if let digit = character.wholeNumberValue {
            model.send(.digit(digit))
        }
    }
    model.send(.submit)
}

/// Makes a store with one credential whose PIN is `pin`.
func storeWithCredential(pin: String = "246810") -> MockCertificateStore {
    MockCertificateStore(certificates: CertificateSummary.samplePair(), pins: ["cred-1": pin])
}

/// Collects what a PIN operation received; main-actor isolated, so the
/// operation closures may capture it.
@MainActor
final class Recorder<Value> {
    var values: [Value] = []

    var last: Value? { values.last }
}
