package palmbid.ffi

import java.nio.file.Path
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/**
 * The bid-opening hall through the bindings against the reference
 * platform as a child process: the project list, `Account.watchHall` with
 * a Kotlin `HallListener`, sign-in and its receipt, the bid calls, and the
 * errors a bidder meets. The tender agent's phase changes are made on the
 * platform's console, as a browser would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HallFlowTest {
    private lateinit var platform: TestPlatform
    private lateinit var work: Path
    private lateinit var keystore: Keystore
    private lateinit var account: Account

    @BeforeAll
    fun pickUpACertificate(): Unit = runBlocking {
        platform = TestPlatform.start()
        work = tempHome()
        val (openedKeystore, openedAccount) =
            platform.holder(work.resolve("phone"), PLATFORM, PHONE, NAME, ID_NUMBER, COMPANY, CREDIT_CODE, PIN)
        keystore = openedKeystore
        account = openedAccount
    }

    @AfterAll
    fun stopEverything() {
        if (::account.isInitialized) account.close()
        if (::keystore.isInitialized) keystore.close()
        if (::platform.isInitialized) platform.close()
    }

    /** Records every listener call; a throwing call must not stop the watch. */
    private class Recorder : HallListener {
        val states = LinkedBlockingQueue<HallProjectState>()
        val notices = LinkedBlockingQueue<HallNotice>()

        override fun stateChanged(state: HallProjectState) {
            states.add(state)
        }

        override fun notice(state: HallProjectState, notice: HallNotice) {
            notices.add(notice)
            // The watch logs what a listener throws and goes on.
            throw IllegalStateException("listener failure for testing")
        }

        override fun streamStatus(status: HallStreamStatus) {}

        fun untilPhase(phase: HallPhase): HallProjectState {
            while (true) {
                val state = states.poll(20, TimeUnit.SECONDS) ?: error("no state in $phase within 20 s")
                if (state.project.phase == phase) return state
            }
        }
    }

    private fun failure(block: suspend () -> Unit): PalmbidException.Failed =
        assertThrows<PalmbidException.Failed> { runBlocking { block() } }

    @Test
    fun `a bidder lists, follows, signs in and gets the receipt until the close`() = runBlocking {
        val id = platform.createHallProject("康复医院工程", 30, listOf(CREDIT_CODE to COMPANY))
        val foreign = platform.createHallProject("他人项目", 30, listOf(OTHER_CODE to "其他公司"))

        // Other tests of this class add projects of the same company.
        val projects = account.hallProjects(PLATFORM)
        val ids = projects.map { it.id }
        assertTrue(id in ids, "own project listed: $ids")
        assertFalse(foreign in ids, "another company's project is not listed: $ids")
        val mine = projects.single { it.id == id }
        assertEquals(HallPhase.SIGN_IN, mine.phase)
        assertEquals(listOf("第一标段"), mine.sections)

        val recorder = Recorder()
        val watch = account.watchHall(PLATFORM, id, recorder)
        assertEquals(id, recorder.untilPhase(HallPhase.SIGN_IN).project.id)

        val record = account.hallSignIn(PLATFORM, id, PIN)
        assertEquals(COMPANY, record.company)
        assertEquals(CREDIT_CODE, record.creditCode)
        val again = account.hallSignIn(PLATFORM, id, PIN)
        assertEquals(record.receiptId, again.receiptId, "a second sign-in returns the first record")
        val receipt = account.hallSignInReceipt(PLATFORM, id)
        assertEquals("%PDF-", String(receipt.copyOfRange(0, 5), Charsets.US_ASCII))

        val progress = recorder.untilSignedIn()
        assertEquals(1u, progress.bidders)

        platform.moveHall(id, "decryption")
        recorder.untilPhase(HallPhase.DECRYPTION)
        val notice = recorder.notices.poll(20, TimeUnit.SECONDS)
        assertEquals(HallNotice.PhaseStarted(HallPhase.DECRYPTION), notice)

        assertEquals(emptyList<HallBid>(), account.hallBids(PLATFORM, id))
        val missing = failure { account.hallReleaseBid(PLATFORM, id, "0".repeat(32), PIN) }
        assertEquals("hall.bid_not_found", missing.code)

        for (phase in listOf("quote_reading", "quote_confirmation", "evaluation", "closed")) {
            platform.moveHall(id, phase)
        }
        val last = watch.finished()
        assertEquals(HallPhase.CLOSED, last.project.phase)
        assertTrue(last.lastSeq >= 6u, "events applied: ${last.lastSeq}")
        assertEquals("hall.watch_finished", failure { watch.finished() }.code)
        watch.close()
    }

    @Test
    fun `sign-in before the window, a wrong PIN and a foreign project are refused`() = runBlocking {
        val later = platform.createHallProject("明日开标项目", 24 * 60, listOf(CREDIT_CODE to COMPANY))
        val early = failure { account.hallSignIn(PLATFORM, later, PIN) }
        assertEquals("hall.sign_in_not_open", early.code)
        assertTrue(early.messageZh.contains("签到将于"), early.messageZh)

        val open = platform.createHallProject("今日开标项目", 30, listOf(CREDIT_CODE to COMPANY))
        // The PIN pad learns whose tries to show before the PIN is typed,
        // and the wrong PIN is counted on that credential.
        val credential = account.hallPinCredential(PLATFORM, open, null)
        val signing = keystore.certificates().single { it.role == KeyRole.SIGNING }
        assertEquals(signing.credentialId, credential)
        val triesBefore = keystore.pinStatus(credential).triesLeft
        val wrong = failure { account.hallSignIn(PLATFORM, open, "000000") }
        assertEquals("keystore.pin_incorrect", wrong.code)
        assertEquals(triesBefore - 1u, keystore.pinStatus(credential).triesLeft)
        assertEquals("hall.bid_not_found", failure { account.hallPinCredential(PLATFORM, open, "0".repeat(32)) }.code)

        val foreign = platform.createHallProject("他人开标项目", 30, listOf(OTHER_CODE to "其他公司"))
        val watch = account.watchHall(PLATFORM, foreign, Recorder())
        assertEquals("hall.not_a_bidder", failure { watch.finished() }.code)
        watch.close()
    }

    @Test
    fun `stopping a watch ends it with the last state`() = runBlocking {
        val id = platform.createHallProject("停止跟踪项目", 30, listOf(CREDIT_CODE to COMPANY))
        val recorder = Recorder()
        val watch = account.watchHall(PLATFORM, id, recorder)
        recorder.untilPhase(HallPhase.SIGN_IN)

        watch.stop()
        val last = watch.finished()
        assertEquals(HallPhase.SIGN_IN, last.project.phase)
        watch.close()
    }

    private fun Recorder.untilSignedIn(): HallProgress {
        while (true) {
            val state = states.poll(20, TimeUnit.SECONDS) ?: error("no progress within 20 s")
            val progress = state.progress
            if (progress != null && progress.signedIn >= 1u) return progress
        }
    }

    private companion object {
        const val PLATFORM = "dev"
        const val PHONE = "13800138202"
        const val PIN = "135790"
        const val NAME = "王五"
        const val COMPANY = "示例路桥有限公司"
        const val CREDIT_CODE = "91110000802100433B"
        const val OTHER_CODE = "91310000132200821H"

        /** The worked example of GB 11643-1999. */
        const val ID_NUMBER = "11010519491231002X"
    }
}
