package palmbid.app.presentation

import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import palmbid.app.domain.FailureKind
import palmbid.app.domain.QrKind
import palmbid.app.domain.ScannedCode
import palmbid.app.domain.SealKind
import palmbid.app.fakes.FakePalmbid
import palmbid.app.fakes.FakeQrRequest
import palmbid.app.fakes.Samples
import palmbid.app.presentation.confirm.ConfirmEvent
import palmbid.app.presentation.confirm.ConfirmPresenter
import palmbid.app.presentation.confirm.ConfirmStep

@OptIn(ExperimentalCoroutinesApi::class)
class ConfirmPresenterTest {
    private suspend fun TestScope.scanned(fakes: FakePalmbid, kind: QrKind): Pair<ConfirmPresenter, FakeQrRequest> {
        val code = fakes.scan.scan(Samples.qrText(kind)) as ScannedCode.Request
        val presenter = ConfirmPresenter(backgroundScope, code.request, fakes.certificates)
        runCurrent()
        return presenter to code.request as FakeQrRequest
    }

    private fun ConfirmPresenter.type(digits: String) = keys(digits).forEach { onEvent(ConfirmEvent.Pin(it)) }

    @Test
    fun `login matches the number, shows the review, then answers with the PIN`() = runTest {
        val fakes = fakes()
        val (presenter, request) = scanned(fakes, QrKind.LOGIN)
        val start = presenter.state.value
        assertEquals(ConfirmStep.NUMBER_MATCH, start.step)
        assertEquals(Samples.NUMBER_CHOICES, start.details?.numberChoices)
        assertEquals(Samples.ANSWER_SECONDS, start.secondsLeft)
        assertEquals(6, start.pinPad.triesLeft)

        presenter.onEvent(ConfirmEvent.NumberChosen(Samples.MATCH_NUMBER))
        runCurrent()
        assertEquals(ConfirmStep.REVIEW, presenter.state.value.step)
        presenter.onEvent(ConfirmEvent.Continue)
        assertEquals(ConfirmStep.PIN, presenter.state.value.step)

        presenter.type(Samples.PIN)
        assertEquals(ConfirmStep.WORKING, presenter.state.value.step)
        runCurrent()
        assertEquals(ConfirmStep.DONE, presenter.state.value.step)
        assertTrue(request.answered)
    }

    @Test
    fun `a wrong number cancels the login`() = runTest {
        val fakes = fakes()
        val (presenter, request) = scanned(fakes, QrKind.LOGIN)
        presenter.onEvent(ConfirmEvent.NumberChosen(12))
        runCurrent()

        val state = presenter.state.value
        assertEquals(ConfirmStep.CANCELLED, state.step)
        assertTrue(state.wrongNumber)
        assertEquals("qr.wrong_number", state.error?.code)
        assertFalse(request.answered)
        presenter.onEvent(ConfirmEvent.Continue)
        assertEquals(ConfirmStep.CANCELLED, presenter.state.value.step, "an ended request stays ended")
    }

    @Test
    fun `the countdown follows the platform clock and expires the request at zero`() = runTest {
        val fakes = fakes()
        val (presenter, _) = scanned(fakes, QrKind.SIGN)
        assertEquals(ConfirmStep.REVIEW, presenter.state.value.step)

        advanceTimeBy(60_000)
        runCurrent()
        assertEquals(Samples.ANSWER_SECONDS - 60, presenter.state.value.secondsLeft)

        presenter.onEvent(ConfirmEvent.Continue)
        keys(Samples.PIN).dropLast(1).forEach { presenter.onEvent(ConfirmEvent.Pin(it)) }
        assertEquals(6, presenter.state.value.pinPad.entered)

        advanceTimeBy(Samples.ANSWER_SECONDS * 1_000)
        runCurrent()
        val state = presenter.state.value
        assertEquals(0, state.secondsLeft)
        assertEquals(ConfirmStep.EXPIRED, state.step)
        assertEquals(0, state.pinPad.entered, "the typed digits are dropped at expiry")
    }

    @Test
    fun `no PIN pad between the last tick and expiry`() = runTest {
        val fakes = fakes()
        val (presenter, _) = scanned(fakes, QrKind.SIGN)

        // Half a second before the tick that would see zero: the request has
        // expired by the platform clock, the shown countdown still shows 1.
        advanceTimeBy((Samples.ANSWER_SECONDS - 1) * 1_000 + 500)
        runCurrent()
        assertEquals(1, presenter.state.value.secondsLeft)
        assertEquals(ConfirmStep.REVIEW, presenter.state.value.step)

        presenter.onEvent(ConfirmEvent.Continue)
        assertEquals(ConfirmStep.EXPIRED, presenter.state.value.step)
    }

    @Test
    fun `a wrong PIN keeps the pad with one try fewer, and the right one signs`() = runTest {
        val fakes = fakes()
        val (presenter, request) = scanned(fakes, QrKind.SIGN)
        assertEquals(Samples.document, presenter.state.value.details?.document)
        presenter.onEvent(ConfirmEvent.Continue)

        presenter.type("111222")
        runCurrent()
        val wrong = presenter.state.value
        assertEquals(ConfirmStep.PIN, wrong.step)
        assertEquals(FailureKind.WRONG_PIN, wrong.error?.kind)
        assertEquals(5, wrong.pinPad.triesLeft)

        presenter.type(Samples.PIN)
        runCurrent()
        assertEquals(ConfirmStep.DONE, presenter.state.value.step)
        assertTrue(request.answered)
    }

    @Test
    fun `a seal request needs a seal before the PIN`() = runTest {
        val fakes = fakes()
        val (presenter, request) = scanned(fakes, QrKind.SEAL)
        assertNull(presenter.state.value.seal, "two seals: none chosen for the user")
        presenter.onEvent(ConfirmEvent.Continue)
        assertEquals(ConfirmStep.REVIEW, presenter.state.value.step)

        presenter.onEvent(ConfirmEvent.SealChosen(SealKind.LEGAL_REPRESENTATIVE))
        assertNull(presenter.state.value.seal, "a seal the certificate does not carry is not chosen")
        presenter.onEvent(ConfirmEvent.SealChosen(SealKind.COMPANY))
        presenter.onEvent(ConfirmEvent.Continue)
        presenter.type(Samples.PIN)
        runCurrent()

        assertEquals(ConfirmStep.DONE, presenter.state.value.step)
        assertEquals(SealKind.COMPANY, request.answeredSeal)
    }

    @Test
    fun `cancelling tells the platform and ends the screen`() = runTest {
        val fakes = fakes()
        val (presenter, _) = scanned(fakes, QrKind.DECRYPT)
        presenter.onEvent(ConfirmEvent.Cancel)
        runCurrent()
        assertEquals(ConfirmStep.CANCELLED, presenter.state.value.step)
        assertEquals(1, fakes.control.count("QrRequest.cancel"))
    }

    @Test
    fun `a network failure while answering keeps the PIN step with the error`() = runTest {
        val fakes = fakes()
        val (presenter, request) = scanned(fakes, QrKind.ENCRYPTION_CERTIFICATE)
        fakes.control.arm("QrRequest.answer", palmbid.app.fakes.Failures.network())
        presenter.onEvent(ConfirmEvent.Continue)
        presenter.type(Samples.PIN)
        runCurrent()

        val state = presenter.state.value
        assertEquals(ConfirmStep.PIN, state.step)
        assertEquals(FailureKind.NETWORK, state.error?.kind)
        assertEquals(6, state.pinPad.triesLeft, "a network failure costs no try")
        assertFalse(request.answered)
    }
}
