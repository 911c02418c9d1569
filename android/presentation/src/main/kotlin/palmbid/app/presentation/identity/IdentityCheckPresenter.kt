package palmbid.app.presentation.identity

import java.time.Duration
import java.time.Instant
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import palmbid.app.domain.AccountService
import palmbid.app.domain.SettingsStore
import palmbid.app.presentation.common.ShownError
import palmbid.app.presentation.common.attempt
import palmbid.app.presentation.common.currentPlatform

/**
 * The identity video check: loads the platform's record, asks for the code
 * to read aloud (counting down to its expiry), keeps the recorded video
 * here rather than in the state, and submits them with the name and ID
 * number. The video is dropped after a submission, whatever the outcome.
 */
class IdentityCheckPresenter(
    private val scope: CoroutineScope,
    private val accounts: AccountService,
    private val settings: SettingsStore,
    private val now: () -> Instant = Instant::now,
) {
    private val mutable = MutableStateFlow(IdentityCheckState())
    val state: StateFlow<IdentityCheckState> = mutable.asStateFlow()
    private var video: ByteArray? = null
    private var countdown: Job? = null

    init {
        load()
    }

    fun onEvent(event: IdentityCheckEvent) {
        when (event) {
            is IdentityCheckEvent.NameChanged -> mutable.update { it.copy(name = event.name) }
            is IdentityCheckEvent.IdNumberChanged ->
                mutable.update { it.copy(idNumber = event.idNumber.uppercase().filter { c -> c.isDigit() || c == 'X' }.take(18)) }
            IdentityCheckEvent.RequestCode -> requestCode()
            is IdentityCheckEvent.VideoRecorded -> {
                video = event.video.mp4
                mutable.update { it.copy(videoBytes = event.video.mp4.size.toLong()) }
            }
            IdentityCheckEvent.Submit -> submit()
            IdentityCheckEvent.Retry -> if (mutable.value.status == null) load() else mutable.update { it.copy(error = null) }
            else -> Unit
        }
    }

    private fun load() {
        mutable.update { it.copy(loading = true, error = null) }
        scope.launch {
            attempt(::fail) {
                val platform = currentPlatform(settings, accounts)
                val status = platform?.let { accounts.identityStatus(it) }
                mutable.update { it.copy(loading = false, platform = platform, status = status) }
            }
        }
    }

    private fun requestCode() {
        val platform = mutable.value.platform ?: return
        mutable.update { it.copy(busy = true, error = null) }
        scope.launch {
            attempt(::fail) {
                val code = accounts.requestIdentityCode(platform)
                val left = Duration.between(now(), code.expiresAt).seconds.coerceAtLeast(0)
                mutable.update { it.copy(busy = false, code = code, codeSecondsLeft = left) }
                countdown?.cancel()
                countdown = scope.launch {
                    while (mutable.value.codeSecondsLeft > 0) {
                        delay(1_000)
                        mutable.update { it.copy(codeSecondsLeft = (it.codeSecondsLeft - 1).coerceAtLeast(0)) }
                    }
                }
            }
        }
    }

    private fun submit() {
        val current = mutable.value
        val platform = current.platform ?: return
        val code = current.code ?: return
        val recorded = video ?: return
        if (!current.canSubmit) return
        // The video leaves the presenter with this call, whatever its outcome.
        video = null
        mutable.update { it.copy(busy = true, error = null) }
        scope.launch {
            attempt({ e -> mutable.update { it.copy(busy = false, error = e, videoBytes = null) } }) {
                val status = accounts.submitIdentity(platform, current.name.trim(), current.idNumber, code.code, recorded)
                countdown?.cancel()
                mutable.update { it.copy(busy = false, status = status, code = null, codeSecondsLeft = 0, videoBytes = null) }
            }
        }
    }

    private fun fail(error: ShownError) {
        mutable.update { it.copy(loading = false, busy = false, error = error) }
    }
}
