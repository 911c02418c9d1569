package palmbid.ffi

import java.math.BigInteger
import java.nio.file.Files
import java.nio.file.Path
import java.security.KeyPair
import java.security.KeyPairGenerator
import java.security.MessageDigest
import java.security.PrivateKey
import java.security.spec.ECGenParameterSpec
import java.util.Base64
import java.util.Date
import kotlinx.coroutines.runBlocking
import org.bouncycastle.asn1.ASN1Encodable
import org.bouncycastle.asn1.ASN1Enumerated
import org.bouncycastle.asn1.ASN1Integer
import org.bouncycastle.asn1.ASN1ObjectIdentifier
import org.bouncycastle.asn1.DEROctetString
import org.bouncycastle.asn1.DERSequence
import org.bouncycastle.asn1.x500.X500Name
import org.bouncycastle.asn1.x509.BasicConstraints
import org.bouncycastle.asn1.x509.Extension
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder
import org.bouncycastle.jce.provider.BouncyCastleProvider
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/**
 * The device attestation chain through the bindings. The app takes the
 * order's challenge from `pickupAttestationChallenge` and sends a chain
 * with `pickUp`. The real platform, started with the test root as its
 * trusted `--attestation-root`, judges it and shows the result on the
 * order's page. The chain is synthetic, made with Bouncy Castle in the
 * shape an Android Keystore returns: a root, and a leaf carrying a
 * KeyDescription extension (OID 1.3.6.1.4.1.11129.2.1.17) with the
 * challenge.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AttestationFlowTest {
    private val bc = BouncyCastleProvider()
    private val rootKeys = ecKeys()
    private val rootName = X500Name("CN=Test attestation root")
    private val root = certificate(rootName, rootName, rootKeys, rootKeys.private, BigInteger.ONE) {
        it.addExtension(Extension.basicConstraints, true, BasicConstraints(true))
    }

    private lateinit var rootFile: Path
    private lateinit var platform: TestPlatform
    private lateinit var home: Path
    private lateinit var keystore: Keystore
    private lateinit var account: Account

    @BeforeAll
    fun startPlatform() {
        rootFile = Files.createTempFile("attestation-root-", ".pem")
        val base64 = Base64.getMimeEncoder(64, "\n".toByteArray()).encodeToString(root)
        Files.writeString(rootFile, "-----BEGIN CERTIFICATE-----\n$base64\n-----END CERTIFICATE-----\n")
        platform = TestPlatform.start("--attestation-root", rootFile.toString())
    }

    @AfterAll
    fun stopPlatform() {
        if (::platform.isInitialized) platform.close()
        if (::rootFile.isInitialized) Files.deleteIfExists(rootFile)
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

    @Test
    fun `a chain made for the order's challenge is verified under the trusted root`() = runBlocking {
        val (order, scanned) = scannedOrder("13800138101")
        val challenge = pickupAttestationChallenge(scanned.pickupId)

        val picked = account.pickUp(scanned, PIN, listOf(leaf(challenge, STRONG_BOX), root))
        val shown = platform.attestationShown(order)

        assertEquals("picked_up", platform.orderState(order))
        assertEquals(scanned.pickupId, picked.pickupId)
        assertTrue(shown.contains("""data-result="verified""""), shown)
        assertTrue(shown.contains("""data-security-level="strong_box""""), shown)
        assertTrue(shown.contains("""data-root-trusted="true""""), shown)
        assertTrue(shown.contains("安全芯片 StrongBox"), shown)
    }

    @Test
    fun `a chain made for another order is refused, and a pickup without one still goes through`() = runBlocking {
        val (order, scanned) = scannedOrder("13800138102")
        val otherChallenge = pickupAttestationChallenge("0123456789abcdef0123456789abcdef")

        val error = failure { account.pickUp(scanned, PIN, listOf(leaf(otherChallenge, TEE), root)) }
        val stateAfterRefusal = platform.orderState(order)
        val shownAfterRefusal = platform.attestationShown(order)
        // The default argument: no chain, as iOS and older callers send.
        account.pickUp(scanned, PIN)

        assertEquals("pickup.attestation_invalid", error.code)
        assertTrue(error.messageZh.contains("挑战值"), error.messageZh)
        assertTrue(error.messageEn.contains("another challenge"), error.messageEn)
        assertEquals("approved", stateAfterRefusal, "a refused chain must not issue")
        assertTrue(shownAfterRefusal.contains("""data-result="invalid""""), shownAfterRefusal)
        assertEquals("picked_up", platform.orderState(order))
        assertTrue(platform.attestationShown(order).contains("""data-result="absent""""))
    }

    @Test
    fun `the challenge is the documented digest of the pickup id, and a malformed id is refused`() {
        val id = "0123456789abcdef0123456789abcdef"
        val expected = MessageDigest.getInstance("SHA-256").run {
            update("palmbid/pickup-attestation/v1".toByteArray())
            update(0.toByte())
            update(id.toByteArray())
            digest()
        }

        assertArrayEquals(expected, pickupAttestationChallenge(id))
        val error = assertThrows<PalmbidException.Failed> { pickupAttestationChallenge("../console/orders") }
        assertEquals("ffi.invalid_argument", error.code)
    }

    /** Logs [phone] in, passes identity verification, and scans an approved order of it. */
    private suspend fun scannedOrder(phone: String): Pair<String, ScannedPickup> {
        account.addPlatform(PLATFORM, platform.baseUrl)
        val sent = account.requestLoginCode(PLATFORM, phone)
        account.login(PLATFORM, phone, platform.smsCode(phone), sent.terms)
        val identityCode = account.requestIdentityCode(PLATFORM)
        account.submitIdentity(PLATFORM, NAME, ID_NUMBER, identityCode.code, "video".toByteArray())
        val order = platform.enterOrder(NAME, phone, COMPANY, CREDIT_CODE, emptyList())
        platform.approve(order)
        return order to account.scan(platform.pickupUrl(order))
    }

    private fun failure(block: suspend () -> Unit): PalmbidException.Failed =
        assertThrows<PalmbidException.Failed> { runBlocking { block() } }

    /** Makes a leaf, signed by the root, whose KeyDescription attests [challenge] at [level]. */
    private fun leaf(challenge: ByteArray, level: Int): ByteArray {
        val keyDescription = DERSequence(
            arrayOf<ASN1Encodable>(
                ASN1Integer(ATTESTATION_VERSION),
                ASN1Enumerated(level),
                ASN1Integer(ATTESTATION_VERSION),
                ASN1Enumerated(level),
                DEROctetString(challenge),
                DEROctetString(ByteArray(0)),
                DERSequence(),
                DERSequence(),
            ),
        )
        return certificate(rootName, X500Name("CN=Android Keystore Key"), ecKeys(), rootKeys.private, BigInteger.TWO) {
            it.addExtension(ASN1ObjectIdentifier(KEY_DESCRIPTION_OID), false, keyDescription)
        }
    }

    private fun ecKeys(): KeyPair =
        KeyPairGenerator.getInstance("EC", bc).apply { initialize(ECGenParameterSpec("secp256r1")) }.generateKeyPair()

    private fun certificate(
        issuer: X500Name,
        subject: X500Name,
        keys: KeyPair,
        signer: PrivateKey,
        serial: BigInteger,
        extend: (JcaX509v3CertificateBuilder) -> Unit,
    ): ByteArray {
        val now = System.currentTimeMillis()
        val builder = JcaX509v3CertificateBuilder(
            issuer, serial, Date(now - DAY_MS), Date(now + DAY_MS), subject, keys.public,
        )
        extend(builder)
        return builder.build(JcaContentSignerBuilder("SHA256withECDSA").setProvider(bc).build(signer)).encoded
    }

    private companion object {
        const val PLATFORM = "dev"
        const val PIN = "135790"
        const val NAME = "张三"
        const val COMPANY = "示例科技有限公司"
        const val CREDIT_CODE = "91110000802100433B"

        /** The worked example of GB 11643-1999. */
        const val ID_NUMBER = "11010519491231002X"

        const val KEY_DESCRIPTION_OID = "1.3.6.1.4.1.11129.2.1.17"
        const val ATTESTATION_VERSION = 300L
        const val TEE = 1
        const val STRONG_BOX = 2
        const val DAY_MS = 86_400_000L
    }
}
