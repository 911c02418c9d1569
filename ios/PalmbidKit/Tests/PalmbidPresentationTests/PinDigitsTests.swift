@testable import PalmbidPresentation
import XCTest

final class PinDigitsTests: XCTestCase {
    private func digits(_ text: String) -> PinDigits {
        let value = PinDigits()
        for byte in text.utf8 {
            value.append(byte)
        }
        return value
    }

    func testTakeEmptiesTheSource() {
        let typed = digits("246810")
        let moved = typed.take()
        XCTAssertEqual(moved.text(), "246810")
        XCTAssertTrue(typed.isEmpty)
        XCTAssertEqual(typed.text(), "")
        // The source is reused for the next entry without a trace of the first.
        typed.append(0x31)
        XCTAssertEqual(typed.text(), "1")
        XCTAssertEqual(moved.text(), "246810", "the moved digits are their own copy")
    }

    func testBufferStopsAtTheMaximumLength() {
        let value = digits(String(repeating: "7", count: PinPadState.maximumLength + 3))
        XCTAssertTrue(value.isFull)
        XCTAssertEqual(value.count, PinPadState.maximumLength)
    }

    func testBackspaceAndWipe() {
        let value = digits("1357")
        value.removeLast()
        XCTAssertEqual(value.text(), "135")
        value.wipe()
        XCTAssertTrue(value.isEmpty)
        value.removeLast()
        XCTAssertEqual(value.count, 0, "removing from an empty buffer does nothing")
    }

    func testMatchesComparesDigitsAndLength() {
        XCTAssertTrue(digits("246810").matches(digits("246810")))
        XCTAssertFalse(digits("246810").matches(digits("246811")))
        XCTAssertFalse(digits("24681").matches(digits("246810")))
    }

    func testLongKeychainTextKept() {
        let long = String(repeating: "9", count: PinPadState.maximumLength + 4)
        XCTAssertEqual(PinDigits(utf8: long).text(), long)
    }
}
