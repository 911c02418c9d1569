package palmbid.app.presentation

import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.test.TestScope
import palmbid.app.fakes.FakeControl
import palmbid.app.fakes.FakePalmbid
import palmbid.app.fakes.Samples
import palmbid.app.presentation.common.PinPadEvent

/** Fakes whose clock is the test's virtual clock, starting at [Samples.NOW]. */
@OptIn(ExperimentalCoroutinesApi::class)
fun TestScope.fakes(withCertificate: Boolean = true, loggedIn: Boolean = true): FakePalmbid =
    FakePalmbid(
        FakeControl(clock = { Samples.NOW.plusMillis(testScheduler.currentTime) }),
        withCertificate = withCertificate,
        loggedIn = loggedIn,
    )

/** Returns the key presses that type [digits] and submit them. */
fun keys(digits: String): List<PinPadEvent> = digits.map { PinPadEvent.Digit(it - '0') } + PinPadEvent.Submit
