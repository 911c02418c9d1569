package palmbid.app.ui.samples

import java.time.Duration
import java.time.Instant
import palmbid.app.domain.CertificateInfo
import palmbid.app.domain.Credential
import palmbid.app.domain.HallPhase
import palmbid.app.domain.HallProgress
import palmbid.app.domain.HallProject
import palmbid.app.domain.KeyRole
import palmbid.app.domain.PendingBid
import palmbid.app.domain.PinState
import palmbid.app.domain.RenewalWarning
import palmbid.app.domain.SealImage
import palmbid.app.domain.SealKind
import palmbid.app.domain.StoredCertificate
import palmbid.app.presentation.common.ShownError

/**
 * Values the sample states share: one company, its dual certificates and
 * one project, at a fixed moment (09:30 Beijing time), so every rendering
 * of a sample is the same picture.
 */
object SampleData {
    val now: Instant = Instant.parse("2026-12-05T01:30:00Z")

    fun minutes(n: Long): Instant = now.plus(Duration.ofMinutes(n))

    fun days(n: Long): Instant = now.plus(Duration.ofDays(n))

    const val COMPANY = "杭州青禾建设工程有限公司"
    const val CREDIT_CODE = "91330106MA2H3K7Q5X"
    const val PLATFORM = "浙江省公共资源交易平台"

    private val caInfo = CertificateInfo(
        subject = "CN=Palmbid Reference CA, O=Palmbid",
        issuer = "CN=Palmbid Root, O=Palmbid",
        serialHex = "01",
        notBefore = days(-400),
        notAfter = days(3000),
        fingerprint = "3b8a0c4e9f21d7a65c0e4b1f8d92a7c3e5f60b1d2a9c8e7f4b3a2d1c0e9f8a7b",
    )

    private fun info(serial: String, notAfter: Instant) = CertificateInfo(
        subject = "CN=$COMPANY, O=$COMPANY, 2.5.4.97=$CREDIT_CODE",
        issuer = "CN=Palmbid Reference CA, O=Palmbid",
        serialHex = serial,
        notBefore = days(-30),
        notAfter = notAfter,
        fingerprint = "a41f09c2e87d3b56f0e1c9a8b7d6e5f4c3b2a1908f7e6d5c4b3a29180f7e6d5c",
    )

    val signing = StoredCertificate("key-sign-1", "cred-1", KeyRole.SIGNING, info("5A3F9C01D2", days(335)), listOf(caInfo))
    val encryption = StoredCertificate("key-enc-1", "cred-1", KeyRole.ENCRYPTION, info("5A3F9C01D3", days(335)), listOf(caInfo))

    /** A one-byte PNG stand-in: the screens show the seal's kind, not the image. */
    val seals = listOf(SealImage(SealKind.COMPANY, byteArrayOf(1)), SealImage(SealKind.LEGAL_REPRESENTATIVE, byteArrayOf(2)))

    val credential = Credential(
        credentialId = "cred-1",
        company = COMPANY,
        signing = signing,
        encryption = encryption,
        seals = seals,
        pin = PinState(failedAttempts = 0, triesLeft = 6, locked = false),
    )

    val credentialTwoTries = credential.copy(pin = PinState(failedAttempts = 4, triesLeft = 2, locked = false))

    val credentialLocked = credential.copy(
        credentialId = "cred-2",
        company = "宁波海岳机电设备有限公司",
        pin = PinState(failedAttempts = 6, triesLeft = 0, locked = true),
    )

    val renewal = RenewalWarning(
        credentialId = "cred-1",
        keyId = "key-enc-1",
        notAfter = days(20),
        bids = listOf(PendingBid("P-2026-118", "bid-1", days(12)), PendingBid("P-2026-121", "bid-2", days(16))),
    )

    val project = HallProject(
        id = "P-2026-118",
        name = "杭州市西湖区三墩镇农居安置房项目施工总承包",
        sections = listOf("一标段：土建工程", "二标段：安装工程"),
        openingAt = minutes(30),
        phase = HallPhase.SIGN_IN,
    )

    val projects = listOf(
        project,
        HallProject("P-2026-121", "余杭区良渚街道道路提升改造工程", listOf("施工"), days(3), HallPhase.NOT_OPEN),
        HallProject("P-2026-097", "萧山区中小学教学设备采购", listOf("一包：实验设备", "二包：多媒体设备"), days(-2), HallPhase.CLOSED),
    )

    val progress = HallProgress(bidders = 9, signedIn = 7, decrypted = 0, confirmed = 0)

    val networkError = ShownError(
        code = "api.unreachable",
        messageZh = "无法连接交易平台 https://ggzy.example.cn：连接超时。请检查网络后重试。",
        messageEn = "Cannot reach the platform https://ggzy.example.cn: the connection timed out. Check the network and try again.",
    )

    val wrongPin = ShownError(
        code = "keystore.pin_incorrect",
        messageZh = "PIN 码错误，还可尝试 2 次；6 次错误后证书将被锁定。",
        messageEn = "Wrong PIN; 2 tries left. The certificate locks after 6 wrong PINs.",
    )

    val locked = ShownError(
        code = "keystore.locked",
        messageZh = "PIN 码连续错误 6 次，证书已锁定。请在数字证书办理平台重新办理。",
        messageEn = "6 wrong PINs in a row: the certificate is locked. Order a new one from the CA.",
    )
}
