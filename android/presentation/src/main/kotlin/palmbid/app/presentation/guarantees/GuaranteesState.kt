package palmbid.app.presentation.guarantees

import palmbid.app.domain.GuaranteeApplication
import palmbid.app.domain.GuaranteeCode
import palmbid.app.domain.GuaranteeInstitution
import palmbid.app.domain.GuaranteeProject
import palmbid.app.domain.GuaranteeSections
import palmbid.app.domain.GuaranteeView
import palmbid.app.presentation.common.PinPadEvent
import palmbid.app.presentation.common.PinPadState
import palmbid.app.presentation.common.ShownError

/**
 * 电子保函: pick a project and section, see its guarantee code (保函编码)
 * and state, choose an institution and apply (去申请) with a signed statement.
 */
data class GuaranteesState(
    val loading: Boolean = true,
    val error: ShownError? = null,
    val platform: String? = null,
    val projects: List<GuaranteeProject> = emptyList(),
    /** Sections of the chosen project; null before one is chosen. */
    val sections: GuaranteeSections? = null,
    /** The chosen section's code and guarantee; null before a section is chosen. */
    val code: GuaranteeCode? = null,
    val view: GuaranteeView? = null,
    val institutions: List<GuaranteeInstitution> = emptyList(),
    /** The institution whose application awaits the PIN; the pad shows while set. */
    val applyTo: String? = null,
    val pinPad: PinPadState = PinPadState(),
    /** The application to open in the browser, once signed. */
    val application: GuaranteeApplication? = null,
)

sealed interface GuaranteesEvent {
    data class ProjectChosen(val projectId: String) : GuaranteesEvent
    data class SectionChosen(val section: Int) : GuaranteesEvent
    data class Apply(val institutionId: String) : GuaranteesEvent
    data class Pin(val event: PinPadEvent) : GuaranteesEvent
    data object CancelPin : GuaranteesEvent

    /** Navigation: open the institution's page in the browser. */
    data class OpenApplication(val url: String) : GuaranteesEvent

    /** Navigation: open the verified guarantee PDF. */
    data object OpenDocument : GuaranteesEvent

    /** Up one level: from a section to the project list. */
    data object Up : GuaranteesEvent
    data object Retry : GuaranteesEvent
    data object Back : GuaranteesEvent
}
