package palmbid.app.fakes

import java.time.Duration
import java.util.concurrent.ConcurrentHashMap
import palmbid.app.domain.GuaranteeApplication
import palmbid.app.domain.GuaranteeCode
import palmbid.app.domain.GuaranteeInstitution
import palmbid.app.domain.GuaranteeProject
import palmbid.app.domain.GuaranteeSections
import palmbid.app.domain.GuaranteeService
import palmbid.app.domain.GuaranteeState
import palmbid.app.domain.GuaranteeView
import palmbid.app.domain.Pin
import palmbid.app.domain.VerifiedGuarantee

/**
 * Electronic bid guarantees in memory: the sample project and institutions;
 * an application moves its section to [GuaranteeState.APPLIED], and
 * [issue] to [GuaranteeState.ISSUED] with a sample document.
 */
class FakeGuaranteeService(
    private val control: FakeControl,
    private val pins: FakePins,
) : GuaranteeService {
    private val views = ConcurrentHashMap<Int, GuaranteeView>()

    /** The credential whose key signs applications: the sample one until a test sets another. */
    @Volatile
    var signingCredential: String = Samples.CREDENTIAL

    /** Issues the guarantee applied for in [section], as the institution would. */
    fun issue(section: Int) {
        views.computeIfPresent(section) { _, view ->
            view.copy(
                state = GuaranteeState.ISSUED,
                updatedAt = control.now(),
                document = VerifiedGuarantee("%PDF-1.7\n%%EOF\n".toByteArray(), "BH-0001", "CN=示范银行", "ab".repeat(32)),
            )
        }
    }

    override suspend fun projects(platform: String): List<GuaranteeProject> {
        control.enter("GuaranteeService.projects")
        return listOf(Samples.guaranteeProject)
    }

    override suspend fun sections(platform: String, project: String): GuaranteeSections {
        control.enter("GuaranteeService.sections")
        known(project)
        return GuaranteeSections(Samples.guaranteeProject, Samples.guaranteeSections)
    }

    override suspend fun code(platform: String, project: String, section: Int): GuaranteeCode {
        control.enter("GuaranteeService.code")
        return codeOf(project, section)
    }

    override suspend fun institutions(platform: String): List<GuaranteeInstitution> {
        control.enter("GuaranteeService.institutions")
        return Samples.institutions
    }

    override suspend fun pinCredential(platform: String, project: String, section: Int): String {
        control.enter("GuaranteeService.pinCredential")
        codeOf(project, section)
        return signingCredential
    }

    override suspend fun apply(platform: String, project: String, section: Int, institution: String, pin: Pin): GuaranteeApplication {
        control.enter("GuaranteeService.apply")
        val code = codeOf(project, section)
        val chosen = Samples.institutions.firstOrNull { it.id == institution }
            ?: throw Failures.of("account.institution_unknown", "未知的保函机构 $institution", "unknown guarantee institution $institution")
        pins.verify(signingCredential, pin)
        views[section] = GuaranteeView(code, GuaranteeState.APPLIED, chosen.name, null, control.now(), null)
        return GuaranteeApplication(
            url = "https://institution.example/apply?code=${code.code}",
            institution = chosen,
            code = code,
            expiresAt = control.now() + Duration.ofMinutes(30),
        )
    }

    override suspend fun status(platform: String, project: String, section: Int): GuaranteeView {
        control.enter("GuaranteeService.status")
        return views[section] ?: GuaranteeView(codeOf(project, section), GuaranteeState.NONE, null, null, null, null)
    }

    private fun known(project: String) {
        if (project != Samples.guaranteeProject.id) {
            throw Failures.of("hall.not_found", "找不到项目 $project", "no project $project")
        }
    }

    private fun codeOf(project: String, section: Int): GuaranteeCode {
        known(project)
        val s = Samples.guaranteeSections.firstOrNull { it.position == section }
        val creditCode = s?.creditCode ?: throw Failures.of(
            "hall.not_a_section_bidder",
            "本单位未投标第 $section 标段",
            "this company does not bid in section $section",
        )
        return GuaranteeCode("GC-$project-$section", project, Samples.guaranteeProject.name, section, s.name, creditCode, Samples.COMPANY)
    }
}
