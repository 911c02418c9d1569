package palmbid.app.presentation.messages

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import palmbid.app.domain.Inbox
import palmbid.app.presentation.common.attempt

/** 消息: the inbox as it changes, newest first; opening a message marks it read. */
class MessagesPresenter(
    private val scope: CoroutineScope,
    private val inbox: Inbox,
) {
    private val mutable = MutableStateFlow(MessagesState())
    val state: StateFlow<MessagesState> = mutable.asStateFlow()

    init {
        scope.launch {
            inbox.messages.collect { messages ->
                mutable.value = MessagesState(loading = false, messages = messages.sortedByDescending { it.at })
            }
        }
    }

    fun onEvent(event: MessagesEvent) {
        when (event) {
            // Marking read is a convenience: a failure leaves the message unread and nothing else.
            is MessagesEvent.Open -> scope.launch { attempt({}) { inbox.markRead(event.id) } }
            MessagesEvent.Back -> Unit
        }
    }
}
