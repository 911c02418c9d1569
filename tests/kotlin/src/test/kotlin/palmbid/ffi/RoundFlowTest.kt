package palmbid.ffi

import java.nio.file.Path
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/**
 * The evaluation phase through the bindings against the reference
 * platform as a child process: two phones of two bidding companies quote
 * in a round the experts open on their console, each sees only its own
 * quote until the round closes, then both; then a coefficient draw is
 * committed, contributed to by both, revealed, and verified on each phone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RoundFlowTest {
    private lateinit var platform: TestPlatform
    private lateinit var work: Path
    private val phones = mutableListOf<Pair<Keystore, Account>>()

    private val first get() = phones[0].second
    private val second get() = phones[1].second

    @BeforeAll
    fun pickUpCertificates(): Unit = runBlocking {
        platform = TestPlatform.start()
        work = tempHome()
        phones += holder("first", FIRST_PHONE, FIRST_COMPANY, FIRST_CODE)
        phones += holder("second", SECOND_PHONE, SECOND_COMPANY, SECOND_CODE)
    }

    /** A phone with a picked-up certificate of [company]. */
    private suspend fun holder(folder: String, phone: String, company: String, code: String): Pair<Keystore, Account> =
        platform.holder(work.resolve(folder), PLATFORM, phone, NAME, ID_NUMBER, company, code, PIN)

    @AfterAll
    fun stopEverything() {
        for ((keystore, account) in phones) {
            account.close()
            keystore.close()
        }
        if (::platform.isInitialized) platform.close()
    }

    /** Records the notices and states of a watch. */
    private class Recorder : HallListener {
        val states = LinkedBlockingQueue<HallProjectState>()
        val notices = LinkedBlockingQueue<HallNotice>()

        override fun stateChanged(state: HallProjectState) {
            states.add(state)
        }

        override fun notice(state: HallProjectState, notice: HallNotice) {
            notices.add(notice)
        }

        override fun streamStatus(status: HallStreamStatus) {}

        /** The next notice of type [T]; earlier ones (phase starts replayed) are skipped. */
        inline fun <reified T : HallNotice> until(): T {
            while (true) {
                val notice = notices.poll(20, TimeUnit.SECONDS) ?: error("no ${T::class.simpleName} within 20 s")
                if (notice is T) return notice
            }
        }

        fun untilState(what: String, test: (HallProjectState) -> Boolean): HallProjectState {
            while (true) {
                val state = states.poll(20, TimeUnit.SECONDS) ?: error("no state with $what within 20 s")
                if (test(state)) return state
            }
        }
    }

    private fun failure(block: suspend () -> Unit): PalmbidException.Failed =
        assertThrows<PalmbidException.Failed> { runBlocking { block() } }

    /** A project of both companies, both signed in, in phase evaluation. */
    private suspend fun evaluationProject(name: String): String {
        val id = platform.createHallProject(
            name,
            30,
            listOf(FIRST_CODE to FIRST_COMPANY, SECOND_CODE to SECOND_COMPANY),
        )
        first.hallSignIn(PLATFORM, id, PIN)
        second.hallSignIn(PLATFORM, id, PIN)
        for (phase in listOf("decryption", "quote_reading", "quote_confirmation", "evaluation")) {
            platform.moveHall(id, phase)
        }
        return id
    }

    @Test
    fun `a round hides the other bidder's quote until it closes`() = runBlocking {
        val id = evaluationProject("市政道路多轮报价")
        val recorder = Recorder()
        val watch = first.watchHall(PLATFORM, id, recorder)

        assertEquals("hall.no_round_open", failure { first.hallSubmitRoundQuote(PLATFORM, id, 1u, 1u, "100", PIN) }.code)
        platform.openRound(id, 1)
        assertEquals(HallNotice.RoundOpened(1u, 1u, null), recorder.until<HallNotice.RoundOpened>())
        val open = recorder.untilState("an open round") { it.openRounds.isNotEmpty() }
        assertEquals(listOf(HallOpenRound(1u, 1u, null)), open.openRounds)

        val bad = failure { first.hallSubmitRoundQuote(PLATFORM, id, 1u, 1u, "1.234", PIN) }
        assertEquals("hall.invalid_amount", bad.code)
        first.hallSubmitRoundQuote(PLATFORM, id, 1u, 1u, "1000.00", PIN)
        val replaced = first.hallSubmitRoundQuote(PLATFORM, id, 1u, 1u, "980.50", PIN)
        assertEquals("980.50", replaced.amount)
        second.hallSubmitRoundQuote(PLATFORM, id, 1u, 1u, "1200", PIN)

        val seenByFirst = first.hallRounds(PLATFORM, id).single()
        assertTrue(seenByFirst.open)
        assertEquals(listOf(FIRST_CODE to "980.50"), seenByFirst.quotes.map { it.creditCode to it.amount })
        val seenBySecond = second.hallRounds(PLATFORM, id).single()
        assertEquals(listOf(SECOND_CODE), seenBySecond.quotes.map { it.creditCode })

        platform.closeRound(id, 1)
        assertEquals(HallNotice.RoundClosed(1u, 1u), recorder.until<HallNotice.RoundClosed>())
        val late = failure { second.hallSubmitRoundQuote(PLATFORM, id, 1u, 1u, "1100", PIN) }
        assertEquals("hall.round_closed", late.code)

        for (account in listOf(first, second)) {
            val closed = account.hallRounds(PLATFORM, id).single()
            assertEquals(false, closed.open)
            assertEquals(
                setOf(FIRST_CODE to "980.50", SECOND_CODE to "1200"),
                closed.quotes.map { it.creditCode to it.amount }.toSet(),
            )
        }
        watch.stop()
        watch.finished()
        watch.close()
    }

    @Test
    fun `a draw is committed, contributed to, revealed and verified on each phone`() = runBlocking {
        val id = evaluationProject("市政道路抽系数")
        val recorder = Recorder()
        val watch = first.watchHall(PLATFORM, id, recorder)

        assertEquals("hall.no_draw_open", failure { first.hallContributeDraw(PLATFORM, id, PIN) }.code)
        platform.openDraw(id, "0.95,0.96,0.97,0.98")
        assertEquals(HallNotice.DrawOpened(1u), recorder.until<HallNotice.DrawOpened>())
        val published = first.hallDraws(PLATFORM, id).single()
        assertTrue(published.open)
        assertEquals(listOf("0.95", "0.96", "0.97", "0.98"), published.candidates)

        val mine = first.hallContributeDraw(PLATFORM, id, PIN)
        assertEquals(published.commitment, mine.commitment, "the commitment came before the contribution")
        val theirs = second.hallContributeDraw(PLATFORM, id, PIN)
        assertEquals("hall.draw_not_revealed", failure { first.hallVerifyDraw(PLATFORM, id, mine.kept) }.code)

        platform.closeDraw(id)
        val revealed = recorder.until<HallNotice.DrawRevealed>()
        val verified = first.hallVerifyDraw(PLATFORM, id, mine.kept)
        assertEquals(revealed.coefficient, verified.coefficient)
        assertEquals(verified, second.hallVerifyDraw(PLATFORM, id, theirs.kept))
        assertEquals(2u, first.hallDraws(PLATFORM, id).single().contributions)

        // A record whose commitment is not the published one does not verify.
        val forged = mine.kept.replace(mine.commitment, "0".repeat(64))
        val mismatch = failure { first.hallVerifyDraw(PLATFORM, id, forged) }
        assertEquals("hall.draw_seed_mismatch", mismatch.code)
        assertTrue(mismatch.messageZh.contains("承诺值"), mismatch.messageZh)
        assertEquals("ffi.invalid_argument", failure { first.hallVerifyDraw(PLATFORM, id, "{}") }.code)

        watch.stop()
        watch.finished()
        watch.close()
    }

    private companion object {
        const val PLATFORM = "dev"
        const val PIN = "135790"
        const val NAME = "赵六"
        const val FIRST_PHONE = "13800138301"
        const val SECOND_PHONE = "13800138302"
        const val FIRST_COMPANY = "示例路桥有限公司"
        const val SECOND_COMPANY = "另一家建设有限公司"
        const val FIRST_CODE = "91110000802100433B"
        const val SECOND_CODE = "91310000132200821H"

        /** The worked example of GB 11643-1999. */
        const val ID_NUMBER = "11010519491231002X"
    }
}
