package palmbid.app.checks.screens

import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.ui.ImageComposeScene
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.platform.Font
import androidx.compose.ui.unit.Density
import java.io.ByteArrayInputStream
import java.io.File
import javax.imageio.ImageIO
import org.jetbrains.skia.EncodedImageFormat
import palmbid.app.ui.i18n.LocalStrings
import palmbid.app.ui.i18n.Strings
import palmbid.app.ui.theme.PalmbidTheme

/**
 * Draws a composable the way the app shows it (theme and texts provided)
 * on a phone-sized skia raster canvas, with no window.
 */
object ScreenRenderer {
    /** A phone in portrait, 412 x 915 dp, drawn at 2 pixels per dp. */
    const val WIDTH_DP = 412
    const val HEIGHT_DP = 915
    const val DENSITY = 2f

    /**
     * The desktop's default font has no Chinese glyphs, so the CJK font is
     * given to the theme. Android's default family covers Chinese itself.
     */
    val fontFamily: FontFamily by lazy {
        val path = System.getProperty("palmbid.cjk.font", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
        val file = File(path)
        check(file.isFile) { "CJK font $path is missing; install fonts-wqy-zenhei or set -Dpalmbid.cjk.font" }
        FontFamily(Font(file))
    }

    /**
     * Renders [content] in [strings]' language and returns the PNG. Throws what composing throws.
     * NOTE: only the first phone-sized screenful is drawn, so the blank check does not cover
     * content of a long screen below that first screenful.
     */
    fun renderPng(strings: Strings, content: @Composable () -> Unit): ByteArray {
        val scene = ImageComposeScene(
            width = (WIDTH_DP * DENSITY).toInt(),
            height = (HEIGHT_DP * DENSITY).toInt(),
            density = Density(DENSITY),
        ) {
            CompositionLocalProvider(LocalStrings provides strings) {
                PalmbidTheme(fontFamily = fontFamily) { content() }
            }
        }
        val png = try {
            scene.render().encodeToData(EncodedImageFormat.PNG)?.bytes
        } finally {
            scene.close()
        }
        return checkNotNull(png) { "skia encoded no PNG" }
    }

    /** Returns true when every pixel of [png] has the same colour: nothing was drawn. */
    fun isOneColour(png: ByteArray): Boolean {
        val image = checkNotNull(ImageIO.read(ByteArrayInputStream(png))) { "not a PNG" }
        val first = image.getRGB(0, 0)
        for (y in 0 until image.height) {
            for (x in 0 until image.width) {
                if (image.getRGB(x, y) != first) return false
            }
        }
        return true
    }
}
