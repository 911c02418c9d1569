package palmbid.app.ui.home

import androidx.compose.foundation.background
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.shape.CircleShape
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.IntrinsicSize
import androidx.compose.foundation.layout.fillMaxHeight
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Surface
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import palmbid.app.presentation.home.HomeEvent
import palmbid.app.presentation.home.HomeState
import palmbid.app.ui.components.CertificateCard
import palmbid.app.ui.components.EmptyBlock
import palmbid.app.ui.components.LoadingBlock
import palmbid.app.ui.components.ScreenFrame
import palmbid.app.ui.components.SectionTitle
import palmbid.app.ui.components.formatDate
import palmbid.app.ui.i18n.LocalStrings
import palmbid.app.ui.theme.PalmbidColors

/** Shows the home screen: the five entries, the platform and login, and the certificates. */
@Composable
fun HomeScreen(state: HomeState, onEvent: (HomeEvent) -> Unit, modifier: Modifier = Modifier) {
    val s = LocalStrings.current
    ScreenFrame(
        title = s.homeTitle,
        modifier = modifier,
        error = state.error,
        onRetry = { onEvent(HomeEvent.Retry) },
        actions = {
            TextButton(onClick = { onEvent(HomeEvent.OpenSettings) }) {
                Text(s.homeSettings, color = MaterialTheme.colorScheme.onPrimary)
            }
        },
    ) {
        PlatformLine(state, onEvent)
        // Each row's two entries take the taller one's height, so longer texts never clip.
        Row(Modifier.height(IntrinsicSize.Min), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Entry(s.homeCertificates, s.homeCertificatesHint, Modifier.weight(1f)) { onEvent(HomeEvent.OpenCertificates) }
            Entry(s.homeScan, s.homeScanHint, Modifier.weight(1f), primary = true) { onEvent(HomeEvent.OpenScan) }
        }
        Row(Modifier.height(IntrinsicSize.Min), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Entry(s.homeHall, s.homeHallHint, Modifier.weight(1f)) { onEvent(HomeEvent.OpenHall) }
            Entry(s.homeGuarantees, s.homeGuaranteesHint, Modifier.weight(1f)) { onEvent(HomeEvent.OpenGuarantees) }
        }
        Row(Modifier.height(IntrinsicSize.Min), horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            val messages = if (state.unreadMessages > 0) s.homeMessagesUnread(state.unreadMessages) else s.homeMessagesHint
            Entry(s.homeMessages, messages, Modifier.weight(1f), badge = state.unreadMessages > 0) { onEvent(HomeEvent.OpenMessages) }
            Entry(s.homeSignatureLog, s.homeSignatureLogHint, Modifier.weight(1f)) { onEvent(HomeEvent.OpenSignatureLog) }
        }
        for (warning in state.renewalWarnings) {
            Surface(color = MaterialTheme.colorScheme.tertiaryContainer, shape = MaterialTheme.shapes.medium) {
                Text(
                    s.homeRenewalWarning(formatDate(warning.notAfter), warning.bids.size),
                    style = MaterialTheme.typography.bodyMedium,
                    color = MaterialTheme.colorScheme.onTertiaryContainer,
                    modifier = Modifier.padding(12.dp),
                )
            }
        }
        SectionTitle(s.homeCertificates)
        when {
            state.loading -> LoadingBlock(s.commonLoading)
            // After a failed load the banner explains; an empty list would claim there is nothing.
            state.error != null && state.credentials.isEmpty() -> Unit
            state.credentials.isEmpty() -> EmptyBlock(s.homeNoCertificate, s.homeNoCertificateHint)
            else -> state.credentials.forEach { credential ->
                CertificateCard(credential, Modifier.clickable { onEvent(HomeEvent.OpenCertificates) })
            }
        }
    }
}

@Composable
private fun PlatformLine(state: HomeState, onEvent: (HomeEvent) -> Unit) {
    val s = LocalStrings.current
    Row(verticalAlignment = Alignment.CenterVertically, horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        Column(Modifier.weight(1f)) {
            Text(state.platform ?: s.homeNoPlatform, style = MaterialTheme.typography.titleSmall, fontWeight = FontWeight.SemiBold)
            Text(
                state.loggedInPhone?.let { s.homeLoggedInAs(it) } ?: s.homeLoggedOut,
                style = MaterialTheme.typography.bodySmall,
                color = if (state.loggedInPhone != null) PalmbidColors.success else MaterialTheme.colorScheme.onSurfaceVariant,
            )
        }
        if (state.loggedInPhone == null) {
            Button(onClick = { onEvent(HomeEvent.OpenLogin) }) { Text(s.homeLogin) }
        }
    }
}

@Composable
private fun Entry(
    title: String,
    hint: String,
    modifier: Modifier = Modifier,
    primary: Boolean = false,
    badge: Boolean = false,
    onClick: () -> Unit,
) {
    val colours = MaterialTheme.colorScheme
    Card(
        modifier = modifier.fillMaxHeight().heightIn(min = 92.dp).clickable(onClick = onClick),
        colors = CardDefaults.cardColors(
            containerColor = if (primary) colours.primary else colours.surface,
            contentColor = if (primary) colours.onPrimary else colours.onSurface,
        ),
        elevation = CardDefaults.cardElevation(defaultElevation = 1.dp),
    ) {
        Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Row(verticalAlignment = Alignment.CenterVertically) {
                Text(title, style = MaterialTheme.typography.titleMedium, fontWeight = FontWeight.SemiBold, modifier = Modifier.weight(1f))
                if (badge) {
                    Box(Modifier.size(10.dp).background(colours.error, CircleShape))
                }
            }
            Text(
                hint,
                style = MaterialTheme.typography.bodySmall,
                color = if (primary) colours.onPrimary.copy(alpha = 0.85f) else colours.onSurfaceVariant,
                maxLines = 2,
            )
        }
    }
}
