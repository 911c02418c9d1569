package palmbid.app.presentation

import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import palmbid.app.presentation.common.PinKeypad
import palmbid.app.presentation.common.PinPadEvent
import palmbid.app.presentation.common.PinPadState

class PinKeypadTest {
    @Test
    fun `collects digits, erases, stops at the longest and submits only from the shortest`() {
        val keypad = PinKeypad(minLength = 6, maxLength = 8)
        "12345".forEach { assertFalse(keypad.press(PinPadEvent.Digit(it - '0'))) }
        assertFalse(keypad.press(PinPadEvent.Submit), "five digits are too few")

        keypad.press(PinPadEvent.Backspace)
        assertEquals(4, keypad.entered)
        "67890".forEach { keypad.press(PinPadEvent.Digit(it - '0')) }
        assertEquals(8, keypad.entered, "the ninth digit is not taken")
        assertFalse(keypad.press(PinPadEvent.Digit(11)), "a key outside 0-9 does nothing")
        assertTrue(keypad.press(PinPadEvent.Submit))

        assertArrayEquals("12346789".toCharArray(), keypad.takeDigits())
        assertEquals(0, keypad.entered, "taking the digits empties the keypad")
        assertArrayEquals(CharArray(0), keypad.takeDigits())
    }

    @Test
    fun `the pad state carries the count, never the digits`() {
        val keypad = PinKeypad()
        "135790".forEach { keypad.press(PinPadEvent.Digit(it - '0')) }
        val state = keypad.state(PinPadState(triesLeft = 4))

        assertEquals(6, state.entered)
        assertEquals(4, state.triesLeft)
        assertTrue(state.canSubmit)
        assertFalse(state.toString().contains("135790"), state.toString())
    }

    @Test
    fun `a pin taken from the keypad is wiped by its owner`() {
        val keypad = PinKeypad()
        "246810".forEach { keypad.press(PinPadEvent.Digit(it - '0')) }
        val pin = keypad.takePin()
        assertEquals(6, pin.length)
        assertEquals("246810", pin.reveal())

        pin.wipe()
        assertEquals("\u0000".repeat(6), pin.reveal())
        assertFalse(pin.toString().contains("246810"))
    }
}
