package palmbid.app.domain

import java.time.Instant

/** A platform the phone trusts: its name, address and trust anchor. */
data class Platform(
    /** The name the user gave it; every call names the platform by it. */
    val name: String,
    val baseUrl: String,
    val anchor: CertificateInfo,
    val addedAt: Instant,
)

/** Versions of the user agreement (用户协议) and privacy policy (隐私政策). */
data class Terms(val agreementVersion: String, val privacyVersion: String)

/** An SMS code on its way. */
data class LoginCodeSent(
    val expiresAt: Instant,
    /** No new code before this time. */
    val resendAfter: Instant,
    /** The terms the user consents to by logging in. */
    val terms: Terms,
)

/** A logged-in session with a platform. */
data class Session(val platform: String, val phone: String, val expiresAt: Instant)

/** State of the real-name identity check (实名认证). */
enum class IdentityState { NOT_SUBMITTED, PENDING, APPROVED, REJECTED }

data class IdentityStatus(
    val state: IdentityState,
    val caseId: String?,
    val name: String?,
    /** Rejection reason from the platform. */
    val reason: String?,
    val submittedAt: Instant?,
    val decidedAt: Instant?,
)

/** The code the user reads aloud in the identity video. */
data class IdentityCode(val code: String, val expiresAt: Instant)

/**
 * Platforms, SMS login and identity verification. Every call may throw
 * [PalmbidFailure].
 */
interface AccountService {
    suspend fun platforms(): List<Platform>

    /** Adds a platform by address; the core fetches and pins its anchor. */
    suspend fun addPlatform(name: String, baseUrl: String): Platform

    suspend fun removePlatform(platform: String)

    suspend fun currentTerms(platform: String): Terms

    suspend fun requestLoginCode(platform: String, phone: String): LoginCodeSent

    /** Logs in; [terms] are those the user consented to on the screen. */
    suspend fun login(platform: String, phone: String, code: String, terms: Terms): Session

    /** The session, or null when logged out or expired. */
    suspend fun session(platform: String): Session?

    suspend fun logout(platform: String)

    suspend fun identityStatus(platform: String): IdentityStatus

    suspend fun requestIdentityCode(platform: String): IdentityCode

    /** Submits the video (MP4 bytes) in which the user reads [code]. */
    suspend fun submitIdentity(
        platform: String,
        name: String,
        idNumber: String,
        code: String,
        video: ByteArray,
    ): IdentityStatus
}
