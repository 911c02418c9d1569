package palmbid.app.domain

import java.time.Instant

data class GuaranteeProject(val id: String, val name: String, val openingAt: Instant)

/** A section; [creditCode] is this company's when it bids in it. */
data class GuaranteeSection(val position: Int, val name: String, val creditCode: String?)

data class GuaranteeSections(val project: GuaranteeProject, val sections: List<GuaranteeSection>)

/** The guarantee code (保函编码) an institution issues against. */
data class GuaranteeCode(
    val code: String,
    val projectId: String,
    val projectName: String,
    val section: Int,
    val sectionName: String,
    val creditCode: String,
    val company: String,
)

enum class InstitutionKind { BANK, INSURER, GUARANTOR }

data class GuaranteeInstitution(
    val id: String,
    val name: String,
    val kind: InstitutionKind,
    /** Fee in basis points of the guaranteed amount. */
    val feeRateBp: Int,
    /** A development institution of the reference platform, not a real one. */
    val development: Boolean,
)

/** "去申请": the institution's page to open in the browser. */
data class GuaranteeApplication(
    val url: String,
    val institution: GuaranteeInstitution,
    val code: GuaranteeCode,
    val expiresAt: Instant,
)

enum class GuaranteeState { NONE, APPLIED, ISSUED, REJECTED, CANCELLED }

/** An issued guarantee whose PDF signature the core verified. */
class VerifiedGuarantee(
    val pdf: ByteArray,
    val guaranteeNo: String,
    val signerSubject: String,
    val signerFingerprint: String,
) {
    override fun equals(other: Any?): Boolean =
        other is VerifiedGuarantee && other.guaranteeNo == guaranteeNo &&
            other.signerFingerprint == signerFingerprint && other.pdf.contentEquals(pdf)

    override fun hashCode(): Int = guaranteeNo.hashCode()

    override fun toString(): String = "VerifiedGuarantee($guaranteeNo, ${pdf.size} bytes)"
}

data class GuaranteeView(
    val code: GuaranteeCode,
    val state: GuaranteeState,
    val institution: String?,
    val reason: String?,
    val updatedAt: Instant?,
    val document: VerifiedGuarantee?,
)

/**
 * Electronic bid guarantees (电子保函). Every call may throw [PalmbidFailure].
 */
interface GuaranteeService {
    suspend fun projects(platform: String): List<GuaranteeProject>

    suspend fun sections(platform: String, project: String): GuaranteeSections

    suspend fun code(platform: String, project: String, section: Int): GuaranteeCode

    suspend fun institutions(platform: String): List<GuaranteeInstitution>

    /** The credential whose PIN [apply] asks for on [section] of [project], so the PIN pad shows its tries left. */
    suspend fun pinCredential(platform: String, project: String, section: Int): String

    /** Signs the application statement with [pin] and returns the address to open. */
    suspend fun apply(platform: String, project: String, section: Int, institution: String, pin: Pin): GuaranteeApplication

    suspend fun status(platform: String, project: String, section: Int): GuaranteeView
}
