import Foundation
import PalmbidBindings

/// Receives the library's hall callbacks on a library thread and yields them
/// into an `AsyncStream`. The stream's consumer runs on the main actor, so
/// the listener only converts and yields; it never touches UI state.
final class HallStreamListener: HallListener, @unchecked Sendable {
    // `AsyncStream.Continuation` is thread-safe; nothing else is held.
    private let continuation: AsyncStream<HallEvent>.Continuation

    init(_ continuation: AsyncStream<HallEvent>.Continuation) {
        self.continuation = continuation
    }

    func stateChanged(state: HallProjectState) throws {
        continuation.yield(.state(HallLiveState(state)))
    }

    func notice(state: HallProjectState, notice: HallNotice) throws {
        continuation.yield(.alert(HallLiveState(state), HallAlert(notice)))
    }

    func streamStatus(status: HallStreamStatus) throws {
        switch status {
        case .connected:
            continuation.yield(.connection(true))
        case .reconnecting:
            continuation.yield(.connection(false))
        }
    }
}

/// Starts a watch and wraps it in a stream whose elements the consumer reads
/// on the main actor.
///
/// The watch handle lives as long as the stream: `onTermination` (the
/// consuming task cancelled, the stream dropped) calls `stop()`, and the
/// stream finishes when the watch ends on its own (project closed, platform
/// refusal, stream lost for good).
func hallEvents(account: Account, platform: String, project: String) -> AsyncStream<HallEvent> {
    let (relay, continuation) = AsyncStream<HallEvent>.makeStream(bufferingPolicy: .bufferingNewest(64))

    let watch: HallWatch
    do {
        watch = try account.watchHall(platform: platform, project: project, listener: HallStreamListener(continuation))
    } catch {
        continuation.yield(.connection(false))
        continuation.finish()
        return mainActorStream(relay)
    }

    let ending = Task {
        // The result or refusal is already reflected in the last events; the
        // screen reloads the project to show a refusal's message.
        _ = try? await watch.finished()
        continuation.finish()
    }
    continuation.onTermination = { _ in
        ending.cancel()
        watch.stop()
    }
    return mainActorStream(relay)
}

/// Re-delivers `source` from a task on the main actor, so that a `for await`
/// in a view model sees each element on the main thread. Ending the returned
/// stream cancels the relay, which ends `source` and so stops the watch.
private func mainActorStream(_ source: AsyncStream<HallEvent>) -> AsyncStream<HallEvent> {
    AsyncStream<HallEvent>(bufferingPolicy: .bufferingNewest(64)) { continuation in
        let relay = Task { @MainActor in
            for await event in source {
                continuation.yield(event)
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in relay.cancel() }
    }
}
