package palmbid.app.presentation.messages

import palmbid.app.domain.Message

/** 消息: hall notices, renewal warnings, identity and guarantee news, newest first. */
data class MessagesState(
    val loading: Boolean = true,
    val messages: List<Message> = emptyList(),
)

sealed interface MessagesEvent {
    /** Marks the message read; navigation opens what it is about. */
    data class Open(val id: String) : MessagesEvent
    data object Back : MessagesEvent
}
