package palmbid.app.presentation.signaturelog

import palmbid.app.domain.SignatureLogEntry
import palmbid.app.presentation.common.ShownError

/** 签名记录: every use of a key on this phone, newest first, paged. */
data class SignatureLogState(
    val loading: Boolean = true,
    val error: ShownError? = null,
    val entries: List<SignatureLogEntry> = emptyList(),
    /** A further page is loading. */
    val loadingMore: Boolean = false,
    /** No older entry is left. */
    val endReached: Boolean = false,
)

sealed interface SignatureLogEvent {
    /** The list scrolled near its end: load the next page. */
    data object LoadMore : SignatureLogEvent
    data object Retry : SignatureLogEvent
    data object Back : SignatureLogEvent
}
