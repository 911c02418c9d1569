package palmbid.app.presentation.signaturelog

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import palmbid.app.domain.SignatureLog
import palmbid.app.presentation.common.attempt

/** 签名记录: the newest [pageSize] entries, then older pages as the list scrolls. */
class SignatureLogPresenter(
    private val scope: CoroutineScope,
    private val log: SignatureLog,
    private val pageSize: Int = 50,
) {
    private val mutable = MutableStateFlow(SignatureLogState())
    val state: StateFlow<SignatureLogState> = mutable.asStateFlow()

    init {
        load(first = true)
    }

    fun onEvent(event: SignatureLogEvent) {
        when (event) {
            SignatureLogEvent.LoadMore -> {
                val now = mutable.value
                if (!now.loading && !now.loadingMore && !now.endReached && now.error == null) load(first = false)
            }
            SignatureLogEvent.Retry -> load(first = mutable.value.entries.isEmpty())
            SignatureLogEvent.Back -> Unit
        }
    }

    private fun load(first: Boolean) {
        val before = if (first) null else mutable.value.entries.lastOrNull()?.id
        mutable.update { if (first) it.copy(loading = true, error = null) else it.copy(loadingMore = true, error = null) }
        scope.launch {
            attempt({ e -> mutable.update { it.copy(loading = false, loadingMore = false, error = e) } }) {
                val page = log.entries(pageSize, before)
                mutable.update {
                    it.copy(
                        loading = false,
                        loadingMore = false,
                        entries = if (first) page else it.entries + page,
                        endReached = page.size < pageSize,
                    )
                }
            }
        }
    }
}
