package palmbid.app.fakes

import java.util.concurrent.CopyOnWriteArrayList
import palmbid.app.domain.SignatureLog
import palmbid.app.domain.SignatureLogEntry

/** [SignatureLog] over a list, newest first by id. */
class FakeSignatureLog(
    private val control: FakeControl,
    initial: List<SignatureLogEntry> = Samples.signatureLog,
) : SignatureLog {
    val entries: MutableList<SignatureLogEntry> = CopyOnWriteArrayList(initial)

    override suspend fun entries(limit: Int, before: Long?): List<SignatureLogEntry> {
        control.enter("SignatureLog.entries")
        return entries.sortedByDescending { it.id }
            .filter { before == null || it.id < before }
            .take(limit.coerceAtLeast(0))
    }
}
