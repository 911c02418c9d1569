package palmbid.app.domain

/** A certificate order as the CA handles it. */
enum class OrderState { PENDING, APPROVED, REJECTED, PICKED_UP, ISSUED }

/** A scanned pickup code (证书领取码): the order it names, checked by the core. */
data class ScannedPickup(
    val platform: String,
    val pickupId: String,
    val name: String,
    val phone: String,
    val company: String,
    val creditCode: String,
    val seals: List<SealKind>,
    val state: OrderState,
)

/** After pickup: the issued certificates, kept until the download installs them. */
data class PickedUp(
    val platform: String,
    val pickupId: String,
    val signing: CertificateInfo,
    val encryption: CertificateInfo,
    val chain: List<CertificateInfo>,
    val seals: List<SealImage>,
)

/** Progress of a pickup on this phone. */
enum class PickupState { REQUESTED, RECEIVED, INSTALLED }

data class PickupRecord(val platform: String, val pickupId: String, val state: PickupState)

/** A download (证书下载): the company the platform matched and the installed certificates. */
data class Downloaded(
    val company: String,
    val creditCode: String,
    val certificates: List<StoredCertificate>,
)

/**
 * Certificate pickup and download. Every call may throw [PalmbidFailure].
 */
interface PickupService {
    /**
     * Makes the keys under [newPin], sends their requests with the phone's
     * key attestation, and keeps the issued certificates until [download]
     * installs them.
     */
    suspend fun pickUp(scanned: ScannedPickup, newPin: Pin): PickedUp

    /** Downloads certificates issued for an earlier pickup, unlocking with [pin]. */
    suspend fun download(platform: String, pickupId: String, pin: Pin): Downloaded

    suspend fun pickups(): List<PickupRecord>
}

/**
 * Source of the phone's hardware key attestation, sent with a pickup so the
 * CA sees that the keystore's device key lives in secure hardware.
 */
interface KeyAttestor {
    /**
     * Returns an attestation chain over [challenge] (DER certificates, leaf
     * first), or an empty list when this phone cannot attest.
     */
    suspend fun attest(challenge: ByteArray): List<ByteArray>
}
