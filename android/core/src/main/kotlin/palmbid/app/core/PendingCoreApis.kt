package palmbid.app.core

import palmbid.app.domain.PalmbidFailure
import palmbid.app.domain.SealImage
import palmbid.app.domain.SignatureLog
import palmbid.app.domain.SignatureLogEntry
import palmbid.ffi.Account
import palmbid.ffi.Keystore

// NOTE: the bindings this module compiles against export neither
// `Keystore.signatureLog` nor `Account.seals` yet. Until they do, the log
// refuses with a clear code and credentials list no seal images.
// android/core/src/pending/kotlin/palmbid/app/core/SignatureLogAndSeals.kt
// implements both over those exports: it replaces this file once the
// bindings have them, and RealPlatformTest's signature log test then runs.

/** Builds the signature log over [keystore]. */
internal fun signatureLog(@Suppress("UNUSED_PARAMETER") keystore: Keystore): SignatureLog = UnavailableSignatureLog

/** Builds the source of seal images by credential id. */
internal fun sealSource(@Suppress("UNUSED_PARAMETER") account: Account): suspend () -> Map<String, List<SealImage>> =
    { emptyMap() }

private object UnavailableSignatureLog : SignatureLog {
    override suspend fun entries(limit: Int, before: Long?): List<SignatureLogEntry> = throw PalmbidFailure(
        "app.signature_log_unavailable",
        "此版本的 palmbid 库尚不提供签名记录；请更新应用",
        "this build of the palmbid library has no signature log yet; update the app",
    )
}
