package palmbid.app.ui.pin

import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.font.FontWeight
import palmbid.app.presentation.pin.PinEntryEvent
import palmbid.app.presentation.pin.PinEntryState
import palmbid.app.presentation.pin.PinMode
import palmbid.app.presentation.pin.PinStep
import palmbid.app.ui.components.PinKeypad
import palmbid.app.ui.components.ScreenFrame
import palmbid.app.ui.i18n.LocalStrings
import palmbid.app.ui.theme.PalmbidColors

/** PIN set, enter and change on the app's own keypad. */
@Composable
fun PinEntryScreen(state: PinEntryState, onEvent: (PinEntryEvent) -> Unit, modifier: Modifier = Modifier) {
    val s = LocalStrings.current
    val title = when (state.mode) {
        PinMode.SET -> s.pinSetTitle
        PinMode.ENTER -> s.pinEnterTitle
        PinMode.CHANGE -> s.pinChangeTitle
    }
    val padTitle = when (state.step) {
        PinStep.CURRENT -> if (state.mode == PinMode.CHANGE) s.pinCurrentTitle else s.pinEnterTitle
        PinStep.NEW -> s.pinNewTitle
        PinStep.REPEAT -> s.pinRepeatTitle
    }
    ScreenFrame(
        title = title,
        modifier = modifier,
        onBack = { onEvent(PinEntryEvent.Back) },
        error = state.error,
        bottom = {
            if (state.done) {
                Button(onClick = { onEvent(PinEntryEvent.Done) }, modifier = Modifier.fillMaxWidth()) { Text(s.commonDone) }
            } else {
                PinKeypad(state.pinPad, padTitle, { onEvent(PinEntryEvent.Pin(it)) })
            }
        },
    ) {
        state.company?.let { Text(s.pinFor(it), style = MaterialTheme.typography.titleMedium) }
        when {
            state.done -> Text(
                when (state.mode) {
                    PinMode.SET -> s.pinSetDone
                    PinMode.ENTER -> s.pinEnterDone
                    PinMode.CHANGE -> s.pinChangeDone
                },
                color = PalmbidColors.success,
                fontWeight = FontWeight.SemiBold,
                style = MaterialTheme.typography.titleMedium,
            )
            state.mismatch -> Text(s.pinMismatch, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium)
            state.pinPad.locked -> Text(s.pinLockedHint, color = MaterialTheme.colorScheme.error, style = MaterialTheme.typography.bodyMedium)
            state.step != PinStep.CURRENT -> Text(s.pinChooseHint, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
            else -> Text(s.pinOwnKeypadHint, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant)
        }
    }
}
