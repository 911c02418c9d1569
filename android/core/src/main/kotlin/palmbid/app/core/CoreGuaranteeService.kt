package palmbid.app.core

import palmbid.app.domain.GuaranteeApplication
import palmbid.app.domain.GuaranteeCode
import palmbid.app.domain.GuaranteeInstitution
import palmbid.app.domain.GuaranteeProject
import palmbid.app.domain.GuaranteeSections
import palmbid.app.domain.GuaranteeService
import palmbid.app.domain.GuaranteeView
import palmbid.app.domain.Pin
import palmbid.ffi.Account

/** [GuaranteeService] over the core's `Account`; the caller wipes every [Pin]. */
internal class CoreGuaranteeService(private val account: Account) : GuaranteeService {

    override suspend fun projects(platform: String): List<GuaranteeProject> =
        ffiCall("GuaranteeService.projects") { account.guaranteeProjects(platform) }.map { it.toDomain() }

    override suspend fun sections(platform: String, project: String): GuaranteeSections =
        ffiCall("GuaranteeService.sections") { account.guaranteeSections(platform, project) }.toDomain()

    override suspend fun code(platform: String, project: String, section: Int): GuaranteeCode =
        ffiCall("GuaranteeService.code") {
            account.guaranteeCode(platform, project, positive("section", section))
        }.toDomain()

    override suspend fun institutions(platform: String): List<GuaranteeInstitution> =
        ffiCall("GuaranteeService.institutions") { account.guaranteeInstitutions(platform) }.map { it.toDomain() }

    override suspend fun pinCredential(platform: String, project: String, section: Int): String =
        ffiCall("GuaranteeService.pinCredential") {
            account.guaranteePinCredential(platform, project, positive("section", section))
        }

    override suspend fun apply(
        platform: String,
        project: String,
        section: Int,
        institution: String,
        pin: Pin,
    ): GuaranteeApplication = ffiCall("GuaranteeService.apply") {
        account.applyForGuarantee(platform, project, positive("section", section), institution, pin.reveal())
    }.toDomain()

    override suspend fun status(platform: String, project: String, section: Int): GuaranteeView =
        ffiCall("GuaranteeService.status") {
            account.guaranteeStatus(platform, project, positive("section", section))
        }.toDomain()
}
