package palmbid.app.presentation.login

import palmbid.app.domain.Session
import palmbid.app.domain.Terms
import palmbid.app.presentation.common.ShownError

/**
 * SMS login (短信登录) with consent to the user agreement (用户协议) and
 * privacy policy (隐私政策). The code is held only until submitted: the
 * presenter clears it after every login attempt.
 */
data class LoginState(
    val loading: Boolean = true,
    val error: ShownError? = null,
    /** Trusted platforms by name; the user picks one. */
    val platforms: List<String> = emptyList(),
    val platform: String? = null,
    val phone: String = "",
    val code: String = "",
    /** A code was sent; the code field shows. */
    val codeSent: Boolean = false,
    /** Seconds until another code may be asked for; 0 when it may. */
    val resendInSeconds: Long = 0,
    /** The terms the user consents to, from the platform. */
    val terms: Terms? = null,
    /** The consent box; login stays disabled until it is ticked. */
    val agreed: Boolean = false,
    /** A request is on its way. */
    val busy: Boolean = false,
    /** Set once logged in; the app then leaves the screen. */
    val session: Session? = null,
) {
    /** True when the phone number has the 11 digits of a mainland mobile number. */
    val phoneValid: Boolean get() = phone.length == 11 && phone.all { it in '0'..'9' }

    val canSendCode: Boolean get() = platform != null && phoneValid && resendInSeconds == 0L && !busy

    val canLogin: Boolean get() = codeSent && code.length >= 4 && agreed && !busy
}

sealed interface LoginEvent {
    data class PlatformChosen(val platform: String) : LoginEvent
    data class PhoneChanged(val phone: String) : LoginEvent
    data class CodeChanged(val code: String) : LoginEvent
    data object SendCode : LoginEvent
    data class AgreementToggled(val agreed: Boolean) : LoginEvent

    /** Navigation: show the user agreement, or the privacy policy. */
    data object OpenAgreement : LoginEvent
    data object OpenPrivacy : LoginEvent

    data object Submit : LoginEvent
    data object Retry : LoginEvent
    data object Back : LoginEvent
}
