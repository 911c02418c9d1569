package palmbid.ffi

import java.io.ByteArrayInputStream
import java.nio.file.Files
import java.nio.file.Path
import java.security.cert.CertPathValidator
import java.security.cert.CertificateFactory
import java.security.cert.PKIXParameters
import java.security.cert.TrustAnchor
import java.security.cert.X509Certificate
import java.util.concurrent.CopyOnWriteArrayList
import kotlinx.coroutines.runBlocking
import org.bouncycastle.cert.X509CertificateHolder
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter
import org.bouncycastle.cms.CMSProcessableFile
import org.bouncycastle.cms.CMSSignedData
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder
import org.bouncycastle.jce.provider.BouncyCastleProvider
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/**
 * The phone's QR calls through the bindings (`Account.scanCode`, the
 * `QrRequest` object) against two real programs: the reference platform
 * (`palmbid-platform`, its QR relay) and the bid toolbox (`palmbid
 * toolbox`, the command line), each a child process on loopback. One
 * certificate is picked up through the real flow first, as
 * AccountFlowTest does; then each test runs one toolbox request, scans
 * its newest frame, checks the confirm record against what the test
 * itself knows (machine name, file name, SHA-256 computed here) and
 * answers, and judges by the toolbox's exit status, its output and the
 * files it wrote.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QrFlowTest {
    private val bc = BouncyCastleProvider()

    private lateinit var platform: TestPlatform
    private lateinit var work: Path
    private lateinit var keystore: Keystore
    private lateinit var account: Account
    private lateinit var signing: CertificateRecord
    private lateinit var encryption: CertificateRecord

    /** Every toolbox started, so @AfterAll can stop any a failed test left. */
    private val toolboxes = CopyOnWriteArrayList<ToolboxRun>()

    /** The platform CA's root, `{data}/ca/root.pem`, as the toolbox gets it. */
    private val root: Path get() = platform.data.resolve("ca").resolve("root.pem")

    @BeforeAll
    fun pickUpACertificate() = runBlocking {
        platform = TestPlatform.start()
        work = tempHome()
        keystore = Keystore.openForTesting(work.resolve("phone").toString(), AesGcmDeviceBinding(), TEST_KDF)
        account = Account.open(keystore)

        account.addPlatform(PLATFORM, platform.baseUrl)
        val sent = account.requestLoginCode(PLATFORM, PHONE)
        account.login(PLATFORM, PHONE, platform.smsCode(PHONE), sent.terms)
        val identityCode = account.requestIdentityCode(PLATFORM)
        account.submitIdentity(PLATFORM, NAME, ID_NUMBER, identityCode.code, "video".toByteArray())
        platform.registerCompany(COMPANY, CREDIT_CODE)
        val order = platform.enterOrder(NAME, PHONE, COMPANY, CREDIT_CODE, listOf("personal"))
        platform.approve(order)

        // The pickup code goes through the same scanner as QR requests.
        val scanned = account.scanCode(platform.pickupUrl(order))
        check(scanned is ScannedCode.Pickup) { "a pickup code scanned as $scanned" }
        account.pickUp(scanned.pickup, PIN)
        val installed = account.download(PLATFORM, scanned.pickup.pickupId, PIN).certificates
        signing = installed.single { it.role == KeyRole.SIGNING }
        encryption = installed.single { it.role == KeyRole.ENCRYPTION }
    }

    @AfterAll
    fun stopEverything() {
        toolboxes.forEach { it.close() }
        if (::account.isInitialized) account.close()
        if (::keystore.isInitialized) keystore.close()
        if (::platform.isInitialized) platform.close()
    }

    /** Runs the toolbox with [action], calls [block], and kills it after. */
    private fun <T> toolbox(machine: String, action: List<String>, block: suspend (ToolboxRun) -> T): T {
        val run = ToolboxRun.start(platform.baseUrl, root, machine, action, work)
        toolboxes.add(run)
        try {
            return runBlocking { block(run) }
        } finally {
            run.close()
        }
    }

    /** Scans the toolbox's newest frame; it must be a QR request. */
    private suspend fun scanRequest(run: ToolboxRun): QrRequest {
        val scanned = account.scanCode(run.freshQr())
        check(scanned is ScannedCode.Request) { "a toolbox code scanned as $scanned" }
        return scanned.request
    }

    private fun failure(block: suspend () -> Unit): PalmbidException.Failed =
        assertThrows<PalmbidException.Failed> { runBlocking { block() } }

    /** Checks what every toolbox request shows, and returns the record. */
    private fun checkConfirmScreen(request: QrRequest, kind: QrKind, machine: String): QrRequestDetails {
        val details = request.details()

        assertEquals(kind, details.kind)
        assertEquals(PLATFORM, details.platform)
        assertTrue(Regex("[0-9a-f]{32}").matches(details.requestId), details.requestId)
        assertEquals(RequesterKind.TOOLBOX, details.requester.kind)
        assertEquals("投标工具", details.requester.name)
        assertEquals(machine, details.requester.machine)
        assertEquals("127.0.0.1", details.requester.address)
        assertEquals(signing.certificate.fingerprint, details.signer.certificate.fingerprint)
        assertEquals(signing.keyId, details.signer.keyId)
        assertTrue(details.signer.certificate.subject.contains(NAME), details.signer.certificate.subject)
        assertTrue(details.signer.certificate.notBeforeUnix < details.signer.certificate.notAfterUnix)
        assertTrue(details.createdAtUnix < details.answerByUnix, details.toString())
        val left = request.secondsLeft()
        assertTrue(left in 1..180, "seconds left: $left")
        assertFalse(request.clockWarning(), "the platform runs on this machine's clock")
        return details
    }

    @Test
    fun `login, the phone chooses the number the toolbox shows and answers with the PIN`() =
        toolbox("qr-login-pc", listOf("login")) { run ->
            val number = run.matchNumber()
            scanRequest(run).use { request ->
                val details = checkConfirmScreen(request, QrKind.LOGIN, "qr-login-pc")

                assertNull(details.document)
                assertNull(details.encryption, "a login does not use the encryption certificate")
                assertTrue(details.seals.isEmpty())
                assertEquals(3, details.numberChoices.toSet().size, details.numberChoices.toString())
                assertTrue(number.toUInt() in details.numberChoices, "$number not in ${details.numberChoices}")

                request.chooseNumber(number.toUInt())
                request.answer(null, PIN)
            }

            assertEquals(0, run.exitStatus(), run.stderr)
            assertTrue(run.stdout.contains("Logged in as:"), run.stdout)
            assertTrue(run.stdout.contains(NAME), run.stdout)
        }

    @Test
    fun `sign, the toolbox writes a signature Bouncy Castle verifies against the root`() {
        val document = work.resolve("投标函-sign.txt")
        Files.writeString(document, "第一标段投标函 / bid letter, section 1")
        val signature = work.resolve("投标函-sign.p7s")

        toolbox("qr-sign-pc", listOf("sign", "--in", document.toString(), "--out", signature.toString())) { run ->
            scanRequest(run).use { request ->
                val details = checkConfirmScreen(request, QrKind.SIGN, "qr-sign-pc")

                assertEquals(DocumentInfo(document.fileName.toString(), sha256Hex(document), Files.size(document).toULong()), details.document)
                assertNull(details.encryption)
                assertTrue(details.numberChoices.isEmpty())

                request.answer(null, PIN)
            }

            assertEquals(0, run.exitStatus(), run.stderr)
            assertTrue(run.stdout.contains("signature verified"), run.stdout)
        }

        val signer = verifyAgainstRoot(document, Files.readAllBytes(signature))
        assertEquals(signing.certificate.fingerprint, sha256Hex(signer.encoded))
    }

    @Test
    fun `encrypt then decrypt, the encryption certificate goes out and the key comes back`() {
        val bid = work.resolve("投标文件-crypt.txt")
        Files.writeString(bid, "报价：壹佰万元整 / price: 1,000,000 CNY\n".repeat(200))
        val envelope = work.resolve("投标文件-crypt.p7m")
        val opened = work.resolve("投标文件-crypt.out")

        toolbox("qr-encrypt-pc", listOf("encrypt", "--in", bid.toString(), "--out", envelope.toString())) { run ->
            scanRequest(run).use { request ->
                val details = checkConfirmScreen(request, QrKind.ENCRYPTION_CERTIFICATE, "qr-encrypt-pc")

                assertEquals(encryption.certificate.fingerprint, details.encryption?.certificate?.fingerprint)
                assertEquals(encryption.keyId, details.encryption?.keyId)

                request.answer(null, PIN)
            }

            assertEquals(0, run.exitStatus(), run.stderr)
            assertTrue(run.stdout.contains("envelope written"), run.stdout)
        }

        toolbox("qr-decrypt-pc", listOf("decrypt", "--in", envelope.toString(), "--out", opened.toString())) { run ->
            scanRequest(run).use { request ->
                val details = checkConfirmScreen(request, QrKind.DECRYPT, "qr-decrypt-pc")

                assertEquals(DocumentInfo(envelope.fileName.toString(), sha256Hex(envelope), Files.size(envelope).toULong()), details.document)
                assertEquals(encryption.certificate.fingerprint, details.encryption?.certificate?.fingerprint)

                request.answer(null, PIN)
            }

            assertEquals(0, run.exitStatus(), run.stderr)
            assertTrue(run.stdout.contains("decrypted to"), run.stdout)
        }

        assertArrayEquals(Files.readAllBytes(bid), Files.readAllBytes(opened))
    }

    @Test
    fun `seal, the phone picks its seal and the PDF carries a signature over its byte ranges`() {
        val letter = work.resolve("投标函-seal.pdf")
        Files.write(letter, minimalPdf())
        val sealed = work.resolve("投标函-seal.sealed.pdf")
        val action = listOf("seal", "--in", letter.toString(), "--out", sealed.toString(), "--at", "300,100")

        toolbox("qr-seal-pc", action) { run ->
            scanRequest(run).use { request ->
                val details = checkConfirmScreen(request, QrKind.SEAL, "qr-seal-pc")

                assertEquals(DocumentInfo(letter.fileName.toString(), sha256Hex(letter), Files.size(letter).toULong()), details.document)
                assertEquals(listOf(SealKind.PERSONAL), details.seals.map { it.kind })
                val png = details.seals.single().png
                assertArrayEquals(byteArrayOf(0x89.toByte(), 'P'.code.toByte(), 'N'.code.toByte(), 'G'.code.toByte()), png.copyOfRange(0, 4))

                // A seal this phone does not hold is refused before the PIN.
                val refused = failure { request.answer(SealKind.COMPANY, PIN) }
                assertEquals("qr.seal_not_available", refused.code)

                request.answer(SealKind.PERSONAL, PIN)
            }

            assertEquals(0, run.exitStatus(), run.stderr)
            assertTrue(run.stdout.contains("sealed and written"), run.stdout)
        }

        // An incremental update: the original bytes, then the signature's
        // revision. The CMS in /Contents covers exactly the /ByteRange.
        val original = Files.readAllBytes(letter)
        val bytes = Files.readAllBytes(sealed)
        assertArrayEquals(original, bytes.copyOfRange(0, original.size))
        val text = String(bytes, Charsets.ISO_8859_1)
        val range = Regex("""/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*]""").find(text)
        assertNotNull(range, "no /ByteRange in the sealed PDF")
        val (start1, length1, start2, length2) = range!!.destructured.toList().map { it.toInt() }
        assertEquals(0, start1)
        assertEquals(bytes.size, start2 + length2)
        val hex = text.substring(start1 + length1 + 1, start2 - 1).trimEnd('0')
        val cms = hex.padEnd(hex.length + hex.length % 2, '0').chunked(2).map { it.toInt(16).toByte() }.toByteArray()
        val covered = work.resolve("投标函-seal.covered")
        Files.write(covered, bytes.copyOfRange(start1, length1) + bytes.copyOfRange(start2, start2 + length2))

        val signer = verifyAgainstRoot(covered, cms)
        assertEquals(signing.certificate.fingerprint, sha256Hex(signer.encoded))
    }

    @Test
    fun `a wrong number cancels the request and the toolbox fails`() =
        toolbox("qr-wrong-number-pc", listOf("login")) { run ->
            val number = run.matchNumber()
            scanRequest(run).use { request ->
                val wrong = request.details().numberChoices.first { it != number.toUInt() }

                val error = failure { request.chooseNumber(wrong) }

                assertEquals("qr.wrong_number", error.code)
                assertTrue(error.messageZh.isNotBlank() && error.messageZh != error.messageEn, error.messageZh)
                // The platform cancelled it: the right PIN no longer answers.
                assertEquals("qr.cancelled", failure { request.answer(null, PIN) }.code)
            }

            assertEquals(1, run.exitStatus(), run.stdout)
            assertTrue(run.stderr.contains("toolbox.request_cancelled"), run.stderr)
        }

    @Test
    fun `a wrong PIN is refused with tries left, then the right PIN answers`() {
        val document = work.resolve("wrong-pin.txt")
        Files.writeString(document, "signed after one wrong PIN")
        val signature = work.resolve("wrong-pin.p7s")

        toolbox("qr-wrong-pin-pc", listOf("sign", "--in", document.toString(), "--out", signature.toString())) { run ->
            scanRequest(run).use { request ->
                val credential = request.details().signer.credentialId

                val error = failure { request.answer(null, "246813") }
                val afterWrong = keystore.pinStatus(credential)
                request.answer(null, PIN)

                assertEquals("keystore.pin_incorrect", error.code)
                assertEquals(1u, afterWrong.failedAttempts)
                assertFalse(afterWrong.locked)
                assertEquals(0u, keystore.pinStatus(credential).failedAttempts)
            }

            assertEquals(0, run.exitStatus(), run.stderr)
        }

        verifyAgainstRoot(document, Files.readAllBytes(signature))
    }

    @Test
    fun `a live code moved to another host is refused as unknown`() =
        toolbox("qr-host-pc", listOf("login")) { run ->
            val genuine = run.freshQr()
            val otherHost = genuine.replaceFirst("http://127.0.0.1:", "http://127.0.0.2:")
            val otherScheme = genuine.replaceFirst("http://", "https://")
            check(otherHost != genuine && otherScheme != genuine) { "unexpected code $genuine" }

            val moved = failure { account.scanCode(otherHost) }
            val upgraded = failure { account.scanCode(otherScheme) }

            assertEquals("qr.unknown_host", moved.code)
            assertTrue(moved.messageEn.contains("127.0.0.2"), moved.messageEn)
            assertEquals("qr.unknown_host", upgraded.code)
            // Nothing reached the platform: the genuine code still scans.
            scanRequest(run).use { it.cancel() }
            assertEquals(1, run.exitStatus(), run.stdout)
        }

    @Test
    fun `a number not among the choices is refused without sending, and the right one still works`() =
        toolbox("qr-not-a-choice-pc", listOf("login")) { run ->
            val number = run.matchNumber()
            scanRequest(run).use { request ->
                val offered = request.details().numberChoices
                val absent = (10..99).map { it.toUInt() }.first { it !in offered }

                val error = failure { request.chooseNumber(absent) }

                assertEquals("qr.not_a_choice", error.code)
                assertTrue(error.messageEn.contains(absent.toString()), error.messageEn)
                assertEquals("ffi.invalid_argument", failure { request.chooseNumber(300u) }.code)
                request.chooseNumber(number.toUInt())
                request.answer(null, PIN)
            }

            assertEquals(0, run.exitStatus(), run.stderr)
        }

    @Test
    fun `cancel on the phone ends the toolbox's request`() {
        val document = work.resolve("cancelled.txt")
        Files.writeString(document, "never signed")
        val signature = work.resolve("cancelled.p7s")

        toolbox("qr-cancel-pc", listOf("sign", "--in", document.toString(), "--out", signature.toString())) { run ->
            scanRequest(run).use { request ->
                checkConfirmScreen(request, QrKind.SIGN, "qr-cancel-pc")
                request.cancel()

                assertEquals("qr.cancelled", failure { request.answer(null, PIN) }.code)
            }

            assertEquals(1, run.exitStatus(), run.stdout)
            assertTrue(run.stderr.contains("toolbox.request_cancelled"), run.stderr)
            assertTrue(run.stderr.contains("cancelled"), run.stderr)
        }

        assertFalse(Files.exists(signature), "a cancelled request writes no signature")
    }

    @Test
    fun `scanned text that is no platform code is refused`() = runBlocking {
        val id = "0123456789abcdef0123456789abcdef"

        assertEquals("qr.invalid_code", failure { account.scanCode("not a url") }.code)
        assertEquals("qr.invalid_code", failure { account.scanCode("${platform.baseUrl}q/$id?t=1&h=a+b") }.code)
        assertEquals("qr.invalid_code", failure { account.scanCode("${platform.baseUrl}q/$id\u0000") }.code)
        assertEquals("qr.unknown_host", failure { account.scanCode("https://evil.example/q/$id?t=1&h=abc") }.code)
    }

    /**
     * Verifies a detached signature over [document] with Bouncy Castle and
     * validates its signer's path to the platform root with the JDK's
     * PKIX validator; returns the signer's certificate.
     */
    private fun verifyAgainstRoot(document: Path, signature: ByteArray): X509Certificate {
        val signed = CMSSignedData(CMSProcessableFile(document.toFile()), signature)
        val signerInfo = signed.signerInfos.signers.single()
        val converter = JcaX509CertificateConverter().setProvider(bc)
        val certificates = signed.certificates.getMatches(null).map { converter.getCertificate(it) }
        val signerHolder = signed.certificates.getMatches(null).single { signerInfo.sid.match(it) }
        val signer = converter.getCertificate(signerHolder)

        assertTrue(signerInfo.verify(JcaSimpleSignerInfoVerifierBuilder().setProvider(bc).build(signerHolder)))

        val factory = CertificateFactory.getInstance("X.509")
        val anchor = factory.generateCertificate(ByteArrayInputStream(Files.readAllBytes(root))) as X509Certificate
        val path = factory.generateCertPath(listOf(signer) + certificates.filter { it != signer && it != anchor })
        val parameters = PKIXParameters(setOf(TrustAnchor(anchor, null))).apply { isRevocationEnabled = false }
        assertNotNull(CertPathValidator.getInstance("PKIX").validate(path, parameters))
        return signer
    }

    /**
     * A one-page PDF written by hand: catalog, page tree, page, an empty
     * content stream, and a classic cross-reference table whose offsets
     * are counted here.
     */
    private fun minimalPdf(): ByteArray {
        val objects = listOf(
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
            "<< /Length 6 >>\nstream\nBT ET\nendstream",
        )
        val out = StringBuilder("%PDF-1.4\n")
        val offsets = objects.mapIndexed { index, body ->
            val offset = out.length
            out.append("${index + 1} 0 obj\n$body\nendobj\n")
            offset
        }
        val xref = out.length
        out.append("xref\n0 ${objects.size + 1}\n0000000000 65535 f \n")
        offsets.forEach { out.append("%010d 00000 n \n".format(it)) }
        out.append("trailer\n<< /Size ${objects.size + 1} /Root 1 0 R >>\nstartxref\n$xref\n%%EOF\n")
        return out.toString().toByteArray(Charsets.US_ASCII)
    }

    private companion object {
        const val PLATFORM = "dev"
        const val PHONE = "13800138101"
        const val PIN = "135790"
        const val NAME = "李四"
        const val COMPANY = "示例建设工程有限公司"
        const val CREDIT_CODE = "91110000802100433B"

        /** The worked example of GB 11643-1999. */
        const val ID_NUMBER = "11010519491231002X"
    }
}
