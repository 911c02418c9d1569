package palmbid.app.core

import java.nio.file.Path
import palmbid.app.domain.KeyAttestor
import palmbid.app.domain.PalmbidServices
import palmbid.ffi.Account
import palmbid.ffi.KdfParams
import palmbid.ffi.Keystore

/**
 * The core opened once for the app's life: one `Keystore` and one `Account`
 * over the keystore home, and every port built on them. The app builds it
 * at start and hands [services] to the presenters; [close] frees the
 * native objects (the app never needs to: the process ends with them).
 *
 * Files under `home`: the keystore's database (the core's), and `app/`
 * with the settings and the inbox.
 */
class PalmbidCore private constructor(
    private val keystore: Keystore,
    private val account: Account,
    /** Every port, for the presenters. */
    val services: PalmbidServices,
) : AutoCloseable {

    override fun close() {
        account.close()
        keystore.close()
    }

    companion object {
        /**
         * Opens (creating on first start) the keystore in [home], its device
         * secret sealed by [deviceBinding], and builds the ports. Pickups send
         * [attestor]'s chain; [NoKeyAttestation] sends none.
         *
         * @throws palmbid.app.domain.PalmbidFailure when the keystore cannot
         *   open, for example `keystore.device_binding` after the hardware
         *   key was lost.
         */
        suspend fun open(
            home: Path,
            deviceBinding: DeviceBinding,
            attestor: KeyAttestor = NoKeyAttestation,
        ): PalmbidCore = openWith(home, attestor) {
            Keystore.open(home.toString(), ForeignDeviceBinding(deviceBinding))
        }

        /**
         * As [open], with a cheap Argon2id for keys wrapped from now on. Tests
         * only: [open]'s cost is what protects a stolen database.
         */
        suspend fun openForTesting(
            home: Path,
            deviceBinding: DeviceBinding,
            attestor: KeyAttestor = NoKeyAttestation,
        ): PalmbidCore = openWith(home, attestor) {
            Keystore.openForTesting(home.toString(), ForeignDeviceBinding(deviceBinding), TEST_KDF)
        }

        private val TEST_KDF = KdfParams(mCostKib = 256u, tCost = 1u, pCost = 1u)

        private suspend fun openWith(
            home: Path,
            attestor: KeyAttestor,
            openKeystore: suspend () -> Keystore,
        ): PalmbidCore {
            val keystore = ffiCall("PalmbidCore.open") { openKeystore() }
            val account = try {
                ffiCall("PalmbidCore.open") { Account.open(keystore) }
            } catch (e: Exception) {
                keystore.close()
                throw e
            }
            val appFiles = home.resolve("app")
            val services = try {
                PalmbidServices(
                    certificates = CoreCertificateStore(keystore, sealSource(account)),
                    accounts = CoreAccountService(account),
                    pickup = CorePickupService(account, attestor),
                    scan = CoreScanService(account),
                    hall = CoreHallService(account),
                    guarantees = CoreGuaranteeService(account),
                    signatureLog = signatureLog(keystore),
                    settings = FileSettingsStore.open(appFiles.resolve("settings.properties")),
                    inbox = FileInbox.open(appFiles.resolve("inbox.json")),
                )
            } catch (e: Exception) {
                account.close()
                keystore.close()
                throw e
            }
            return PalmbidCore(keystore, account, services)
        }
    }
}

/** The attestor of a phone without hardware key attestation (and of iOS-like hosts): sends no chain. */
object NoKeyAttestation : KeyAttestor {
    override suspend fun attest(challenge: ByteArray): List<ByteArray> = emptyList()
}
