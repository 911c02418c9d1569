package palmbid.app.presentation.common

import palmbid.app.domain.FailureKind
import palmbid.app.domain.Language
import palmbid.app.domain.PalmbidFailure

/**
 * A failure as a screen shows it: the core's stable code and its message
 * in both languages, so the screen picks the language the user chose.
 * A value type (unlike the exception), so states compare by content.
 */
data class ShownError(
    val code: String,
    val messageZh: String,
    val messageEn: String,
) {
    val kind: FailureKind get() = FailureKind.of(code)

    fun message(language: Language): String = when (language) {
        Language.ZH_CN -> messageZh
        Language.EN -> messageEn
    }

    companion object {
        fun of(failure: PalmbidFailure): ShownError =
            ShownError(failure.code, failure.messageZh, failure.messageEn)
    }
}
