package palmbid.app.fakes

import java.util.concurrent.ConcurrentHashMap
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.emitAll
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.onCompletion
import kotlinx.coroutines.flow.onStart
import kotlinx.coroutines.flow.transformWhile
import kotlinx.coroutines.flow.update
import palmbid.app.domain.Attachment
import palmbid.app.domain.Challenge
import palmbid.app.domain.ChallengeAttachment
import palmbid.app.domain.DecryptionCheck
import palmbid.app.domain.Draw
import palmbid.app.domain.DrawContribution
import palmbid.app.domain.DrawStatus
import palmbid.app.domain.HallBid
import palmbid.app.domain.HallNotice
import palmbid.app.domain.HallPhase
import palmbid.app.domain.HallProject
import palmbid.app.domain.HallProjectState
import palmbid.app.domain.HallQuote
import palmbid.app.domain.HallSection
import palmbid.app.domain.HallService
import palmbid.app.domain.HallSignIn
import palmbid.app.domain.HallUpdate
import palmbid.app.domain.Pin
import palmbid.app.domain.ProjectDetails
import palmbid.app.domain.QuoteConfirmation
import palmbid.app.domain.QuoteRound
import palmbid.app.domain.QuoteTable
import palmbid.app.domain.RoundQuote
import palmbid.app.domain.VerifiedDraw

/**
 * The bid-opening hall in memory. A test drives the opening as the agent
 * would, with [advance], [notify], [breakStream], [openRound], [openDraw] and
 * [revealDraw]. Each step is appended to the project's event log. Every watch
 * delivers the log's new entries in order, so nothing is missed or doubled. A watch completes once the project is closed.
 * PINs are checked by [pins] against the sample credential.
 */
class FakeHallService(
    private val control: FakeControl,
    private val pins: FakePins,
) : HallService {
    private class Project(
        val platform: String,
        initial: HallProjectState,
        var bid: HallBid,
    ) {
        /** Every update ever, in order; a watch replays from where it joined. */
        val log = MutableStateFlow(listOf<HallUpdate>(HallUpdate.State(initial)))
        var signIn: HallSignIn? = null
        var confirmation: QuoteConfirmation? = null
        val challenges = mutableListOf<Challenge>()
        val rounds = mutableListOf<QuoteRound>()
        val draws = mutableListOf<Draw>()
        var kept: String? = null

        val state: HallProjectState get() = stateIn(log.value)
    }

    private val projects = ConcurrentHashMap<String, Project>()
    private val active = MutableStateFlow(0)

    /**
     * The credential whose key signs hall actions, as the core picks it: the
     * sample one until a test plays a renewal by setting another.
     */
    @Volatile
    var signingCredential: String = Samples.CREDENTIAL

    /** The credential whose encryption key opens the bids (check and decryption). */
    @Volatile
    var bidCredential: String = Samples.CREDENTIAL

    /**
     * The bid credential has no signing certificate for the platform (an
     * imported USB-KEY key, or one whose certificate expired), so check and
     * decryption also need [signingCredential]'s PIN.
     */
    @Volatile
    var bidNeedsSigner: Boolean = false

    /** Checks the PINs a bid action takes, as the core does: the signer's first need is raised before any try. */
    private fun verifyBidPins(pin: Pin, signerPin: Pin?) {
        if (bidNeedsSigner && signerPin == null) {
            throw Failures.of(
                HallService.SIGNER_PIN_NEEDED,
                "投标文件由一张在本平台没有有效签名证书的证书凭据的密钥解开；请再输入签名证书凭据 $signingCredential 的 PIN 码",
                "the bid opens with the key of a credential that has no signing certificate for this platform; enter also the PIN of the signing credential $signingCredential",
            )
        }
        pins.verify(bidCredential, pin)
        if (bidNeedsSigner && signerPin != null) pins.verify(signingCredential, signerPin)
    }

    /** How many watches are being collected now. */
    val activeWatches: StateFlow<Int> = active.asStateFlow()

    /** Adds [project] on [platform] with [progress], its bid ready to open. */
    fun add(platform: String, project: HallProject, progress: palmbid.app.domain.HallProgress = Samples.progress) {
        val state = HallProjectState(project, progress, 1, control.now(), emptyList(), emptyList(), null)
        projects[project.id] = Project(platform, state, Samples.bid(project.id))
    }

    /** Moves [projectId] to its next phase, with a [HallNotice.PhaseStarted]. */
    fun advance(projectId: String): HallPhase {
        val project = project(projectId)
        val next = HallPhase.entries[(project.state.project.phase.ordinal + 1).coerceAtMost(HallPhase.CLOSED.ordinal)]
        val state = next(project) { it.copy(project = it.project.copy(phase = next)) }
        append(project, HallUpdate.Notice(state, HallNotice.PhaseStarted(next)))
        return next
    }

    /** Raises [notice] on [projectId] with its current state. */
    fun notify(projectId: String, notice: HallNotice) {
        val project = project(projectId)
        append(project, HallUpdate.Notice(next(project) { it }, notice))
    }

    /** Reports a broken stream to every watch of [projectId]. */
    fun breakStream(projectId: String, breaks: Int, reason: String) {
        append(project(projectId), HallUpdate.Reconnecting(breaks, reason))
    }

    /** Opens quote round [round] of [section], with its notice. */
    fun openRound(projectId: String, section: Int, round: Int, deadline: java.time.Instant? = null) {
        val project = project(projectId)
        synchronized(project) {
            project.rounds += QuoteRound(section, round, true, control.now(), deadline, null, emptyList())
        }
        val state = next(project) { it.copy(openRounds = it.openRounds + palmbid.app.domain.OpenRound(section, round, deadline)) }
        append(project, HallUpdate.Notice(state, HallNotice.RoundOpened(section, round, deadline)))
    }

    /** Opens coefficient draw [draw] over [candidates], with its notice. */
    fun openDraw(projectId: String, draw: Int, candidates: List<String>) {
        val project = project(projectId)
        synchronized(project) { project.draws += Draw(draw, true, candidates, "c".repeat(64), 0, null) }
        val state = next(project) { it.copy(draw = DrawStatus(draw, candidates, null, null)) }
        append(project, HallUpdate.Notice(state, HallNotice.DrawOpened(draw)))
    }

    /** Reveals the open draw at [index], with its notice. */
    fun revealDraw(projectId: String, index: Int) {
        val project = project(projectId)
        val draw = synchronized(project) {
            val open = project.draws.last()
            open.copy(open = false, index = index).also { project.draws[project.draws.lastIndex] = it }
        }
        val coefficient = draw.candidates[index]
        val state = next(project) { it.copy(draw = DrawStatus(draw.draw, draw.candidates, index, coefficient)) }
        append(project, HallUpdate.Notice(state, HallNotice.DrawRevealed(draw.draw, coefficient)))
    }

    /** Returns the project's current state. */
    fun state(projectId: String): HallProjectState = project(projectId).state

    override suspend fun projects(platform: String): List<HallProject> {
        control.enter("HallService.projects")
        return projects.values.filter { it.platform == platform }.map { it.state.project }.sortedBy { it.openingAt }
    }

    override fun watch(platform: String, project: String): Flow<HallUpdate> = flow {
        control.enter("HallService.watch")
        val watched = project(project)
        val joined = watched.log.value
        var sent = joined.size
        emit(HallUpdate.Connected(stateIn(joined).lastSeq))
        emit(HallUpdate.State(stateIn(joined)))
        if (stateIn(joined).project.phase == HallPhase.CLOSED) return@flow
        emitAll(
            watched.log.transformWhile { log ->
                for (update in log.drop(sent)) emit(update)
                sent = log.size
                stateIn(log).project.phase != HallPhase.CLOSED
            },
        )
    }.onStart { active.update { it + 1 } }
        .onCompletion { active.update { it - 1 } }

    override suspend fun pinCredential(platform: String, project: String, bid: String?): String {
        control.enter("HallService.pinCredential")
        if (bid == null) return signingCredential
        ownBid(project, bid)
        return bidCredential
    }

    override suspend fun signIn(platform: String, project: String, pin: Pin): HallSignIn {
        control.enter("HallService.signIn")
        val p = project(project)
        when (p.state.project.phase) {
            HallPhase.NOT_OPEN -> throw Failures.of("hall.sign_in_not_open", "签到尚未开始；开标前一小时开放签到", "sign-in has not started; it opens an hour before the opening")
            HallPhase.SIGN_IN -> Unit
            else -> p.signIn?.let { return it }
                ?: throw Failures.of("hall.sign_in_closed", "签到已结束", "sign-in has closed")
        }
        p.signIn?.let { return it }
        pins.verify(signingCredential, pin)
        val signIn = HallSignIn(Samples.COMPANY, Samples.CREDIT_CODE, Samples.signing.certificate.serialHex, control.now(), "receipt-$project")
        p.signIn = signIn
        next(p) { s -> s.copy(progress = s.progress?.let { it.copy(signedIn = it.signedIn + 1) }) }
        return signIn
    }

    override suspend fun signInReceipt(platform: String, project: String): ByteArray {
        control.enter("HallService.signInReceipt")
        val signIn = project(project).signIn
            ?: throw Failures.of("hall.not_signed_in", "尚未签到；请先签到", "not signed in; sign in first")
        return "%PDF-1.7\n% sample receipt ${signIn.receiptId}\n%%EOF\n".toByteArray()
    }

    override suspend fun bids(platform: String, project: String): List<HallBid> {
        control.enter("HallService.bids")
        return listOf(project(project).bid)
    }

    override suspend fun checkBid(platform: String, project: String, bid: String, pin: Pin, signerPin: Pin?): DecryptionCheck {
        control.enter("HallService.checkBid")
        val p = ownBid(project, bid)
        verifyBidPins(pin, signerPin)
        val check = DecryptionCheck(bid, control.now(), Samples.encryption.certificate.fingerprint)
        p.bid = p.bid.copy(check = check)
        return check
    }

    override suspend fun decrypt(platform: String, project: String, bid: String, pin: Pin, signerPin: Pin?): String {
        control.enter("HallService.decrypt")
        val p = ownBid(project, bid)
        if (p.state.project.phase != HallPhase.DECRYPTION) {
            throw Failures.of("hall.not_decryption_phase", "现在不是解密阶段；请等待代理机构开始解密", "this is not the decryption phase; wait for the agent to start it")
        }
        if (p.bid.decrypted) throw Failures.of("hall.already_decrypted", "该投标文件已解密", "this bid is decrypted already")
        verifyBidPins(pin, signerPin)
        p.bid = p.bid.copy(decrypted = true, quote = Samples.QUOTE)
        next(p) { s -> s.copy(progress = s.progress?.let { it.copy(decrypted = it.decrypted + 1) }) }
        return bid
    }

    override suspend fun quotes(platform: String, project: String): QuoteTable {
        control.enter("HallService.quotes")
        val p = project(project)
        val own = HallQuote(
            section = p.bid.section,
            sectionName = p.state.project.sections.firstOrNull().orEmpty(),
            company = Samples.COMPANY,
            creditCode = Samples.CREDIT_CODE,
            bidId = p.bid.bidId,
            decrypted = p.bid.decrypted,
            amount = p.bid.quote,
            confirmed = p.confirmation != null,
            confirmedAt = p.confirmation?.confirmedAt,
        )
        return QuoteTable(p.state.project.phase, listOf(own))
    }

    override suspend fun checkConfirmation(platform: String, project: String, bid: String, amount: String) {
        control.enter("HallService.checkConfirmation")
        val p = ownBid(project, bid)
        if (p.bid.quote != amount) {
            throw Failures.of("hall.amount_mismatch", "金额 $amount 与投标文件中的报价不一致", "amount $amount differs from the quote in the bid")
        }
    }

    override suspend fun confirmQuote(platform: String, project: String, bid: String, amount: String, pin: Pin): QuoteConfirmation {
        control.enter("HallService.confirmQuote")
        val p = ownBid(project, bid)
        if (p.state.project.phase != HallPhase.QUOTE_CONFIRMATION) {
            throw Failures.of("hall.not_confirmation_phase", "现在不是报价确认阶段", "this is not the quote confirmation phase")
        }
        if (p.bid.quote != amount) {
            throw Failures.of("hall.amount_mismatch", "金额 $amount 与投标文件中的报价不一致", "amount $amount differs from the quote in the bid")
        }
        pins.verify(signingCredential, pin)
        val confirmation = QuoteConfirmation(bid, p.bid.section, Samples.COMPANY, amount, Samples.signing.certificate.serialHex, control.now())
        p.confirmation = confirmation
        return confirmation
    }

    override suspend fun details(platform: String, project: String): ProjectDetails {
        control.enter("HallService.details")
        val s = project(project).state
        return ProjectDetails(
            id = s.project.id,
            name = s.project.name,
            code = "SF-2026-0001",
            tenderer = "示范市教育局",
            agent = "示范招标代理有限公司",
            openingAt = s.project.openingAt,
            place = "示范市公共资源交易中心第三开标室",
            notes = null,
            sections = s.project.sections.mapIndexed { i, name -> HallSection(i + 1, name, s.progress?.bidders ?: 0) },
            phase = s.project.phase,
            progress = s.progress ?: palmbid.app.domain.HallProgress(0, 0, 0, 0),
        )
    }

    override suspend fun challenges(platform: String, project: String): List<Challenge> {
        control.enter("HallService.challenges")
        val p = project(project)
        return synchronized(p) { p.challenges.toList() }
    }

    override suspend fun submitChallenge(platform: String, project: String, text: String, attachments: List<Attachment>, pin: Pin): Challenge {
        control.enter("HallService.submitChallenge")
        val p = project(project)
        if (text.isBlank()) throw Failures.of("hall.challenge_empty", "请填写质疑内容", "write the challenge's text")
        if (attachments.any { it.content.size > Attachment.MAX_BYTES }) {
            throw Failures.of("hall.attachment_too_large", "附件超过 10 MB", "an attachment exceeds 10 MB")
        }
        pins.verify(signingCredential, pin)
        return synchronized(p) {
            Challenge(
                id = "challenge-${p.challenges.size + 1}",
                text = text,
                attachments = attachments.map { ChallengeAttachment(it.name, "pdf", it.content.size.toLong()) },
                certificateSerial = Samples.signing.certificate.serialHex,
                submittedAt = control.now(),
                answer = null,
                answeredAt = null,
            ).also { p.challenges += it }
        }
    }

    override suspend fun rounds(platform: String, project: String): List<QuoteRound> {
        control.enter("HallService.rounds")
        val p = project(project)
        return synchronized(p) { p.rounds.toList() }
    }

    override suspend fun submitRoundQuote(platform: String, project: String, section: Int, round: Int, amount: String, pin: Pin): RoundQuote {
        control.enter("HallService.submitRoundQuote")
        val p = project(project)
        val index = synchronized(p) { p.rounds.indexOfFirst { it.section == section && it.round == round && it.open } }
        if (index < 0) throw Failures.of("hall.no_round_open", "该标段没有正在进行的报价轮次", "no quote round is open for this section")
        pins.verify(signingCredential, pin)
        val quote = RoundQuote(Samples.CREDIT_CODE, Samples.COMPANY, amount, control.now())
        synchronized(p) { p.rounds[index] = p.rounds[index].let { it.copy(quotes = it.quotes + quote) } }
        return quote
    }

    override suspend fun draws(platform: String, project: String): List<Draw> {
        control.enter("HallService.draws")
        val p = project(project)
        return synchronized(p) { p.draws.toList() }
    }

    override suspend fun contributeDraw(platform: String, project: String, pin: Pin): DrawContribution {
        control.enter("HallService.contributeDraw")
        val p = project(project)
        val draw = synchronized(p) { p.draws.lastOrNull { it.open } }
            ?: throw Failures.of("hall.no_draw_open", "没有正在进行的系数抽取", "no coefficient draw is open")
        if (p.kept != null) throw Failures.of("hall.already_contributed", "已参与本次抽取", "this company has contributed to the draw already")
        pins.verify(signingCredential, pin)
        val kept = "kept-${draw.draw}"
        p.kept = kept
        return DrawContribution(draw.draw, draw.candidates, draw.commitment, kept)
    }

    override suspend fun verifyDraw(platform: String, project: String, kept: String): VerifiedDraw {
        control.enter("HallService.verifyDraw")
        val p = project(project)
        val draw = synchronized(p) { p.draws.lastOrNull() }
        val index = draw?.index
            ?: throw Failures.of("hall.draw_not_revealed", "抽取结果尚未公布", "the draw is not revealed yet")
        if (kept != p.kept) {
            throw Failures.of("hall.draw_own_contribution_altered", "本机保存的抽取数据与平台不一致", "the contribution kept on this phone does not match the platform's")
        }
        return VerifiedDraw(draw.draw, index, draw.candidates[index])
    }

    private fun project(id: String) = projects[id] ?: throw Failures.of(
        "hall.not_found",
        "找不到项目 $id；请刷新项目列表",
        "no project $id; refresh the project list",
    )

    private fun ownBid(project: String, bid: String): Project {
        val p = project(project)
        if (p.bid.bidId != bid) throw Failures.of("hall.bid_not_found", "找不到投标文件 $bid", "no bid $bid")
        return p
    }

    /** Applies [change] to the project's state as a new event (sequence + 1) and logs it. */
    private fun next(project: Project, change: (HallProjectState) -> HallProjectState): HallProjectState =
        synchronized(project) {
            val state = change(project.state).let { it.copy(lastSeq = project.state.lastSeq + 1, updatedAt = control.now()) }
            project.log.update { it + HallUpdate.State(state) }
            state
        }

    private fun append(project: Project, update: HallUpdate) = synchronized(project) { project.log.update { it + update } }
}

/** The newest state in [log], which always starts with one. */
private fun stateIn(log: List<HallUpdate>): HallProjectState =
    log.asReversed().firstNotNullOf {
        when (it) {
            is HallUpdate.State -> it.state
            is HallUpdate.Notice -> it.state
            else -> null
        }
    }
