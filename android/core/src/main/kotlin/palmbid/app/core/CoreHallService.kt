package palmbid.app.core

import java.util.concurrent.atomic.AtomicInteger
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.buffer
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.launch
import palmbid.app.domain.Attachment
import palmbid.app.domain.Challenge
import palmbid.app.domain.DecryptionCheck
import palmbid.app.domain.Draw
import palmbid.app.domain.DrawContribution
import palmbid.app.domain.HallBid
import palmbid.app.domain.HallProject
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
import palmbid.ffi.Account
import palmbid.ffi.HallListener
import palmbid.ffi.HallNotice
import palmbid.ffi.HallProjectState
import palmbid.ffi.HallStreamStatus
import palmbid.ffi.HallWatch

/** [HallService] over the core's `Account`; the caller wipes every [Pin]. */
internal class CoreHallService(private val account: Account) : HallService {
    /** Native watches started and not yet stopped; for tests and diagnostics. */
    internal val openWatches = AtomicInteger()

    override suspend fun projects(platform: String): List<HallProject> =
        ffiCall("HallService.projects") { account.hallProjects(platform) }.map { it.toDomain() }

    /**
     * `Account.watchHall` as a cold flow. Collecting starts a watch whose
     * listener hands every call to the flow's channel without blocking the
     * library's thread (the buffer is unbounded, so nothing is dropped and
     * the order stays that of the calls). The flow completes when the
     * project closes, fails with the core's refusal as [palmbid.app.domain.PalmbidFailure]
     * (`HallWatch.finished`), and stops and frees the watch when the
     * collector is cancelled.
     */
    override fun watch(platform: String, project: String): Flow<HallUpdate> = callbackFlow {
        val listener = object : HallListener {
            override fun stateChanged(state: HallProjectState) {
                trySend(HallUpdate.State(state.toDomain()))
            }

            override fun notice(state: HallProjectState, notice: HallNotice) {
                trySend(HallUpdate.Notice(state.toDomain(), notice.toDomain()))
            }

            override fun streamStatus(status: HallStreamStatus) {
                trySend(status.toDomain())
            }
        }
        val watch: HallWatch = ffiCall("HallService.watch") { account.watchHall(platform, project, listener) }
        openWatches.incrementAndGet()

        launch {
            try {
                ffiCall("HallService.watch") { watch.finished() }
                channel.close()
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                channel.close(e)
            }
        }

        awaitClose {
            watch.stop()
            watch.close()
            openWatches.decrementAndGet()
        }
    }.buffer(Channel.UNLIMITED)

    override suspend fun pinCredential(platform: String, project: String, bid: String?): String =
        ffiCall("HallService.pinCredential") { account.hallPinCredential(platform, project, bid) }

    override suspend fun signIn(platform: String, project: String, pin: Pin): HallSignIn =
        ffiCall("HallService.signIn") { account.hallSignIn(platform, project, pin.reveal()) }.toDomain()

    override suspend fun signInReceipt(platform: String, project: String): ByteArray =
        ffiCall("HallService.signInReceipt") { account.hallSignInReceipt(platform, project) }

    override suspend fun bids(platform: String, project: String): List<HallBid> =
        ffiCall("HallService.bids") { account.hallBids(platform, project) }.map { it.toDomain() }

    override suspend fun checkBid(platform: String, project: String, bid: String, pin: Pin, signerPin: Pin?): DecryptionCheck =
        ffiCall("HallService.checkBid") { account.hallCheckBid(platform, project, bid, pin.reveal(), signerPin?.reveal()) }.toDomain()

    override suspend fun decrypt(platform: String, project: String, bid: String, pin: Pin, signerPin: Pin?): String =
        ffiCall("HallService.decrypt") { account.hallReleaseBid(platform, project, bid, pin.reveal(), signerPin?.reveal()) }

    override suspend fun quotes(platform: String, project: String): QuoteTable =
        ffiCall("HallService.quotes") { account.hallQuotes(platform, project) }.toDomain()

    override suspend fun checkConfirmation(platform: String, project: String, bid: String, amount: String) {
        ffiCall("HallService.checkConfirmation") { account.hallCheckConfirmation(platform, project, bid, amount) }
    }

    override suspend fun confirmQuote(
        platform: String,
        project: String,
        bid: String,
        amount: String,
        pin: Pin,
    ): QuoteConfirmation = ffiCall("HallService.confirmQuote") {
        account.hallConfirmQuote(platform, project, bid, amount, pin.reveal())
    }.toDomain()

    override suspend fun details(platform: String, project: String): ProjectDetails =
        ffiCall("HallService.details") { account.hallProjectDetails(platform, project) }.toDomain()

    override suspend fun challenges(platform: String, project: String): List<Challenge> =
        ffiCall("HallService.challenges") { account.hallChallenges(platform, project) }.map { it.toDomain() }

    override suspend fun submitChallenge(
        platform: String,
        project: String,
        text: String,
        attachments: List<Attachment>,
        pin: Pin,
    ): Challenge = ffiCall("HallService.submitChallenge") {
        account.hallSubmitChallenge(platform, project, text, attachments.map { it.toFfi() }, pin.reveal())
    }.toDomain()

    override suspend fun rounds(platform: String, project: String): List<QuoteRound> =
        ffiCall("HallService.rounds") { account.hallRounds(platform, project) }.map { it.toDomain() }

    override suspend fun submitRoundQuote(
        platform: String,
        project: String,
        section: Int,
        round: Int,
        amount: String,
        pin: Pin,
    ): RoundQuote = ffiCall("HallService.submitRoundQuote") {
        account.hallSubmitRoundQuote(
            platform,
            project,
            positive("section", section),
            positive("round", round),
            amount,
            pin.reveal(),
        )
    }.toDomain()

    override suspend fun draws(platform: String, project: String): List<Draw> =
        ffiCall("HallService.draws") { account.hallDraws(platform, project) }.map { it.toDomain() }

    override suspend fun contributeDraw(platform: String, project: String, pin: Pin): DrawContribution =
        ffiCall("HallService.contributeDraw") { account.hallContributeDraw(platform, project, pin.reveal()) }
            .toDomain()

    override suspend fun verifyDraw(platform: String, project: String, kept: String): VerifiedDraw =
        ffiCall("HallService.verifyDraw") { account.hallVerifyDraw(platform, project, kept) }.toDomain()
}
