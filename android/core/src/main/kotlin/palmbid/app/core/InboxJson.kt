package palmbid.app.core

import java.time.Instant
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.buildJsonArray
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.int
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.long
import kotlinx.serialization.json.put
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

/**
 * The inbox file's JSON, written by hand through the `JsonElement` API (no
 * compiler plugin). Format 1: `{"format":1,"messages":[...]}`; each message
 * `{"id","at","read","kind":{"type":...}}`; times as ISO-8601 instants;
 * enums by their Kotlin names. A message this version cannot read (a newer
 * kind, a damaged entry) is skipped, not fatal.
 */
internal object InboxJson {
    const val FORMAT = 1

    fun encode(messages: List<Message>): JsonObject = buildJsonObject {
        put("format", FORMAT)
        put("messages", buildJsonArray { messages.forEach { add(message(it)) } })
    }

    /** Reads the messages of [root]; throws [IllegalArgumentException] when [root] is not an inbox at all. */
    fun decode(root: JsonElement): List<Message> {
        val messages = root.jsonObject["messages"]?.jsonArray
            ?: throw IllegalArgumentException("no messages array")
        return messages.mapNotNull { runCatching { message(it.jsonObject) }.getOrNull() }
    }

    private fun message(m: Message) = buildJsonObject {
        put("id", m.id)
        put("at", m.at.toString())
        put("read", m.read)
        put("kind", kind(m.kind))
    }

    private fun message(o: JsonObject) = Message(
        id = o.string("id"),
        at = o.instant("at"),
        kind = kind(o.obj("kind")),
        read = o.getValue("read").jsonPrimitive.content.toBooleanStrict(),
    )

    private fun kind(k: MessageKind): JsonObject = when (k) {
        is MessageKind.Hall -> buildJsonObject {
            put("type", "hall")
            put("platform", k.platform)
            put("project_id", k.projectId)
            put("project_name", k.projectName)
            put("notice", notice(k.notice))
        }
        is MessageKind.Renewal -> buildJsonObject {
            put("type", "renewal")
            put("credential_id", k.warning.credentialId)
            put("key_id", k.warning.keyId)
            put("not_after", k.warning.notAfter.toString())
            put("bids", buildJsonArray {
                k.warning.bids.forEach { bid ->
                    add(buildJsonObject {
                        put("project_id", bid.projectId)
                        put("bid_id", bid.bidId)
                        put("deadline", bid.deadline.toString())
                    })
                }
            })
        }
        is MessageKind.Identity -> buildJsonObject {
            put("type", "identity")
            put("platform", k.platform)
            put("state", k.status.state.name)
            put("case_id", k.status.caseId)
            put("name", k.status.name)
            put("reason", k.status.reason)
            put("submitted_at", k.status.submittedAt?.toString())
            put("decided_at", k.status.decidedAt?.toString())
        }
        is MessageKind.Guarantee -> buildJsonObject {
            put("type", "guarantee")
            put("platform", k.platform)
            val c = k.view.code
            put("code", c.code)
            put("project_id", c.projectId)
            put("project_name", c.projectName)
            put("section", c.section)
            put("section_name", c.sectionName)
            put("credit_code", c.creditCode)
            put("company", c.company)
            put("state", k.view.state.name)
            put("institution", k.view.institution)
            put("reason", k.view.reason)
            put("updated_at", k.view.updatedAt?.toString())
        }
    }

    private fun kind(o: JsonObject): MessageKind = when (val type = o.string("type")) {
        "hall" -> MessageKind.Hall(o.string("platform"), o.string("project_id"), o.string("project_name"), notice(o.obj("notice")))
        "renewal" -> MessageKind.Renewal(
            RenewalWarning(
                credentialId = o.string("credential_id"),
                keyId = o.string("key_id"),
                notAfter = o.instant("not_after"),
                bids = o.getValue("bids").jsonArray.map {
                    val bid = it.jsonObject
                    PendingBid(bid.string("project_id"), bid.string("bid_id"), bid.instant("deadline"))
                },
            ),
        )
        "identity" -> MessageKind.Identity(
            o.string("platform"),
            IdentityStatus(
                state = IdentityState.valueOf(o.string("state")),
                caseId = o.stringOrNull("case_id"),
                name = o.stringOrNull("name"),
                reason = o.stringOrNull("reason"),
                submittedAt = o.stringOrNull("submitted_at")?.let(Instant::parse),
                decidedAt = o.stringOrNull("decided_at")?.let(Instant::parse),
            ),
        )
        "guarantee" -> MessageKind.Guarantee(
            o.string("platform"),
            GuaranteeView(
                code = GuaranteeCode(
                    code = o.string("code"),
                    projectId = o.string("project_id"),
                    projectName = o.string("project_name"),
                    section = o.getValue("section").jsonPrimitive.int,
                    sectionName = o.string("section_name"),
                    creditCode = o.string("credit_code"),
                    company = o.string("company"),
                ),
                state = GuaranteeState.valueOf(o.string("state")),
                institution = o.stringOrNull("institution"),
                reason = o.stringOrNull("reason"),
                updatedAt = o.stringOrNull("updated_at")?.let(Instant::parse),
                document = null,
            ),
        )
        else -> throw IllegalArgumentException("unknown message type $type")
    }

    private fun notice(n: HallNotice): JsonObject = when (n) {
        is HallNotice.OpeningSoon -> buildJsonObject {
            put("type", "opening_soon")
            put("minutes", n.minutes)
        }
        is HallNotice.PhaseStarted -> buildJsonObject {
            put("type", "phase_started")
            put("phase", n.phase.name)
        }
        is HallNotice.ChallengeAnswered -> buildJsonObject {
            put("type", "challenge_answered")
            put("challenge_id", n.challengeId)
        }
        is HallNotice.RoundOpened -> buildJsonObject {
            put("type", "round_opened")
            put("section", n.section)
            put("round", n.round)
            put("deadline", n.deadline?.toString())
        }
        is HallNotice.RoundClosed -> buildJsonObject {
            put("type", "round_closed")
            put("section", n.section)
            put("round", n.round)
        }
        is HallNotice.DrawOpened -> buildJsonObject {
            put("type", "draw_opened")
            put("draw", n.draw)
        }
        is HallNotice.DrawRevealed -> buildJsonObject {
            put("type", "draw_revealed")
            put("draw", n.draw)
            put("coefficient", n.coefficient)
        }
    }

    private fun notice(o: JsonObject): HallNotice = when (val type = o.string("type")) {
        "opening_soon" -> HallNotice.OpeningSoon(o.getValue("minutes").jsonPrimitive.long)
        "phase_started" -> HallNotice.PhaseStarted(HallPhase.valueOf(o.string("phase")))
        "challenge_answered" -> HallNotice.ChallengeAnswered(o.string("challenge_id"))
        "round_opened" -> HallNotice.RoundOpened(
            o.int("section"),
            o.int("round"),
            o.stringOrNull("deadline")?.let(Instant::parse),
        )
        "round_closed" -> HallNotice.RoundClosed(o.int("section"), o.int("round"))
        "draw_opened" -> HallNotice.DrawOpened(o.int("draw"))
        "draw_revealed" -> HallNotice.DrawRevealed(o.int("draw"), o.string("coefficient"))
        else -> throw IllegalArgumentException("unknown notice type $type")
    }

    private fun JsonObject.obj(key: String): JsonObject = getValue(key).jsonObject

    private fun JsonObject.string(key: String): String {
        val value = getValue(key).jsonPrimitive
        require(value.isString) { "$key is not a string" }
        return value.content
    }

    private fun JsonObject.stringOrNull(key: String): String? =
        (this[key] ?: JsonNull).let { if (it is JsonNull) null else string(key) }

    private fun JsonObject.int(key: String): Int = getValue(key).jsonPrimitive.int

    private fun JsonObject.instant(key: String): Instant = Instant.parse(string(key))
}
