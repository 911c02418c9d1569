package palmbid.app.presentation

import java.time.Duration
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import palmbid.app.domain.HallNotice
import palmbid.app.domain.Language
import palmbid.app.domain.Message
import palmbid.app.domain.MessageKind
import palmbid.app.fakes.Failures
import palmbid.app.fakes.Samples
import palmbid.app.presentation.certificates.CertificatesEvent
import palmbid.app.presentation.certificates.CertificatesPresenter
import palmbid.app.presentation.hall.HallListEvent
import palmbid.app.presentation.hall.HallListPresenter
import palmbid.app.presentation.home.HomeEvent
import palmbid.app.presentation.home.HomePresenter
import palmbid.app.presentation.messages.MessagesEvent
import palmbid.app.presentation.messages.MessagesPresenter

@OptIn(ExperimentalCoroutinesApi::class)
class HomeAndListsPresenterTest {
    @Test
    fun `home goes from loading to full`() = runTest {
        val fakes = fakes()
        val presenter = HomePresenter(backgroundScope, fakes.services)
        assertTrue(presenter.state.value.loading)
        runCurrent()

        val state = presenter.state.value
        assertFalse(state.loading)
        assertEquals(Samples.PLATFORM, state.platform)
        assertEquals(Samples.PHONE, state.loggedInPhone)
        assertEquals(Samples.COMPANY, state.credentials.single().company)
        assertEquals(0, state.unreadMessages)

        fakes.inbox.post(Message("m1", Samples.NOW, MessageKind.Hall(Samples.PLATFORM, "p", "n", HallNotice.OpeningSoon(15)), read = false))
        runCurrent()
        assertEquals(1, presenter.state.value.unreadMessages)
    }

    @Test
    fun `home shows a failure in both languages and recovers on retry`() = runTest {
        val fakes = fakes()
        fakes.control.arm("CertificateStore.credentials", Failures.network())
        val presenter = HomePresenter(backgroundScope, fakes.services)
        runCurrent()

        val failed = presenter.state.value
        assertFalse(failed.loading)
        assertEquals("无法连接平台；请检查网络后重试", failed.error?.message(Language.ZH_CN))
        assertEquals("the platform cannot be reached; check the network and retry", failed.error?.message(Language.EN))

        presenter.onEvent(HomeEvent.Retry)
        assertTrue(presenter.state.value.loading)
        runCurrent()
        assertNull(presenter.state.value.error)
        assertEquals(1, presenter.state.value.credentials.size)
    }

    @Test
    fun `home without a session shows no phone`() = runTest {
        val fakes = fakes(withCertificate = false, loggedIn = false)
        val presenter = HomePresenter(backgroundScope, fakes.services)
        runCurrent()
        assertNull(presenter.state.value.loggedInPhone)
        assertTrue(presenter.state.value.credentials.isEmpty())
    }

    @Test
    fun `the hall list loads the current platform's projects, next opening first, and reloads on resume`() = runTest {
        val fakes = fakes()
        val presenter = HallListPresenter(backgroundScope, fakes.hall, fakes.settings, fakes.accounts)
        runCurrent()
        assertEquals(listOf(Samples.projectSignIn.id, Samples.projectLater.id), presenter.state.value.projects.map { it.id })

        fakes.control.arm("HallService.projects", Failures.notLoggedIn())
        presenter.onEvent(HallListEvent.Resumed)
        runCurrent()
        assertEquals("account.not_logged_in", presenter.state.value.error?.code)
        presenter.onEvent(HallListEvent.Refresh)
        runCurrent()
        assertNull(presenter.state.value.error)
        assertEquals(3, fakes.control.count("HallService.projects"))
    }

    @Test
    fun `certificates delete only after confirmation, and a refusal is shown`() = runTest {
        val fakes = fakes()
        val presenter = CertificatesPresenter(backgroundScope, fakes.certificates)
        runCurrent()
        assertEquals(Samples.seals, presenter.state.value.credentials.single().seals)

        fakes.certificates.neededByBids += Samples.CREDENTIAL
        presenter.onEvent(CertificatesEvent.Delete(Samples.CREDENTIAL))
        assertEquals(Samples.CREDENTIAL, presenter.state.value.confirmDelete)
        assertEquals(0, fakes.control.count("CertificateStore.deleteCredential"))
        presenter.onEvent(CertificatesEvent.ConfirmDelete)
        runCurrent()
        assertEquals("keystore.key_needed_by_bids", presenter.state.value.error?.code)
        assertEquals(1, presenter.state.value.credentials.size)

        fakes.certificates.neededByBids.clear()
        presenter.onEvent(CertificatesEvent.Delete(Samples.CREDENTIAL))
        presenter.onEvent(CertificatesEvent.ConfirmDelete)
        runCurrent()
        assertTrue(presenter.state.value.credentials.isEmpty())
        assertFalse(presenter.state.value.busy)
    }

    @Test
    fun `messages follow the inbox and opening one marks it read`() = runTest {
        val fakes = fakes()
        val presenter = MessagesPresenter(backgroundScope, fakes.inbox)
        fakes.inbox.post(Message("old", Samples.NOW, MessageKind.Hall(Samples.PLATFORM, "p", "n", HallNotice.OpeningSoon(60)), false))
        fakes.inbox.post(Message("new", Samples.NOW + Duration.ofMinutes(45), MessageKind.Hall(Samples.PLATFORM, "p", "n", HallNotice.OpeningSoon(15)), false))
        runCurrent()
        assertEquals(listOf("new", "old"), presenter.state.value.messages.map { it.id })

        presenter.onEvent(MessagesEvent.Open("old"))
        runCurrent()
        assertEquals(listOf(false, true), presenter.state.value.messages.map { it.read })
    }
}
