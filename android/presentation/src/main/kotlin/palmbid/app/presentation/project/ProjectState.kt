package palmbid.app.presentation.project

import palmbid.app.domain.Attachment
import palmbid.app.domain.Challenge
import palmbid.app.domain.Draw
import palmbid.app.domain.DrawContribution
import palmbid.app.domain.HallBid
import palmbid.app.domain.HallNotice
import palmbid.app.domain.HallProjectState
import palmbid.app.domain.HallSignIn
import palmbid.app.domain.ProjectDetails
import palmbid.app.domain.QuoteConfirmation
import palmbid.app.domain.QuoteRound
import palmbid.app.domain.QuoteTable
import palmbid.app.domain.VerifiedDraw
import palmbid.app.presentation.common.PinPadEvent
import palmbid.app.presentation.common.PinPadState
import palmbid.app.presentation.common.ShownError

/** The parts of a project screen, one tab each. */
enum class ProjectTab { OVERVIEW, QUOTES, DETAILS, CHALLENGES, ROUNDS, DRAW }

/** State of the hall's event stream. */
enum class Connection { CONNECTING, LIVE, RECONNECTING }

/** The signed action waiting for the PIN pad. */
sealed interface PinAction {
    /** The bid whose key this action unlocks ([CheckBid], [Decrypt]); null when it only signs. */
    val openedBid: String? get() = null

    data object SignIn : PinAction

    /** 解密检测: check, before the opening, that this phone opens the bid. */
    data class CheckBid(val bidId: String) : PinAction {
        override val openedBid: String get() = bidId
    }

    /** 解密: release the bid's key to the opening. */
    data class Decrypt(val bidId: String) : PinAction {
        override val openedBid: String get() = bidId
    }

    /** 确认报价: sign the quote read for this company. */
    data class ConfirmQuote(val bidId: String, val amount: String) : PinAction

    /** 质疑: sign and send the draft. */
    data object SubmitChallenge : PinAction

    /** 多轮报价: sign and send a round's quote. */
    data class RoundQuote(val section: Int, val round: Int, val amount: String) : PinAction

    /** 抽取系数: sign and send this company's contribution. */
    data object ContributeDraw : PinAction
}

/** A challenge being written: text and attachments (PDF, PNG, JPEG). */
data class ChallengeDraft(
    val text: String = "",
    val attachments: List<Attachment> = emptyList(),
) {
    val totalBytes: Long get() = attachments.sumOf { it.content.size.toLong() }
}

/**
 * One project in the bid-opening hall (开标大厅): the phase and progress as
 * the stream delivers them, and every action the phase allows: 签到 and its
 * 回执, 解密检测, 解密, 唱标, 确认, project details, 质疑 with attachments,
 * 多轮报价 and 抽取系数.
 */
data class ProjectState(
    val loading: Boolean = true,
    val error: ShownError? = null,
    val platform: String? = null,
    val projectId: String? = null,
    val tab: ProjectTab = ProjectTab.OVERVIEW,
    /** The stream's state of the project (phase, progress, open rounds, draw); null until the first event. */
    val hall: HallProjectState? = null,
    val connection: Connection = Connection.CONNECTING,
    /** The latest notice, shown until dismissed. */
    val notice: HallNotice? = null,
    /** This company's credit code, to mark its rows in tables. */
    val ownCreditCode: String? = null,
    /** This company's sign-in; null before signing in. */
    val signIn: HallSignIn? = null,
    /** This company's bid files in the project. */
    val bids: List<HallBid> = emptyList(),
    val quotes: QuoteTable? = null,
    val confirmations: List<QuoteConfirmation> = emptyList(),
    val details: ProjectDetails? = null,
    val challenges: List<Challenge> = emptyList(),
    val challengeDraft: ChallengeDraft = ChallengeDraft(),
    val rounds: List<QuoteRound> = emptyList(),
    /** The amount typed for the open round, yuan as text. */
    val roundAmount: String = "",
    val draws: List<Draw> = emptyList(),
    /** This company's contribution to the open draw, kept to verify the reveal. */
    val drawContribution: DrawContribution? = null,
    val verifiedDraw: VerifiedDraw? = null,
    /** The action waiting for the PIN; the pad shows while it is set. */
    val pinFor: PinAction? = null,
    val pinPad: PinPadState = PinPadState(),
    /**
     * Whether the pad requests the signing credential's PIN, after the bid
     * key's, because the bid opens with a key whose credential has no signing
     * certificate for the platform.
     */
    val signerPin: Boolean = false,
    /** A signed action is on its way. */
    val busy: Boolean = false,
)

sealed interface ProjectEvent {
    data class TabSelected(val tab: ProjectTab) : ProjectEvent

    /** Each of these opens the PIN pad for its [PinAction]. */
    data object SignIn : ProjectEvent
    data class CheckBid(val bidId: String) : ProjectEvent
    data class Decrypt(val bidId: String) : ProjectEvent
    data class ConfirmQuote(val bidId: String, val amount: String) : ProjectEvent
    data object SubmitChallenge : ProjectEvent
    data class SubmitRoundQuote(val section: Int, val round: Int) : ProjectEvent
    data object ContributeDraw : ProjectEvent

    /** Navigation: show the sign-in receipt (回执) PDF. */
    data object OpenReceipt : ProjectEvent

    data class ChallengeTextChanged(val text: String) : ProjectEvent

    /** Navigation: the app opens a file picker and sends the chosen file as [AttachmentPicked]. */
    data object PickAttachment : ProjectEvent
    data class AttachmentPicked(val attachment: Attachment) : ProjectEvent
    data class RemoveAttachment(val name: String) : ProjectEvent

    data class RoundAmountChanged(val amount: String) : ProjectEvent
    data object VerifyDraw : ProjectEvent

    data class Pin(val event: PinPadEvent) : ProjectEvent
    data object CancelPin : ProjectEvent
    data object DismissNotice : ProjectEvent
    data object Retry : ProjectEvent

    /** The app came back to the foreground: pull the state again. */
    data object Resumed : ProjectEvent
    data object Back : ProjectEvent
}
