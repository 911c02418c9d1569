package palmbid.app.presentation.guarantees

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import palmbid.app.domain.AccountService
import palmbid.app.domain.CertificateStore
import palmbid.app.domain.GuaranteeService
import palmbid.app.domain.SettingsStore
import palmbid.app.presentation.common.PinKeypad
import palmbid.app.presentation.common.afterFailure
import palmbid.app.presentation.common.attempt
import palmbid.app.presentation.common.currentPlatform

/**
 * 电子保函: the current platform's projects and institutions, a project's
 * sections, and a section's guarantee code and state. An application is
 * signed with the PIN, which is wiped after the call whatever the outcome.
 */
class GuaranteesPresenter(
    private val scope: CoroutineScope,
    private val guarantees: GuaranteeService,
    private val certificates: CertificateStore,
    private val settings: SettingsStore,
    private val accounts: AccountService,
) {
    private val keypad = PinKeypad()
    private val mutable = MutableStateFlow(GuaranteesState())
    val state: StateFlow<GuaranteesState> = mutable.asStateFlow()

    /** The credential whose PIN the open pad asks for, as the core names it; null until known. */
    private var pinCredential: String? = null

    init {
        load()
    }

    fun onEvent(event: GuaranteesEvent) {
        when (event) {
            is GuaranteesEvent.ProjectChosen -> chooseProject(event.projectId)
            is GuaranteesEvent.SectionChosen -> chooseSection(event.section)
            is GuaranteesEvent.Apply -> {
                keypad.clear()
                mutable.update {
                    val pad = it.pinPad.copy(busy = false, triesLeft = null, locked = false)
                    it.copy(applyTo = event.institutionId, application = null, error = null, pinPad = keypad.state(pad))
                }
                loadTries()
            }
            is GuaranteesEvent.Pin -> key(event)
            GuaranteesEvent.CancelPin -> {
                keypad.clear()
                mutable.update { it.copy(applyTo = null, pinPad = keypad.state(it.pinPad)) }
            }
            GuaranteesEvent.Up -> {
                keypad.clear()
                mutable.update {
                    if (it.code != null) {
                        it.copy(code = null, view = null, applyTo = null, application = null, pinPad = keypad.state(it.pinPad))
                    } else {
                        it.copy(sections = null)
                    }
                }
            }
            GuaranteesEvent.Retry -> if (mutable.value.projects.isEmpty()) load() else mutable.update { it.copy(error = null) }
            else -> Unit
        }
    }

    private fun load() {
        mutable.update { it.copy(loading = true, error = null) }
        scope.launch {
            attempt({ e -> mutable.update { it.copy(loading = false, error = e) } }) {
                val platform = currentPlatform(settings, accounts)
                if (platform == null) {
                    mutable.update { it.copy(loading = false) }
                    return@attempt
                }
                val projects = guarantees.projects(platform)
                val institutions = guarantees.institutions(platform)
                mutable.update { it.copy(loading = false, platform = platform, projects = projects, institutions = institutions) }
            }
        }
    }

    private fun chooseProject(projectId: String) {
        val platform = mutable.value.platform ?: return
        mutable.update { it.copy(loading = true, error = null) }
        scope.launch {
            attempt({ e -> mutable.update { it.copy(loading = false, error = e) } }) {
                val sections = guarantees.sections(platform, projectId)
                mutable.update { it.copy(loading = false, sections = sections, code = null, view = null) }
            }
        }
    }

    private fun chooseSection(section: Int) {
        val platform = mutable.value.platform ?: return
        val project = mutable.value.sections?.project?.id ?: return
        mutable.update { it.copy(loading = true, error = null) }
        scope.launch {
            attempt({ e -> mutable.update { it.copy(loading = false, error = e) } }) {
                val code = guarantees.code(platform, project, section)
                val view = guarantees.status(platform, project, section)
                mutable.update { it.copy(loading = false, code = code, view = view) }
            }
        }
    }

    private fun key(event: GuaranteesEvent.Pin) {
        val now = mutable.value
        val institution = now.applyTo ?: return
        val platform = now.platform ?: return
        val code = now.code ?: return
        if (now.pinPad.busy || now.pinPad.locked) return
        if (!keypad.press(event.event)) {
            mutable.update { it.copy(pinPad = keypad.state(it.pinPad)) }
            return
        }
        val pin = keypad.takePin()
        mutable.update { it.copy(error = null, pinPad = keypad.state(it.pinPad).copy(busy = true)) }
        scope.launch {
            try {
                attempt({ e ->
                    val pad = afterFailure(mutable.value.pinPad, e, certificates, pinCredential)
                    mutable.update { it.copy(error = e, pinPad = pad) }
                }) {
                    val application = guarantees.apply(platform, code.projectId, code.section, institution, pin)
                    val view = guarantees.status(platform, code.projectId, code.section)
                    mutable.update {
                        it.copy(applyTo = null, application = application, view = view, pinPad = it.pinPad.copy(busy = false))
                    }
                }
            } finally {
                pin.wipe()
            }
        }
    }

    /**
     * Asks the core whose PIN the application asks for (the company's
     * newest valid signing certificate) and shows that credential's tries
     * left. The count is a help, not essential: a failed lookup leaves the
     * pad without one.
     */
    private fun loadTries() {
        pinCredential = null
        val now = mutable.value
        val platform = now.platform ?: return
        val code = now.code ?: return
        scope.launch {
            attempt({}) {
                val id = guarantees.pinCredential(platform, code.projectId, code.section)
                val pin = certificates.pinState(id)
                // Overtaken by a cancel or another application meanwhile.
                val current = mutable.value
                if (current.applyTo != now.applyTo || current.code != code) return@attempt
                pinCredential = id
                // A failed application may have set a newer count already.
                mutable.update {
                    if (it.pinPad.triesLeft != null) it else it.copy(pinPad = it.pinPad.copy(triesLeft = pin.triesLeft, locked = pin.locked))
                }
            }
        }
    }
}
