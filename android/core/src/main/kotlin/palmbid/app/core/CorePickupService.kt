package palmbid.app.core

import palmbid.app.domain.Downloaded
import palmbid.app.domain.PickedUp
import palmbid.app.domain.PickupRecord
import palmbid.app.domain.PickupService
import palmbid.app.domain.Pin
import palmbid.app.domain.ScannedPickup
import palmbid.ffi.Account

/** [PickupService] over the core's `Account`; the caller wipes every [Pin]. */
internal class CorePickupService(private val account: Account) : PickupService {

    override suspend fun pickUp(scanned: ScannedPickup, newPin: Pin): PickedUp =
        ffiCall("PickupService.pickUp") { account.pickUp(scanned.toFfi(), newPin.reveal()) }.toDomain()

    override suspend fun download(platform: String, pickupId: String, pin: Pin): Downloaded =
        ffiCall("PickupService.download") { account.download(platform, pickupId, pin.reveal()) }.toDomain()

    override suspend fun pickups(): List<PickupRecord> =
        ffiCall("PickupService.pickups") { account.pickups() }.map { it.toDomain() }
}
