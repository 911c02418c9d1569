package palmbid.app.checks.screens

import java.io.File
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import palmbid.app.ui.i18n.Strings

/**
 * Draws every sample state of every screen in zh-CN and English into
 * target/screens/<lang>/<screen>-<state>.png, and an index.html beside them.
 * A sample fails when composing it throws or when its image is one colour.
 */
class RenderScreensTest {

    private val outDir = File(System.getProperty("palmbid.screens.dir", "target/screens"))

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
        val png = ScreenRenderer.renderPng(strings, sample.content)
        val file = File(outDir, "$tag/${sample.screen}-${sample.state}.png")
        file.parentFile.mkdirs()
        file.writeBytes(png)
        assertFalse(ScreenRenderer.isOneColour(png), "${file.path} is blank: every pixel has one colour")
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
