package palmbid.app.presentation.hall

import palmbid.app.domain.HallProject
import palmbid.app.presentation.common.ShownError

/** 开标大厅: the projects of the current platform, next opening first. */
data class HallListState(
    val loading: Boolean = true,
    val error: ShownError? = null,
    val platform: String? = null,
    val projects: List<HallProject> = emptyList(),
)

sealed interface HallListEvent {
    /** Navigation: open a project. */
    data class Open(val projectId: String) : HallListEvent
    data object Refresh : HallListEvent

    /** The screen became visible again: reload. */
    data object Resumed : HallListEvent
    data object Back : HallListEvent
}
