package palmbid.app.core

import palmbid.app.domain.AccountService
import palmbid.app.domain.IdentityCode
import palmbid.app.domain.IdentityStatus
import palmbid.app.domain.LoginCodeSent
import palmbid.app.domain.Platform
import palmbid.app.domain.Session
import palmbid.app.domain.Terms
import palmbid.ffi.Account

/** [AccountService] over the core's `Account`. */
internal class CoreAccountService(private val account: Account) : AccountService {

    override suspend fun platforms(): List<Platform> =
        ffiCall("AccountService.platforms") { account.platforms() }.map { it.toDomain() }

    override suspend fun addPlatform(name: String, baseUrl: String): Platform =
        ffiCall("AccountService.addPlatform") { account.addPlatform(name, baseUrl) }.toDomain()

    override suspend fun removePlatform(platform: String) {
        ffiCall("AccountService.removePlatform") { account.removePlatform(platform) }
    }

    override suspend fun currentTerms(platform: String): Terms =
        ffiCall("AccountService.currentTerms") { account.currentTerms(platform) }.toDomain()

    override suspend fun requestLoginCode(platform: String, phone: String): LoginCodeSent =
        ffiCall("AccountService.requestLoginCode") { account.requestLoginCode(platform, phone) }.toDomain()

    override suspend fun login(platform: String, phone: String, code: String, terms: Terms): Session =
        ffiCall("AccountService.login") { account.login(platform, phone, code, terms.toFfi()) }.toDomain()

    override suspend fun session(platform: String): Session? =
        ffiCall("AccountService.session") { account.session(platform) }?.toDomain()

    /** Logs out; a session that had already ended is not an error. */
    override suspend fun logout(platform: String) {
        ffiCall("AccountService.logout") { account.logout(platform) }
    }

    override suspend fun identityStatus(platform: String): IdentityStatus =
        ffiCall("AccountService.identityStatus") { account.identityStatus(platform) }.toDomain()

    override suspend fun requestIdentityCode(platform: String): IdentityCode =
        ffiCall("AccountService.requestIdentityCode") { account.requestIdentityCode(platform) }.toDomain()

    override suspend fun submitIdentity(
        platform: String,
        name: String,
        idNumber: String,
        code: String,
        video: ByteArray,
    ): IdentityStatus = ffiCall("AccountService.submitIdentity") {
        account.submitIdentity(platform, name, idNumber, code, video)
    }.toDomain()
}
