package palmbid.app.fakes

import palmbid.app.domain.PalmbidFailure

/**
 * Failures as the core words them (same codes, both languages), for fakes
 * and tests to arm. The real messages come from the core; these follow
 * their pattern closely enough for screens to show.
 */
object Failures {
    fun pinIncorrect(triesLeft: Int) = PalmbidFailure(
        "keystore.pin_incorrect",
        "PIN 码错误；还可以再试 $triesLeft 次，全部用完后证书将被锁定",
        "wrong PIN; $triesLeft tries left before the certificate locks",
    )

    fun locked() = PalmbidFailure(
        "keystore.locked",
        "PIN 码连续错误次数过多，证书已锁定；请重新办理证书",
        "too many wrong PINs: the certificate is locked; apply for a new certificate",
    )

    fun network() = PalmbidFailure(
        "api.unreachable",
        "无法连接平台；请检查网络后重试",
        "the platform cannot be reached; check the network and retry",
    )

    fun expired() = PalmbidFailure(
        "qr.expired",
        "二维码请求已过期；请在电脑上刷新二维码后重新扫描",
        "the QR request expired; refresh the code on the computer and scan again",
    )

    fun notLoggedIn() = PalmbidFailure(
        "account.not_logged_in",
        "尚未登录该平台；请先用短信验证码登录",
        "not logged in to this platform; log in with an SMS code first",
    )

    /** Any other failure, for a test that needs a particular code. */
    fun of(code: String, zh: String = "操作失败（$code）", en: String = "the operation failed ($code)") =
        PalmbidFailure(code, zh, en)
}
