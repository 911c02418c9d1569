package palmbid.app.core

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertSame
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import palmbid.app.domain.FailureKind
import palmbid.app.domain.PalmbidFailure
import palmbid.ffi.InternalException
import palmbid.ffi.PalmbidException

class FailureMappingTest {
    @Test
    fun `the core's error keeps its code and both messages`() {
        val core = PalmbidException.Failed("keystore.pin_incorrect", "PIN 码错误，还可以再试 3 次", "wrong PIN, 3 tries left")
        val thrown = assertThrows<PalmbidFailure> { runBlocking { ffiCall("Test.call") { throw core } } }

        assertEquals("keystore.pin_incorrect", thrown.code)
        assertEquals("PIN 码错误，还可以再试 3 次", thrown.messageZh)
        assertEquals("wrong PIN, 3 tries left", thrown.messageEn)
        assertEquals(FailureKind.WRONG_PIN, thrown.kind)
        assertSame(core, thrown.cause)
    }

    @Test
    fun `any other exception of the bindings gets a clear code of its own`() {
        val internal = assertThrows<PalmbidFailure> {
            runBlocking { ffiCall("Test.call") { throw InternalException("bad handle") } }
        }
        assertEquals(CODE_BINDING_FAILED, internal.code)
        assertTrue(internal.messageEn.contains("Test.call"), internal.messageEn)
        assertTrue(internal.messageZh.contains("Test.call"), internal.messageZh)

        val link = assertThrows<PalmbidFailure> {
            runBlocking { ffiCall("Test.call") { throw UnsatisfiedLinkError("no palmbid_ffi") } }
        }
        assertEquals(CODE_LIBRARY_UNAVAILABLE, link.code)
    }

    @Test
    fun `cancellation passes through unchanged`() {
        assertThrows<CancellationException> {
            runBlocking { ffiCall("Test.call") { throw CancellationException("stop") } }
        }
    }

    @Test
    fun `a negative section is refused before the core`() {
        val refused = assertThrows<PalmbidFailure> { positive("section", -1) }
        assertEquals(PalmbidFailure.CODE_INVALID_INPUT, refused.code)
        assertEquals(3u, positive("section", 3))
    }

    @Test
    fun `the company is the subject's organization, escapes undone`() {
        assertEquals("示范公司", organizationOf("C=CN,organizationIdentifier=91110000802100433B,O=示范公司,CN=张三"))
        assertEquals("A, B 有限公司", organizationOf("CN=张三,O=A\\, B 有限公司"))
        assertNull(organizationOf("CN=张三,OU=部门"))
        assertNull(organizationOf(""))
    }
}
