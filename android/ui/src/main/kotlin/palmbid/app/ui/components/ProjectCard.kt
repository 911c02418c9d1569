package palmbid.app.ui.components

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.background
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import palmbid.app.domain.HallPhase
import palmbid.app.domain.HallProgress
import palmbid.app.domain.HallProject
import palmbid.app.ui.i18n.LocalStrings

/** Shows a project of the hall: name, sections, opening time and phase. */
@Composable
fun ProjectCard(project: HallProject, onClick: (() -> Unit)?, modifier: Modifier = Modifier) {
    val s = LocalStrings.current
    val clickable = if (onClick != null) Modifier.clickable(onClick = onClick) else Modifier
    Card(
        modifier = modifier.fillMaxWidth().then(clickable),
        colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.surface),
        elevation = CardDefaults.cardElevation(defaultElevation = 1.dp),
    ) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(6.dp)) {
            Row(verticalAlignment = Alignment.Top, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
                Text(project.name, style = MaterialTheme.typography.titleMedium, fontWeight = FontWeight.SemiBold, modifier = Modifier.weight(1f))
                Tag(s.phase(project.phase), phaseColour(project.phase))
            }
            InfoRow(s.hallOpeningAt, formatDateTime(project.openingAt))
            if (project.sections.isNotEmpty()) {
                InfoRow(s.hallSections, project.sections.joinToString("\n"))
            }
        }
    }
}

/** Draws the opening's phases as a row of segments, past ones filled, the current one in its colour. */
@Composable
fun PhaseSteps(phase: HallPhase, modifier: Modifier = Modifier) {
    val s = LocalStrings.current
    val all = HallPhase.entries
    val current = all.indexOf(phase)
    Column(modifier.fillMaxWidth(), verticalArrangement = Arrangement.spacedBy(6.dp)) {
        Row(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.spacedBy(3.dp)) {
            for ((i, _) in all.withIndex()) {
                val colour = when {
                    i < current -> MaterialTheme.colorScheme.primary.copy(alpha = 0.45f)
                    i == current -> phaseColour(phase)
                    else -> MaterialTheme.colorScheme.surfaceVariant
                }
                Box(Modifier.weight(1f).height(6.dp).background(colour, MaterialTheme.shapes.extraSmall))
            }
        }
        Text(
            s.projectPhaseOf(current + 1, all.size, s.phase(phase)),
            style = MaterialTheme.typography.bodyMedium,
            fontWeight = FontWeight.SemiBold,
            color = phaseColour(phase),
        )
    }
}

/** Shows how many bidders reached each step. */
@Composable
fun ProgressRows(progress: HallProgress, modifier: Modifier = Modifier) {
    val s = LocalStrings.current
    Column(modifier.fillMaxWidth(), verticalArrangement = Arrangement.spacedBy(4.dp)) {
        InfoRow(s.projectProgressSignedIn, s.projectProgressCount(progress.signedIn, progress.bidders))
        InfoRow(s.projectProgressDecrypted, s.projectProgressCount(progress.decrypted, progress.bidders))
        InfoRow(s.projectProgressConfirmed, s.projectProgressCount(progress.confirmed, progress.bidders))
    }
}
