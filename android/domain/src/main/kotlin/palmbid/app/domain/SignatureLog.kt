package palmbid.app.domain

import java.time.Instant

/** The purpose a PIN entry unlocked a key for, as the core records it. */
enum class SignatureOperation {
    SIGN_DIGEST,
    SIGN_FILE,
    /** An envelope file opened on the phone. */
    DECRYPT_FILE,
    /** A content key released to a public key the app passed. */
    RELEASE_KEY,
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
    /** A certificate installed for a stored key. */
    CERTIFICATE_INSTALL,
    /** A PIN change: it unlocks every key of the credential, so the entry names no key. */
    PIN_CHANGE,

    /** An operation a newer core records and this app does not name; shown by its raw name. */
    OTHER,
}

/** The result of one PIN entry. */
enum class KeyUseOutcome {
    /** The PIN was right and the key was used. */
    USED,
    /** Refused: wrong PIN. */
    WRONG_PIN,
    /** Refused: the credential was locked, or this try locked it. */
    LOCKED,
    /** The PIN was right but the key could not be used; nothing was signed. */
    FAILED,
    /** The try was counted, but the app stopped before the result was written. */
    INTERRUPTED,
    ;

    /** Whether the key was refused; such tries may be someone else's, so the log highlights them. */
    val refused: Boolean get() = this == WRONG_PIN || this == LOCKED
}

/**
 * One entry of the signature log (签名记录): a PIN entry that asked for a key,
 * refused ones included. Nothing secret: no PIN, key or content.
 *
 * Platform, requester and project stay apart, as the core gives them: a QR
 * request names the program or site that asked (requester) and the platform,
 * a hall action names the project, and the screen shows each on its own line.
 */
data class SignatureLogEntry(
    val id: Long,
    val at: Instant,
    val operation: SignatureOperation,
    /** Operation name as the core recorded it, shown for [SignatureOperation.OTHER]. */
    val operationName: String,
    /** The credential whose PIN was entered. */
    val credentialId: String,
    /** The key; null for a PIN change, which unlocks every key of the credential. */
    val keyId: String?,
    /** The key's role, with [keyId]. */
    val role: KeyRole?,
    /** Serial of the key's certificate at the time, lowercase hex. */
    val certificateSerial: String?,
    /** The platform's name, when the use was for one. */
    val platform: String?,
    /** The sender of a QR request: site or program, machine, address. */
    val requester: String?,
    /** The project (hall or guarantee). */
    val project: String?,
    val documentName: String?,
    /** SHA-256 of what was signed or decrypted, lowercase hex. */
    val documentSha256: String?,
    val outcome: KeyUseOutcome,
) {
    /** Wrong PIN or locked: highlighted, since it may be someone else's try. */
    val refused: Boolean get() = outcome.refused

    /** The party that requested the key: the QR requester, else the platform. */
    val requestedBy: String? get() = requester ?: platform
}

/** Every use of a key on this phone, newest first. */
interface SignatureLog {
    /** Up to [limit] entries older than [before] (an entry id), or the newest when null. */
    suspend fun entries(limit: Int, before: Long? = null): List<SignatureLogEntry>
}
