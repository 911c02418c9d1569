package palmbid.app.domain

import java.time.Instant

/** The phases of an opening (开标), in order. */
enum class HallPhase { NOT_OPEN, SIGN_IN, DECRYPTION, QUOTE_READING, QUOTE_CONFIRMATION, EVALUATION, CLOSED }

/** A project in the bid-opening hall (开标大厅). */
data class HallProject(
    val id: String,
    val name: String,
    val sections: List<String>,
    val openingAt: Instant,
    val phase: HallPhase,
)

/** How many bidders reached each step. */
data class HallProgress(val bidders: Int, val signedIn: Int, val decrypted: Int, val confirmed: Int)

/** A quote round open for this company. */
data class OpenRound(val section: Int, val round: Int, val deadline: Instant?)

/** The coefficient draw (抽取系数) as the stream shows it. */
data class DrawStatus(
    val draw: Int,
    val candidates: List<String>,
    /** The drawn index, once revealed. */
    val index: Int?,
    val coefficient: String?,
)

/** State of one project in the hall, rebuilt from its event stream. */
data class HallProjectState(
    val project: HallProject,
    val progress: HallProgress?,
    /** Id of the last event applied; gap-free. */
    val lastSeq: Long,
    /** Server clock of the last event. */
    val updatedAt: Instant,
    val answeredChallenges: List<String>,
    val openRounds: List<OpenRound>,
    val draw: DrawStatus?,
)

/** Event to show the user, beside the new state. */
sealed interface HallNotice {
    data class OpeningSoon(val minutes: Long) : HallNotice
    data class PhaseStarted(val phase: HallPhase) : HallNotice
    data class ChallengeAnswered(val challengeId: String) : HallNotice
    data class RoundOpened(val section: Int, val round: Int, val deadline: Instant?) : HallNotice
    data class RoundClosed(val section: Int, val round: Int) : HallNotice
    data class DrawOpened(val draw: Int) : HallNotice
    data class DrawRevealed(val draw: Int, val coefficient: String) : HallNotice
}

/** Item of a watch, delivered in order. */
sealed interface HallUpdate {
    data class State(val state: HallProjectState) : HallUpdate
    data class Notice(val state: HallProjectState, val notice: HallNotice) : HallUpdate

    /** The stream is live after event [after]. */
    data class Connected(val after: Long) : HallUpdate

    /** The stream broke [breaks] times in a row and is retrying. */
    data class Reconnecting(val breaks: Int, val reason: String) : HallUpdate
}

/** A sign-in (签到) the platform recorded. */
data class HallSignIn(
    val company: String,
    val creditCode: String,
    val certificateSerial: String,
    val signedInAt: Instant,
    val receiptId: String,
)

/** A successful decryption check (解密检测) before the opening. */
data class DecryptionCheck(val bidId: String, val checkedAt: Instant, val recipient: String)

/** One of this company's bid files in the hall. */
data class HallBid(
    val bidId: String,
    val section: Int,
    val size: Long,
    val uploadedAt: Instant,
    val recipients: List<String>,
    val check: DecryptionCheck?,
    val decrypted: Boolean,
    /** The quote read from the decrypted bid. */
    val quote: String?,
)

/** One row of the quote table (唱标). */
data class HallQuote(
    val section: Int,
    val sectionName: String,
    val company: String,
    val creditCode: String,
    val bidId: String?,
    val decrypted: Boolean,
    /** Amount in yuan as the bid states it; null until decrypted. */
    val amount: String?,
    val confirmed: Boolean?,
    val confirmedAt: Instant?,
)

data class QuoteTable(val phase: HallPhase, val quotes: List<HallQuote>)

/** A signed confirmation (确认) of this company's quote. */
data class QuoteConfirmation(
    val bidId: String,
    val section: Int,
    val company: String,
    val amount: String,
    val certificateSerial: String,
    val confirmedAt: Instant,
)

data class HallSection(val position: Int, val name: String, val bidders: Int)

/** 项目详情. */
data class ProjectDetails(
    val id: String,
    val name: String,
    val code: String?,
    val tenderer: String?,
    val agent: String?,
    val openingAt: Instant,
    val place: String?,
    val notes: String?,
    val sections: List<HallSection>,
    val phase: HallPhase,
    val progress: HallProgress,
)

/** A file attached to a challenge: PDF, PNG or JPEG, judged by content. */
class Attachment(val name: String, val content: ByteArray) {
    override fun equals(other: Any?): Boolean =
        other is Attachment && other.name == name && other.content.contentEquals(content)

    override fun hashCode(): Int = 31 * name.hashCode() + content.contentHashCode()

    override fun toString(): String = "Attachment($name, ${content.size} bytes)"

    companion object {
        /** Largest attachment the platform takes, bytes. */
        const val MAX_BYTES: Long = 10L * 1024 * 1024

        /** Largest total of one challenge's attachments, bytes. */
        const val MAX_TOTAL_BYTES: Long = 20L * 1024 * 1024
    }
}

data class ChallengeAttachment(val name: String, val kind: String, val size: Long)

/** A challenge (质疑) and its answer. */
data class Challenge(
    val id: String,
    val text: String,
    val attachments: List<ChallengeAttachment>,
    val certificateSerial: String,
    val submittedAt: Instant,
    val answer: String?,
    val answeredAt: Instant?,
)

data class RoundQuote(val creditCode: String, val company: String, val amount: String, val submittedAt: Instant)

/** A quote round (多轮报价); other companies' quotes appear once it closes. */
data class QuoteRound(
    val section: Int,
    val round: Int,
    val open: Boolean,
    val openedAt: Instant,
    val deadline: Instant?,
    val closedAt: Instant?,
    val quotes: List<RoundQuote>,
)

/** A coefficient draw (抽取系数), commit-reveal. */
data class Draw(
    val draw: Int,
    val open: Boolean,
    val candidates: List<String>,
    val commitment: String,
    val contributions: Int,
    val index: Int?,
)

/** Contribution data the phone keeps to verify the reveal. */
data class DrawContribution(val draw: Int, val candidates: List<String>, val commitment: String, val kept: String)

data class VerifiedDraw(val draw: Int, val index: Int, val coefficient: String)

/**
 * The bid-opening hall. Every suspend call may throw [PalmbidFailure].
 */
interface HallService {
    suspend fun projects(platform: String): List<HallProject>

    /**
     * Streams the project's state as it changes: collection opens the event stream,
     * cancelling the collection closes it. A stream that breaks reconnects
     * and resumes after the last event, so nothing is missed.
     */
    fun watch(platform: String, project: String): kotlinx.coroutines.flow.Flow<HallUpdate>

    /**
     * The credential whose PIN a signed action on [project] asks for, so the
     * PIN pad shows its tries left: with [bid], the one holding the key that
     * opens that bid ([checkBid], [decrypt]); without, the one whose signing
     * certificate acts for the platform now (every other signed action).
     */
    suspend fun pinCredential(platform: String, project: String, bid: String?): String

    suspend fun signIn(platform: String, project: String, pin: Pin): HallSignIn

    /** The sign-in receipt (回执), PDF bytes. */
    suspend fun signInReceipt(platform: String, project: String): ByteArray

    suspend fun bids(platform: String, project: String): List<HallBid>

    /**
     * Checks before the opening that this phone's key opens [bid]; the key stays.
     * [pin] is the PIN of the credential [pinCredential] names for the bid. When
     * that credential has no signing certificate for the platform, the call
     * fails with [SIGNER_PIN_NEEDED] before any PIN is used. Call again with
     * [signerPin], the PIN of the credential [pinCredential] names without a bid.
     */
    suspend fun checkBid(platform: String, project: String, bid: String, pin: Pin, signerPin: Pin? = null): DecryptionCheck

    /**
     * Releases the bid's key to the opening: the decryption (解密). Returns the
     * bid id. [pin] and [signerPin] as for [checkBid].
     */
    suspend fun decrypt(platform: String, project: String, bid: String, pin: Pin, signerPin: Pin? = null): String

    companion object {
        /** The code of a bid action that needs the signing credential's PIN too. */
        const val SIGNER_PIN_NEEDED = "hall.signer_pin_needed"
    }

    suspend fun quotes(platform: String, project: String): QuoteTable

    /** Checks [amount] against the bid before the PIN pad shows. */
    suspend fun checkConfirmation(platform: String, project: String, bid: String, amount: String)

    suspend fun confirmQuote(platform: String, project: String, bid: String, amount: String, pin: Pin): QuoteConfirmation

    suspend fun details(platform: String, project: String): ProjectDetails

    suspend fun challenges(platform: String, project: String): List<Challenge>

    suspend fun submitChallenge(
        platform: String,
        project: String,
        text: String,
        attachments: List<Attachment>,
        pin: Pin,
    ): Challenge

    suspend fun rounds(platform: String, project: String): List<QuoteRound>

    suspend fun submitRoundQuote(
        platform: String,
        project: String,
        section: Int,
        round: Int,
        amount: String,
        pin: Pin,
    ): RoundQuote

    suspend fun draws(platform: String, project: String): List<Draw>

    suspend fun contributeDraw(platform: String, project: String, pin: Pin): DrawContribution

    /** Verifies the revealed draw against what [contributeDraw] kept. */
    suspend fun verifyDraw(platform: String, project: String, kept: String): VerifiedDraw
}
