package palmbid.app.core

import palmbid.app.domain.Downloaded
import palmbid.app.domain.KeyAttestor
import palmbid.app.domain.PickedUp
import palmbid.app.domain.PickupRecord
import palmbid.app.domain.PickupService
import palmbid.app.domain.Pin
import palmbid.app.domain.ScannedPickup
import palmbid.ffi.Account
import palmbid.ffi.pickupAttestationChallenge

/**
 * [PickupService] over the core's `Account`; the caller wipes every [Pin].
 * Each pickup carries [attestor]'s chain over the order's challenge, so the
 * CA sees whether the keys live in secure hardware.
 */
internal class CorePickupService(
    private val account: Account,
    private val attestor: KeyAttestor,
) : PickupService {

    override suspend fun pickUp(scanned: ScannedPickup, newPin: Pin): PickedUp {
        val challenge = ffiCall("PickupService.pickUp") { pickupAttestationChallenge(scanned.pickupId) }
        // An empty chain is sent as "no attestation"; the platform decides
        // whether it accepts an order without one.
        val chain = attestor.attest(challenge)
        return ffiCall("PickupService.pickUp") { account.pickUp(scanned.toFfi(), newPin.reveal(), chain) }.toDomain()
    }

    override suspend fun download(platform: String, pickupId: String, pin: Pin): Downloaded =
        ffiCall("PickupService.download") { account.download(platform, pickupId, pin.reveal()) }.toDomain()

    override suspend fun pickups(): List<PickupRecord> =
        ffiCall("PickupService.pickups") { account.pickups() }.map { it.toDomain() }
}
