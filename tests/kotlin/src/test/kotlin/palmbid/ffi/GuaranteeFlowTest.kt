package palmbid.ffi

import java.nio.file.Path
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows

/**
 * Electronic bid guarantees through the bindings, against the real
 * reference platform: every guarantee call of `Account`, from the project
 * list to an issued guarantee whose PDF the core verified, and the
 * refusals of a section the bidder is not in and an institution not in
 * the catalogue.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GuaranteeFlowTest {
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

    private fun failure(block: suspend () -> Unit): PalmbidException.Failed =
        assertThrows<PalmbidException.Failed> { runBlocking { block() } }

    /** Logs [phone] in and installs the bidder's certificates from the platform. */
    private suspend fun bidder(phone: String) {
        account.addPlatform(PLATFORM, platform.baseUrl)
        val sent = account.requestLoginCode(PLATFORM, phone)
        account.login(PLATFORM, phone, platform.smsCode(phone), sent.terms)
        val identityCode = account.requestIdentityCode(PLATFORM)
        account.submitIdentity(PLATFORM, NAME, ID_NUMBER, identityCode.code, "video".toByteArray())
        platform.registerCompany(COMPANY, CREDIT_CODE)
        val order = platform.enterOrder(NAME, phone, COMPANY, CREDIT_CODE, emptyList())
        platform.approve(order)
        val scanned = account.scan(platform.pickupUrl(order))
        account.pickUp(scanned, PIN)
        account.download(PLATFORM, scanned.pickupId, PIN)
    }

    @Test
    fun `apply through the development institution and see the guarantee issued and verified`() = runBlocking {
        bidder("13800138101")
        val project = platform.guaranteeProject("保函测试工程", CREDIT_CODE)

        val projects = account.guaranteeProjects(PLATFORM)
        assertEquals(listOf(project), projects.map { it.id })
        val sections = account.guaranteeSections(PLATFORM, project)
        assertEquals(listOf(CREDIT_CODE), sections.sections.map { it.creditCode })

        val code = account.guaranteeCode(PLATFORM, project, 1u)
        assertTrue(Regex("BH[0-9A-F]{20}").matches(code.code), code.code)
        assertEquals(CREDIT_CODE, code.creditCode)

        val institutions = account.guaranteeInstitutions(PLATFORM)
        val dev = institutions.single { it.development }
        assertTrue(dev.name.contains("开发测试"), dev.name)

        assertEquals(GuaranteeState.NONE, account.guaranteeStatus(PLATFORM, project, 1u).state)
        val signing = keystore.certificates().single { it.role == KeyRole.SIGNING }
        assertEquals(signing.credentialId, account.guaranteePinCredential(PLATFORM, project, 1u))
        val application = account.applyForGuarantee(PLATFORM, project, 1u, dev.id, PIN)
        assertTrue(application.url.contains("code=${code.code}"), application.url)
        assertEquals(code, application.code)
        assertEquals(GuaranteeState.APPLIED, account.guaranteeStatus(PLATFORM, project, 1u).state)

        assertEquals(200, platform.submitInstitutionForm(application.url, "issue"))
        val issued = account.guaranteeStatus(PLATFORM, project, 1u)
        assertEquals(GuaranteeState.ISSUED, issued.state)
        val document = issued.document ?: error("an issued guarantee comes with its verified document")
        assertTrue(document.guaranteeNo.startsWith("DEV-"), document.guaranteeNo)
        assertTrue(String(document.pdf.copyOf(5)) == "%PDF-")
        assertTrue(document.signerSubject.contains("开发测试保函机构"), document.signerSubject)
        assertEquals(dev.id, issued.institution)
        assertNull(issued.reason)
    }

    @Test
    fun `a section the bidder is not in and an unknown institution are refused`() = runBlocking {
        bidder("13800138102")
        val project = platform.guaranteeProject("他标段测试工程", CREDIT_CODE)

        platform.addSection(project, "第二标段", "91310000132200821H 其他单位")
        val notIn = failure { account.guaranteeCode(PLATFORM, project, 2u) }
        assertEquals("guarantee.not_a_bidder", notIn.code)
        val missing = failure { account.guaranteeCode(PLATFORM, project, 3u) }
        assertEquals("guarantee.section_not_found", missing.code)
        val unknown = failure { account.applyForGuarantee(PLATFORM, project, 1u, "no-such-bank", PIN) }
        assertEquals("account.institution_unknown", unknown.code)
        val noProject = failure { account.guaranteeSections(PLATFORM, "00112233445566778899aabbccddeeff") }
        assertEquals("guarantee.project_not_found", noProject.code)
    }

    companion object {
        const val PLATFORM = "dev"
        const val PIN = "135790"
        const val NAME = "王五"
        const val COMPANY = "示例保函测试有限公司"
        const val CREDIT_CODE = "91110000802100433B"
        const val ID_NUMBER = "11010519491231002X"
    }
}
