package palmbid.app.platform

import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNull
import org.junit.Assert.assertSame
import org.junit.Assert.assertTrue
import org.junit.Test
import palmbid.app.domain.PushHint

class PushProvidersTest {

    /** A vendor client that records calls and returns one token. */
    private class RecordingClient(private val supported: Boolean = true) : VendorPushClient {
        var unregistered = false

        override fun isSupported(): Boolean = supported

        override fun register(onToken: (String) -> Unit, onError: (Throwable) -> Unit) {
            onToken("token-1")
            onError(IllegalStateException("closed after one token"))
        }

        override fun unregister() {
            unregistered = true
        }
    }

    @Test
    fun choosesVendorByManufacturer() {
        val clients = VendorPushClients(
            huawei = RecordingClient(),
            honor = RecordingClient(),
            xiaomi = RecordingClient(),
            oppo = RecordingClient(),
            vivo = RecordingClient(),
        )

        assertEquals("huawei", PushProviders.choose(clients, "HUAWEI").vendor)
        assertEquals("honor", PushProviders.choose(clients, "HONOR").vendor)
        assertEquals("xiaomi", PushProviders.choose(clients, "Xiaomi").vendor)
        assertEquals("xiaomi", PushProviders.choose(clients, "Redmi").vendor)
        assertEquals("oppo", PushProviders.choose(clients, "OPPO").vendor)
        assertEquals("oppo", PushProviders.choose(clients, "OnePlus").vendor)
        assertEquals("vivo", PushProviders.choose(clients, "vivo").vendor)
    }

    @Test
    fun otherMakerGetsNoPush() {
        val clients = VendorPushClients(huawei = RecordingClient())

        assertSame(NoPushProvider, PushProviders.choose(clients, "samsung"))
    }

    @Test
    fun unlinkedSdkGetsNoPush() {
        assertSame(NoPushProvider, PushProviders.choose(VendorPushClients(), "HUAWEI"))
    }

    @Test
    fun unsupportedServiceGetsNoPush() {
        val clients = VendorPushClients(huawei = RecordingClient(supported = false))

        assertSame(NoPushProvider, PushProviders.choose(clients, "HUAWEI"))
    }

    @Test
    fun tokensEndWithRegistrationError() {
        val client = RecordingClient()
        val provider = HuaweiPushProvider(client)

        val tokens = mutableListOf<String>()
        val error = runCatching { runBlocking { provider.tokens().toList(tokens) } }.exceptionOrNull()

        assertEquals(listOf("token-1"), tokens)
        assertTrue(error is IllegalStateException)
        assertTrue(client.unregistered)
    }

    @Test
    fun hintParsesPlatformAndProject() {
        val hint = PushHintRelay.parse(mapOf("platform" to "广东省公共资源交易平台", "project" to "GD-2026_001.a"))

        assertEquals(PushHint("广东省公共资源交易平台", "GD-2026_001.a"), hint)
    }

    @Test
    fun hintWithoutProjectKeepsPlatform() {
        assertEquals(PushHint("ggzy", null), PushHintRelay.parse(mapOf("platform" to "ggzy")))
    }

    @Test
    fun hintIgnoresOtherKeys() {
        val hint = PushHintRelay.parse(mapOf("platform" to "ggzy", "amount" to "1000000", "token" to "secret"))

        assertEquals(PushHint("ggzy", null), hint)
    }

    @Test
    fun hintRejectsBadValues() {
        assertNull(PushHintRelay.parse(emptyMap()))
        assertNull(PushHintRelay.parse(mapOf("platform" to "")))
        assertNull(PushHintRelay.parse(mapOf("platform" to "   ")))
        assertNull(PushHintRelay.parse(mapOf("platform" to "a\u0000b")))
        assertNull(PushHintRelay.parse(mapOf("platform" to "x".repeat(201))))
        assertNull(PushHintRelay.parse(mapOf("platform" to "ggzy", "project" to "../etc")))
        assertNull(PushHintRelay.parse(mapOf("platform" to "ggzy", "project" to "")))
        assertNull(PushHintRelay.parse(mapOf("platform" to "ggzy", "project" to "p".repeat(129))))
    }
}
