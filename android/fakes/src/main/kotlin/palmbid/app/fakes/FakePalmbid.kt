package palmbid.app.fakes

import palmbid.app.domain.PalmbidServices

/**
 * Every fake, wired together and filled with [Samples]: the sample platform
 * trusted and logged in (unless [loggedIn] is false), the sample credential
 * installed under [Samples.PIN] (unless [withCertificate] is false), and the
 * two sample hall projects. Deterministic: the same calls give the same
 * results; time moves only with [control]'s clock.
 */
class FakePalmbid(
    val control: FakeControl = FakeControl(),
    withCertificate: Boolean = true,
    loggedIn: Boolean = true,
) {
    val pins = FakePins()
    val certificates = FakeCertificateStore(control, pins)
    val accounts = FakeAccountService(control)
    val pickup = FakePickupService(control, certificates)
    val scan = FakeScanService(control, pins)
    val hall = FakeHallService(control, pins)
    val guarantees = FakeGuaranteeService(control, pins)
    val signatureLog = FakeSignatureLog(control)
    val settings = FakeSettingsStore(control)
    val inbox = FakeInbox(control)

    val services = PalmbidServices(
        certificates = certificates,
        accounts = accounts,
        pickup = pickup,
        scan = scan,
        hall = hall,
        guarantees = guarantees,
        signatureLog = signatureLog,
        settings = settings,
        inbox = inbox,
    )

    init {
        accounts.trust(Samples.platform)
        if (loggedIn) accounts.logIn(Samples.PLATFORM)
        if (withCertificate) {
            certificates.install(Samples.COMPANY, listOf(Samples.signing, Samples.encryption), Samples.seals, Samples.PIN)
        }
        hall.add(Samples.PLATFORM, Samples.projectSignIn)
        hall.add(Samples.PLATFORM, Samples.projectLater)
    }
}
