package palmbid.app.presentation

import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import palmbid.app.domain.FailureKind
import palmbid.app.domain.Language
import palmbid.app.domain.Pin
import palmbid.app.fakes.Samples
import palmbid.app.presentation.common.PinPadEvent
import palmbid.app.presentation.pin.PinEntryEvent
import palmbid.app.presentation.pin.PinEntryPresenter
import palmbid.app.presentation.pin.PinMode
import palmbid.app.presentation.pin.PinStep

@OptIn(ExperimentalCoroutinesApi::class)
class PinEntryPresenterTest {
    private fun PinEntryPresenter.type(digits: String) = keys(digits).forEach { onEvent(PinEntryEvent.Pin(it)) }

    @Test
    fun `a wrong PIN lowers the tries left and six lock the pad`() = runTest {
        val fakes = fakes()
        val used = mutableListOf<Pin>()
        val presenter = PinEntryPresenter(backgroundScope, fakes.certificates, PinMode.ENTER, Samples.CREDENTIAL, action = { pin ->
            used += pin
            fakes.pins.verify(Samples.CREDENTIAL, pin)
        })
        runCurrent()
        assertEquals(6, presenter.state.value.pinPad.triesLeft)

        presenter.type("000000")
        runCurrent()
        val afterOne = presenter.state.value
        assertEquals(FailureKind.WRONG_PIN, afterOne.error?.kind)
        assertEquals(5, afterOne.pinPad.triesLeft)
        assertEquals(0, afterOne.pinPad.entered)
        val error = afterOne.error ?: error("no error shown")
        assertTrue(error.message(Language.EN).contains("5 tries left"), error.messageEn)
        assertTrue(error.message(Language.ZH_CN).contains("5 次"), error.messageZh)

        repeat(5) {
            presenter.type("000000")
            runCurrent()
        }
        val locked = presenter.state.value
        assertEquals(FailureKind.PIN_LOCKED, locked.error?.kind)
        assertTrue(locked.pinPad.locked)
        assertEquals(0, locked.pinPad.triesLeft)

        presenter.onEvent(PinEntryEvent.Pin(PinPadEvent.Digit(1)))
        assertEquals(0, presenter.state.value.pinPad.entered, "a locked pad takes no digit")
        assertTrue(used.all { it.reveal().all { c -> c == '\u0000' } }, "every PIN handed out was wiped")
    }

    @Test
    fun `the right PIN reaches the action and ends the screen`() = runTest {
        val fakes = fakes()
        var seen: String? = null
        val presenter = PinEntryPresenter(backgroundScope, fakes.certificates, PinMode.ENTER, Samples.CREDENTIAL, action = { pin ->
            seen = pin.reveal()
        })
        presenter.type(Samples.PIN)
        assertTrue(presenter.state.value.pinPad.busy)
        runCurrent()

        assertEquals(Samples.PIN, seen)
        assertTrue(presenter.state.value.done)
        assertNull(presenter.state.value.error)
        assertFalse(presenter.state.value.toString().contains(Samples.PIN))
    }

    @Test
    fun `changing the PIN asks the current one, then the new one twice`() = runTest {
        val fakes = fakes()
        val presenter = PinEntryPresenter(backgroundScope, fakes.certificates, PinMode.CHANGE, Samples.CREDENTIAL)
        runCurrent()

        presenter.type(Samples.PIN)
        assertEquals(PinStep.NEW, presenter.state.value.step)
        presenter.type("802461")
        assertEquals(PinStep.REPEAT, presenter.state.value.step)
        presenter.type("802460")
        assertTrue(presenter.state.value.mismatch, "a different repeat starts the new PIN again")
        assertEquals(PinStep.NEW, presenter.state.value.step)

        presenter.type("802461")
        presenter.type("802461")
        runCurrent()
        assertTrue(presenter.state.value.done)
        assertEquals(1, fakes.control.count("CertificateStore.changePin"))

        fakes.pins.verify(Samples.CREDENTIAL, Pin.of("802461".toCharArray()))
    }

    @Test
    fun `a wrong current PIN in a change costs a try and starts over`() = runTest {
        val fakes = fakes()
        val presenter = PinEntryPresenter(backgroundScope, fakes.certificates, PinMode.CHANGE, Samples.CREDENTIAL)
        runCurrent()
        presenter.type("000000")
        presenter.type("802461")
        presenter.type("802461")
        runCurrent()

        val state = presenter.state.value
        assertEquals("keystore.pin_incorrect", state.error?.code)
        assertEquals(PinStep.CURRENT, state.step)
        assertEquals(5, state.pinPad.triesLeft)
        assertFalse(state.done)
    }

    @Test
    fun `setting a PIN hands the confirmed one to the action`() = runTest {
        val fakes = fakes()
        var chosen: String? = null
        val presenter = PinEntryPresenter(backgroundScope, fakes.certificates, PinMode.SET, null, action = { chosen = it.reveal() })
        assertEquals(PinStep.NEW, presenter.state.value.step)
        presenter.type("975310")
        presenter.type("975310")
        runCurrent()

        assertEquals("975310", chosen)
        assertTrue(presenter.state.value.done)
    }

    @Test
    fun `entering a PIN without an action to run is a programming error`() = runTest {
        val fakes = fakes()
        assertThrows<IllegalArgumentException> {
            PinEntryPresenter(backgroundScope, fakes.certificates, PinMode.ENTER, Samples.CREDENTIAL)
        }
        assertThrows<IllegalArgumentException> {
            PinEntryPresenter(backgroundScope, fakes.certificates, PinMode.CHANGE, null)
        }
    }
}
