package palmbid.app.core

import palmbid.app.domain.SealImage
import palmbid.app.domain.SignatureLog
import palmbid.app.domain.SignatureLogEntry
import palmbid.app.domain.SignatureOperation
import palmbid.ffi.Account
import palmbid.ffi.KeyOperation
import palmbid.ffi.KeyUseOutcome
import palmbid.ffi.Keystore

// The signature log and the seal listing over `Keystore.signatureLog` and
// `Account.seals`.

/** Builds the signature log over [keystore]. */
internal fun signatureLog(keystore: Keystore): SignatureLog = CoreSignatureLog(keystore)

/** Builds the source of seal images by credential id, from the certificates the CA issued with them. */
internal fun sealSource(account: Account): suspend () -> Map<String, List<SealImage>> = {
    ffiCall("CertificateStore.seals") { account.seals() }
        .groupBy({ it.credentialId }, { held -> held.seals.map { it.toDomain() } })
        .mapValues { (_, lists) -> lists.flatten() }
}

/** [SignatureLog] over the keystore's log, newest first. */
internal class CoreSignatureLog(private val keystore: Keystore) : SignatureLog {
    override suspend fun entries(limit: Int, before: Long?): List<SignatureLogEntry> =
        ffiCall("SignatureLog.entries") { keystore.signatureLog(positive("limit", limit), before) }
            .map { it.toDomain() }
}

internal fun palmbid.ffi.SignatureLogEntry.toDomain() = SignatureLogEntry(
    id = id,
    at = instant(atUnix),
    operation = operation.toDomain(),
    operationName = operation.name.lowercase(),
    credentialId = credentialId,
    keyId = keyId,
    role = role?.toDomain(),
    certificateSerial = certificateSerialHex,
    platform = platform,
    requester = requester,
    project = project,
    documentName = documentName,
    documentSha256 = documentSha256,
    outcome = outcome.toDomain(),
)

internal fun KeyUseOutcome.toDomain(): palmbid.app.domain.KeyUseOutcome = when (this) {
    KeyUseOutcome.USED -> palmbid.app.domain.KeyUseOutcome.USED
    KeyUseOutcome.WRONG_PIN -> palmbid.app.domain.KeyUseOutcome.WRONG_PIN
    KeyUseOutcome.LOCKED -> palmbid.app.domain.KeyUseOutcome.LOCKED
    KeyUseOutcome.FAILED -> palmbid.app.domain.KeyUseOutcome.FAILED
    KeyUseOutcome.INTERRUPTED -> palmbid.app.domain.KeyUseOutcome.INTERRUPTED
}

/** Maps to the domain's operation; [KeyOperation.OTHER] (one the bindings do not name) stays [SignatureOperation.OTHER]. */
internal fun KeyOperation.toDomain(): SignatureOperation = when (this) {
    KeyOperation.SIGN_DIGEST -> SignatureOperation.SIGN_DIGEST
    KeyOperation.SIGN_FILE -> SignatureOperation.SIGN_FILE
    KeyOperation.DECRYPT_FILE -> SignatureOperation.DECRYPT_FILE
    KeyOperation.RELEASE_KEY -> SignatureOperation.RELEASE_KEY
    KeyOperation.QR_LOGIN -> SignatureOperation.QR_LOGIN
    KeyOperation.QR_SIGN -> SignatureOperation.QR_SIGN
    KeyOperation.QR_SEAL -> SignatureOperation.QR_SEAL
    KeyOperation.QR_ENCRYPTION_CERTIFICATE -> SignatureOperation.ENCRYPTION_CERTIFICATE
    KeyOperation.QR_DECRYPT -> SignatureOperation.QR_DECRYPT
    KeyOperation.HALL_SIGN_IN -> SignatureOperation.HALL_SIGN_IN
    KeyOperation.HALL_DECRYPTION_CHECK -> SignatureOperation.HALL_CHECK
    KeyOperation.HALL_KEY_RELEASE -> SignatureOperation.HALL_DECRYPT
    KeyOperation.HALL_QUOTE_CONFIRMATION -> SignatureOperation.QUOTE_CONFIRMATION
    KeyOperation.HALL_CHALLENGE -> SignatureOperation.CHALLENGE
    KeyOperation.HALL_ROUND_QUOTE -> SignatureOperation.ROUND_QUOTE
    KeyOperation.HALL_DRAW_CONTRIBUTION -> SignatureOperation.DRAW_CONTRIBUTION
    KeyOperation.GUARANTEE_APPLICATION -> SignatureOperation.GUARANTEE_APPLICATION
    KeyOperation.CERTIFICATE_INSTALL -> SignatureOperation.CERTIFICATE_INSTALL
    KeyOperation.PIN_CHANGE -> SignatureOperation.PIN_CHANGE
    KeyOperation.OTHER -> SignatureOperation.OTHER
}
