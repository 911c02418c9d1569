package palmbid.app.ui.messages

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import palmbid.app.domain.MessageKind
import palmbid.app.presentation.messages.MessagesEvent
import palmbid.app.presentation.messages.MessagesState
import palmbid.app.ui.components.EmptyBlock
import palmbid.app.ui.components.LoadingBlock
import palmbid.app.ui.components.ScreenFrame
import palmbid.app.ui.components.Tag
import palmbid.app.ui.components.formatDate
import palmbid.app.ui.components.formatDateTime
import palmbid.app.ui.components.guaranteeState
import palmbid.app.ui.components.identityState
import palmbid.app.ui.components.notice
import palmbid.app.ui.i18n.LocalStrings
import palmbid.app.ui.i18n.Strings

/** 消息: notices from the hall, the keystore and the platform, newest first. */
@Composable
fun MessagesScreen(state: MessagesState, onEvent: (MessagesEvent) -> Unit, modifier: Modifier = Modifier) {
    val s = LocalStrings.current
    ScreenFrame(title = s.messagesTitle, modifier = modifier, onBack = { onEvent(MessagesEvent.Back) }) {
        when {
            state.loading -> LoadingBlock(s.commonLoading)
            state.messages.isEmpty() -> EmptyBlock(s.messagesEmpty, null)
            else -> for (message in state.messages) {
                Card(
                    modifier = Modifier.fillMaxWidth().clickable { onEvent(MessagesEvent.Open(message.id)) },
                    colors = CardDefaults.cardColors(
                        containerColor = if (message.read) MaterialTheme.colorScheme.surface else MaterialTheme.colorScheme.primaryContainer,
                    ),
                ) {
                    Column(Modifier.padding(12.dp), verticalArrangement = Arrangement.spacedBy(4.dp)) {
                        Row(verticalAlignment = Alignment.CenterVertically) {
                            Text(
                                s.messageTitle(message.kind),
                                style = MaterialTheme.typography.titleSmall,
                                fontWeight = if (message.read) FontWeight.Normal else FontWeight.Bold,
                                modifier = Modifier.weight(1f),
                            )
                            if (!message.read) Tag(s.messagesUnread, MaterialTheme.colorScheme.primary)
                        }
                        Text(s.messageBody(message.kind), style = MaterialTheme.typography.bodyMedium)
                        Text(formatDateTime(message.at), style = MaterialTheme.typography.bodySmall, color = MaterialTheme.colorScheme.onSurfaceVariant)
                    }
                }
            }
        }
    }
}

/** Returns a message's title; the screen and the system notification share it. */
fun Strings.messageTitle(kind: MessageKind): String = when (kind) {
    is MessageKind.Hall -> kind.projectName
    is MessageKind.Renewal -> messagesRenewalTitle
    is MessageKind.Identity -> messagesIdentityTitle
    is MessageKind.Guarantee -> messagesGuaranteeTitle
}

/** Returns a message's text in one sentence. */
fun Strings.messageBody(kind: MessageKind): String = when (kind) {
    is MessageKind.Hall -> notice(kind.notice)
    is MessageKind.Renewal -> homeRenewalWarning(formatDate(kind.warning.notAfter), kind.warning.bids.size)
    is MessageKind.Identity -> identityState(kind.status.state)
    is MessageKind.Guarantee -> messagesGuaranteeBody(kind.view.code.projectName, guaranteeState(kind.view.state))
}
