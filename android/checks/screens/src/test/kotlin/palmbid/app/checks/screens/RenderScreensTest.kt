package palmbid.app.checks.screens

import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.ui.ImageComposeScene
import androidx.compose.ui.text.font.FontFamily
import androidx.compose.ui.text.platform.Font
import androidx.compose.ui.unit.Density
import java.awt.image.BufferedImage
import java.io.ByteArrayInputStream
import java.io.File
import javax.imageio.ImageIO
import org.jetbrains.skia.EncodedImageFormat
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import palmbid.app.ui.i18n.LocalStrings
import palmbid.app.ui.i18n.Strings
import palmbid.app.ui.theme.PalmbidTheme

/**
 * Draws every sample state of every screen in zh-CN and English with
 * ImageComposeScene (skia raster, no window) into
 * target/screens/<lang>/<screen>-<state>.png, and an index.html beside them.
 * A sample fails when composing it throws or when its image is one colour.
 */
class RenderScreensTest {

    /** A phone in portrait, 412 x 915 dp, drawn at 2 pixels per dp. */
    private val widthDp = 412
    private val heightDp = 915
    private val density = 2f

    private val outDir = File(System.getProperty("palmbid.screens.dir", "target/screens"))

    /**
     * The desktop's default font has no Chinese glyphs, so the CJK font is
     * given to the theme; Android's default family covers Chinese itself.
     */
    private val fontFamily: FontFamily by lazy {
        val path = System.getProperty("palmbid.cjk.font", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
        val file = File(path)
        check(file.isFile) { "CJK font $path is missing; install fonts-wqy-zenhei or set -Dpalmbid.cjk.font" }
        FontFamily(Font(file))
    }

    private val languages = listOf("zh-CN" to Strings.zhCN, "en" to Strings.en)

    @TestFactory
    fun renderEverySample(): List<DynamicTest> {
        val renders = languages.flatMap { (tag, strings) ->
            allSamples.map { sample ->
                DynamicTest.dynamicTest("$tag ${sample.screen}-${sample.state}") { render(tag, strings, sample) }
            }
        }
        return renders + DynamicTest.dynamicTest("index.html") { writeIndex() }
    }

    private fun render(tag: String, strings: Strings, sample: Sample) {
        val scene = ImageComposeScene(
            width = (widthDp * density).toInt(),
            height = (heightDp * density).toInt(),
            density = Density(density),
        ) {
            CompositionLocalProvider(LocalStrings provides strings) {
                PalmbidTheme(fontFamily = fontFamily) { sample.content() }
            }
        }
        val png = try {
            scene.render().encodeToData(EncodedImageFormat.PNG)?.bytes
        } finally {
            scene.close()
        }
        checkNotNull(png) { "${sample.screen}-${sample.state}: skia encoded no PNG" }
        val file = File(outDir, "$tag/${sample.screen}-${sample.state}.png")
        file.parentFile.mkdirs()
        file.writeBytes(png)
        val image = ImageIO.read(ByteArrayInputStream(png))
        assertTrue(!isOneColour(image), "${file.path} is blank: every pixel has one colour")
    }

    private fun isOneColour(image: BufferedImage): Boolean {
        val first = image.getRGB(0, 0)
        for (y in 0 until image.height) {
            for (x in 0 until image.width) {
                if (image.getRGB(x, y) != first) return false
            }
        }
        return true
    }

    /** Writes index.html: one row per screen and state, the two languages side by side. */
    private fun writeIndex() {
        val rows = allSamples.joinToString("\n") { sample ->
            val name = "${sample.screen}-${sample.state}"
            val cells = languages.joinToString("") { (tag, _) ->
                "<td><a href=\"$tag/$name.png\"><img src=\"$tag/$name.png\" width=\"206\" loading=\"lazy\"></a></td>"
            }
            "<tr><th>$name</th>$cells</tr>"
        }
        val html = """
            |<!doctype html>
            |<html lang="en"><head><meta charset="utf-8"><title>palmbid screens</title>
            |<style>body{font-family:sans-serif} th{text-align:left;vertical-align:top;padding-right:1em} td{padding:4px}</style>
            |</head><body>
            |<h1>palmbid screens: ${allSamples.size} sample states in zh-CN and en</h1>
            |<table><tr><th>screen-state</th><th>zh-CN</th><th>en</th></tr>
            |$rows
            |</table></body></html>
            |""".trimMargin()
        outDir.mkdirs()
        File(outDir, "index.html").writeText(html)
    }
}
