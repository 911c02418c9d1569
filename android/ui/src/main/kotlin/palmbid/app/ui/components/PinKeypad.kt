package palmbid.app.ui.components

import androidx.compose.foundation.background
import androidx.compose.foundation.border
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.shape.CircleShape
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import palmbid.app.presentation.common.PinPadEvent
import palmbid.app.presentation.common.PinPadState
import palmbid.app.ui.i18n.LocalStrings
import palmbid.app.ui.theme.PalmbidColors

/** The phone layout of the digit keys, row by row; the tenth key sits under 8. */
private val PHONE_ORDER = listOf(1, 2, 3, 4, 5, 6, 7, 8, 9, 0)

/**
 * Draws the app's own PIN keypad, never the system keyboard, so no keyboard app
 * sees the digits. Dots show how many digits are typed (the digits never
 * reach this composable); tries left show once the keystore counts them;
 * a locked credential takes no input. The keys are shuffled only when
 * the state says so.
 */
@Composable
fun PinKeypad(state: PinPadState, title: String, onEvent: (PinPadEvent) -> Unit, modifier: Modifier = Modifier) {
    val s = LocalStrings.current
    val enabled = !state.locked && !state.busy
    Column(modifier.fillMaxWidth(), horizontalAlignment = Alignment.CenterHorizontally, verticalArrangement = Arrangement.spacedBy(10.dp)) {
        Text(title, style = MaterialTheme.typography.titleMedium, textAlign = TextAlign.Center)
        PinDots(state)
        when {
            state.locked -> Text(
                s.pinLocked,
                color = MaterialTheme.colorScheme.error,
                style = MaterialTheme.typography.bodyMedium,
                fontWeight = FontWeight.SemiBold,
                textAlign = TextAlign.Center,
            )
            state.triesLeft != null -> Text(
                s.pinTriesLeft(state.triesLeft),
                color = if (state.triesLeft <= 2) MaterialTheme.colorScheme.error else PalmbidColors.caution,
                style = MaterialTheme.typography.bodyMedium,
            )
            else -> Text(s.pinLengthHint(state.minLength, state.maxLength), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
        }
        val digits = state.shuffledDigits?.takeIf { it.size == 10 } ?: PHONE_ORDER
        for (row in 0 until 3) {
            Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
                for (col in 0 until 3) {
                    val digit = digits[row * 3 + col]
                    Key(digit.toString(), enabled) { onEvent(PinPadEvent.Digit(digit)) }
                }
            }
        }
        Row(horizontalArrangement = Arrangement.spacedBy(12.dp)) {
            Key(s.pinDelete, enabled && state.entered > 0, small = true) { onEvent(PinPadEvent.Backspace) }
            Key(digits[9].toString(), enabled) { onEvent(PinPadEvent.Digit(digits[9])) }
            Key(s.pinConfirm, state.canSubmit, small = true, primary = true) { onEvent(PinPadEvent.Submit) }
        }
    }
}

/** Draws one dot per digit: at least [PinPadState.minLength], more as typed. */
@Composable
private fun PinDots(state: PinPadState) {
    val count = maxOf(state.minLength, state.entered)
    Row(horizontalArrangement = Arrangement.spacedBy(10.dp), modifier = Modifier.padding(vertical = 4.dp)) {
        for (i in 0 until count) {
            val filled = i < state.entered
            Box(
                Modifier.size(14.dp).border(1.5.dp, MaterialTheme.colorScheme.outline, CircleShape)
                    .background(if (filled) MaterialTheme.colorScheme.onSurface else Color.Transparent, CircleShape),
            )
        }
    }
}

@Composable
private fun Key(label: String, enabled: Boolean, small: Boolean = false, primary: Boolean = false, onClick: () -> Unit) {
    val container = when {
        primary && enabled -> MaterialTheme.colorScheme.primary
        else -> MaterialTheme.colorScheme.surfaceVariant
    }
    val content = when {
        !enabled -> MaterialTheme.colorScheme.onSurface.copy(alpha = 0.38f)
        primary -> MaterialTheme.colorScheme.onPrimary
        else -> MaterialTheme.colorScheme.onSurface
    }
    Surface(
        color = container,
        contentColor = content,
        shape = MaterialTheme.shapes.medium,
        modifier = Modifier.size(width = 96.dp, height = 52.dp).clickable(enabled = enabled, onClick = onClick),
    ) {
        Box(contentAlignment = Alignment.Center, modifier = Modifier.height(52.dp)) {
            Text(
                label,
                style = if (small) MaterialTheme.typography.titleSmall else MaterialTheme.typography.headlineSmall,
                textAlign = TextAlign.Center,
            )
        }
    }
}
