package palmbid.app.ui.components

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.material3.LinearProgressIndicator
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp

/** Below this many seconds the countdown turns red. */
private const val URGENT_SECONDS = 30L

/**
 * Time left, as the presenter ticks it: a label, `mm:ss` and, when
 * [totalSeconds] is known, a bar that empties.
 */
@Composable
fun Countdown(label: String, secondsLeft: Long, totalSeconds: Long?, modifier: Modifier = Modifier) {
    val urgent = secondsLeft <= URGENT_SECONDS
    val colour = if (urgent) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.primary
    Column(modifier.fillMaxWidth(), verticalArrangement = Arrangement.spacedBy(4.dp)) {
        Row(Modifier.fillMaxWidth(), verticalAlignment = Alignment.CenterVertically) {
            Text(label, style = MaterialTheme.typography.bodyMedium, modifier = Modifier.weight(1f))
            Text(formatCountdown(secondsLeft), style = MaterialTheme.typography.titleLarge, fontWeight = FontWeight.SemiBold, color = colour)
        }
        if (totalSeconds != null && totalSeconds > 0) {
            val fraction = (secondsLeft.toFloat() / totalSeconds).coerceIn(0f, 1f)
            LinearProgressIndicator(progress = { fraction }, color = colour, modifier = Modifier.fillMaxWidth())
        }
    }
}
