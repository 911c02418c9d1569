import Foundation
import PalmbidCore

/// Electronic bid guarantees: pick a project and section, see the progress
/// of its guarantee, apply with an institution (signed with the PIN), then
/// finish on the institution's page.
public struct GuaranteesState: Equatable, Sendable {
    public var platform: String
    public var projects: [GuaranteeProjectSummary] = []
    public var project: String?
    public var sections: [GuaranteeSectionSummary] = []
    /// Progress per section position.
    public var progress: [Int: GuaranteeProgress] = [:]
    public var institutions: [GuaranteeInstitutionSummary] = []
    /// Section and institution chosen; the PIN pad is up.
    public var applying: GuaranteeChoice?
    /// The credential whose PIN the application asks for, as the core
    /// names it; nil when the lookup failed (no count, no biometrics).
    public var pinCredential: String?
    /// The institution's page to open after applying.
    public var applicationPage: URL?
    public var loading = false
    public var error: AppError?

    public init(platform: String) {
        self.platform = platform
    }
}

/// A section and the institution chosen to guarantee it.
public struct GuaranteeChoice: Equatable, Sendable {
    public var section: Int
    public var institution: String

    public init(section: Int, institution: String) {
        self.section = section
        self.institution = institution
    }
}

public enum GuaranteesAction: Sendable {
    case appeared
    case selectProject(String)
    case apply(section: Int, institution: String)
    case pinCancelled
    case pageOpened
    case dismissError
}

@MainActor
public final class GuaranteesViewModel: ScreenModel<GuaranteesState, GuaranteesAction> {
    private let guarantees: GuaranteeService
    /// The newest application chosen; an older lookup that ends later is dropped.
    private var applyToken = UUID()

    public init(platform: String, guarantees: GuaranteeService) {
        self.guarantees = guarantees
        super.init(state: GuaranteesState(platform: platform))
    }

    public override func send(_ action: GuaranteesAction) {
        switch action {
        case .appeared:
            run { await self.loadProjects() }
        case let .selectProject(project):
            applyToken = UUID()
            update {
                $0.project = project
                $0.sections = []
                $0.progress = [:]
            }
            run { await self.loadSections(project) }
        case let .apply(section, institution):
            guard let project = state.project else { return }
            let token = UUID()
            applyToken = token
            run {
                // A failed lookup still opens the pad, without a credential.
                let credential = try? await self.guarantees.pinCredential(
                    platform: self.state.platform, project: project, section: section
                )
                // Overtaken by another choice, a cancel or another project.
                guard self.applyToken == token, self.state.project == project else { return }
                self.update {
                    $0.pinCredential = credential
                    $0.applying = GuaranteeChoice(section: section, institution: institution)
                }
            }
        case .pinCancelled:
            applyToken = UUID()
            update {
                $0.applying = nil
                $0.pinCredential = nil
            }
        case .pageOpened:
            update { $0.applicationPage = nil }
        case .dismissError:
            update { $0.error = nil }
        }
    }

    /// Applies for the chosen guarantee (the PIN pad's operation). Rethrows,
    /// so a wrong PIN keeps the pad up.
    public func apply(pin: String) async throws {
        guard let project = state.project, let choice = state.applying else { return }
        let page = try await guarantees.apply(
            platform: state.platform, project: project, section: choice.section,
            institution: choice.institution, pin: pin
        )
        update {
            $0.applying = nil
            $0.pinCredential = nil
            $0.applicationPage = page
        }
        run { await self.loadSections(project) }
    }

    private func loadProjects() async {
        update { $0.loading = true }
        do {
            // The child tasks run off the main actor: they get copies.
            let guarantees = self.guarantees
            let platform = state.platform
            async let projects = guarantees.projects(platform: platform)
            async let institutions = guarantees.institutions(platform: platform)
            let (loadedProjects, loadedInstitutions) = try await (projects, institutions)
            update {
                $0.projects = loadedProjects
                $0.institutions = loadedInstitutions
                $0.loading = false
                $0.error = nil
            }
        } catch {
            update {
                $0.error = AppError(error)
                $0.loading = false
            }
        }
    }

    private func loadSections(_ project: String) async {
        do {
            let sections = try await guarantees.sections(platform: state.platform, project: project)
            var progress: [Int: GuaranteeProgress] = [:]
            for section in sections {
                progress[section.position] = try await guarantees.status(
                    platform: state.platform, project: project, section: section.position
                )
            }
            guard state.project == project else { return }
            update {
                $0.sections = sections
                $0.progress = progress
            }
        } catch {
            update { $0.error = AppError(error) }
        }
    }
}
