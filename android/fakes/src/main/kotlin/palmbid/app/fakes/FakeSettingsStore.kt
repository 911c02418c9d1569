package palmbid.app.fakes

import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import palmbid.app.domain.AppSettings
import palmbid.app.domain.Inbox
import palmbid.app.domain.Message
import palmbid.app.domain.SettingsStore

/** [SettingsStore] in memory. */
class FakeSettingsStore(
    private val control: FakeControl,
    initial: AppSettings = AppSettings(currentPlatform = Samples.PLATFORM),
) : SettingsStore {
    private val state = MutableStateFlow(initial)

    override val settings: StateFlow<AppSettings> = state.asStateFlow()

    override suspend fun update(change: (AppSettings) -> AppSettings) {
        control.enter("SettingsStore.update")
        synchronized(state) { state.value = change(state.value) }
    }
}

/** [Inbox] in memory, newest first. */
class FakeInbox(private val control: FakeControl) : Inbox {
    private val state = MutableStateFlow(emptyList<Message>())

    override val messages: StateFlow<List<Message>> = state.asStateFlow()

    override suspend fun post(message: Message) {
        control.enter("Inbox.post")
        synchronized(state) {
            state.value = (listOf(message) + state.value.filter { it.id != message.id }).sortedByDescending { it.at }
        }
    }

    override suspend fun markRead(id: String) {
        control.enter("Inbox.markRead")
        synchronized(state) { state.value = state.value.map { if (it.id == id) it.copy(read = true) else it } }
    }
}
