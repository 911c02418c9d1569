package palmbid.app.fakes

import java.util.concurrent.CopyOnWriteArrayList
import palmbid.app.domain.CertificateStore
import palmbid.app.domain.Credential
import palmbid.app.domain.Pin
import palmbid.app.domain.PinState
import palmbid.app.domain.RenewalWarning
import palmbid.app.domain.SealImage
import palmbid.app.domain.StoredCertificate

/** [CertificateStore] in memory; PINs are counted by [pins]. */
class FakeCertificateStore(
    private val control: FakeControl,
    val pins: FakePins,
) : CertificateStore {
    private class Installed(val company: String, val certificates: List<StoredCertificate>, val seals: List<SealImage>)

    private val installed = linkedMapOf<String, Installed>()

    /** Warnings [renewalWarnings] returns. */
    val warnings: MutableList<RenewalWarning> = CopyOnWriteArrayList()

    /** Credentials whose deletion is refused because a bid still needs the key. */
    val neededByBids: MutableSet<String> = java.util.concurrent.ConcurrentHashMap.newKeySet()

    /** Installs a credential under [pin] (digits), as a pickup does. */
    fun install(company: String, certificates: List<StoredCertificate>, seals: List<SealImage>, pin: String) {
        val credentialId = certificates.first().credentialId
        synchronized(installed) { installed[credentialId] = Installed(company, certificates, seals) }
        pins.register(credentialId, pin)
    }

    /** Lists every installed certificate, for fakes that sign with one. */
    fun certificates(): List<StoredCertificate> = synchronized(installed) { installed.values.flatMap { it.certificates } }

    override suspend fun credentials(): List<Credential> {
        control.enter("CertificateStore.credentials")
        return synchronized(installed) { installed.toList() }.map { (id, entry) ->
            Credential(
                credentialId = id,
                company = entry.company,
                signing = entry.certificates.firstOrNull { it.role == palmbid.app.domain.KeyRole.SIGNING },
                encryption = entry.certificates.firstOrNull { it.role == palmbid.app.domain.KeyRole.ENCRYPTION },
                seals = entry.seals,
                pin = pins.state(id),
            )
        }
    }

    override suspend fun pinState(credentialId: String): PinState {
        control.enter("CertificateStore.pinState")
        return pins.state(credentialId)
    }

    override suspend fun changePin(credentialId: String, old: Pin, new: Pin) {
        control.enter("CertificateStore.changePin")
        pins.change(credentialId, old, new)
    }

    override suspend fun deleteCredential(credentialId: String) {
        control.enter("CertificateStore.deleteCredential")
        if (credentialId in neededByBids) {
            throw Failures.of(
                "keystore.key_needed_by_bids",
                "该证书的密钥还要用于解密未开标的投标文件，暂不能删除",
                "a bid not yet opened still needs this certificate's key; it cannot be deleted yet",
            )
        }
        synchronized(installed) { installed.remove(credentialId) }
        pins.remove(credentialId)
    }

    override suspend fun renewalWarnings(): List<RenewalWarning> {
        control.enter("CertificateStore.renewalWarnings")
        return warnings.toList()
    }
}
