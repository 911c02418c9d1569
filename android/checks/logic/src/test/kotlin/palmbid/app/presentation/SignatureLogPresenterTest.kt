package palmbid.app.presentation

import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import palmbid.app.domain.KeyUseOutcome
import palmbid.app.domain.SignatureOperation
import palmbid.app.fakes.Failures
import palmbid.app.presentation.signaturelog.SignatureLogEvent
import palmbid.app.presentation.signaturelog.SignatureLogPresenter

@OptIn(ExperimentalCoroutinesApi::class)
class SignatureLogPresenterTest {
    @Test
    fun `log pages back to the end`() = runTest {
        val fakes = fakes()
        val presenter = SignatureLogPresenter(backgroundScope, fakes.signatureLog, pageSize = 2)
        runCurrent()
        assertEquals(listOf(5L, 4L), presenter.state.value.entries.map { it.id })
        assertFalse(presenter.state.value.endReached)

        presenter.onEvent(SignatureLogEvent.LoadMore)
        assertTrue(presenter.state.value.loadingMore)
        runCurrent()
        assertEquals(listOf(5L, 4L, 3L, 2L), presenter.state.value.entries.map { it.id })
        assertFalse(presenter.state.value.endReached, "a full page may have more behind it")

        presenter.onEvent(SignatureLogEvent.LoadMore)
        runCurrent()
        assertEquals(listOf(5L, 4L, 3L, 2L, 1L), presenter.state.value.entries.map { it.id })
        assertTrue(presenter.state.value.endReached)

        presenter.onEvent(SignatureLogEvent.LoadMore)
        runCurrent()
        assertEquals(3, fakes.control.count("SignatureLog.entries"), "nothing is asked past the end")
    }

    @Test
    fun `log flags refused tries`() = runTest {
        val fakes = fakes()
        val presenter = SignatureLogPresenter(backgroundScope, fakes.signatureLog)
        runCurrent()
        val state = presenter.state.value
        assertTrue(state.endReached)
        assertEquals(2, state.refusedCount)
        assertEquals(
            listOf(KeyUseOutcome.LOCKED, KeyUseOutcome.WRONG_PIN),
            state.entries.filter { it.refused }.map { it.outcome },
        )
        val refused = state.entries.filter { it.refused }
        assertTrue(refused.all { it.operation == SignatureOperation.QR_LOGIN }, "$refused")
        assertTrue(refused.all { it.requestedBy != null }, "a refused try names who requested it: $refused")
        val pinChange = state.entries.single { it.operation == SignatureOperation.PIN_CHANGE }
        assertFalse(pinChange.refused)
        assertNull(pinChange.keyId)
        assertNull(pinChange.role)
    }

    @Test
    fun `failed page keeps entries, retry reloads it`() = runTest {
        val fakes = fakes()
        val presenter = SignatureLogPresenter(backgroundScope, fakes.signatureLog, pageSize = 2)
        runCurrent()
        fakes.control.arm("SignatureLog.entries", Failures.network())
        presenter.onEvent(SignatureLogEvent.LoadMore)
        runCurrent()
        assertEquals(listOf(5L, 4L), presenter.state.value.entries.map { it.id })
        assertFalse(presenter.state.value.loadingMore)
        assertEquals(Failures.network().code, presenter.state.value.error?.code)

        presenter.onEvent(SignatureLogEvent.LoadMore)
        runCurrent()
        assertEquals(2, fakes.control.count("SignatureLog.entries"), "no further page while the error shows")

        presenter.onEvent(SignatureLogEvent.Retry)
        runCurrent()
        assertNull(presenter.state.value.error)
        assertEquals(listOf(5L, 4L, 3L, 2L), presenter.state.value.entries.map { it.id })
    }

    @Test
    fun `failed first page shows the error`() = runTest {
        val fakes = fakes()
        fakes.control.arm("SignatureLog.entries", Failures.network())
        val presenter = SignatureLogPresenter(backgroundScope, fakes.signatureLog)
        runCurrent()
        assertFalse(presenter.state.value.loading)
        assertTrue(presenter.state.value.entries.isEmpty())
        assertEquals(0, presenter.state.value.refusedCount)
        presenter.onEvent(SignatureLogEvent.Retry)
        runCurrent()
        assertEquals(5, presenter.state.value.entries.size)
    }
}
