package palmbid.app.presentation.home

import palmbid.app.domain.Credential
import palmbid.app.domain.RenewalWarning
import palmbid.app.presentation.common.ShownError

/**
 * The home screen: the five entries bidders know (我的证书, 扫一扫, 开标大厅,
 * 电子保函, 消息), the current platform and login, and what needs attention.
 */
data class HomeState(
    val loading: Boolean = true,
    val error: ShownError? = null,
    /** The platform the home screen acts on; null before one is added. */
    val platform: String? = null,
    /** Phone number of the session with [platform]; null when logged out. */
    val loggedInPhone: String? = null,
    val credentials: List<Credential> = emptyList(),
    val renewalWarnings: List<RenewalWarning> = emptyList(),
    val unreadMessages: Int = 0,
)

/**
 * User actions on the home screen. The `Open…` events are navigation:
 * the app's navigation acts on them and the presenter ignores them.
 */
sealed interface HomeEvent {
    data object OpenCertificates : HomeEvent
    data object OpenScan : HomeEvent
    data object OpenHall : HomeEvent
    data object OpenGuarantees : HomeEvent
    data object OpenMessages : HomeEvent
    data object OpenSignatureLog : HomeEvent
    data object OpenSettings : HomeEvent
    data object OpenLogin : HomeEvent

    /** Reload after an error. */
    data object Retry : HomeEvent

    /** The screen became visible again: reload. */
    data object Resumed : HomeEvent
}
