package palmbid.app.ui.i18n

import androidx.compose.runtime.staticCompositionLocalOf
import palmbid.app.domain.Language

/**
 * The texts of the language the user chose. The app provides it at the root
 * from the settings; screens read `LocalStrings.current` and never hold a
 * literal text. Chinese unless provided otherwise.
 */
val LocalStrings = staticCompositionLocalOf { Strings.zhCN }

/**
 * Returns the language to show: [chosen], or when it is null the system's
 * ([systemLanguage], an ISO 639 code): English for `en`, Chinese otherwise.
 */
fun resolveLanguage(chosen: Language?, systemLanguage: String): Language =
    chosen ?: if (systemLanguage == "en") Language.EN else Language.ZH_CN

/** Returns the string catalogue of [language]. */
fun stringsOf(language: Language): Strings = when (language) {
    Language.ZH_CN -> Strings.zhCN
    Language.EN -> Strings.en
}
