package palmbid.app.ui.theme

import androidx.compose.material3.ColorScheme
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Typography
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.text.TextStyle
import androidx.compose.ui.text.font.FontFamily

/** Palmbid's colours: a sober blue, with red kept for warnings and refusals. */
private val LightColors: ColorScheme = lightColorScheme(
    primary = Color(0xFF1A56B0),
    onPrimary = Color.White,
    primaryContainer = Color(0xFFD9E4FA),
    onPrimaryContainer = Color(0xFF0B2A5C),
    secondary = Color(0xFF4A5D7A),
    onSecondary = Color.White,
    secondaryContainer = Color(0xFFE2E8F2),
    onSecondaryContainer = Color(0xFF1B2738),
    tertiary = Color(0xFF9A5B00),
    onTertiary = Color.White,
    tertiaryContainer = Color(0xFFFFE8C7),
    onTertiaryContainer = Color(0xFF3D2400),
    error = Color(0xFFB3261E),
    onError = Color.White,
    errorContainer = Color(0xFFFADBD8),
    onErrorContainer = Color(0xFF5C0F0A),
    background = Color(0xFFF6F7FA),
    onBackground = Color(0xFF1A1C20),
    surface = Color.White,
    onSurface = Color(0xFF1A1C20),
    surfaceVariant = Color(0xFFE9ECF1),
    onSurfaceVariant = Color(0xFF434852),
    outline = Color(0xFF767B86),
    outlineVariant = Color(0xFFC7CBD3),
)

/** Colours that carry meaning beyond Material's roles. */
object PalmbidColors {
    /** Done, valid, confirmed. */
    val success = Color(0xFF1E7A3C)

    /** Expiring soon, waiting, clock warnings. */
    val caution = Color(0xFF9A5B00)
}

/**
 * Applies the app's theme. [fontFamily] replaces every text style's family: the
 * desktop renderer passes a CJK font there; on Android the default family
 * already covers Chinese.
 */
@Composable
fun PalmbidTheme(fontFamily: FontFamily? = null, content: @Composable () -> Unit) {
    val base = Typography()
    val typography = if (fontFamily == null) base else base.withFamily(fontFamily)
    MaterialTheme(colorScheme = LightColors, typography = typography, content = content)
}

private fun Typography.withFamily(family: FontFamily): Typography {
    fun TextStyle.f() = copy(fontFamily = family)
    return Typography(
        displayLarge = displayLarge.f(), displayMedium = displayMedium.f(), displaySmall = displaySmall.f(),
        headlineLarge = headlineLarge.f(), headlineMedium = headlineMedium.f(), headlineSmall = headlineSmall.f(),
        titleLarge = titleLarge.f(), titleMedium = titleMedium.f(), titleSmall = titleSmall.f(),
        bodyLarge = bodyLarge.f(), bodyMedium = bodyMedium.f(), bodySmall = bodySmall.f(),
        labelLarge = labelLarge.f(), labelMedium = labelMedium.f(), labelSmall = labelSmall.f(),
    )
}
