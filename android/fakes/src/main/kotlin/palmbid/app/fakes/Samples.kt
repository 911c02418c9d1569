package palmbid.app.fakes

import java.time.Duration
import java.time.Instant
import palmbid.app.domain.CertificateInfo
import palmbid.app.domain.DocumentInfo
import palmbid.app.domain.GuaranteeInstitution
import palmbid.app.domain.GuaranteeProject
import palmbid.app.domain.GuaranteeSection
import palmbid.app.domain.HallBid
import palmbid.app.domain.HallPhase
import palmbid.app.domain.HallProgress
import palmbid.app.domain.HallProject
import palmbid.app.domain.InstitutionKind
import palmbid.app.domain.KeyRole
import palmbid.app.domain.KeyUseOutcome
import palmbid.app.domain.Platform
import palmbid.app.domain.QrKind
import palmbid.app.domain.QrRequestDetails
import palmbid.app.domain.Requester
import palmbid.app.domain.RequesterKind
import palmbid.app.domain.ScannedPickup
import palmbid.app.domain.SealImage
import palmbid.app.domain.SealKind
import palmbid.app.domain.OrderState
import palmbid.app.domain.SignatureLogEntry
import palmbid.app.domain.SignatureOperation
import palmbid.app.domain.StoredCertificate

/**
 * Fixed sample data for the fakes, the presenter tests and the screens'
 * sample states: one platform, one company with its certificate pair, two
 * hall projects, one of each QR kind. Every value is made up; addresses use
 * the reserved `example` names.
 */
object Samples {
    /** The fakes' "now" unless a test moves it: 2026-12-05 10:00 in Beijing. */
    val NOW: Instant = Instant.parse("2026-12-05T02:00:00Z")

    const val PLATFORM = "示范交易平台"
    const val PHONE = "13800138000"
    const val SMS_CODE = "246810"
    const val PIN = "135790"
    const val NAME = "张三"
    const val COMPANY = "示范建设工程有限公司"
    const val CREDIT_CODE = "91310000MA1FL0000X"
    const val CREDENTIAL = "cred-0001"

    val root = certificate("CN=示范 CA 根证书,O=示范数字认证", "CN=示范 CA 根证书,O=示范数字认证", "01", days = 3650)

    val platform = Platform(PLATFORM, "https://platform.example/", root, NOW - Duration.ofDays(30))

    val signing = StoredCertificate(
        keyId = "key-sign-0001",
        credentialId = CREDENTIAL,
        role = KeyRole.SIGNING,
        certificate = certificate("CN=$NAME,O=$COMPANY,C=CN", root.subject, "5a01", days = 365),
        chain = listOf(root),
    )

    val encryption = signing.copy(
        keyId = "key-enc-0001",
        role = KeyRole.ENCRYPTION,
        certificate = certificate("CN=$NAME,O=$COMPANY,C=CN", root.subject, "5a02", days = 365),
    )

    /** A valid 1x1 red PNG: enough for a screen to draw a seal. */
    val sealPng: ByteArray =
        java.util.Base64.getDecoder().decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGM4ICPzHwAEkAH489UPrwAAAABJRU5ErkJggg==")

    val seals = listOf(SealImage(SealKind.PERSONAL, sealPng), SealImage(SealKind.COMPANY, sealPng))

    val pickup = ScannedPickup(
        platform = PLATFORM,
        pickupId = "pickup-0001",
        name = NAME,
        phone = PHONE,
        company = COMPANY,
        creditCode = CREDIT_CODE,
        seals = listOf(SealKind.PERSONAL, SealKind.COMPANY),
        state = OrderState.APPROVED,
    )

    /** A project in sign-in, opening in 30 minutes. */
    val projectSignIn = HallProject(
        id = "proj-0001",
        name = "示范市第一中学教学楼改造工程",
        sections = listOf("第一标段"),
        openingAt = NOW + Duration.ofMinutes(30),
        phase = HallPhase.SIGN_IN,
    )

    /** A project opening tomorrow. */
    val projectLater = HallProject(
        id = "proj-0002",
        name = "示范区道路照明设备采购",
        sections = listOf("第一标段", "第二标段"),
        openingAt = NOW + Duration.ofDays(1),
        phase = HallPhase.NOT_OPEN,
    )

    val progress = HallProgress(bidders = 5, signedIn = 2, decrypted = 0, confirmed = 0)

    fun bid(projectId: String) = HallBid(
        bidId = "bid-$projectId",
        section = 1,
        size = 8_388_608,
        uploadedAt = NOW - Duration.ofDays(2),
        recipients = listOf(encryption.certificate.fingerprint),
        check = null,
        decrypted = false,
        quote = null,
    )

    /** The quote the sample bid states, yuan. */
    const val QUOTE = "12345678.00"

    val portal = Requester(RequesterKind.PORTAL, "示范交易平台门户", "portal", "203.0.113.10")
    val toolbox = Requester(RequesterKind.TOOLBOX, "投标工具箱", "DESKTOP-01", "198.51.100.7")

    val document = DocumentInfo("投标文件.pdf", "9f".repeat(32), 1_048_576)

    /** The number the desktop shows for login matching, among [NUMBER_CHOICES]. */
    const val MATCH_NUMBER = 47
    val NUMBER_CHOICES = listOf(12, 47, 85)

    /** Seconds a scanned request has to be answered, as the platform gives. */
    const val ANSWER_SECONDS = 180L

    /** Builds a request of [kind], created at [now], answerable for [ANSWER_SECONDS]. */
    fun request(kind: QrKind, id: String = "req-${kind.name.lowercase()}", now: Instant = NOW) = QrRequestDetails(
        platform = PLATFORM,
        requestId = id,
        kind = kind,
        requester = if (kind == QrKind.LOGIN) portal else toolbox,
        document = if (kind == QrKind.SIGN || kind == QrKind.SEAL || kind == QrKind.DECRYPT) document else null,
        signer = signing,
        encryption = if (kind == QrKind.DECRYPT || kind == QrKind.ENCRYPTION_CERTIFICATE) encryption else null,
        seals = if (kind == QrKind.SEAL) seals else emptyList(),
        numberChoices = if (kind == QrKind.LOGIN) NUMBER_CHOICES else emptyList(),
        createdAt = now,
        answerBy = now + Duration.ofSeconds(ANSWER_SECONDS),
    )

    /** Returns the scanned text of the sample request of [kind]: `https://platform.example/q/<id>`. */
    fun qrText(kind: QrKind) = "https://platform.example/q/req-${kind.name.lowercase()}"

    const val PICKUP_TEXT = "https://platform.example/p/pickup-0001"

    val guaranteeProject = GuaranteeProject("proj-0002", projectLater.name, projectLater.openingAt)
    val guaranteeSections = listOf(
        GuaranteeSection(1, "第一标段", CREDIT_CODE),
        GuaranteeSection(2, "第二标段", null),
    )
    val institutions = listOf(
        GuaranteeInstitution("inst-bank", "示范银行", InstitutionKind.BANK, feeRateBp = 50, development = true),
        GuaranteeInstitution("inst-ins", "示范保险", InstitutionKind.INSURER, feeRateBp = 80, development = true),
    )

    /** Newest first by id: a refused QR login, a PIN change, uses by a hall and the toolbox. */
    val signatureLog: List<SignatureLogEntry> = listOf(
        logEntry(5, NOW - Duration.ofMinutes(5), SignatureOperation.HALL_SIGN_IN, project = projectSignIn.name),
        logEntry(4, NOW - Duration.ofHours(1), SignatureOperation.PIN_CHANGE, role = null),
        logEntry(3, NOW - Duration.ofHours(3), SignatureOperation.QR_SIGN, requester = toolbox.name, document = document),
        logEntry(2, NOW - Duration.ofDays(1), SignatureOperation.QR_LOGIN, requester = portal.name, outcome = KeyUseOutcome.LOCKED),
        logEntry(1, NOW - Duration.ofDays(1) - Duration.ofMinutes(1), SignatureOperation.QR_LOGIN, requester = portal.name, outcome = KeyUseOutcome.WRONG_PIN),
    )

    private fun logEntry(
        id: Long,
        at: Instant,
        operation: SignatureOperation,
        role: KeyRole? = KeyRole.SIGNING,
        requester: String? = null,
        project: String? = null,
        document: DocumentInfo? = null,
        outcome: KeyUseOutcome = KeyUseOutcome.USED,
    ) = SignatureLogEntry(
        id = id,
        at = at,
        operation = operation,
        operationName = operation.name.lowercase(),
        credentialId = signing.credentialId,
        keyId = role?.let { signing.keyId },
        role = role,
        certificateSerial = role?.let { signing.certificate.serialHex },
        platform = PLATFORM,
        requester = requester,
        project = project,
        documentName = document?.name,
        documentSha256 = document?.sha256Hex,
        outcome = outcome,
    )

    private fun certificate(subject: String, issuer: String, serial: String, days: Long) = CertificateInfo(
        subject = subject,
        issuer = issuer,
        serialHex = serial,
        notBefore = NOW - Duration.ofDays(10),
        notAfter = NOW + Duration.ofDays(days - 10),
        fingerprint = serial.padStart(64, '0'),
    )
}
