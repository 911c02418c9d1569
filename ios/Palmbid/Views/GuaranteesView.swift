import PalmbidCore
import PalmbidPresentation
import SafariServices
import SwiftUI

/// 电子保函: projects, sections and their guarantees; applying opens the
/// institution's page inside the app.
@MainActor
struct GuaranteesView: View {
    @StateObject private var screen: Observed<GuaranteesViewModel>
    @EnvironmentObject private var app: AppModel
    @State private var institution: String?
    private let certificates: CertificateStore

    init(model: @autoclosure @escaping () -> GuaranteesViewModel, certificates: CertificateStore) {
        _screen = StateObject(wrappedValue: Observed(model()))
        self.certificates = certificates
    }

    private var state: GuaranteesState { screen.state }

    var body: some View {
        List {
            Section(String(localized: "guarantees_choose_project")) {
                ForEach(state.projects) { project in
                    Button {
                        screen.send(.selectProject(project.id))
                    } label: {
                        HStack {
                            Text(project.name)
                            Spacer()
                            if state.project == project.id {
                                Image(systemName: "checkmark")
                            }
                        }
                    }
                }
            }
            if state.project != nil {
                Section(String(localized: "guarantees_institutions")) {
                    Picker(String(localized: "guarantees_institution"), selection: $institution) {
                        Text(String(localized: "common_none")).tag(String?.none)
                        ForEach(state.institutions) { item in
                            Text(Formats.format(String(localized: "guarantees_institution_line"), item.name, feePercent(item.feeRateBp)))
                                .tag(String?.some(item.id))
                        }
                    }
                }
                Section(String(localized: "hall_sections")) {
                    ForEach(state.sections, id: \.position) { section in
                        VStack(alignment: .leading, spacing: 6) {
                            Text(section.name).font(.headline)
                            progressView(state.progress[section.position])
                                .font(.footnote)
                            if canApply(state.progress[section.position]), let institution {
                                Button(String(localized: "guarantees_apply")) {
                                    screen.send(.apply(section: section.position, institution: institution))
                                }
                            }
                        }
                    }
                }
            }
        }
        .overlay { if state.loading { ProgressView() } }
        .navigationTitle(String(localized: "guarantees_title"))
        .errorBanner(state.error) { screen.send(.dismissError) }
        .onAppear {
            screen.send(.appeared)
        }
        .sheet(isPresented: Binding(
            get: { state.applying != nil },
            set: { if !$0 { screen.send(.pinCancelled) } }
        )) {
            let model = screen.model
            PinPadView(
                model: PinViewModel(
                    purpose: .enter(credentialId: state.pinCredential, operation: { try await model.apply(pin: $0) }),
                    certificates: certificates,
                    biometrics: app.biometricPins
                ),
                onCancel: { model.send(.pinCancelled) }
            )
        }
        .sheet(item: Binding(
            get: { state.applicationPage.map(PageItem.init) },
            set: { if $0 == nil { screen.send(.pageOpened) } }
        )) { page in
            InstitutionPage(url: page.url)
                .ignoresSafeArea()
        }
    }

    /// Formats a fee in basis points as a percentage in the user's locale
    /// (10 bp is 0.1%).
    private func feePercent(_ basisPoints: Int) -> String {
        (Double(basisPoints) / 10_000).formatted(.percent.precision(.fractionLength(0...2)))
    }

    private func canApply(_ progress: GuaranteeProgress?) -> Bool {
        switch progress {
        case .notApplied?, .rejected?, .cancelled?:
            return true
        case .applied?, .issued?, nil:
            return false
        }
    }

    @ViewBuilder
    private func progressView(_ progress: GuaranteeProgress?) -> some View {
        switch progress {
        case nil, .notApplied?:
            Text(String(localized: "guarantees_state_none"))
        case let .applied(institution)?:
            LabeledContent(String(localized: "guarantees_state_applied"), value: institutionName(institution))
        case let .issued(guaranteeNo)?:
            Text(String(localized: "guarantees_state_issued"))
            LabeledContent(String(localized: "guarantees_number"), value: guaranteeNo)
        case let .rejected(reason)?:
            Text(String(localized: "guarantees_state_rejected"))
            if let reason {
                LabeledContent(String(localized: "identity_reason"), value: reason)
            }
        case .cancelled?:
            Text(String(localized: "guarantees_state_cancelled"))
        }
    }

    /// Looks up an institution's name by id, falling back to the id when the
    /// institution is not listed.
    private func institutionName(_ id: String?) -> String {
        guard let id else { return "" }
        return state.institutions.first { $0.id == id }?.name ?? id
    }
}

private struct PageItem: Identifiable {
    let url: URL
    var id: String { url.absoluteString }
}

/// The institution's application page in an in-app browser sheet; the
/// bidder stays in the app and comes back to the guarantee list.
private struct InstitutionPage: UIViewControllerRepresentable {
    let url: URL

    func makeUIViewController(context: Context) -> SFSafariViewController {
        SFSafariViewController(url: url)
    }

    func updateUIViewController(_ controller: SFSafariViewController, context: Context) {}
}
