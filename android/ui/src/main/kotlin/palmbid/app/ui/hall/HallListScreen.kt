package palmbid.app.ui.hall

import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import palmbid.app.presentation.hall.HallListEvent
import palmbid.app.presentation.hall.HallListState
import palmbid.app.ui.components.EmptyBlock
import palmbid.app.ui.components.LoadingBlock
import palmbid.app.ui.components.ProjectCard
import palmbid.app.ui.components.ScreenFrame
import palmbid.app.ui.i18n.LocalStrings

/** 开标大厅: the platform's projects with their opening time and phase. */
@Composable
fun HallListScreen(state: HallListState, onEvent: (HallListEvent) -> Unit, modifier: Modifier = Modifier) {
    val s = LocalStrings.current
    ScreenFrame(
        title = s.hallTitle,
        modifier = modifier,
        onBack = { onEvent(HallListEvent.Back) },
        error = state.error,
        onRetry = { onEvent(HallListEvent.Refresh) },
        actions = {
            TextButton(onClick = { onEvent(HallListEvent.Refresh) }) {
                Text(s.commonRefresh, color = MaterialTheme.colorScheme.onPrimary)
            }
        },
    ) {
        state.platform?.let { Text(it, style = MaterialTheme.typography.bodyMedium, color = MaterialTheme.colorScheme.onSurfaceVariant) }
        when {
            state.loading -> LoadingBlock(s.commonLoading)
            state.error != null && state.projects.isEmpty() -> Unit
            state.projects.isEmpty() -> EmptyBlock(s.hallEmpty, s.hallEmptyHint)
            else -> for (project in state.projects) {
                ProjectCard(project, { onEvent(HallListEvent.Open(project.id)) })
            }
        }
    }
}
