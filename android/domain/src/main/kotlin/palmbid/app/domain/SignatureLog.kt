package palmbid.app.domain

import java.time.Instant

/** What a private key was used for. */
enum class SignatureOperation {
    SIGN_DIGEST,
    SIGN_FILE,
    QR_LOGIN,
    QR_SIGN,
    QR_SEAL,
    ENCRYPTION_CERTIFICATE,
    QR_DECRYPT,
    HALL_SIGN_IN,
    HALL_DECRYPT,
    HALL_CHECK,
    QUOTE_CONFIRMATION,
    CHALLENGE,
    ROUND_QUOTE,
    DRAW_CONTRIBUTION,
    GUARANTEE_APPLICATION,

    /** An operation this version of the app does not know; shown by its raw name. */
    OTHER,
}

/** One entry of the signature log (签名记录); nothing secret. */
data class SignatureLogEntry(
    val id: Long,
    val at: Instant,
    val operation: SignatureOperation,
    /** Operation name as the core recorded it, for [SignatureOperation.OTHER]. */
    val operationName: String,
    val keyId: String,
    val certificateSerial: String?,
    /** Platform, requester or project, when known. */
    val counterparty: String?,
    val documentName: String?,
    val documentSha256: String?,
    /** False when refused, for example by a wrong PIN. */
    val succeeded: Boolean,
)

/** Every use of a key on this phone, newest first. */
interface SignatureLog {
    /** Up to [limit] entries older than [before] (an entry id), or the newest when null. */
    suspend fun entries(limit: Int, before: Long? = null): List<SignatureLogEntry>
}
