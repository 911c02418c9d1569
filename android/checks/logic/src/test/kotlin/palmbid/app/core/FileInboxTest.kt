package palmbid.app.core

import java.nio.file.Files
import java.time.Duration
import java.time.Instant
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import palmbid.app.domain.GuaranteeCode
import palmbid.app.domain.GuaranteeState
import palmbid.app.domain.GuaranteeView
import palmbid.app.domain.HallNotice
import palmbid.app.domain.HallPhase
import palmbid.app.domain.IdentityState
import palmbid.app.domain.IdentityStatus
import palmbid.app.domain.Message
import palmbid.app.domain.MessageKind
import palmbid.app.domain.PendingBid
import palmbid.app.domain.RenewalWarning
import palmbid.app.domain.VerifiedGuarantee

class FileInboxTest {
    private val file = Files.createTempDirectory("palmbid-inbox-").resolve("inbox.json")
    private val t0 = Instant.parse("2026-12-05T02:00:00Z")

    private val code = GuaranteeCode("GC-1", "p1", "示范项目", 1, "第一标段", "91110000802100433B", "示范公司")

    private val everyKind = listOf(
        Message("m1", t0, MessageKind.Hall("dev", "p1", "示范项目", HallNotice.PhaseStarted(HallPhase.DECRYPTION)), read = false),
        Message("m2", t0 + Duration.ofMinutes(1), MessageKind.Hall("dev", "p1", "示范项目", HallNotice.RoundOpened(1, 2, t0)), read = true),
        Message("m3", t0 + Duration.ofMinutes(2), MessageKind.Hall("dev", "p1", "示范项目", HallNotice.DrawRevealed(1, "0.97")), read = false),
        Message("m4", t0 + Duration.ofMinutes(3), MessageKind.Hall("dev", "p1", "示范项目", HallNotice.OpeningSoon(15)), read = false),
        Message(
            "m5",
            t0 + Duration.ofMinutes(4),
            MessageKind.Renewal(RenewalWarning("c1", "k1", t0 + Duration.ofDays(20), listOf(PendingBid("p1", "b1", t0 + Duration.ofDays(30))))),
            read = false,
        ),
        Message(
            "m6",
            t0 + Duration.ofMinutes(5),
            MessageKind.Identity("dev", IdentityStatus(IdentityState.REJECTED, "case", "张三", "视频模糊", t0, t0)),
            read = false,
        ),
        Message(
            "m7",
            t0 + Duration.ofMinutes(6),
            MessageKind.Guarantee("dev", GuaranteeView(code, GuaranteeState.ISSUED, "示范银行", null, t0, null)),
            read = false,
        ),
    )

    @Test
    fun `every kind of message survives a restart, newest first`() = runBlocking {
        val inbox = FileInbox.open(file)
        everyKind.forEach { inbox.post(it) }
        val reopened = FileInbox.open(file)

        assertEquals(everyKind.sortedByDescending { it.at }, reopened.messages.value)
        assertEquals(inbox.messages.value, reopened.messages.value)
    }

    @Test
    fun `a repeated id replaces the message, and marking read is kept`() = runBlocking {
        val inbox = FileInbox.open(file)
        inbox.post(everyKind[0])
        inbox.post(everyKind[0].copy(at = t0 + Duration.ofHours(1)))
        inbox.markRead("m1")

        val messages = FileInbox.open(file).messages.value
        assertEquals(1, messages.size)
        assertTrue(messages.single().read)
        assertEquals(t0 + Duration.ofHours(1), messages.single().at)
    }

    @Test
    fun `a guarantee's PDF is not kept in the inbox`() = runBlocking {
        val document = VerifiedGuarantee(byteArrayOf(1, 2, 3), "BH-1", "CN=银行", "ab")
        val inbox = FileInbox.open(file)
        inbox.post(Message("g", t0, MessageKind.Guarantee("dev", GuaranteeView(code, GuaranteeState.ISSUED, null, null, null, document)), false))

        val kept = inbox.messages.value.single().kind as MessageKind.Guarantee
        assertNull(kept.view.document)
    }

    @Test
    fun `the oldest messages go beyond the capacity`() = runBlocking {
        val inbox = FileInbox.open(file, capacity = 3)
        everyKind.forEach { inbox.post(it) }
        assertEquals(listOf("m7", "m6", "m5"), FileInbox.open(file, capacity = 3).messages.value.map { it.id })
    }

    @Test
    fun `a damaged file is set aside and a damaged entry skipped`() = runBlocking {
        Files.writeString(file, "{not json")
        assertTrue(FileInbox.open(file).messages.value.isEmpty())
        assertTrue(Files.exists(file.resolveSibling("inbox.json.corrupt")))

        Files.writeString(
            file,
            """{"format":1,"messages":[{"id":"x","at":"nonsense","read":false,"kind":{"type":"hall"}},""" +
                """{"id":"y","at":"2026-12-05T02:00:00Z","read":true,"kind":{"type":"future_kind"}},""" +
                """{"id":"z","at":"2026-12-05T02:00:00Z","read":true,"kind":{"type":"hall","platform":"dev","project_id":"p","project_name":"n","notice":{"type":"draw_opened","draw":3}}}]}""",
        )
        val messages = FileInbox.open(file).messages.value
        assertEquals(listOf("z"), messages.map { it.id })
        assertEquals(HallNotice.DrawOpened(3), (messages.single().kind as MessageKind.Hall).notice)
    }
}
