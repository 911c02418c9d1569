package palmbid.app.presentation

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.Job
import kotlinx.coroutines.cancel
import kotlinx.coroutines.test.StandardTestDispatcher
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import palmbid.app.domain.HallNotice
import palmbid.app.domain.HallPhase
import palmbid.app.domain.Language
import palmbid.app.fakes.Failures
import palmbid.app.fakes.Samples
import palmbid.app.presentation.project.Connection
import palmbid.app.presentation.project.PinAction
import palmbid.app.presentation.project.ProjectEvent
import palmbid.app.presentation.project.ProjectPresenter
import palmbid.app.presentation.project.ProjectTab

@OptIn(ExperimentalCoroutinesApi::class)
class ProjectPresenterTest {
    private val project = Samples.projectSignIn.id

    private fun ProjectPresenter.type(digits: String) = keys(digits).forEach { onEvent(ProjectEvent.Pin(it)) }

    @Test
    fun `loads, follows the stream, signs in, decrypts and confirms the quote`() = runTest {
        val fakes = fakes()
        val presenter = ProjectPresenter(backgroundScope, fakes.hall, fakes.certificates, Samples.PLATFORM, project)
        assertTrue(presenter.state.value.loading)
        runCurrent()

        val loaded = presenter.state.value
        assertEquals(Connection.LIVE, loaded.connection)
        assertEquals(HallPhase.SIGN_IN, loaded.hall?.project?.phase)
        assertEquals(listOf("bid-$project"), loaded.bids.map { it.bidId })
        assertNotNull(loaded.details)

        presenter.onEvent(ProjectEvent.SignIn)
        runCurrent()
        assertEquals(PinAction.SignIn, presenter.state.value.pinFor)
        assertEquals(6, presenter.state.value.pinPad.triesLeft)
        presenter.type(Samples.PIN)
        runCurrent()
        assertEquals(Samples.CREDIT_CODE, presenter.state.value.signIn?.creditCode)
        assertNull(presenter.state.value.pinFor)
        assertEquals(3, presenter.state.value.hall?.progress?.signedIn, "the stream delivered the new count")

        fakes.hall.advance(project)
        runCurrent()
        assertEquals(HallPhase.DECRYPTION, presenter.state.value.hall?.project?.phase)
        assertEquals(HallNotice.PhaseStarted(HallPhase.DECRYPTION), presenter.state.value.notice)
        presenter.onEvent(ProjectEvent.DismissNotice)
        assertNull(presenter.state.value.notice)

        presenter.onEvent(ProjectEvent.Decrypt("bid-$project"))
        presenter.type(Samples.PIN)
        runCurrent()
        assertTrue(presenter.state.value.bids.single().decrypted)
        assertEquals(Samples.QUOTE, presenter.state.value.bids.single().quote)

        fakes.hall.advance(project)
        fakes.hall.advance(project)
        presenter.onEvent(ProjectEvent.TabSelected(ProjectTab.QUOTES))
        runCurrent()
        assertEquals(HallPhase.QUOTE_CONFIRMATION, presenter.state.value.quotes?.phase)

        presenter.onEvent(ProjectEvent.ConfirmQuote("bid-$project", "1.00"))
        runCurrent()
        assertEquals("hall.amount_mismatch", presenter.state.value.error?.code)
        assertNull(presenter.state.value.pinFor, "a wrong amount never opens the pad")

        presenter.onEvent(ProjectEvent.ConfirmQuote("bid-$project", Samples.QUOTE))
        runCurrent()
        presenter.type(Samples.PIN)
        runCurrent()
        assertEquals(Samples.QUOTE, presenter.state.value.confirmations.single().amount)
        assertEquals(true, presenter.state.value.quotes?.quotes?.single()?.confirmed)
    }

    @Test
    fun `after a renewal the pad counts the tries of the credential each action unlocks`() = runTest {
        val fakes = fakes()
        // A renewed credential under another PIN signs; the bid stays
        // encrypted to the sample credential's key.
        fakes.pins.register(RENEWED, RENEWED_PIN)
        fakes.hall.signingCredential = RENEWED
        val presenter = ProjectPresenter(backgroundScope, fakes.hall, fakes.certificates, Samples.PLATFORM, project)
        runCurrent()

        presenter.onEvent(ProjectEvent.SignIn)
        runCurrent()
        assertEquals(6, presenter.state.value.pinPad.triesLeft)
        presenter.type(Samples.PIN)
        runCurrent()
        assertEquals("keystore.pin_incorrect", presenter.state.value.error?.code)
        assertEquals(5, presenter.state.value.pinPad.triesLeft, "the renewed credential's count")
        assertEquals(6, fakes.pins.state(Samples.CREDENTIAL).triesLeft)
        presenter.type(RENEWED_PIN)
        runCurrent()
        assertNotNull(presenter.state.value.signIn)

        fakes.hall.advance(project)
        runCurrent()
        presenter.onEvent(ProjectEvent.Decrypt("bid-$project"))
        runCurrent()
        assertEquals(6, presenter.state.value.pinPad.triesLeft, "the bid's key is the sample credential's")
        presenter.type(RENEWED_PIN)
        runCurrent()
        assertEquals(5, presenter.state.value.pinPad.triesLeft)
        assertEquals(5, fakes.pins.state(Samples.CREDENTIAL).triesLeft)
        presenter.type(Samples.PIN)
        runCurrent()
        assertTrue(presenter.state.value.bids.single().decrypted)
    }

    @Test
    fun `a bid key without a signer asks for the signing credential's PIN next`() = runTest {
        val fakes = fakes()
        // The bid opens with an imported key under its own PIN; the sample
        // credential signs.
        fakes.pins.register(RENEWED, RENEWED_PIN)
        fakes.hall.bidCredential = RENEWED
        fakes.hall.bidNeedsSigner = true
        val presenter = ProjectPresenter(backgroundScope, fakes.hall, fakes.certificates, Samples.PLATFORM, project)
        runCurrent()

        presenter.onEvent(ProjectEvent.CheckBid("bid-$project"))
        runCurrent()
        presenter.type(RENEWED_PIN)
        runCurrent()
        val second = presenter.state.value
        assertTrue(second.signerPin, "the pad asks for the signer's PIN")
        assertEquals(PinAction.CheckBid("bid-$project"), second.pinFor)
        assertNull(second.error, "no error: one more PIN is needed")
        assertEquals(6, fakes.pins.state(RENEWED).triesLeft, "no try spent on the first")
        assertEquals(6, second.pinPad.triesLeft)

        // A wrong signer PIN starts over from the bid key's PIN.
        presenter.type(RENEWED_PIN)
        runCurrent()
        assertEquals("keystore.pin_incorrect", presenter.state.value.error?.code)
        assertFalse(presenter.state.value.signerPin)
        assertEquals(5, fakes.pins.state(Samples.CREDENTIAL).triesLeft)

        presenter.type(RENEWED_PIN)
        runCurrent()
        assertTrue(presenter.state.value.signerPin)
        // A network failure refuses neither PIN: the pad stays on the
        // signer's, the first kept, and the retry goes through.
        fakes.control.arm("HallService.checkBid", Failures.network())
        presenter.type(Samples.PIN)
        runCurrent()
        assertEquals("api.unreachable", presenter.state.value.error?.code)
        assertTrue(presenter.state.value.signerPin)
        presenter.type(Samples.PIN)
        runCurrent()
        assertNull(presenter.state.value.pinFor)
        assertFalse(presenter.state.value.signerPin)
        assertNotNull(presenter.state.value.bids.single().check)
    }

    @Test
    fun `the watch stops when the presenter's scope ends`() = runTest {
        val fakes = fakes()
        val scope = CoroutineScope(StandardTestDispatcher(testScheduler) + Job())
        ProjectPresenter(scope, fakes.hall, fakes.certificates, Samples.PLATFORM, project)
        runCurrent()
        assertEquals(1, fakes.hall.activeWatches.value)

        scope.cancel()
        runCurrent()
        assertEquals(0, fakes.hall.activeWatches.value)
    }

    @Test
    fun `a failed watch shows the error, and resuming pulls again and restarts it`() = runTest {
        val fakes = fakes()
        fakes.control.arm("HallService.watch", Failures.network())
        val presenter = ProjectPresenter(backgroundScope, fakes.hall, fakes.certificates, Samples.PLATFORM, project)
        runCurrent()
        val failed = presenter.state.value
        assertEquals(Connection.RECONNECTING, failed.connection)
        assertEquals(Failures.network().messageEn, failed.error?.message(Language.EN))
        assertEquals(Failures.network().messageZh, failed.error?.message(Language.ZH_CN))
        assertEquals(0, fakes.hall.activeWatches.value)
        val pulls = fakes.control.count("HallService.bids")

        presenter.onEvent(ProjectEvent.Resumed)
        runCurrent()
        assertEquals(Connection.LIVE, presenter.state.value.connection)
        assertNull(presenter.state.value.error)
        assertEquals(1, fakes.hall.activeWatches.value)
        assertEquals(pulls + 1, fakes.control.count("HallService.bids"))

        presenter.onEvent(ProjectEvent.Resumed)
        runCurrent()
        assertEquals(1, fakes.hall.activeWatches.value, "a live watch is not doubled")
    }

    @Test
    fun `rounds, draws and challenges follow their notices`() = runTest {
        val fakes = fakes()
        val presenter = ProjectPresenter(backgroundScope, fakes.hall, fakes.certificates, Samples.PLATFORM, project)
        runCurrent()

        fakes.hall.openRound(project, section = 1, round = 2)
        runCurrent()
        assertEquals(2, presenter.state.value.rounds.single().round)
        presenter.onEvent(ProjectEvent.RoundAmountChanged(" 11000000.00 "))
        presenter.onEvent(ProjectEvent.SubmitRoundQuote(1, 2))
        presenter.type(Samples.PIN)
        runCurrent()
        assertEquals("11000000.00", presenter.state.value.rounds.single().quotes.single().amount)
        assertEquals("", presenter.state.value.roundAmount)

        fakes.hall.openDraw(project, 1, listOf("0.95", "0.97", "0.99"))
        runCurrent()
        presenter.onEvent(ProjectEvent.ContributeDraw)
        presenter.type(Samples.PIN)
        runCurrent()
        assertNotNull(presenter.state.value.drawContribution)
        fakes.hall.revealDraw(project, 1)
        runCurrent()
        presenter.onEvent(ProjectEvent.VerifyDraw)
        runCurrent()
        assertEquals("0.97", presenter.state.value.verifiedDraw?.coefficient)

        presenter.onEvent(ProjectEvent.ChallengeTextChanged("唱标金额与投标文件不符"))
        presenter.onEvent(ProjectEvent.AttachmentPicked(palmbid.app.domain.Attachment("big.pdf", ByteArray(11 * 1024 * 1024))))
        assertEquals(palmbid.app.domain.PalmbidFailure.CODE_INVALID_INPUT, presenter.state.value.error?.code)
        assertTrue(presenter.state.value.challengeDraft.attachments.isEmpty())
        presenter.onEvent(ProjectEvent.AttachmentPicked(palmbid.app.domain.Attachment("a.pdf", ByteArray(10))))
        presenter.onEvent(ProjectEvent.SubmitChallenge)
        presenter.type(Samples.PIN)
        runCurrent()
        assertEquals("唱标金额与投标文件不符", presenter.state.value.challenges.single().text)
        assertEquals("", presenter.state.value.challengeDraft.text)
    }

    private companion object {
        const val RENEWED = "credential-renewed"
        const val RENEWED_PIN = "246813"
    }
}
