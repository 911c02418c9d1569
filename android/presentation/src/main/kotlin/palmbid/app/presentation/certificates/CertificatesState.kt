package palmbid.app.presentation.certificates

import palmbid.app.domain.Credential
import palmbid.app.domain.RenewalWarning
import palmbid.app.presentation.common.ShownError

/**
 * 我的证书: each credential with its signing and encryption certificates,
 * validity, seals and PIN state.
 */
data class CertificatesState(
    val loading: Boolean = true,
    val error: ShownError? = null,
    val credentials: List<Credential> = emptyList(),
    val renewalWarnings: List<RenewalWarning> = emptyList(),
    /** The credential whose deletion awaits the user's confirmation. */
    val confirmDelete: String? = null,
    val busy: Boolean = false,
)

sealed interface CertificatesEvent {
    /** Navigation: the PIN change screen for a credential. */
    data class ChangePin(val credentialId: String) : CertificatesEvent

    /** Requests deletion; the screen then shows a confirmation first. */
    data class Delete(val credentialId: String) : CertificatesEvent
    data object ConfirmDelete : CertificatesEvent
    data object CancelDelete : CertificatesEvent

    /** Navigation: scan a pickup code, or download an earlier pickup. */
    data object PickUp : CertificatesEvent
    data object Download : CertificatesEvent

    data object Retry : CertificatesEvent
    data object Back : CertificatesEvent
}
