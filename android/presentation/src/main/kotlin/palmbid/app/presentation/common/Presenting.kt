package palmbid.app.presentation.common

import kotlinx.coroutines.flow.first
import palmbid.app.domain.AccountService
import palmbid.app.domain.CertificateStore
import palmbid.app.domain.FailureKind
import palmbid.app.domain.PalmbidFailure
import palmbid.app.domain.SettingsStore

/**
 * Runs [body] and returns its value, or hands the [PalmbidFailure] it threw
 * to [onFailure] as a [ShownError] and returns null. Only the ports'
 * failures are caught: anything else is a bug and is not hidden.
 */
inline fun <T> attempt(onFailure: (ShownError) -> Unit, body: () -> T): T? = try {
    body()
} catch (e: PalmbidFailure) {
    onFailure(ShownError.of(e))
    null
}

/** The platform screens act on: the one chosen in settings, else the first trusted one; null when none. */
suspend fun currentPlatform(settings: SettingsStore, accounts: AccountService): String? =
    settings.settings.first().currentPlatform ?: accounts.platforms().firstOrNull()?.name

/**
 * Returns [pad] after a failed signed action: tries left reloaded after a
 * wrong PIN, locked after too many, unchanged otherwise.
 */
suspend fun afterFailure(
    pad: PinPadState,
    error: ShownError,
    certificates: CertificateStore,
    credentialId: String?,
): PinPadState = when (error.kind) {
    FailureKind.PIN_LOCKED -> pad.copy(locked = true, triesLeft = 0, busy = false)
    FailureKind.WRONG_PIN -> {
        // The count is a help, not essential: a failed reload keeps the old one.
        val state = credentialId?.let { id -> attempt({}) { certificates.pinState(id) } }
        pad.copy(triesLeft = state?.triesLeft ?: pad.triesLeft, locked = state?.locked ?: false, busy = false)
    }
    else -> pad.copy(busy = false)
}
