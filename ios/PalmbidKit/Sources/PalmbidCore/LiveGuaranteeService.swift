import Foundation
import PalmbidBindings

final class LiveGuaranteeService: GuaranteeService {
    private let account: Account

    init(account: Account) {
        self.account = account
    }

    func projects(platform: String) async throws -> [GuaranteeProjectSummary] {
        try await bridged {
            try await account.guaranteeProjects(platform: platform).map {
                GuaranteeProjectSummary(id: $0.id, name: $0.name, openingAt: Date(unix: $0.openingAtUnix))
            }
        }
    }

    func sections(platform: String, project: String) async throws -> [GuaranteeSectionSummary] {
        try await bridged {
            try await account.guaranteeSections(platform: platform, project: project).sections.map {
                GuaranteeSectionSummary(position: Int($0.position), name: $0.name)
            }
        }
    }

    func institutions(platform: String) async throws -> [GuaranteeInstitutionSummary] {
        try await bridged {
            try await account.guaranteeInstitutions(platform: platform).map {
                GuaranteeInstitutionSummary(id: $0.id, name: $0.name, feeRateBp: Int($0.feeRateBp))
            }
        }
    }

    func status(platform: String, project: String, section: Int) async throws -> GuaranteeProgress {
        try await bridged {
            let number = try libraryNumber(section)
            let view = try await account.guaranteeStatus(platform: platform, project: project, section: number)
            switch view.state {
            case .none:
                return .notApplied
            case .applied:
                return .applied(institution: view.institution)
            case .issued:
                return .issued(guaranteeNo: view.document?.guaranteeNo ?? "")
            case .rejected:
                return .rejected(reason: view.reason)
            case .cancelled:
                return .cancelled
            }
        }
    }

    func pinCredential(platform: String, project: String, section: Int) async throws -> String {
        try await bridged {
            let number = try libraryNumber(section)
            return try await account.guaranteePinCredential(platform: platform, project: project, section: number)
        }
    }

    func apply(
        platform: String, project: String, section: Int, institution: String, pin: String
    ) async throws -> URL {
        try await bridged {
            let number = try libraryNumber(section)
            let application = try await account.applyForGuarantee(
                platform: platform, project: project, section: number, institution: institution, pin: pin
            )
            guard let url = URL(string: application.url) else {
                throw AppError(
                    code: "app.apply_url_invalid",
                    messageZh: "保函机构返回的申请地址无效：\(application.url)。请联系保函机构。",
                    messageEn: "The institution returned an invalid application address: \(application.url). Contact the institution."
                )
            }
            return url
        }
    }
}

/// Converts a section or round number to the library's type. The screens pass only
/// numbers they got from the library, so one out of range is a programming
/// error, reported as an ordinary error rather than a crash.
func libraryNumber(_ number: Int) throws -> UInt32 {
    guard let value = UInt32(exactly: number) else {
        throw AppError(
            code: "app.invalid_number",
            messageZh: "编号 \(number) 无效（标段或轮次），请刷新后重试。",
            messageEn: "Number \(number) is not a valid section or round; refresh and try again."
        )
    }
    return value
}
