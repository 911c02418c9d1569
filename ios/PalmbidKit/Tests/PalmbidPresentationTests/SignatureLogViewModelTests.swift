import PalmbidCore
import PalmbidMocks
import PalmbidPresentation
import XCTest

/// The signature log: paging back by id, refused tries, failed pages.
@MainActor
final class SignatureLogViewModelTests: XCTestCase {
    func testLogPagesBackToTheEnd() async {
        let log = MockSignatureLog()
        let model = SignatureLogViewModel(log: log, pageSize: 2)
        model.send(.appeared)
        await model.settle()
        XCTAssertEqual(model.state.entries.map(\.id), [5, 4])
        XCTAssertFalse(model.state.endReached)

        model.send(.loadMore)
        XCTAssertTrue(model.state.loadingMore)
        await model.settle()
        XCTAssertEqual(model.state.entries.map(\.id), [5, 4, 3, 2])
        XCTAssertFalse(model.state.endReached, "a full page may have more behind it")

        model.send(.loadMore)
        await model.settle()
        XCTAssertEqual(model.state.entries.map(\.id), [5, 4, 3, 2, 1])
        XCTAssertTrue(model.state.endReached)

        model.send(.loadMore)
        await model.settle()
        let calls = await log.calls
        XCTAssertEqual(calls, 3, "nothing is asked past the end")
    }

    func testLogFlagsRefusedTries() async {
        let model = SignatureLogViewModel(log: MockSignatureLog())
        model.send(.appeared)
        await model.settle()
        XCTAssertTrue(model.state.endReached)
        XCTAssertEqual(model.state.refusedCount, 2)
        XCTAssertEqual(model.state.entries.filter(\.refused).map(\.outcome), [.locked, .wrongPin])
        let pinChange = model.state.entries.first { $0.operation == .pinChange }
        XCTAssertNotNil(pinChange)
        XCTAssertNil(pinChange?.keyId)
        XCTAssertNil(pinChange?.purpose)
        XCTAssertFalse(pinChange?.refused ?? true)
    }

    func testFailedPageKeepsEntries() async {
        let log = MockSignatureLog()
        let model = SignatureLogViewModel(log: log, pageSize: 2)
        model.send(.appeared)
        await model.settle()
        await log.failNext(with: MockErrors.unreachable)
        model.send(.loadMore)
        await model.settle()
        XCTAssertEqual(model.state.entries.map(\.id), [5, 4])
        XCTAssertFalse(model.state.loadingMore)
        XCTAssertEqual(model.state.error?.code, MockErrors.unreachable.code)

        model.send(.loadMore)
        await model.settle()
        let calls = await log.calls
        XCTAssertEqual(calls, 2, "no further page while the error shows")

        model.send(.retry)
        await model.settle()
        XCTAssertNil(model.state.error)
        XCTAssertEqual(model.state.entries.map(\.id), [5, 4, 3, 2])
    }
}
