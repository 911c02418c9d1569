package palmbid.app.checks.screens

import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import palmbid.app.ui.i18n.Strings
import palmbid.app.ui.home.HomeScreen
import palmbid.app.ui.samples.HomeSamples

/**
 * The renderer's checks can fail: a screen that throws while composing, a
 * blank screen. Chinese text draws real glyphs.
 */
class ScreenRendererTest {

    @Test
    fun throwingScreenFailsTheRender() {
        val error = assertThrows<IllegalStateException> {
            ScreenRenderer.renderPng(Strings.zhCN) { Throwing() }
        }
        assertEquals("composition failed on purpose", error.message)
    }

    @Test
    fun emptyScreenIsOneColour() {
        val png = ScreenRenderer.renderPng(Strings.zhCN) { Box(Modifier.fillMaxSize()) }
        assertTrue(ScreenRenderer.isOneColour(png))
    }

    @Test
    fun drawnScreenIsNotOneColour() {
        val png = ScreenRenderer.renderPng(Strings.en) { HomeScreen(HomeSamples.full, {}) }
        assertFalse(ScreenRenderer.isOneColour(png))
    }

    @Test
    fun chineseTextIsDrawnWithTheCjkFont() {
        // A font without these characters draws both as the same
        // missing-glyph box, so two different characters give one picture.
        val one = ScreenRenderer.renderPng(Strings.zhCN) { Text("证") }
        val other = ScreenRenderer.renderPng(Strings.zhCN) { Text("书") }
        assertFalse(one.contentEquals(other))
    }
}

@Composable
private fun Throwing() {
    error("composition failed on purpose")
}
