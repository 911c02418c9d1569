package palmbid.app.core

import java.nio.file.Path
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock
import kotlinx.coroutines.withContext
import kotlinx.serialization.json.Json
import palmbid.app.domain.Inbox
import palmbid.app.domain.Message
import palmbid.app.domain.MessageKind

/**
 * [Inbox] in a JSON file ([InboxJson]), replaced atomically on every
 * change. Newest first; at most [capacity] messages are kept, the oldest
 * dropped. A guarantee message keeps its state, not the guarantee's PDF
 * (the guarantees screen fetches it), so what is posted is what a restart
 * reads back.
 */
class FileInbox private constructor(
    private val file: Path,
    initial: List<Message>,
    private val capacity: Int,
) : Inbox {
    private val state = MutableStateFlow(initial)
    private val writing = Mutex()

    override val messages: StateFlow<List<Message>> = state.asStateFlow()

    override suspend fun post(message: Message) {
        val kept = message.copy(kind = withoutDocument(message.kind))
        change { messages ->
            (listOf(kept) + messages.filter { it.id != kept.id })
                .sortedByDescending { it.at }
                .take(capacity)
        }
    }

    override suspend fun markRead(id: String) {
        change { messages -> messages.map { if (it.id == id && !it.read) it.copy(read = true) else it } }
    }

    private suspend fun change(body: (List<Message>) -> List<Message>) {
        writing.withLock {
            val next = body(state.value)
            if (next == state.value) return
            val text = InboxJson.encode(next).toString()
            withContext(Dispatchers.IO) { writeAtomically(file, text.toByteArray(Charsets.UTF_8)) }
            state.value = next
        }
    }

    companion object {
        /** Messages kept by default: a year of a busy bidder's notices. */
        const val DEFAULT_CAPACITY = 500

        /**
         * Opens the inbox kept in [file], which need not exist yet. A file
         * that is not an inbox at all is set aside (`.corrupt`) and the inbox
         * starts empty.
         */
        suspend fun open(file: Path, capacity: Int = DEFAULT_CAPACITY): FileInbox = withContext(Dispatchers.IO) {
            val bytes = readIfExists(file)
            val messages = if (bytes == null) {
                emptyList()
            } else {
                try {
                    InboxJson.decode(Json.parseToJsonElement(bytes.toString(Charsets.UTF_8)))
                } catch (e: IllegalArgumentException) {
                    // Also SerializationException, its subclass: not JSON at all.
                    setAside(file)
                    emptyList()
                }
            }
            FileInbox(file, messages.sortedByDescending { it.at }.take(capacity), capacity)
        }

        private fun withoutDocument(kind: MessageKind): MessageKind =
            if (kind is MessageKind.Guarantee) kind.copy(view = kind.view.copy(document = null)) else kind
    }
}
