import PalmbidCore
import PalmbidPresentation
import SwiftUI
import UniformTypeIdentifiers

/// One project of the opening: phase and progress live, and what the bidder
/// does in each phase.
@MainActor
struct HallProjectView: View {
    @StateObject private var screen: Observed<HallProjectViewModel>
    @EnvironmentObject private var app: AppModel
    @Environment(\.scenePhase) private var scenePhase
    @State private var challengeText = ""
    @State private var attachments: [ChallengeAttachment] = []
    @State private var importing = false
    @State private var roundAmounts: [String: String] = [:]
    @State private var receiptFile: URL?
    private let certificates: CertificateStore

    init(model: @autoclosure @escaping () -> HallProjectViewModel, certificates: CertificateStore) {
        _screen = StateObject(wrappedValue: Observed(model()))
        self.certificates = certificates
    }

    private var state: HallProjectState { screen.state }

    var body: some View {
        List {
            overview
            signInSection
            bidsSection
            if !state.quotes.isEmpty {
                quotesSection
            }
            if state.stage == .evaluation {
                roundsSection
                drawsSection
            }
            challengesSection
            detailsSection
        }
        .navigationTitle(state.details?.project.name ?? String(localized: "project_title"))
        .errorBanner(state.error) { screen.send(.dismissError) }
        .onAppear {
            screen.send(.appeared)
        }
        .onDisappear { screen.send(.disappeared) }
        // In the background the event stream would only drain the battery;
        // back in the foreground the project is pulled again and watched.
        .onChange(of: scenePhase) { phase in
            switch phase {
            case .background:
                screen.send(.disappeared)
            case .active:
                screen.send(.appeared)
            default:
                break
            }
        }
        .refreshable { screen.send(.refresh) }
        .onChange(of: state.alert) { alert in
            guard let alert else { return }
            app.messages.send(.received(HallMessage(
                projectName: state.details?.project.name ?? state.projectId, alert: alert, receivedAt: Date()
            )))
        }
        // A new challenge in the list is the one just submitted: clear the
        // draft.
        .onChange(of: state.challenges.count) { _ in
            challengeText = ""
            attachments = []
        }
        .onChange(of: state.receipt) { pdf in
            guard let pdf else { return }
            receiptFile = writeReceipt(pdf)
            screen.send(.receiptShown)
        }
        .sheet(item: Binding(
            get: {
                state.pinRequest.map {
                    PinRequestItem(request: $0, signerPin: state.signerPin, credential: state.pinCredential)
                }
            },
            set: { if $0 == nil { screen.send(.pinCancelled) } }
        )) { item in
            let model = screen.model
            PinPadView(
                model: PinViewModel(
                    purpose: .enter(credentialId: state.pinCredential, operation: { try await model.perform(item.request, pin: $0) }),
                    certificates: certificates,
                    biometrics: app.biometricPins
                ),
                hint: item.signerPin ? String(localized: "project_pin_signer") : nil,
                onCancel: { model.send(.pinCancelled) }
            )
        }
        .fileImporter(isPresented: $importing, allowedContentTypes: [.pdf, .image], allowsMultipleSelection: true) { result in
            guard case let .success(urls) = result else { return }
            attachments += urls.compactMap(readAttachment)
        }
    }

    // MARK: Sections

    private var overview: some View {
        Section {
            if let stage = state.stage {
                LabeledContent(String(localized: "project_phase"), value: HallStageNames.name(stage))
            }
            Label(
                state.connected ? String(localized: "project_live") : String(localized: "project_reconnecting"),
                systemImage: state.connected ? "dot.radiowaves.left.and.right" : "wifi.slash"
            )
            .foregroundStyle(state.connected ? Color.green : Color.orange)
            if let counts = state.counts {
                progressRow(String(localized: "project_progress_signed_in"), counts.signedIn, of: counts.bidders)
                progressRow(String(localized: "project_progress_decrypted"), counts.decrypted, of: counts.bidders)
                progressRow(String(localized: "project_progress_confirmed"), counts.confirmed, of: counts.bidders)
            }
            if let alert = state.alert {
                HStack {
                    Text(HallStageNames.alert(alert))
                    Spacer()
                    Button(String(localized: "common_dismiss")) { screen.send(.dismissAlert) }
                }
                .foregroundStyle(.blue)
            }
        }
    }

    private func progressRow(_ label: String, _ count: Int, of bidders: Int) -> some View {
        LabeledContent(label, value: Formats.format(String(localized: "project_progress_count"), count, bidders))
            .font(.footnote)
    }

    private var signInSection: some View {
        Section(String(localized: "project_sign_in_title")) {
            if let signedIn = state.signedIn {
                Text(Formats.format(String(localized: "project_signed_in"), Formats.dateTime(signedIn.signedInAt)))
            } else {
                switch state.stage {
                case .notOpen?:
                    Text(String(localized: "project_sign_in_not_yet"))
                case .signIn?:
                    Text(String(localized: "project_sign_in_open"))
                    Button(String(localized: "project_sign_in")) { screen.send(.requestPin(.signIn)) }
                default:
                    EmptyView()
                }
            }
            if let receiptFile {
                ShareLink(item: receiptFile) {
                    Label(String(localized: "project_receipt"), systemImage: "square.and.arrow.up")
                }
            } else {
                Button(String(localized: "project_receipt")) { screen.send(.loadReceipt) }
            }
        }
    }

    private var bidsSection: some View {
        Section {
            if state.bids.isEmpty {
                Text(String(localized: "project_no_bids"))
                    .foregroundStyle(.secondary)
            }
            ForEach(state.bids) { bid in
                VStack(alignment: .leading, spacing: 6) {
                    Text(Formats.format(String(localized: "project_bid_section"), bid.section))
                        .font(.headline)
                    if let checkedAt = bid.checkedAt {
                        LabeledContent(String(localized: "project_bid_checked_at"), value: Formats.dateTime(checkedAt))
                    } else {
                        Label(String(localized: "project_bid_unchecked"), systemImage: "questionmark.diamond")
                            .foregroundStyle(.orange)
                    }
                    if bid.decrypted {
                        Label(String(localized: "project_bid_decrypted"), systemImage: "lock.open")
                    } else if state.stage == .decryption {
                        Button(String(localized: "project_decrypt")) { screen.send(.requestPin(.releaseBid(bid.id))) }
                    } else if let stage = state.stage, stage < .decryption {
                        Button(bid.checkedAt == nil ? String(localized: "project_check") : String(localized: "project_check_again")) {
                            screen.send(.requestPin(.checkBid(bid.id)))
                        }
                    }
                    if let quote = bid.quote {
                        LabeledContent(String(localized: "project_quote"), value: Formats.format(String(localized: "project_amount"), quote))
                    }
                }
            }
        } header: {
            Text(String(localized: "project_bids_title"))
        } footer: {
            Text(String(localized: "project_check_hint"))
        }
    }

    private var quotesSection: some View {
        Section {
            ForEach(Array(state.quotes.enumerated()), id: \.offset) { _, row in
                VStack(alignment: .leading, spacing: 4) {
                    Text(row.sectionName)
                        .font(.footnote)
                    Text(row.company)
                    Text(row.amount.map { Formats.format(String(localized: "project_amount"), $0) }
                         ?? String(localized: "project_not_decrypted"))
                        .font(.title3.monospacedDigit())
                    if let bid = row.bidId, let amount = row.amount {
                        if row.confirmed == true {
                            Label(String(localized: "project_confirmed"), systemImage: "checkmark.circle")
                        } else if state.stage == .quoteConfirmation {
                            Button(String(localized: "project_confirm")) {
                                screen.send(.requestPin(.confirmQuote(bid: bid, amount: amount)))
                            }
                        }
                    }
                }
            }
        } header: {
            Text(String(localized: "project_tab_quotes"))
        } footer: {
            if state.stage == .quoteConfirmation {
                Text(String(localized: "project_confirm_hint"))
            }
        }
    }

    private var roundsSection: some View {
        Section(String(localized: "project_tab_rounds")) {
            if state.rounds.isEmpty {
                Text(String(localized: "project_rounds_empty")).foregroundStyle(.secondary)
            }
            ForEach(Array(state.rounds.enumerated()), id: \.offset) { _, round in
                let key = "\(round.section)-\(round.round)"
                VStack(alignment: .leading, spacing: 6) {
                    Text(Formats.format(String(localized: "project_round"), round.section, round.round))
                    Text(round.isOpen ? String(localized: "project_round_open") : String(localized: "project_round_closed"))
                        .font(.footnote)
                    if let deadline = round.deadline {
                        LabeledContent(String(localized: "project_deadline"), value: Formats.dateTime(deadline))
                            .font(.footnote)
                    }
                    if let own = round.ownAmount {
                        LabeledContent(String(localized: "project_round_submitted"), value: Formats.format(String(localized: "project_amount"), own))
                    } else if round.isOpen {
                        TextField(String(localized: "project_round_amount"), text: Binding(
                            get: { roundAmounts[key] ?? "" }, set: { roundAmounts[key] = $0 }
                        ))
                        .keyboardType(.decimalPad)
                        Button(String(localized: "project_submit_round")) {
                            screen.send(.requestPin(.roundQuote(
                                section: round.section, round: round.round, amount: roundAmounts[key] ?? ""
                            )))
                        }
                        .disabled((roundAmounts[key] ?? "").isEmpty)
                    }
                }
            }
        }
    }

    private var drawsSection: some View {
        Section(String(localized: "project_tab_draw")) {
            if state.draws.isEmpty {
                Text(String(localized: "project_draw_empty")).foregroundStyle(.secondary)
            }
            ForEach(Array(state.draws.enumerated()), id: \.offset) { _, draw in
                VStack(alignment: .leading, spacing: 6) {
                    Text(Formats.format(String(localized: "project_draw"), draw.draw))
                    LabeledContent(String(localized: "project_draw_candidates"), value: draw.candidates.joined(separator: " / "))
                    if let coefficient = draw.coefficient {
                        LabeledContent(String(localized: "project_draw_result"), value: coefficient)
                            .font(.headline)
                        // The platform's result is trusted only once this
                        // phone checked it against its own contribution.
                        if let verified = state.verifiedDraws[draw.draw] {
                            Label(
                                Formats.format(String(localized: "project_draw_verified"), verified),
                                systemImage: "checkmark.seal"
                            )
                        } else if state.contributedDraws.contains(draw.draw) {
                            Button(String(localized: "project_verify_draw")) { screen.send(.verifyDraw(draw.draw)) }
                        }
                    } else if state.contributedDraws.contains(draw.draw) {
                        Text(String(localized: "project_draw_contributed")).font(.footnote)
                    } else if draw.isOpen {
                        Button(String(localized: "project_contribute")) { screen.send(.requestPin(.contributeDraw)) }
                    } else {
                        Text(String(localized: "project_draw_closed")).font(.footnote)
                    }
                }
            }
        }
    }

    private var challengesSection: some View {
        Section(String(localized: "project_tab_challenges")) {
            ForEach(state.challenges) { challenge in
                VStack(alignment: .leading, spacing: 4) {
                    Text(challenge.text)
                    if !challenge.attachmentNames.isEmpty {
                        Text(challenge.attachmentNames.joined(separator: "、"))
                            .font(.footnote)
                    }
                    if let answer = challenge.answer {
                        LabeledContent(String(localized: "project_challenge_answer"), value: answer)
                            .font(.footnote)
                    } else {
                        Text(String(localized: "project_challenge_waiting"))
                            .font(.footnote)
                            .foregroundStyle(.secondary)
                    }
                }
            }
            if state.stage != .closed {
                Text(String(localized: "project_challenge_new"))
                    .font(.headline)
                TextField(String(localized: "project_challenge_text"), text: $challengeText, axis: .vertical)
                    .lineLimit(3...8)
                ForEach(attachments, id: \.name) { attachment in
                    Label(attachment.name, systemImage: "paperclip")
                }
                Button(String(localized: "project_add_attachment")) { importing = true }
                Button(String(localized: "project_submit_challenge")) {
                    screen.send(.requestPin(.challenge(text: challengeText, attachments: attachments)))
                }
                .disabled(challengeText.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
            }
        }
    }

    private var detailsSection: some View {
        Section(String(localized: "project_tab_details")) {
            if let details = state.details {
                LabeledContent(String(localized: "hall_opening_at"), value: Formats.dateTime(details.project.openingAt))
                if let code = details.code {
                    LabeledContent(String(localized: "project_code"), value: code)
                }
                if let tenderer = details.tenderer {
                    LabeledContent(String(localized: "project_tenderer"), value: tenderer)
                }
                if let agent = details.agent {
                    LabeledContent(String(localized: "project_agent"), value: agent)
                }
                if let place = details.place {
                    LabeledContent(String(localized: "project_place"), value: place)
                }
                if let notes = details.notes {
                    LabeledContent(String(localized: "project_notes"), value: notes)
                }
            }
        }
    }

    // MARK: Files

    /// Reads a picked file; the platform checks type and size
    /// (`hall.attachment_type`, `hall.attachment_too_large`).
    private func readAttachment(_ url: URL) -> ChallengeAttachment? {
        guard url.startAccessingSecurityScopedResource() else { return nil }
        defer { url.stopAccessingSecurityScopedResource() }
        guard let content = try? Data(contentsOf: url) else { return nil }
        return ChallengeAttachment(name: url.lastPathComponent, content: content)
    }

    /// Writes the receipt to the temporary folder for the share sheet.
    private func writeReceipt(_ pdf: Data) -> URL? {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(state.projectId)-receipt.pdf")
        return (try? pdf.write(to: url, options: .completeFileProtection)) == nil ? nil : url
    }
}

/// A PIN request made `Identifiable` for `sheet(item:)`.
private struct PinRequestItem: Identifiable {
    let request: HallPinRequest
    /// Whether the pad requests the signing credential's PIN.
    let signerPin: Bool
    /// The credential the pad counts tries for (and offers biometric unlock
    /// for). Part of the identity, so a change shows a fresh pad for it.
    let credential: String?
    var id: String { "\(request)|\(signerPin)|\(credential ?? "")" }
}
