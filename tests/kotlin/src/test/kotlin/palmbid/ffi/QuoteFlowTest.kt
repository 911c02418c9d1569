package palmbid.ffi

import java.nio.file.Path
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/**
 * Quote reading, quote confirmation, project details and challenges
 * through the bindings against the reference platform as a child process.
 * The agent's phase changes and the answer to a challenge are made on the
 * platform's console, as a browser would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuoteFlowTest {
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

    /** Records states and notices of a watch. */
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
    }

    private fun failure(block: suspend () -> Unit): PalmbidException.Failed =
        assertThrows<PalmbidException.Failed> { runBlocking { block() } }

    @Test
    fun `details, sealed then read quotes, and the confirmation's checks`() = runBlocking {
        val id = platform.createHallProjectWithDetails(
            "图书馆扩建工程",
            30,
            listOf(CREDIT_CODE to COMPANY),
            listOf("code" to "TSG-2026-01", "tenderer" to "某市文化旅游局", "place" to "一号开标室"),
        )

        val details = account.hallProjectDetails(PLATFORM, id)
        assertEquals("TSG-2026-01", details.code)
        assertEquals("某市文化旅游局", details.tenderer)
        assertEquals("一号开标室", details.place)
        assertNull(details.agent)
        assertEquals(HallPhase.SIGN_IN, details.phase)
        assertEquals(1u, details.sections.single().bidders)

        assertEquals("hall.quotes_sealed", failure { account.hallQuotes(PLATFORM, id) }.code)
        platform.moveHall(id, "decryption")
        platform.moveHall(id, "quote_reading")
        val table = account.hallQuotes(PLATFORM, id)
        assertEquals(HallPhase.QUOTE_READING, table.phase)
        val row = table.quotes.single()
        assertEquals(CREDIT_CODE, row.creditCode)
        assertNull(row.bidId, "no bid was uploaded")
        assertNull(row.confirmed, "no confirmation before its phase")

        val early = failure { account.hallCheckConfirmation(PLATFORM, id, "0".repeat(32), "100") }
        assertEquals("hall.not_confirmation_phase", early.code)
        platform.moveHall(id, "quote_confirmation")
        assertEquals(false, account.hallQuotes(PLATFORM, id).quotes.single().confirmed)
        val unknown = failure { account.hallConfirmQuote(PLATFORM, id, "0".repeat(32), "100", PIN) }
        assertEquals("hall.bid_not_found", unknown.code)
    }

    @Test
    fun `a challenge is signed, refused when the file is not a document, and its answer arrives`() = runBlocking {
        val id = platform.createHallProject("游泳馆工程", 30, listOf(CREDIT_CODE to COMPANY))
        val recorder = Recorder()
        val watch = account.watchHall(PLATFORM, id, recorder)

        val zip = HallAttachment("证据.pdf", byteArrayOf(0x50, 0x4B, 0x03, 0x04, 0x00))
        val refused = failure { account.hallSubmitChallenge(PLATFORM, id, "资格条件", listOf(zip), PIN) }
        assertEquals("hall.attachment_type", refused.code)
        assertEquals("hall.challenge_empty", failure { account.hallSubmitChallenge(PLATFORM, id, " ", emptyList(), PIN) }.code)

        val pdf = HallAttachment("说明.pdf", "%PDF-1.7\n% evidence\n".toByteArray())
        val challenge = account.hallSubmitChallenge(PLATFORM, id, "业绩要求过高，请说明依据。", listOf(pdf), PIN)
        assertEquals("业绩要求过高，请说明依据。", challenge.text)
        assertEquals("pdf", challenge.attachments.single().kind)
        assertNull(challenge.answer)

        platform.answerChallenge(id, challenge.id, "依据招标文件第二章。")
        val notice = generateSequence { recorder.notices.poll(20, TimeUnit.SECONDS) ?: error("no notice within 20 s") }
            .first { it is HallNotice.ChallengeAnswered }
        assertEquals(HallNotice.ChallengeAnswered(challenge.id), notice)

        val answered = account.hallChallenges(PLATFORM, id).single()
        assertEquals("依据招标文件第二章。", answered.answer)
        assertTrue(answered.answeredAt != null)

        watch.stop()
        val last = watch.finished()
        assertEquals(listOf(challenge.id), last.answeredChallenges)
        watch.close()
    }

    private companion object {
        const val PLATFORM = "dev"
        const val PHONE = "13800138203"
        const val PIN = "135790"
        const val NAME = "赵六"
        const val COMPANY = "示例建工有限公司"
        const val CREDIT_CODE = "91110000802100433B"

        /** The worked example of GB 11643-1999. */
        const val ID_NUMBER = "11010519491231002X"
    }
}
