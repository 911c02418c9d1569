package palmbid.app.ui.components

import androidx.compose.foundation.border
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.unit.dp

/** Draws a small coloured label: a phase, a state, a seal. */
@Composable
fun Tag(text: String, colour: Color, modifier: Modifier = Modifier) {
    Surface(
        color = colour.copy(alpha = 0.12f),
        contentColor = colour,
        shape = MaterialTheme.shapes.small,
        modifier = modifier,
    ) {
        Text(text, style = MaterialTheme.typography.labelMedium, modifier = Modifier.padding(horizontal = 8.dp, vertical = 3.dp))
    }
}

/** Draws one option of a few: tabs, seal kinds, languages. */
@Composable
fun Choice(text: String, selected: Boolean, onClick: () -> Unit, modifier: Modifier = Modifier) {
    val colours = MaterialTheme.colorScheme
    Surface(
        color = if (selected) colours.primaryContainer else colours.surface,
        contentColor = if (selected) colours.onPrimaryContainer else colours.onSurface,
        shape = MaterialTheme.shapes.small,
        modifier = modifier
            .border(1.dp, if (selected) colours.primary else colours.outlineVariant, MaterialTheme.shapes.small)
            .clickable(onClick = onClick),
    ) {
        Text(text, style = MaterialTheme.typography.labelLarge, modifier = Modifier.padding(horizontal = 12.dp, vertical = 8.dp))
    }
}
