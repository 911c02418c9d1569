package palmbid.app.fakes

import java.time.Duration
import java.time.Instant
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CopyOnWriteArrayList
import kotlinx.coroutines.delay
import palmbid.app.domain.PalmbidFailure

/** Source of the fakes' time; a test may tie it to its virtual clock. */
fun interface FakeClock {
    fun now(): Instant
}

/** A clock that moves only by [advance], starting at [Samples.NOW]. */
class ManualClock(@Volatile var current: Instant = Samples.NOW) : FakeClock {
    override fun now(): Instant = current

    fun advance(by: Duration) {
        current += by
    }
}

/**
 * State shared by every fake: the clock, a log of the calls made, an optional
 * latency (so a screen's loading state can be seen), and failures armed per
 * operation. Operations are named `Port.method`, as in core
 * (`HallService.signIn`, `CertificateStore.changePin`).
 */
class FakeControl(
    val clock: FakeClock = ManualClock(),
    /** Delay before every call returns; zero by default. */
    @Volatile var latency: Duration = Duration.ZERO,
) {
    private val armed = ConcurrentHashMap<String, ArrayDeque<PalmbidFailure>>()

    /** Every operation called, in order. */
    val calls: MutableList<String> = CopyOnWriteArrayList()

    /** Arms [failure] for the next [times] calls of [operation], thrown before the call does anything. */
    fun arm(operation: String, failure: PalmbidFailure, times: Int = 1) {
        armed.compute(operation) { _, queue ->
            (queue ?: ArrayDeque()).apply { repeat(times) { addLast(failure) } }
        }
    }

    /** Drops every armed failure. */
    fun disarm() = armed.clear()

    /** Counts the calls of [operation] so far. */
    fun count(operation: String): Int = calls.count { it == operation }

    /** Records the call, waits [latency], and throws the failure armed for [operation], if any. */
    internal suspend fun enter(operation: String) {
        calls += operation
        if (!latency.isZero) delay(latency.toMillis())
        val failure = synchronized(armed) { armed[operation]?.removeFirstOrNull() }
        if (failure != null) throw failure
    }

    internal fun now(): Instant = clock.now()
}
