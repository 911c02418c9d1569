package palmbid.ffi

import java.nio.file.Files
import java.security.KeyFactory
import java.security.KeyPairGenerator
import java.security.MessageDigest
import java.security.spec.PKCS8EncodedKeySpec
import java.security.interfaces.ECPublicKey
import java.security.spec.ECGenParameterSpec
import kotlinx.coroutines.runBlocking
import org.bouncycastle.cert.X509CertificateHolder
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter
import org.bouncycastle.cms.CMSAlgorithm
import org.bouncycastle.cms.CMSAuthEnvelopedData
import org.bouncycastle.cms.CMSAuthEnvelopedDataGenerator
import org.bouncycastle.cms.CMSException
import org.bouncycastle.cms.CMSProcessableByteArray
import org.bouncycastle.cms.CMSProcessableFile
import org.bouncycastle.cms.CMSSignedData
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder
import org.bouncycastle.cms.jcajce.JceKeyAgreeEnvelopedRecipient
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder
import org.bouncycastle.jce.provider.BouncyCastleProvider
import org.bouncycastle.util.Selector
import org.bouncycastle.operator.OutputAEADEncryptor
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * The whole phone flow through the bindings, with OpenSSL making the inputs
 * and Bouncy Castle judging the outputs.
 */
class KeystoreFlowTest {
    private val bc = BouncyCastleProvider()
    private val pin = "246810"
    private val p12Password = "p12 口令"

    private lateinit var home: java.nio.file.Path
    private lateinit var binding: AesGcmDeviceBinding
    private lateinit var keystore: Keystore
    private lateinit var pki: TestPki

    @BeforeEach
    fun open() = runBlocking {
        home = tempHome()
        binding = AesGcmDeviceBinding()
        keystore = Keystore.openForTesting(home.toString(), binding, TEST_KDF)
        pki = TestPki()
    }

    @AfterEach
    fun close() {
        keystore.close()
    }

    private fun importSigning(): CertificateRecord = runBlocking {
        val leaf = pki.pkcs12("sign", "digitalSignature,nonRepudiation", p12Password)
        keystore.importPkcs12(leaf.pkcs12, p12Password, pin).single()
    }

    private fun importEncryption(): CertificateRecord = runBlocking {
        val leaf = pki.pkcs12("enc", "keyAgreement", p12Password)
        keystore.importPkcs12(leaf.pkcs12, p12Password, "135792").single()
    }

    @Test
    fun `the device binding is the app's and a PKCS#12 import lists its certificate`() = runBlocking {
        assertTrue(binding.seals.get() >= 1, "opening a new home seals the device secret in the app")

        val record = importSigning()

        assertEquals(KeyRole.SIGNING, record.role)
        assertTrue(record.certificate.subject.contains("张三"), record.certificate.subject)
        // Records carry ByteArrays, which Kotlin compares by identity: compare ids.
        assertEquals(listOf(record.keyId to record.certificate.fingerprint), keystore.certificates().map { it.keyId to it.certificate.fingerprint })
        val status = keystore.pinStatus(record.credentialId)
        assertEquals(PinStatus(failedAttempts = 0u, triesLeft = 6u, locked = false), status)
    }

    @Test
    fun `a palmbid signature verifies with Bouncy Castle and with palmbid`() = runBlocking {
        val record = importSigning()
        val content = Files.createTempFile(home, "bid", ".pdf").toFile()
        content.writeText("投标文件 / bid file, ".repeat(1000))

        val signature = keystore.signFile(record.keyId, pin, content.path)

        val signed = CMSSignedData(CMSProcessableFile(content), signature)
        val signer = signed.signerInfos.signers.single()
        // BC's SignerId is a raw Selector; it selects certificate holders.
        @Suppress("UNCHECKED_CAST")
        val bySid = signer.sid as Selector<X509CertificateHolder>
        val cert = signed.certificates.getMatches(bySid).single()
        assertTrue(signer.verify(JcaSimpleSignerInfoVerifierBuilder().setProvider(bc).build(cert)))
        assertArrayEquals(record.certificate.der, cert.encoded)

        val verified = keystore.verifyFile(signature, content.path)
        assertEquals(record.certificate.fingerprint, verified.signer.fingerprint)
        assertNotNull(verified.signingTimeUnix)

        content.appendText("tampered")
        val tampered = CMSSignedData(CMSProcessableFile(content), signature).signerInfos.signers.single()
        assertThrows<CMSException> { tampered.verify(JcaSimpleSignerInfoVerifierBuilder().setProvider(bc).build(cert)) }
        val error = assertThrows<PalmbidException.Failed> { runBlocking { keystore.verifyFile(signature, content.path) } }
        assertEquals("cms.content_mismatch", error.code)
    }

    @Test
    fun `a Bouncy Castle ECDH AES-GCM envelope opens with palmbid, and a released key opens it elsewhere`() = runBlocking {
        val record = importEncryption()
        val plaintext = ByteArray(3 * 1024 * 1024 + 7) { (it * 31).toByte() }
        val envelope = home.resolve("bid.p7m")
        Files.write(envelope, bcAuthEnvelope(plaintext, record.certificate.der))

        val output = home.resolve("bid.out")
        val report = keystore.decryptFile(record.keyId, "135792", envelope.toString(), output.toString())

        assertEquals(plaintext.size.toULong(), report.plaintextLen)
        assertArrayEquals(plaintext, Files.readAllBytes(output))

        // Key release: the phone re-encrypts the content key to a key it
        // does not hold; that key's owner opens the envelope.
        val hall = KeyPairGenerator.getInstance("EC").apply { initialize(ECGenParameterSpec("secp256r1")) }.generateKeyPair()
        val released = keystore.releaseKey(record.keyId, "135792", envelope.toString(), sec1(hall.public as ECPublicKey))
        val opened = home.resolve("bid.hall")
        decryptWithReleasedKey(envelope.toString(), opened.toString(), released, hall.private.encoded)
        assertArrayEquals(plaintext, Files.readAllBytes(opened))
    }

    @Test
    fun `a tampered envelope fails authentication and leaves no output`() = runBlocking {
        val record = importEncryption()
        val bytes = bcAuthEnvelope("secret bid".repeat(100).toByteArray(), record.certificate.der)
        bytes[bytes.size - 20] = (bytes[bytes.size - 20].toInt() xor 1).toByte()
        val envelope = home.resolve("bad.p7m")
        Files.write(envelope, bytes)
        val output = home.resolve("bad.out")

        val error = assertThrows<PalmbidException.Failed> {
            runBlocking { keystore.decryptFile(record.keyId, "135792", envelope.toString(), output.toString()) }
        }

        assertEquals("cms.authentication_failed", error.code)
        assertFalse(Files.exists(output))
    }


    @Test
    fun `a palmbid envelope opens with Bouncy Castle`() = runBlocking {
        val leaf = pki.pkcs12("enc-bc", "keyAgreement", p12Password)
        val record = keystore.importPkcs12(leaf.pkcs12, p12Password, "135792").single()
        val plaintext = "报价 / quote 1,234,567.00".repeat(500).toByteArray()
        val input = home.resolve("quote.txt")
        Files.write(input, plaintext)
        val envelope = home.resolve("quote.p7m")

        encryptFile(input.toString(), envelope.toString(), listOf(record.certificate.der))

        val recipientKey = KeyFactory.getInstance("EC").generatePrivate(PKCS8EncodedKeySpec(pemBody(leaf.keyPem)))
        val recipients = CMSAuthEnvelopedData(Files.readAllBytes(envelope)).recipientInfos.recipients
        val opened = recipients.single().getContent(JceKeyAgreeEnvelopedRecipient(recipientKey).setProvider(bc))
        assertArrayEquals(plaintext, opened)
    }

    @Test
    fun `a digest signature verifies with Bouncy Castle and a short digest is refused`() = runBlocking {
        val record = importSigning()
        val content = "招标公告 / tender notice".toByteArray()
        val digest = MessageDigest.getInstance("SHA-256").digest(content)

        val signature = keystore.signDigest(record.keyId, pin, digest)

        val signer = CMSSignedData(CMSProcessableByteArray(content), signature).signerInfos.signers.single()
        val cert = X509CertificateHolder(record.certificate.der)
        assertTrue(signer.verify(JcaSimpleSignerInfoVerifierBuilder().setProvider(bc).build(cert)))

        val short = assertThrows<PalmbidException.Failed> {
            runBlocking { keystore.signDigest(record.keyId, pin, digest.copyOf(31)) }
        }
        assertEquals("ffi.invalid_argument", short.code)
        assertTrue(short.messageEn.contains("31"), short.messageEn)
        assertEquals(0u, keystore.pinStatus(record.credentialId).failedAttempts)
    }

    @Test
    fun `wrong PINs count down, then the credential locks and refuses the right PIN`() = runBlocking {
        val record = importSigning()
        val content = Files.createTempFile(home, "doc", ".txt").toString()

        for (left in 5 downTo 1) {
            val error = assertThrows<PalmbidException.Failed> { runBlocking { keystore.signFile(record.keyId, "999999", content) } }
            assertEquals("keystore.pin_incorrect", error.code)
            assertTrue(error.messageEn.contains("$left"), error.messageEn)
            assertTrue(error.messageZh.contains("$left"), error.messageZh)
            assertEquals(left.toUInt(), keystore.pinStatus(record.credentialId).triesLeft)
        }
        val last = assertThrows<PalmbidException.Failed> { runBlocking { keystore.signFile(record.keyId, "999999", content) } }
        assertTrue(last.code == "keystore.locked" || last.code == "keystore.pin_incorrect", last.code)

        val locked = assertThrows<PalmbidException.Failed> { runBlocking { keystore.signFile(record.keyId, pin, content) } }
        assertEquals("keystore.locked", locked.code)
        assertEquals(PinStatus(failedAttempts = 6u, triesLeft = 0u, locked = true), keystore.pinStatus(record.credentialId))
    }

    @Test
    fun `a PIN change takes effect at once and a trivial new PIN is refused`() = runBlocking {
        val record = importSigning()
        val content = Files.createTempFile(home, "doc", ".txt").toString()

        val trivial = assertThrows<PalmbidException.Failed> {
            runBlocking { keystore.changePin(record.credentialId, pin, "123456") }
        }
        assertEquals("keystore.pin_ascending", trivial.code)

        keystore.changePin(record.credentialId, pin, "864209")

        keystore.signFile(record.keyId, "864209", content)
        val old = assertThrows<PalmbidException.Failed> { runBlocking { keystore.signFile(record.keyId, pin, content) } }
        assertEquals("keystore.pin_incorrect", old.code)
    }

    @Test
    fun `a certificate request is issued by OpenSSL and installed`() = runBlocking {
        // The root must be trusted first: it arrives as the chain.
        val requests = keystore.requestCertificates(Subject("李四", "测试公司", "91350100M000100Y43"), "975318")

        val signing = pki.issue(requests.signingCsrDer, "req-sign", "digitalSignature,nonRepudiation")
        val encryption = pki.issue(requests.encryptionCsrDer, "req-enc", "keyAgreement")
        val root = Files.readAllBytes(pki.rootCert)
        val installed = keystore.installCertificates(listOf(signing, encryption), listOf(root), "975318")

        assertEquals(setOf(KeyRole.SIGNING, KeyRole.ENCRYPTION), installed.map { it.role }.toSet())
        assertTrue(installed.all { it.credentialId == requests.credentialId })
        assertEquals(installed.map { it.certificate.fingerprint }.toSet(), keystore.certificates().map { it.certificate.fingerprint }.toSet())
    }

    @Test
    fun `a bad credit code and a wrong PKCS#12 password arrive as their own codes`() = runBlocking {
        val subject = assertThrows<PalmbidException.Failed> {
            runBlocking { keystore.requestCertificates(Subject("李四", "测试公司", "123"), "975318") }
        }
        assertEquals("pki.invalid_credit_code", subject.code)
        assertTrue(subject.messageEn.contains("123"), subject.messageEn)

        val leaf = pki.pkcs12("wrongpw", "digitalSignature", p12Password)
        val password = assertThrows<PalmbidException.Failed> {
            runBlocking { keystore.importPkcs12(leaf.pkcs12, "not the password", pin) }
        }
        assertEquals("pki.wrong_password", password.code)
        assertTrue(keystore.certificates().isEmpty())
    }

    @Test
    fun `renewal warnings are empty without pending bids and a credential deletes`() = runBlocking {
        val signing = importSigning()
        val encryption = importEncryption()

        assertEquals(emptyList<RenewalWarning>(), keystore.renewalWarnings())
        keystore.deleteCredential(encryption.credentialId)
        val left = keystore.certificates()
        assertEquals(listOf(signing.keyId), left.map { it.keyId })

        val missing = assertThrows<PalmbidException.Failed> {
            runBlocking { keystore.deleteCredential(encryption.credentialId) }
        }
        assertEquals("keystore.credential_not_found", missing.code)
    }

    private fun bcAuthEnvelope(plaintext: ByteArray, recipientDer: ByteArray): ByteArray {
        val recipient = JcaX509CertificateConverter().setProvider(bc).getCertificate(X509CertificateHolder(recipientDer))
        val ephemeral = KeyPairGenerator.getInstance("EC", bc).apply { initialize(ECGenParameterSpec("secp256r1")) }.generateKeyPair()
        val generator = CMSAuthEnvelopedDataGenerator()
        generator.addRecipientInfoGenerator(
            JceKeyAgreeRecipientInfoGenerator(CMSAlgorithm.ECDH_SHA256KDF, ephemeral.private, ephemeral.public, CMSAlgorithm.AES256_WRAP)
                .addRecipient(recipient)
                .setProvider(bc),
        )
        val encryptor = JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_GCM).setProvider(bc).build() as OutputAEADEncryptor
        return generator.generate(CMSProcessableByteArray(plaintext), encryptor).encoded
    }

    /** The SEC1 uncompressed point of a P-256 public key. */
    private fun sec1(key: ECPublicKey): ByteArray {
        fun fixed(value: java.math.BigInteger): ByteArray {
            val bytes = value.toByteArray().dropWhile { it == 0.toByte() }.toByteArray()
            return ByteArray(32 - bytes.size) + bytes
        }
        return byteArrayOf(4) + fixed(key.w.affineX) + fixed(key.w.affineY)
    }

    /** The DER inside a PEM file. */
    private fun pemBody(pem: java.nio.file.Path): ByteArray {
        val base64 = Files.readAllLines(pem).filterNot { it.startsWith("-----") }.joinToString("")
        return java.util.Base64.getDecoder().decode(base64)
    }
}
