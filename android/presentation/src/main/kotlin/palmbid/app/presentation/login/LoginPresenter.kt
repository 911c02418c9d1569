package palmbid.app.presentation.login

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
import palmbid.app.presentation.common.attempt
import palmbid.app.presentation.common.currentPlatform

/**
 * SMS login: picks the platform, sends the code, counts down to the next
 * resend, and logs in with the terms the user consented to. The typed code
 * is cleared after every attempt, whatever the outcome. A successful login
 * makes the platform the current one.
 */
class LoginPresenter(
    private val scope: CoroutineScope,
    private val accounts: AccountService,
    private val settings: SettingsStore,
    /** The phone's clock, to turn the platform's resend time into a countdown. */
    private val now: () -> Instant = Instant::now,
) {
    private val mutable = MutableStateFlow(LoginState())
    val state: StateFlow<LoginState> = mutable.asStateFlow()
    private var countdown: Job? = null

    init {
        load()
    }

    fun onEvent(event: LoginEvent) {
        when (event) {
            is LoginEvent.PlatformChosen -> choose(event.platform)
            is LoginEvent.PhoneChanged -> mutable.update { it.copy(phone = event.phone.filter(Char::isDigit).take(11)) }
            is LoginEvent.CodeChanged -> mutable.update { it.copy(code = event.code.filter(Char::isDigit).take(8)) }
            is LoginEvent.AgreementToggled -> mutable.update { it.copy(agreed = event.agreed) }
            LoginEvent.SendCode -> sendCode()
            LoginEvent.Submit -> submit()
            LoginEvent.Retry -> if (mutable.value.platforms.isEmpty()) load() else mutable.update { it.copy(error = null) }
            else -> Unit
        }
    }

    private fun load() {
        mutable.update { it.copy(loading = true, error = null) }
        scope.launch {
            attempt(::fail) {
                val platforms = accounts.platforms().map { it.name }
                val platform = currentPlatform(settings, accounts)?.takeIf { it in platforms } ?: platforms.firstOrNull()
                val terms = platform?.let { accounts.currentTerms(it) }
                mutable.update { it.copy(loading = false, platforms = platforms, platform = platform, terms = terms) }
            }
        }
    }

    private fun choose(platform: String) {
        if (platform == mutable.value.platform) return
        countdown?.cancel()
        mutable.update {
            it.copy(platform = platform, terms = null, codeSent = false, code = "", resendInSeconds = 0, agreed = false)
        }
        scope.launch {
            attempt(::fail) {
                val terms = accounts.currentTerms(platform)
                mutable.update { if (it.platform == platform) it.copy(terms = terms) else it }
            }
        }
    }

    private fun sendCode() {
        val current = mutable.value
        val platform = current.platform ?: return
        if (!current.canSendCode) return
        mutable.update { it.copy(busy = true, error = null) }
        scope.launch {
            attempt(::fail) {
                val sent = accounts.requestLoginCode(platform, current.phone)
                val wait = Duration.between(now(), sent.resendAfter).seconds.coerceAtLeast(0)
                mutable.update {
                    it.copy(busy = false, codeSent = true, terms = sent.terms, resendInSeconds = wait)
                }
                startCountdown()
            }
        }
    }

    /** Counts [LoginState.resendInSeconds] down to zero, a second at a time. */
    private fun startCountdown() {
        countdown?.cancel()
        countdown = scope.launch {
            while (mutable.value.resendInSeconds > 0) {
                delay(1_000)
                mutable.update { it.copy(resendInSeconds = (it.resendInSeconds - 1).coerceAtLeast(0)) }
            }
        }
    }

    private fun submit() {
        val current = mutable.value
        val platform = current.platform ?: return
        val terms = current.terms ?: return
        if (!current.canLogin) return
        // The code leaves the state now, whatever the outcome.
        mutable.update { it.copy(busy = true, error = null, code = "") }
        scope.launch {
            attempt(::fail) {
                val session = accounts.login(platform, current.phone, current.code, terms)
                settings.update { it.copy(currentPlatform = platform) }
                mutable.update { it.copy(busy = false, session = session) }
            }
        }
    }

    private fun fail(error: palmbid.app.presentation.common.ShownError) {
        mutable.update { it.copy(loading = false, busy = false, error = error) }
    }
}
