package palmbid.app.presentation.certificates

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import palmbid.app.domain.CertificateStore
import palmbid.app.presentation.common.attempt

/**
 * 我的证书: loads the credentials and renewal warnings; deletes a credential
 * after the user confirms (the core refuses while a bid still needs its key).
 */
class CertificatesPresenter(
    private val scope: CoroutineScope,
    private val certificates: CertificateStore,
) {
    private val mutable = MutableStateFlow(CertificatesState())
    val state: StateFlow<CertificatesState> = mutable.asStateFlow()

    init {
        load()
    }

    fun onEvent(event: CertificatesEvent) {
        when (event) {
            is CertificatesEvent.Delete -> mutable.update { it.copy(confirmDelete = event.credentialId, error = null) }
            CertificatesEvent.CancelDelete -> mutable.update { it.copy(confirmDelete = null) }
            CertificatesEvent.ConfirmDelete -> delete()
            CertificatesEvent.Retry -> load()
            else -> Unit
        }
    }

    private fun load() {
        mutable.update { it.copy(loading = true, error = null) }
        scope.launch {
            attempt({ e -> mutable.update { it.copy(loading = false, busy = false, error = e) } }) {
                val credentials = certificates.credentials()
                val warnings = certificates.renewalWarnings()
                mutable.update { it.copy(loading = false, busy = false, credentials = credentials, renewalWarnings = warnings) }
            }
        }
    }

    private fun delete() {
        val credentialId = mutable.value.confirmDelete ?: return
        mutable.update { it.copy(confirmDelete = null, busy = true, error = null) }
        scope.launch {
            attempt({ e -> mutable.update { it.copy(busy = false, error = e) } }) {
                certificates.deleteCredential(credentialId)
                load()
            }
        }
    }
}
