package palmbid.app.presentation

import java.time.Clock
import java.time.ZoneOffset
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import palmbid.app.domain.HallNotice
import palmbid.app.domain.HallPhase
import palmbid.app.domain.MessageKind
import palmbid.app.domain.PendingBid
import palmbid.app.domain.RenewalWarning
import palmbid.app.fakes.Failures
import palmbid.app.fakes.Samples
import palmbid.app.presentation.messages.InboxFeeder

@OptIn(ExperimentalCoroutinesApi::class)
class InboxFeederTest {
    private val project = Samples.projectSignIn.id
    private val clock = Clock.fixed(Samples.NOW, ZoneOffset.UTC)

    private fun hallNotices(fakes: palmbid.app.fakes.FakePalmbid) =
        fakes.inbox.messages.value.mapNotNull { (it.kind as? MessageKind.Hall)?.notice }

    @Test
    fun `a hall notice reaches the inbox once`() = runTest {
        val fakes = fakes()
        val feeder = InboxFeeder(backgroundScope, fakes.hall, fakes.certificates, fakes.settings, fakes.inbox, clock)
        feeder.resume()
        runCurrent()

        fakes.hall.advance(project)
        runCurrent()
        val decryption = HallNotice.PhaseStarted(HallPhase.DECRYPTION)
        assertEquals(1, hallNotices(fakes).count { it == decryption })

        fakes.hall.notify(project, decryption)
        runCurrent()
        assertEquals(1, hallNotices(fakes).count { it == decryption }, "a replayed notice is not posted twice")
    }

    @Test
    fun `a read message stays read after a replay`() = runTest {
        val fakes = fakes()
        val feeder = InboxFeeder(backgroundScope, fakes.hall, fakes.certificates, fakes.settings, fakes.inbox, clock)
        feeder.resume()
        runCurrent()
        fakes.hall.notify(project, HallNotice.OpeningSoon(15))
        runCurrent()
        val posted = fakes.inbox.messages.value.single { (it.kind as? MessageKind.Hall)?.notice == HallNotice.OpeningSoon(15) }
        fakes.inbox.markRead(posted.id)

        feeder.resume()
        runCurrent()
        fakes.hall.notify(project, HallNotice.OpeningSoon(15))
        runCurrent()
        val again = fakes.inbox.messages.value.single { (it.kind as? MessageKind.Hall)?.notice == HallNotice.OpeningSoon(15) }
        assertEquals(posted.id, again.id)
        assertTrue(again.read, "the replay left the message read")
    }

    @Test
    fun `a paused feeder posts nothing`() = runTest {
        val fakes = fakes()
        val feeder = InboxFeeder(backgroundScope, fakes.hall, fakes.certificates, fakes.settings, fakes.inbox, clock)
        feeder.resume()
        runCurrent()
        feeder.pause()
        runCurrent()

        fakes.hall.advance(project)
        runCurrent()
        assertFalse(HallNotice.PhaseStarted(HallPhase.DECRYPTION) in hallNotices(fakes))
    }

    @Test
    fun `a phase that started while paused reaches the inbox on resume`() = runTest {
        val fakes = fakes()
        val feeder = InboxFeeder(backgroundScope, fakes.hall, fakes.certificates, fakes.settings, fakes.inbox, clock)
        feeder.resume()
        runCurrent()
        assertTrue(HallNotice.PhaseStarted(HallPhase.SIGN_IN) in hallNotices(fakes), "the current phase is posted")
        feeder.pause()
        runCurrent()

        fakes.hall.advance(project)
        runCurrent()
        feeder.resume()
        runCurrent()
        assertTrue(HallNotice.PhaseStarted(HallPhase.DECRYPTION) in hallNotices(fakes))
    }

    @Test
    fun `renewal warnings are posted once per key`() = runTest {
        val fakes = fakes()
        val warning = RenewalWarning(
            credentialId = Samples.signing.credentialId,
            keyId = Samples.signing.keyId,
            notAfter = Samples.signing.certificate.notAfter,
            bids = listOf(PendingBid(project, "bid-$project", Samples.projectSignIn.openingAt)),
        )
        fakes.certificates.warnings += warning
        val feeder = InboxFeeder(backgroundScope, fakes.hall, fakes.certificates, fakes.settings, fakes.inbox, clock)
        feeder.resume()
        runCurrent()
        feeder.resume()
        runCurrent()

        val renewals = fakes.inbox.messages.value.filter { it.kind is MessageKind.Renewal }
        assertEquals(1, renewals.size)
        assertEquals(warning, (renewals.single().kind as MessageKind.Renewal).warning)
    }

    @Test
    fun `a failed project list leaves the inbox as it was`() = runTest {
        val fakes = fakes()
        fakes.control.arm("HallService.projects", Failures.network())
        val feeder = InboxFeeder(backgroundScope, fakes.hall, fakes.certificates, fakes.settings, fakes.inbox, clock)
        feeder.resume()
        runCurrent()

        fakes.hall.advance(project)
        runCurrent()
        assertEquals(emptyList<HallNotice>(), hallNotices(fakes))
    }
}
