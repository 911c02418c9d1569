package palmbid.app.ui.project

import androidx.compose.foundation.background
import androidx.compose.foundation.horizontalScroll
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.shape.CircleShape
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.unit.dp
import palmbid.app.presentation.project.Connection
import palmbid.app.presentation.project.PinAction
import palmbid.app.presentation.project.ProjectEvent
import palmbid.app.presentation.project.ProjectState
import palmbid.app.presentation.project.ProjectTab
import palmbid.app.ui.components.Choice
import palmbid.app.ui.components.LoadingBlock
import palmbid.app.ui.components.PinKeypad
import palmbid.app.ui.components.ScreenFrame
import palmbid.app.ui.components.notice
import palmbid.app.ui.i18n.LocalStrings
import palmbid.app.ui.i18n.Strings
import palmbid.app.ui.theme.PalmbidColors

/**
 * Shows one project in the hall: the phase and progress as they stream in, and
 * a tab for each part of the opening. Signed actions open the PIN pad at
 * the bottom, titled with what is being signed.
 */
@Composable
fun ProjectScreen(state: ProjectState, onEvent: (ProjectEvent) -> Unit, modifier: Modifier = Modifier) {
    val s = LocalStrings.current
    val pinFor = state.pinFor
    ScreenFrame(
        title = state.hall?.project?.name ?: state.details?.name ?: s.projectTitle,
        modifier = modifier,
        onBack = { onEvent(ProjectEvent.Back) },
        error = state.error,
        onRetry = { onEvent(ProjectEvent.Retry) },
        bottom = if (pinFor != null) {
            {
                val title = if (state.signerPin) s.projectPinSigner else s.pinActionTitle(pinFor)
                PinKeypad(state.pinPad, title, { onEvent(ProjectEvent.Pin(it)) })
                TextButton(onClick = { onEvent(ProjectEvent.CancelPin) }, modifier = Modifier.align(Alignment.CenterHorizontally)) { Text(s.commonCancel) }
            }
        } else {
            null
        },
    ) {
        ConnectionLine(state.connection)
        state.notice?.let { notice ->
            Surface(color = MaterialTheme.colorScheme.primaryContainer, shape = MaterialTheme.shapes.medium) {
                Row(Modifier.fillMaxWidth().padding(start = 12.dp), verticalAlignment = Alignment.CenterVertically) {
                    Text(s.notice(notice), style = MaterialTheme.typography.bodyMedium, modifier = Modifier.weight(1f))
                    TextButton(onClick = { onEvent(ProjectEvent.DismissNotice) }) { Text(s.commonDismiss) }
                }
            }
        }
        Row(Modifier.horizontalScroll(rememberScrollState()), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            for (tab in ProjectTab.entries) {
                Choice(s.tab(tab), tab == state.tab, { onEvent(ProjectEvent.TabSelected(tab)) })
            }
        }
        if (state.loading && state.hall == null) {
            LoadingBlock(s.commonLoading)
            return@ScreenFrame
        }
        when (state.tab) {
            ProjectTab.OVERVIEW -> OverviewTab(state, onEvent)
            ProjectTab.QUOTES -> QuotesTab(state, onEvent)
            ProjectTab.DETAILS -> DetailsTab(state)
            ProjectTab.CHALLENGES -> ChallengesTab(state, onEvent)
            ProjectTab.ROUNDS -> RoundsTab(state, onEvent)
            ProjectTab.DRAW -> DrawTab(state, onEvent)
        }
    }
}

@Composable
private fun ConnectionLine(connection: Connection) {
    val s = LocalStrings.current
    val (text, colour) = when (connection) {
        Connection.CONNECTING -> s.projectConnecting to MaterialTheme.colorScheme.onSurfaceVariant
        Connection.LIVE -> s.projectLive to PalmbidColors.success
        Connection.RECONNECTING -> s.projectReconnecting to PalmbidColors.caution
    }
    Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(6.dp)) {
        Box(Modifier.size(8.dp).background(colour, CircleShape))
        Text(text, color = colour, style = MaterialTheme.typography.labelMedium)
    }
}

internal fun Strings.tab(tab: ProjectTab): String = when (tab) {
    ProjectTab.OVERVIEW -> projectTabOverview
    ProjectTab.QUOTES -> projectTabQuotes
    ProjectTab.DETAILS -> projectTabDetails
    ProjectTab.CHALLENGES -> projectTabChallenges
    ProjectTab.ROUNDS -> projectTabRounds
    ProjectTab.DRAW -> projectTabDraw
}

/** The PIN pad's title: what the PIN will sign. */
internal fun Strings.pinActionTitle(action: PinAction): String = when (action) {
    PinAction.SignIn -> projectPinSignIn
    is PinAction.CheckBid -> projectPinCheck
    is PinAction.Decrypt -> projectPinDecrypt
    is PinAction.ConfirmQuote -> projectPinConfirm(action.amount)
    PinAction.SubmitChallenge -> projectPinChallenge
    is PinAction.RoundQuote -> projectPinRound(action.round, action.amount)
    PinAction.ContributeDraw -> projectPinDraw
}
