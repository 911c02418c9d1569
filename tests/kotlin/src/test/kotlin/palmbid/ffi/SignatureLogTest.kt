package palmbid.ffi

import java.nio.file.Files
import java.nio.file.Path
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/**
 * The signature log (`Keystore.signatureLog`) and the seal listing
 * (`Account.seals`) through the bindings, against the real platform and
 * the real toolbox on loopback: a certificate pair picked up with a
 * personal seal, then a QR signature answered after one wrong PIN. The
 * log must show both tries, newest first, with what the confirm screen
 * showed; the seal must be listed without any QR request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignatureLogTest {
    private lateinit var platform: TestPlatform
    private lateinit var work: Path
    private lateinit var keystore: Keystore
    private lateinit var account: Account

    @BeforeAll
    fun pickUpACertificate() = runBlocking {
        platform = TestPlatform.start()
        work = tempHome()
        val (phoneKeystore, phoneAccount) =
            platform.holder(work.resolve("phone"), PLATFORM, PHONE, NAME, ID_NUMBER, COMPANY, CREDIT_CODE, PIN)
        keystore = phoneKeystore
        account = phoneAccount
    }

    @AfterAll
    fun stopEverything() {
        if (::account.isInitialized) account.close()
        if (::keystore.isInitialized) keystore.close()
        if (::platform.isInitialized) platform.close()
    }

    @Test
    fun `a QR signature after a wrong PIN shows as two rows, newest first`() = runBlocking {
        val document = work.resolve("投标函-log.txt")
        Files.writeString(document, "签名记录 / signature log")
        val signature = work.resolve("投标函-log.p7s")
        val root = platform.data.resolve("ca").resolve("root.pem")
        val signing = keystore.certificates().single { it.role == KeyRole.SIGNING }
        val before = keystore.signatureLog(100u, null)

        ToolboxRun.start(
            platform.baseUrl, root, "qr-log-pc",
            listOf("sign", "--in", document.toString(), "--out", signature.toString()), work,
        ).use { run ->
            val scanned = account.scanCode(run.freshQr())
            check(scanned is ScannedCode.Request) { "a toolbox code scanned as $scanned" }
            scanned.request.use { request ->
                assertThrows<PalmbidException.Failed> { runBlocking { request.answer(null, WRONG_PIN) } }
                request.answer(null, PIN)
            }
            assertEquals(0, run.exitStatus(), run.stderr)
        }

        val log = keystore.signatureLog(100u, null)
        assertEquals(before.size + 2, log.size, log.toString())
        val (used, refused) = log.take(2)
        for (entry in listOf(used, refused)) {
            assertEquals(KeyOperation.QR_SIGN, entry.operation)
            assertEquals(signing.keyId, entry.keyId)
            assertEquals(signing.credentialId, entry.credentialId)
            assertEquals(KeyRole.SIGNING, entry.role)
            assertEquals(signing.certificate.serialHex, entry.certificateSerialHex)
            assertEquals(PLATFORM, entry.platform)
            assertTrue(entry.requester.orEmpty().contains("qr-log-pc"), entry.requester)
            assertTrue(entry.requester.orEmpty().contains("127.0.0.1"), entry.requester)
            assertNull(entry.project)
            assertEquals(document.fileName.toString(), entry.documentName)
            assertEquals(sha256Hex(document), entry.documentSha256)
        }
        assertEquals(KeyUseOutcome.USED, used.outcome)
        assertFalse(used.refused)
        assertEquals(KeyUseOutcome.WRONG_PIN, refused.outcome)
        assertTrue(refused.refused, "a wrong PIN is a refused try")
        assertTrue(used.id > refused.id)
        assertTrue(used.atUnix >= refused.atUnix)

        // Pages: one row, then the rows before it.
        val first = keystore.signatureLog(1u, null)
        val next = keystore.signatureLog(1u, first.single().id)
        assertEquals(listOf(used), first)
        assertEquals(listOf(refused), next)
    }

    @Test
    fun `the pickup's install is logged and its seal is listed without a QR request`() = runBlocking {
        val signing = keystore.certificates().single { it.role == KeyRole.SIGNING }

        val installs = keystore.signatureLog(100u, null).filter { it.operation == KeyOperation.CERTIFICATE_INSTALL }
        assertTrue(installs.isNotEmpty(), "the download checks the PIN and installs the pair")
        assertTrue(installs.all { it.outcome == KeyUseOutcome.USED }, installs.toString())

        val held = account.seals()
        assertEquals(1, held.size, held.toString())
        assertEquals(PLATFORM, held[0].platform)
        assertEquals(signing.certificate.fingerprint, held[0].certificate.fingerprint)
        assertEquals(signing.credentialId, held[0].credentialId)
        assertEquals(listOf(SealKind.PERSONAL), held[0].seals.map { it.kind })
        val png = held[0].seals[0].png
        assertArrayEquals(PNG_MAGIC, png.copyOf(PNG_MAGIC.size), "a PNG image")
    }

    companion object {
        const val PLATFORM = "dev"
        const val PHONE = "13800138401"
        const val PIN = "135790"
        const val WRONG_PIN = "246813"
        const val NAME = "赵六"
        const val COMPANY = "示例记录科技有限公司"
        const val CREDIT_CODE = "91110000802100433B"

        /** The worked example of GB 11643-1999. */
        const val ID_NUMBER = "11010519491231002X"

        val PNG_MAGIC = byteArrayOf(0x89.toByte(), 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)
    }
}
