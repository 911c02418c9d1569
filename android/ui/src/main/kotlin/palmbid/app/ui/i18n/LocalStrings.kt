package palmbid.app.ui.i18n

import androidx.compose.runtime.staticCompositionLocalOf

/**
 * The texts of the language the user chose. The app provides it at the root
 * from the settings; screens read `LocalStrings.current` and never hold a
 * literal text. Chinese unless provided otherwise.
 */
val LocalStrings = staticCompositionLocalOf { Strings.zhCN }
