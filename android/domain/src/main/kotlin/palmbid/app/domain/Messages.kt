package palmbid.app.domain

import java.time.Instant
import kotlinx.coroutines.flow.StateFlow

/** Subject of a message (消息); the screen words it in the chosen language. */
sealed interface MessageKind {
    data class Hall(val platform: String, val projectId: String, val projectName: String, val notice: HallNotice) : MessageKind
    data class Renewal(val warning: RenewalWarning) : MessageKind
    data class Identity(val platform: String, val status: IdentityStatus) : MessageKind
    data class Guarantee(val platform: String, val view: GuaranteeView) : MessageKind
}

data class Message(val id: String, val at: Instant, val kind: MessageKind, val read: Boolean)

/** The 消息 inbox: notices from the hall, the keystore and the platform. */
interface Inbox {
    val messages: StateFlow<List<Message>>

    /** Adds a message; one with the same id replaces it (a repeated notice is not doubled). */
    suspend fun post(message: Message)

    suspend fun markRead(id: String)
}
