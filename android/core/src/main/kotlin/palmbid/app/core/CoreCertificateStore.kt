package palmbid.app.core

import palmbid.app.domain.CertificateStore
import palmbid.app.domain.Credential
import palmbid.app.domain.KeyRole
import palmbid.app.domain.Pin
import palmbid.app.domain.PinState
import palmbid.app.domain.RenewalWarning
import palmbid.app.domain.SealImage
import palmbid.app.domain.StoredCertificate
import palmbid.ffi.Keystore

/**
 * [CertificateStore] over the core's `Keystore`. PINs are revealed only as
 * the argument of the FFI call; the caller wipes them afterwards.
 */
internal class CoreCertificateStore(
    private val keystore: Keystore,
    /** Seal images by credential id, read once a listing; see [sealSource]. */
    private val seals: suspend () -> Map<String, List<SealImage>>,
) : CertificateStore {

    override suspend fun credentials(): List<Credential> {
        val records = ffiCall("CertificateStore.credentials") { keystore.certificates() }.map { it.toDomain() }
        val sealsById = seals()
        return records.groupBy { it.credentialId }.map { (credentialId, certificates) ->
            val signing = certificates.firstOrNull { it.role == KeyRole.SIGNING }
            val encryption = certificates.firstOrNull { it.role == KeyRole.ENCRYPTION }
            val subject = (signing ?: encryption)?.certificate?.subject.orEmpty()
            Credential(
                credentialId = credentialId,
                company = organizationOf(subject) ?: subject,
                signing = signing,
                encryption = encryption,
                seals = sealsById[credentialId].orEmpty(),
                pin = pinState(credentialId),
            )
        }
    }

    override suspend fun pinState(credentialId: String): PinState =
        ffiCall("CertificateStore.pinState") { keystore.pinStatus(credentialId) }.toDomain()

    override suspend fun changePin(credentialId: String, old: Pin, new: Pin) {
        ffiCall("CertificateStore.changePin") { keystore.changePin(credentialId, old.reveal(), new.reveal()) }
    }

    override suspend fun deleteCredential(credentialId: String) {
        ffiCall("CertificateStore.deleteCredential") { keystore.deleteCredential(credentialId) }
    }

    /**
     * Returns the core's warnings with the expiry of each key's certificate.
     * The core names only the key, so the expiry comes from the certificate list.
     */
    override suspend fun renewalWarnings(): List<RenewalWarning> {
        val warnings = ffiCall("CertificateStore.renewalWarnings") { keystore.renewalWarnings() }
        if (warnings.isEmpty()) return emptyList()
        val byKey: Map<String, StoredCertificate> =
            ffiCall("CertificateStore.certificates") { keystore.certificates() }
                .map { it.toDomain() }
                .associateBy { it.keyId }
        return warnings.mapNotNull { warning ->
            // A key deleted between the two calls has nothing left to renew.
            val certificate = byKey[warning.keyId] ?: return@mapNotNull null
            RenewalWarning(
                credentialId = warning.credentialId,
                keyId = warning.keyId,
                notAfter = certificate.certificate.notAfter,
                bids = warning.bids.map { it.toDomain() },
            )
        }
    }
}

/**
 * Returns the organization (`O=`) of an RFC 4514 distinguished name as the core
 * prints it, with `\`-escapes undone; null when it has none.
 */
internal fun organizationOf(subject: String): String? {
    val attributes = mutableListOf<String>()
    val current = StringBuilder()
    var escaped = false
    for (c in subject) {
        when {
            escaped -> {
                current.append(c)
                escaped = false
            }
            c == '\\' -> escaped = true
            c == ',' || c == '+' -> {
                attributes += current.toString()
                current.clear()
            }
            else -> current.append(c)
        }
    }
    attributes += current.toString()
    return attributes.map { it.trim() }
        .firstOrNull { it.startsWith("O=") }
        ?.removePrefix("O=")
        ?.takeIf { it.isNotEmpty() }
}
