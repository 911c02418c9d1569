package palmbid.app.presentation.project

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import palmbid.app.domain.Attachment
import palmbid.app.domain.CertificateStore
import palmbid.app.domain.FailureKind
import palmbid.app.domain.HallNotice
import palmbid.app.domain.HallPhase
import palmbid.app.domain.HallService
import palmbid.app.domain.HallUpdate
import palmbid.app.domain.PalmbidFailure
import palmbid.app.domain.Pin
import palmbid.app.presentation.common.PinKeypad
import palmbid.app.presentation.common.PinPadState
import palmbid.app.presentation.common.ShownError
import palmbid.app.presentation.common.afterFailure
import palmbid.app.presentation.common.attempt

/**
 * One project in the hall. Collects [HallService.watch] for as long as
 * [scope] lives (the phase, progress, rounds and draw as the stream
 * delivers them) and pulls the lists the stream does not carry (bids,
 * quotes, details, challenges, rounds, draws) at start, when a notice reports
 * they changed, and again on [ProjectEvent.Resumed], which also restarts a
 * watch that ended. Every signed action goes through the PIN pad; the PIN
 * is wiped after the call, whatever the outcome.
 */
class ProjectPresenter(
    private val scope: CoroutineScope,
    private val hall: HallService,
    private val certificates: CertificateStore,
    private val platform: String,
    private val projectId: String,
) {
    private val keypad = PinKeypad()
    private val mutable = MutableStateFlow(ProjectState(platform = platform, projectId = projectId))
    val state: StateFlow<ProjectState> = mutable.asStateFlow()
    private var watching: Job? = null

    /**
     * The credential whose PIN the open pad asks for, as the core names it
     * for that action (a bid opens with the key it was encrypted to, which
     * may belong to an older credential than the one that signs); null
     * until known, and then the pad shows no count.
     */
    private var pinCredential: String? = null

    /** The bid key's PIN, held while the signing credential's is typed; wiped after the call. */
    private var firstPin: Pin? = null

    init {
        watch()
        pull()
        // Leaving the screen ends the scope: a held PIN goes with it.
        scope.coroutineContext[Job]?.invokeOnCompletion { dropFirstPin() }
    }

    fun onEvent(event: ProjectEvent) {
        when (event) {
            is ProjectEvent.TabSelected -> {
                mutable.update { it.copy(tab = event.tab) }
                pullTab(event.tab)
            }
            ProjectEvent.SignIn -> askPin(PinAction.SignIn)
            is ProjectEvent.CheckBid -> askPin(PinAction.CheckBid(event.bidId))
            is ProjectEvent.Decrypt -> askPin(PinAction.Decrypt(event.bidId))
            is ProjectEvent.ConfirmQuote -> confirmQuote(event.bidId, event.amount)
            ProjectEvent.SubmitChallenge -> if (mutable.value.challengeDraft.text.isNotBlank()) askPin(PinAction.SubmitChallenge)
            is ProjectEvent.SubmitRoundQuote -> mutable.value.roundAmount.takeIf { it.isNotBlank() }?.let {
                askPin(PinAction.RoundQuote(event.section, event.round, it))
            }
            ProjectEvent.ContributeDraw -> askPin(PinAction.ContributeDraw)
            is ProjectEvent.ChallengeTextChanged ->
                mutable.update { it.copy(challengeDraft = it.challengeDraft.copy(text = event.text)) }
            is ProjectEvent.AttachmentPicked -> attach(event.attachment)
            is ProjectEvent.RemoveAttachment -> mutable.update {
                it.copy(challengeDraft = it.challengeDraft.copy(attachments = it.challengeDraft.attachments.filter { a -> a.name != event.name }))
            }
            is ProjectEvent.RoundAmountChanged -> mutable.update { it.copy(roundAmount = event.amount.trim()) }
            ProjectEvent.VerifyDraw -> verifyDraw()
            is ProjectEvent.Pin -> key(event)
            ProjectEvent.CancelPin -> {
                keypad.clear()
                dropFirstPin()
                mutable.update { it.copy(pinFor = null, signerPin = false, pinPad = keypad.state(PinPadState())) }
            }
            ProjectEvent.DismissNotice -> mutable.update { it.copy(notice = null) }
            ProjectEvent.Retry, ProjectEvent.Resumed -> {
                mutable.update { it.copy(error = null) }
                if (watching?.isActive != true) watch()
                pull()
            }
            ProjectEvent.OpenReceipt, ProjectEvent.PickAttachment, ProjectEvent.Back -> Unit
        }
    }

    private fun watch() {
        watching = scope.launch {
            try {
                hall.watch(platform, projectId).collect { update ->
                    when (update) {
                        is HallUpdate.State -> mutable.update { it.copy(loading = false, hall = update.state) }
                        is HallUpdate.Notice -> {
                            mutable.update { it.copy(loading = false, hall = update.state, notice = update.notice) }
                            pullAfter(update.notice)
                        }
                        is HallUpdate.Connected -> mutable.update { it.copy(connection = Connection.LIVE) }
                        is HallUpdate.Reconnecting -> mutable.update { it.copy(connection = Connection.RECONNECTING) }
                    }
                }
            } catch (e: PalmbidFailure) {
                mutable.update { it.copy(loading = false, connection = Connection.RECONNECTING, error = ShownError.of(e)) }
            }
        }
    }

    /** Pulls the lists the overview needs and those of the open tab. */
    private fun pull() {
        scope.launch {
            attempt(::fail) {
                val bids = hall.bids(platform, projectId)
                val details = hall.details(platform, projectId)
                mutable.update { it.copy(loading = false, bids = bids, details = details) }
            }
        }
        pullTab(mutable.value.tab)
    }

    private fun pullBids() {
        scope.launch {
            attempt(::fail) {
                val bids = hall.bids(platform, projectId)
                mutable.update { it.copy(bids = bids) }
            }
        }
    }

    private fun pullTab(tab: ProjectTab) {
        scope.launch {
            attempt(::fail) {
                when (tab) {
                    ProjectTab.OVERVIEW -> Unit
                    ProjectTab.QUOTES -> hall.quotes(platform, projectId).let { q -> mutable.update { it.copy(quotes = q) } }
                    ProjectTab.DETAILS -> hall.details(platform, projectId).let { d -> mutable.update { it.copy(details = d) } }
                    ProjectTab.CHALLENGES ->
                        hall.challenges(platform, projectId).let { c -> mutable.update { it.copy(challenges = c) } }
                    ProjectTab.ROUNDS -> hall.rounds(platform, projectId).let { r -> mutable.update { it.copy(rounds = r) } }
                    ProjectTab.DRAW -> hall.draws(platform, projectId).let { d -> mutable.update { it.copy(draws = d) } }
                }
            }
        }
    }

    private fun pullAfter(notice: HallNotice) {
        when (notice) {
            is HallNotice.PhaseStarted -> {
                pull()
                // The platform keeps the quotes sealed until the quote reading.
                if (notice.phase >= HallPhase.QUOTE_READING) pullTab(ProjectTab.QUOTES)
            }
            is HallNotice.ChallengeAnswered -> pullTab(ProjectTab.CHALLENGES)
            is HallNotice.RoundOpened, is HallNotice.RoundClosed -> pullTab(ProjectTab.ROUNDS)
            is HallNotice.DrawOpened, is HallNotice.DrawRevealed -> pullTab(ProjectTab.DRAW)
            is HallNotice.OpeningSoon -> Unit
        }
    }

    /** Checks the amount against the bid before the pad shows, so a typo costs no PIN entry. */
    private fun confirmQuote(bidId: String, amount: String) {
        scope.launch {
            attempt(::fail) {
                hall.checkConfirmation(platform, projectId, bidId, amount)
                askPin(PinAction.ConfirmQuote(bidId, amount))
            }
        }
    }

    private fun attach(attachment: Attachment) {
        val draft = mutable.value.challengeDraft
        val tooLarge = attachment.content.size > Attachment.MAX_BYTES ||
            draft.totalBytes + attachment.content.size > Attachment.MAX_TOTAL_BYTES
        if (tooLarge) {
            mutable.update {
                it.copy(
                    error = ShownError(
                        PalmbidFailure.CODE_INVALID_INPUT,
                        "附件 ${attachment.name} 过大：单个不超过 10 MB，合计不超过 20 MB；请压缩后重新选择",
                        "attachment ${attachment.name} is too large: at most 10 MB each and 20 MB in all; compress it and pick it again",
                    ),
                )
            }
            return
        }
        mutable.update {
            val others = it.challengeDraft.attachments.filter { a -> a.name != attachment.name }
            it.copy(challengeDraft = it.challengeDraft.copy(attachments = others + attachment))
        }
    }

    private fun verifyDraw() {
        val kept = mutable.value.drawContribution?.kept ?: return
        scope.launch {
            attempt(::fail) {
                val verified = hall.verifyDraw(platform, projectId, kept)
                mutable.update { it.copy(verifiedDraw = verified) }
            }
        }
    }

    private fun askPin(action: PinAction, error: ShownError? = null) {
        keypad.clear()
        dropFirstPin()
        pinCredential = null
        // The count shown belongs to one credential: cleared until the
        // lookup below names the credential of this action.
        mutable.update {
            it.copy(
                pinFor = action,
                signerPin = false,
                busy = false,
                error = error,
                pinPad = keypad.state(it.pinPad.copy(busy = false, triesLeft = null, locked = false)),
            )
        }
        showTries(action, action.openedBid, signerStep = false)
    }

    /**
     * Looks up the credential whose PIN the pad for [action] requests (the one
     * that opens [bid], else the signing one) and shows its tries left,
     * unless the pad moved on meanwhile. The count is a help, not essential:
     * a failed lookup leaves the pad without one.
     */
    private fun showTries(action: PinAction, bid: String?, signerStep: Boolean) {
        scope.launch {
            attempt({}) {
                val id = hall.pinCredential(platform, projectId, bid)
                val pin = certificates.pinState(id)
                val now = mutable.value
                if (now.pinFor != action || now.signerPin != signerStep) return@attempt
                if (!signerStep) pinCredential = id
                // A failed action may have set a newer count already.
                mutable.update {
                    if (it.pinPad.triesLeft != null) it else it.copy(pinPad = it.pinPad.copy(triesLeft = pin.triesLeft, locked = pin.locked))
                }
            }
        }
    }

    private fun key(event: ProjectEvent.Pin) {
        val now = mutable.value
        val action = now.pinFor ?: return
        if (now.pinPad.busy || now.pinPad.locked) return
        if (!keypad.press(event.event)) {
            mutable.update { it.copy(pinPad = keypad.state(it.pinPad)) }
            return
        }
        val pin = keypad.takePin()
        // Set when this entry is the signing credential's PIN.
        val first = firstPin
        firstPin = null
        mutable.update { it.copy(busy = true, error = null, pinPad = keypad.state(it.pinPad).copy(busy = true)) }
        scope.launch {
            var held = false
            var keepFirst = false
            try {
                attempt({ e ->
                    when {
                        first == null && e.code == HallService.SIGNER_PIN_NEEDED && action.openedBid != null -> {
                            // Kept only while the pad is still up for this action.
                            if (mutable.value.pinFor == action) {
                                held = true
                                askSignerPin(action, pin)
                            }
                        }
                        first != null && mutable.value.pinFor != action -> failSigned(e)
                        // The error does not say which of the two PINs was wrong, so
                        // both are asked again, the bid key's first.
                        first != null && (e.kind == FailureKind.WRONG_PIN || e.kind == FailureKind.PIN_LOCKED) ->
                            askPin(action, e)
                        // Neither PIN was refused (the network, the platform): the pad
                        // stays on the signer's PIN with the first kept, for a retry.
                        first != null -> {
                            keepFirst = true
                            firstPin = first
                            mutable.update { it.copy(busy = false, error = e, pinPad = it.pinPad.copy(busy = false)) }
                        }
                        else -> failSigned(e)
                    }
                }) {
                    if (first != null) perform(action, first, signerPin = pin) else perform(action, pin)
                    mutable.update { it.copy(busy = false, pinFor = null, signerPin = false, pinPad = it.pinPad.copy(busy = false)) }
                }
            } finally {
                if (!held) pin.wipe()
                if (!keepFirst) first?.wipe()
            }
        }
    }

    /**
     * Keeps [first] (the bid key's PIN, refused alone before any try) and
     * opens the pad for the signing credential's PIN, with its tries left.
     */
    private fun askSignerPin(action: PinAction, first: Pin) {
        firstPin = first
        keypad.clear()
        mutable.update {
            it.copy(busy = false, signerPin = true, pinPad = keypad.state(it.pinPad.copy(busy = false, triesLeft = null, locked = false)))
        }
        showTries(action, bid = null, signerStep = true)
    }

    /** Wipes a held bid key PIN, when the pad closes or starts over. */
    private fun dropFirstPin() {
        firstPin?.wipe()
        firstPin = null
    }

    /** Runs the signed [action] with [pin] (and [signerPin] for a bid action that needs it) and folds its result into the state. */
    private suspend fun perform(action: PinAction, pin: Pin, signerPin: Pin? = null) {
        when (action) {
            PinAction.SignIn -> {
                val signIn = hall.signIn(platform, projectId, pin)
                mutable.update { it.copy(signIn = signIn, ownCreditCode = signIn.creditCode) }
            }
            // The bid list is reloaded apart from the signed call, so a failed
            // reload never reports a done check or release as failed (a retry
            // would then meet `hall.already_decrypted`).
            is PinAction.CheckBid -> {
                hall.checkBid(platform, projectId, action.bidId, pin, signerPin)
                pullBids()
            }
            is PinAction.Decrypt -> {
                hall.decrypt(platform, projectId, action.bidId, pin, signerPin)
                pullBids()
            }
            is PinAction.ConfirmQuote -> {
                val confirmation = hall.confirmQuote(platform, projectId, action.bidId, action.amount, pin)
                mutable.update { it.copy(confirmations = it.confirmations + confirmation) }
                pullTab(ProjectTab.QUOTES)
            }
            PinAction.SubmitChallenge -> {
                val draft = mutable.value.challengeDraft
                val challenge = hall.submitChallenge(platform, projectId, draft.text, draft.attachments, pin)
                mutable.update { it.copy(challengeDraft = ChallengeDraft(), challenges = it.challenges + challenge) }
            }
            is PinAction.RoundQuote -> {
                hall.submitRoundQuote(platform, projectId, action.section, action.round, action.amount, pin)
                mutable.update { it.copy(roundAmount = "") }
                pullTab(ProjectTab.ROUNDS)
            }
            PinAction.ContributeDraw -> {
                val contribution = hall.contributeDraw(platform, projectId, pin)
                mutable.update { it.copy(drawContribution = contribution) }
                pullTab(ProjectTab.DRAW)
            }
        }
    }

    private suspend fun failSigned(error: ShownError) {
        val pad = afterFailure(mutable.value.pinPad, error, certificates, pinCredential)
        mutable.update { it.copy(busy = false, error = error, pinPad = pad) }
    }

    private fun fail(error: ShownError) {
        mutable.update { it.copy(loading = false, error = error) }
    }
}
