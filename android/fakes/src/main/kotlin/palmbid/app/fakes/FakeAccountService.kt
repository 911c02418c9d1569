package palmbid.app.fakes

import java.time.Duration
import java.util.concurrent.ConcurrentHashMap
import palmbid.app.domain.AccountService
import palmbid.app.domain.IdentityCode
import palmbid.app.domain.IdentityState
import palmbid.app.domain.IdentityStatus
import palmbid.app.domain.LoginCodeSent
import palmbid.app.domain.Platform
import palmbid.app.domain.Session
import palmbid.app.domain.Terms

/**
 * [AccountService] in memory. Every SMS code is [Samples.SMS_CODE]; the
 * identity check is approved at once unless [identityOutcome] is set otherwise.
 */
class FakeAccountService(private val control: FakeControl) : AccountService {
    private val platforms = linkedMapOf<String, Platform>()
    private val sessions = ConcurrentHashMap<String, Session>()
    private val identities = ConcurrentHashMap<String, IdentityStatus>()

    /** Terms that every platform requires consent to. */
    @Volatile var terms = Terms("2026-01", "2026-01")

    /** Outcome given to every submitted identity check. */
    @Volatile var identityOutcome = IdentityState.APPROVED

    /** Adds [platform] without a call, for sample data. */
    fun trust(platform: Platform) = synchronized(platforms) { platforms[platform.name] = platform }

    /** Starts a session without a call, for sample data. */
    fun logIn(platform: String, phone: String = Samples.PHONE) {
        sessions[platform] = Session(platform, phone, control.now() + Duration.ofDays(7))
    }

    override suspend fun platforms(): List<Platform> {
        control.enter("AccountService.platforms")
        return synchronized(platforms) { platforms.values.toList() }
    }

    override suspend fun addPlatform(name: String, baseUrl: String): Platform {
        control.enter("AccountService.addPlatform")
        synchronized(platforms) {
            if (name in platforms) {
                throw Failures.of("account.platform_exists", "已有名为 $name 的平台；请换一个名称", "a platform named $name exists; choose another name")
            }
            val platform = Platform(name, baseUrl, Samples.root, control.now())
            platforms[name] = platform
            return platform
        }
    }

    override suspend fun removePlatform(platform: String) {
        control.enter("AccountService.removePlatform")
        synchronized(platforms) { platforms.remove(platform) }
        sessions.remove(platform)
    }

    override suspend fun currentTerms(platform: String): Terms {
        control.enter("AccountService.currentTerms")
        known(platform)
        return terms
    }

    override suspend fun requestLoginCode(platform: String, phone: String): LoginCodeSent {
        control.enter("AccountService.requestLoginCode")
        known(platform)
        if (!Regex("1[3-9][0-9]{9}").matches(phone)) {
            throw Failures.of("auth.invalid_phone", "手机号 $phone 无效；请输入 11 位手机号", "phone number $phone is not valid; enter 11 digits")
        }
        val now = control.now()
        return LoginCodeSent(now + Duration.ofMinutes(5), now + Duration.ofSeconds(60), terms)
    }

    override suspend fun login(platform: String, phone: String, code: String, terms: Terms): Session {
        control.enter("AccountService.login")
        known(platform)
        if (terms != this.terms) {
            throw Failures.of("auth.agreement_outdated", "用户协议已更新；请阅读新版本后再登录", "the agreement changed; read the new version and log in again")
        }
        if (code != Samples.SMS_CODE) {
            throw Failures.of("auth.sms_code_wrong", "验证码错误；请检查短信后重新输入", "wrong SMS code; check the message and enter it again")
        }
        val session = Session(platform, phone, control.now() + Duration.ofDays(7))
        sessions[platform] = session
        return session
    }

    override suspend fun session(platform: String): Session? {
        control.enter("AccountService.session")
        return sessions[platform]?.takeIf { it.expiresAt > control.now() }
    }

    override suspend fun logout(platform: String) {
        control.enter("AccountService.logout")
        sessions.remove(platform)
    }

    override suspend fun identityStatus(platform: String): IdentityStatus {
        control.enter("AccountService.identityStatus")
        loggedIn(platform)
        return identities[platform] ?: IdentityStatus(IdentityState.NOT_SUBMITTED, null, null, null, null, null)
    }

    override suspend fun requestIdentityCode(platform: String): IdentityCode {
        control.enter("AccountService.requestIdentityCode")
        loggedIn(platform)
        return IdentityCode(IDENTITY_CODE, control.now() + Duration.ofMinutes(10))
    }

    override suspend fun submitIdentity(
        platform: String,
        name: String,
        idNumber: String,
        code: String,
        video: ByteArray,
    ): IdentityStatus {
        control.enter("AccountService.submitIdentity")
        loggedIn(platform)
        if (code != IDENTITY_CODE) {
            throw Failures.of("account.invalid_code", "朗读码不正确；请重新获取后录制", "the read-aloud code is wrong; get a new one and record again")
        }
        val now = control.now()
        val decided = identityOutcome != IdentityState.PENDING
        val status = IdentityStatus(
            state = identityOutcome,
            caseId = "case-0001",
            name = name,
            reason = if (identityOutcome == IdentityState.REJECTED) "视频中人脸不清晰" else null,
            submittedAt = now,
            decidedAt = if (decided) now else null,
        )
        identities[platform] = status
        return status
    }

    private fun known(platform: String) {
        if (synchronized(platforms) { platform !in platforms }) {
            throw Failures.of("account.unknown_platform", "未添加平台 $platform；请先在设置中添加", "platform $platform is not added; add it in settings first")
        }
    }

    private fun loggedIn(platform: String) {
        known(platform)
        if (sessions[platform] == null) throw Failures.notLoggedIn()
    }

    companion object {
        /** The code every identity video reads aloud. */
        const val IDENTITY_CODE = "5821"
    }
}
