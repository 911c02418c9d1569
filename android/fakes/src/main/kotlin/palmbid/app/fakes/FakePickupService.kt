package palmbid.app.fakes

import java.util.concurrent.CopyOnWriteArrayList
import palmbid.app.domain.Downloaded
import palmbid.app.domain.PickedUp
import palmbid.app.domain.PickupRecord
import palmbid.app.domain.PickupService
import palmbid.app.domain.PickupState
import palmbid.app.domain.Pin
import palmbid.app.domain.ScannedPickup
import palmbid.app.domain.SealImage

/**
 * [PickupService] in memory: a pickup installs the sample certificate pair
 * into [certificates] under the new PIN, with the seals the order names.
 */
class FakePickupService(
    private val control: FakeControl,
    private val certificates: FakeCertificateStore,
) : PickupService {
    private val records: MutableList<PickupRecord> = CopyOnWriteArrayList()

    override suspend fun pickUp(scanned: ScannedPickup, newPin: Pin): PickedUp {
        control.enter("PickupService.pickUp")
        checkNewPin(newPin)
        if (records.any { it.pickupId == scanned.pickupId }) {
            throw Failures.of("account.nothing_picked_up", "该领取码已使用；请在证书列表查看", "this pickup code was used already; see the certificate list")
        }
        val seals = scanned.seals.map { SealImage(it, Samples.sealPng) }
        certificates.install(scanned.company, listOf(Samples.signing, Samples.encryption), seals, newPin.reveal())
        records += PickupRecord(scanned.platform, scanned.pickupId, PickupState.INSTALLED)
        return PickedUp(
            platform = scanned.platform,
            pickupId = scanned.pickupId,
            signing = Samples.signing.certificate,
            encryption = Samples.encryption.certificate,
            chain = Samples.signing.chain,
            seals = seals,
        )
    }

    override suspend fun download(platform: String, pickupId: String, pin: Pin): Downloaded {
        control.enter("PickupService.download")
        val record = records.firstOrNull { it.platform == platform && it.pickupId == pickupId }
            ?: throw Failures.of("account.nothing_picked_up", "没有领取码为 $pickupId 的证书；请先扫码领取", "nothing was picked up with code $pickupId; scan the pickup code first")
        certificates.pins.verify(Samples.CREDENTIAL, pin)
        return Downloaded(Samples.COMPANY, Samples.CREDIT_CODE, certificates.certificates())
            .also { records[records.indexOf(record)] = record.copy(state = PickupState.INSTALLED) }
    }

    override suspend fun pickups(): List<PickupRecord> {
        control.enter("PickupService.pickups")
        return records.toList()
    }

    /** Applies the core's rules for a new PIN: 6 digits or more, not all equal, not a run. */
    private fun checkNewPin(pin: Pin) {
        val digits = pin.reveal()
        val steps = digits.zipWithNext { a, b -> b - a }.toSet()
        when {
            digits.length < Pin.MIN_LENGTH ->
                throw Failures.of("keystore.pin_too_short", "PIN 码至少 6 位", "a PIN has at least 6 digits")
            steps == setOf(0) ->
                throw Failures.of("keystore.pin_all_same", "PIN 码不能全部相同", "a PIN cannot repeat one digit")
            steps == setOf(1) ->
                throw Failures.of("keystore.pin_ascending", "PIN 码不能是连续递增的数字", "a PIN cannot be ascending digits")
            steps == setOf(-1) ->
                throw Failures.of("keystore.pin_descending", "PIN 码不能是连续递减的数字", "a PIN cannot be descending digits")
        }
    }
}
