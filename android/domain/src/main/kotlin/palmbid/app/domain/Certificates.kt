package palmbid.app.domain

import java.time.Instant

/** Key purpose; the dual-certificate scheme keeps signing and encryption keys apart. */
enum class KeyRole { SIGNING, ENCRYPTION }

/** One X.509 certificate, as the screens show it. */
data class CertificateInfo(
    val subject: String,
    val issuer: String,
    val serialHex: String,
    val notBefore: Instant,
    val notAfter: Instant,
    /** SHA-256 of the DER, hex. */
    val fingerprint: String,
)

/** A private key in the keystore with its certificate. */
data class StoredCertificate(
    /** Pass to sign or decrypt. */
    val keyId: String,
    /** The credential (PIN) protecting the key. */
    val credentialId: String,
    val role: KeyRole,
    val certificate: CertificateInfo,
    /** Issuing chain below the trust anchor, the leaf's issuer first. */
    val chain: List<CertificateInfo>,
)

/** The kinds of seal a certificate order may carry. */
enum class SealKind { PERSONAL, LEGAL_REPRESENTATIVE, COMPANY }

/** A seal image kept on the phone, PNG bytes. */
class SealImage(val kind: SealKind, val png: ByteArray) {
    override fun equals(other: Any?): Boolean =
        other is SealImage && other.kind == kind && other.png.contentEquals(png)

    override fun hashCode(): Int = 31 * kind.hashCode() + png.contentHashCode()

    override fun toString(): String = "SealImage($kind, ${png.size} bytes)"
}

/**
 * One credential as the 我的证书 screen groups it: the signing and the
 * encryption certificate under one PIN, the company and the seals.
 */
data class Credential(
    val credentialId: String,
    /** Company name taken from the signing certificate's subject. */
    val company: String,
    val signing: StoredCertificate?,
    val encryption: StoredCertificate?,
    val seals: List<SealImage>,
    val pin: PinState,
)

/** A bid that still needs a key: deleting or replacing it would lose the bid. */
data class PendingBid(
    val projectId: String,
    val bidId: String,
    val deadline: Instant,
)

/** A certificate close to expiry whose key still has bids to open. */
data class RenewalWarning(
    val credentialId: String,
    val keyId: String,
    val notAfter: Instant,
    val bids: List<PendingBid>,
)

/**
 * The certificates on this phone and their PINs.
 *
 * Every call may throw [PalmbidFailure].
 */
interface CertificateStore {
    /** Every credential, signing certificate first within each. */
    suspend fun credentials(): List<Credential>

    suspend fun pinState(credentialId: String): PinState

    /** Changes the PIN in one step; a wrong [old] costs a try. The caller wipes both. */
    suspend fun changePin(credentialId: String, old: Pin, new: Pin)

    /** Deletes a credential; refused while a bid still needs its key. */
    suspend fun deleteCredential(credentialId: String)

    /** Certificates to renew before bids they must open expire with them. */
    suspend fun renewalWarnings(): List<RenewalWarning>
}
