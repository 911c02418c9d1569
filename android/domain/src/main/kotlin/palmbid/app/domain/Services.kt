package palmbid.app.domain

/** Every port the presenters use, built once by the app (or by a test from fakes). */
data class PalmbidServices(
    val certificates: CertificateStore,
    val accounts: AccountService,
    val pickup: PickupService,
    val scan: ScanService,
    val hall: HallService,
    val guarantees: GuaranteeService,
    val signatureLog: SignatureLog,
    val settings: SettingsStore,
    val inbox: Inbox,
)
