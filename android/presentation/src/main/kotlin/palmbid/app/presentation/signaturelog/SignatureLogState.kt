package palmbid.app.presentation.signaturelog

import palmbid.app.domain.SignatureLogEntry
import palmbid.app.presentation.common.ShownError

/** 签名记录: every PIN entry that asked for a key on this phone, newest first, paged. */
data class SignatureLogState(
    val loading: Boolean = true,
    val error: ShownError? = null,
    val entries: List<SignatureLogEntry> = emptyList(),
    /** A further page is loading. */
    val loadingMore: Boolean = false,
    /** No older entry is left. */
    val endReached: Boolean = false,
) {
    /** Refused tries (wrong PIN, locked) among the loaded entries; the screen warns when there is any. */
    val refusedCount: Int get() = entries.count { it.refused }
}

sealed interface SignatureLogEvent {
    /** The list scrolled near its end: load the next page. */
    data object LoadMore : SignatureLogEvent
    data object Retry : SignatureLogEvent
    data object Back : SignatureLogEvent
}
