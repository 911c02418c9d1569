import Foundation
import PalmbidCore

/// Guarantees in memory: one project, one section, one institution.
public actor MockGuaranteeService: GuaranteeService {
    private let certificates: MockCertificateStore
    private let credentialId: String
    public private(set) var progress: [Int: GuaranteeProgress] = [1: .notApplied]

    public init(certificates: MockCertificateStore, credentialId: String) {
        self.certificates = certificates
        self.credentialId = credentialId
    }

    public func projects(platform: String) async throws -> [GuaranteeProjectSummary] {
        [GuaranteeProjectSummary(id: "project-1", name: "示例市政道路工程施工", openingAt: Date(timeIntervalSince1970: 1_800_003_600))]
    }

    public func sections(platform: String, project: String) async throws -> [GuaranteeSectionSummary] {
        [GuaranteeSectionSummary(position: 1, name: "第一标段")]
    }

    public func institutions(platform: String) async throws -> [GuaranteeInstitutionSummary] {
        [GuaranteeInstitutionSummary(id: "bank-1", name: "示例银行", feeRateBp: 10)]
    }

    public func status(platform: String, project: String, section: Int) async throws -> GuaranteeProgress {
        progress[section] ?? .notApplied
    }

    public func pinCredential(platform: String, project: String, section: Int) async throws -> String {
        credentialId
    }

    public func apply(
        platform: String, project: String, section: Int, institution: String, pin: String
    ) async throws -> URL {
        try await certificates.verify(credentialId: credentialId, pin: pin)
        progress[section] = .applied(institution: institution)
        guard let url = URL(string: "https://bank.example.cn/apply/\(section)") else {
            throw AppError(code: "app.apply_url_invalid", messageZh: "申请地址无效。", messageEn: "Invalid application address.")
        }
        return url
    }
}
