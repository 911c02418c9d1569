package palmbid.ffi

import java.nio.file.Files
import java.nio.file.Path
import kotlinx.coroutines.runBlocking
import org.bouncycastle.cert.X509CertificateHolder
import org.bouncycastle.cms.CMSProcessableFile
import org.bouncycastle.cms.CMSSignedData
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder
import org.bouncycastle.jce.provider.BouncyCastleProvider
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/**
 * The phone's account and pickup calls through the bindings, against the
 * real reference platform (`palmbid-platform`, a child process on
 * loopback), with the CA operator's console driven by form posts. Each test
 * logs in with its own phone number: the platform sends one code a minute
 * to a number.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountFlowTest {
    private val bc = BouncyCastleProvider()

    private lateinit var platform: TestPlatform
    private lateinit var home: Path
    private lateinit var keystore: Keystore
    private lateinit var account: Account

    @BeforeAll
    fun startPlatform() {
        platform = TestPlatform.start()
    }

    @AfterAll
    fun stopPlatform() {
        if (::platform.isInitialized) platform.close()
    }

    @BeforeEach
    fun open() = runBlocking {
        home = tempHome()
        keystore = Keystore.openForTesting(home.toString(), AesGcmDeviceBinding(), TEST_KDF)
        account = Account.open(keystore)
    }

    @AfterEach
    fun close() {
        account.close()
        keystore.close()
    }

    /** Trusts the platform as `dev` and logs [phone] in with the SMS code. */
    private suspend fun logIn(phone: String): Session {
        account.addPlatform(PLATFORM, platform.baseUrl)
        val sent = account.requestLoginCode(PLATFORM, phone)
        return account.login(PLATFORM, phone, platform.smsCode(phone), sent.terms)
    }

    private fun failure(block: suspend () -> Unit): PalmbidException.Failed =
        assertThrows<PalmbidException.Failed> { runBlocking { block() } }

    @Test
    fun `log in, verify identity, pick up and download, then sign and encrypt with the certificates`() = runBlocking {
        val logger = CollectingLogger()
        setLogger(logger, LogLevel.DEBUG)
        val phone = "13800138001"

        // Trust the platform and log in.
        val trusted = account.addPlatform(PLATFORM, platform.baseUrl)
        val terms = account.currentTerms(PLATFORM)
        val sent = account.requestLoginCode(PLATFORM, phone)
        val code = platform.smsCode(phone)
        assertNull(account.session(PLATFORM))
        val session = account.login(PLATFORM, phone, code, sent.terms)
        val me = account.whoami(PLATFORM)

        assertEquals(PLATFORM, trusted.name)
        assertEquals(platform.baseUrl, trusted.baseUrl)
        assertEquals(trusted.anchor.subject, trusted.anchor.issuer, "the trust anchor is a root")
        assertEquals(listOf(PLATFORM), account.platforms().map { it.name })
        assertTrue(terms.agreementVersion.isNotBlank(), terms.toString())
        assertTrue(terms.privacyVersion.isNotBlank(), terms.toString())
        assertEquals(terms, sent.terms)
        assertTrue(sent.resendAfterUnix <= sent.expiresAtUnix, sent.toString())
        assertEquals(Session(PLATFORM, phone, session.expiresAtUnix), session)
        assertEquals(session, account.session(PLATFORM))
        assertEquals(AccountInfo(phone, session.expiresAtUnix, terms), me)
        assertTrue(Session::class.java.declaredFields.none { it.name.contains("token", ignoreCase = true) })

        // Identity verification, approved at once by the development platform.
        assertEquals(IdentityState.NOT_SUBMITTED, account.identityStatus(PLATFORM).state)
        val identityCode = account.requestIdentityCode(PLATFORM)
        val submitted = account.submitIdentity(PLATFORM, NAME, ID_NUMBER, identityCode.code, "video".toByteArray())
        val status = account.identityStatus(PLATFORM)

        assertTrue(Regex("[0-9]{4}").matches(identityCode.code), identityCode.code)
        assertEquals(IdentityState.APPROVED, submitted.state)
        assertEquals(IdentityState.APPROVED, status.state)
        assertEquals(NAME, status.name)
        assertEquals(submitted.caseId, status.caseId)

        // The CA operator enters and approves the order; the phone scans it.
        platform.registerCompany(COMPANY, CREDIT_CODE)
        val order = platform.enterOrder(NAME, phone, COMPANY, CREDIT_CODE, listOf("personal", "company"))
        platform.approve(order)
        val scanned = account.scan(platform.pickupUrl(order))

        assertEquals(
            ScannedPickup(
                platform = PLATFORM,
                pickupId = scanned.pickupId,
                name = NAME,
                phone = phone,
                company = COMPANY,
                creditCode = CREDIT_CODE,
                seals = listOf(SealKind.PERSONAL, SealKind.COMPANY),
                state = OrderState.APPROVED,
            ),
            scanned,
        )

        // Pick up: certificates received but not usable yet.
        val picked = account.pickUp(scanned, PIN)

        assertEquals("picked_up", platform.orderState(order))
        assertTrue(keystore.certificates().isEmpty(), "picked-up certificates are not installed before download")
        assertEquals(listOf(PickupRecord(PLATFORM, scanned.pickupId, PickupState.RECEIVED)), account.pickups())
        assertTrue(picked.signingCertificate.subject.contains(NAME), picked.signingCertificate.subject)
        assertEquals(trusted.anchor.fingerprint, picked.chain.last().fingerprint)
        assertEquals(listOf(SealKind.PERSONAL, SealKind.COMPANY), picked.seals.map { it.kind })
        val pngMagic = byteArrayOf(0x89.toByte(), 'P'.code.toByte(), 'N'.code.toByte(), 'G'.code.toByte())
        picked.seals.forEach { assertArrayEquals(pngMagic, it.png.copyOf(4), it.kind.toString()) }

        // Download: registry matched, both certificates installed.
        val downloaded = account.download(PLATFORM, scanned.pickupId, PIN)
        val installed = keystore.certificates()

        assertEquals(COMPANY, downloaded.company)
        assertEquals(CREDIT_CODE, downloaded.creditCode)
        assertEquals("issued", platform.orderState(order))
        assertEquals(PickupState.INSTALLED, account.pickups().single().state)
        assertEquals(setOf(KeyRole.SIGNING, KeyRole.ENCRYPTION), installed.map { it.role }.toSet())
        assertEquals(
            setOf(picked.signingCertificate.fingerprint, picked.encryptionCertificate.fingerprint),
            installed.map { it.certificate.fingerprint }.toSet(),
        )
        assertEquals(installed.map { it.keyId }.toSet(), downloaded.certificates.map { it.keyId }.toSet())

        // Sign with the signing certificate; palmbid and Bouncy Castle verify.
        val signing = installed.single { it.role == KeyRole.SIGNING }
        val document = home.resolve("投标文件.txt")
        Files.writeString(document, "bid for section 1 / 第一标段投标")
        val signature = keystore.signFile(signing.keyId, PIN, document.toString())
        val verified = keystore.verifyFile(signature, document.toString())
        val signer = CMSSignedData(CMSProcessableFile(document.toFile()), signature).signerInfos.signers.single()

        assertEquals(signing.certificate.fingerprint, verified.signer.fingerprint)
        assertTrue(signer.verify(JcaSimpleSignerInfoVerifierBuilder().setProvider(bc).build(X509CertificateHolder(signing.certificate.der))))

        // Encrypt to the encryption certificate; its key opens the envelope.
        val encryption = installed.single { it.role == KeyRole.ENCRYPTION }
        val envelope = home.resolve("bid.p7m")
        val opened = home.resolve("bid.out")
        encryptFile(document.toString(), envelope.toString(), listOf(encryption.certificate.der))
        keystore.decryptFile(encryption.keyId, PIN, envelope.toString(), opened.toString())

        assertArrayEquals(Files.readAllBytes(document), Files.readAllBytes(opened))

        // Log out: the session is gone on both sides.
        assertEquals(LogoutOutcome.ENDED, account.logout(PLATFORM))
        assertNull(account.session(PLATFORM))
        assertEquals("account.not_logged_in", failure { account.whoami(PLATFORM) }.code)

        // The SMS code and the PIN never reached the app's log.
        assertTrue(logger.events.any { it.message.contains("logged in") }, logger.events.toString())
        val secrets = listOf(code, PIN).map { Regex("(?<![0-9])$it(?![0-9])") }
        assertTrue(logger.events.none { event -> secrets.any { it.containsMatchIn(event.message) } })
        setLogger(CollectingLogger(), LogLevel.INFO)
    }

    @Test
    fun `a scanned code of a host that is not a trusted platform is refused`() = runBlocking {
        account.addPlatform(PLATFORM, platform.baseUrl)
        val id = "0123456789abcdef0123456789abcdef"

        val otherAddress = failure { account.scan("http://127.0.0.2:${platform.port}/q/$id") }
        val otherScheme = failure { account.scan("https://127.0.0.1:${platform.port}/q/$id") }
        val otherSite = failure { account.scan("https://evil.example/q/$id") }

        assertEquals("account.unknown_host", otherAddress.code)
        assertTrue(otherAddress.messageZh.contains("127.0.0.2"), otherAddress.messageZh)
        assertEquals("account.unknown_host", otherScheme.code)
        assertEquals("account.unknown_host", otherSite.code)
        assertTrue(otherSite.messageEn.contains("evil.example"), otherSite.messageEn)
    }

    @Test
    fun `a wrong SMS code is refused and no session is kept`() = runBlocking {
        val phone = "13800138002"
        account.addPlatform(PLATFORM, platform.baseUrl)
        val sent = account.requestLoginCode(PLATFORM, phone)
        val right = platform.smsCode(phone)
        val wrong = ((right.toInt() + 1) % 1_000_000).toString().padStart(6, '0')

        val error = failure { account.login(PLATFORM, phone, wrong, sent.terms) }

        assertEquals("auth.sms_code_wrong", error.code)
        assertTrue(error.messageZh.isNotBlank(), error.messageZh)
        assertTrue(error.messageZh != error.messageEn, error.messageZh)
        assertNull(account.session(PLATFORM))
    }

    @Test
    fun `calls that need a session say so without one`() = runBlocking {
        account.addPlatform(PLATFORM, platform.baseUrl)

        val whoami = failure { account.whoami(PLATFORM) }
        val identity = failure { account.requestIdentityCode(PLATFORM) }
        val logout = failure { account.logout(PLATFORM) }

        assertEquals("account.not_logged_in", whoami.code)
        assertTrue(whoami.messageEn.contains(PLATFORM), whoami.messageEn)
        assertEquals("account.not_logged_in", identity.code)
        assertEquals("account.not_logged_in", logout.code)
    }

    @Test
    fun `an order for another phone number is refused at the scan and makes no keys`() = runBlocking {
        logIn("13800138003")
        val identityCode = account.requestIdentityCode(PLATFORM)
        account.submitIdentity(PLATFORM, NAME, ID_NUMBER, identityCode.code, "video".toByteArray())
        val order = platform.enterOrder(NAME, "13900139003", COMPANY, CREDIT_CODE, listOf("personal"))
        platform.approve(order)

        val error = failure { account.scan(platform.pickupUrl(order)) }

        assertEquals("pickup.wrong_phone", error.code)
        assertEquals("approved", platform.orderState(order))
        assertTrue(keystore.certificates().isEmpty())
        assertTrue(account.pickups().isEmpty())
    }

    @Test
    fun `an invalid phone number is refused before any request`() = runBlocking {
        account.addPlatform(PLATFORM, platform.baseUrl)

        for (phone in listOf("+8613800138000", "1380013800", "12800138000", "138 0013 8000")) {
            val error = failure { account.requestLoginCode(PLATFORM, phone) }
            assertEquals("account.invalid_phone", error.code, phone)
        }
        assertEquals("account.invalid_phone", failure { account.login(PLATFORM, "1380013800", "123456", account.currentTerms(PLATFORM)) }.code)
    }

    @Test
    fun `a pickup record with a tampered id is refused before anything is made`() = runBlocking {
        account.addPlatform(PLATFORM, platform.baseUrl)
        val forged = ScannedPickup(
            platform = PLATFORM,
            pickupId = "../../console/orders",
            name = NAME,
            phone = "13800138004",
            company = COMPANY,
            creditCode = CREDIT_CODE,
            seals = emptyList(),
            state = OrderState.APPROVED,
        )

        val error = failure { account.pickUp(forged, PIN) }

        assertEquals("ffi.invalid_argument", error.code)
        assertTrue(keystore.certificates().isEmpty())
        assertTrue(account.pickups().isEmpty())
    }

    private companion object {
        const val PLATFORM = "dev"
        const val PIN = "135790"
        const val NAME = "张三"
        const val COMPANY = "示例科技有限公司"
        const val CREDIT_CODE = "91110000802100433B"

        /** The worked example of GB 11643-1999. */
        const val ID_NUMBER = "11010519491231002X"
    }
}
