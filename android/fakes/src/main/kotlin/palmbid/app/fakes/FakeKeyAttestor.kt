package palmbid.app.fakes

import palmbid.app.domain.KeyAttestor

/**
 * [KeyAttestor] in memory: returns [chain] (empty by default, as on a phone
 * that cannot attest) and keeps the challenges it was given.
 */
class FakeKeyAttestor(
    private val control: FakeControl,
    /** DER certificates to return, leaf first. */
    var chain: List<ByteArray> = emptyList(),
) : KeyAttestor {
    /** Every challenge passed to [attest], in order. */
    val challenges: MutableList<ByteArray> = java.util.concurrent.CopyOnWriteArrayList()

    override suspend fun attest(challenge: ByteArray): List<ByteArray> {
        control.enter("KeyAttestor.attest")
        challenges += challenge.copyOf()
        return chain
    }
}
