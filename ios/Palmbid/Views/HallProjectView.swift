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
    @State private var credentialId: String?
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
        .navigationTitle(state.details?.project.name ?? String(localized: "hall_title"))
        .errorBanner(state.error) { screen.send(.dismissError) }
        .onAppear {
            screen.send(.appeared)
            Task { credentialId = await primaryCredential(certificates) }
        }
        .onDisappear { screen.send(.disappeared) }
        .refreshable { screen.send(.refresh) }
        .onChange(of: state.alert) { alert in
            guard let alert else { return }
            app.messages.send(.received(HallMessage(
                projectName: state.details?.project.name ?? state.projectId, alert: alert, receivedAt: Date()
            )))
        }
        .onChange(of: state.receipt) { pdf in
            guard let pdf else { return }
            receiptFile = writeReceipt(pdf)
            screen.send(.receiptShown)
        }
        .sheet(item: Binding(
            get: { state.pinRequest.map(PinRequestItem.init) },
            set: { if $0 == nil { screen.send(.pinCancelled) } }
        )) { item in
            let model = screen.model
            PinPadView(
                model: PinViewModel(
                    purpose: .enter(credentialId: credentialId, operation: { try await model.perform(item.request, pin: $0) }),
                    certificates: certificates
                ),
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
                LabeledContent(String(localized: "hall_phase"), value: HallStageNames.name(stage))
            }
            Label(
                state.connected ? String(localized: "hall_live") : String(localized: "hall_reconnecting"),
                systemImage: state.connected ? "dot.radiowaves.left.and.right" : "wifi.slash"
            )
            .foregroundStyle(state.connected ? Color.green : Color.orange)
            if let counts = state.counts {
                Text(Formats.format(
                    String(localized: "hall_progress"),
                    counts.signedIn, counts.bidders, counts.decrypted, counts.confirmed
                ))
                .font(.footnote)
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

    private var signInSection: some View {
        Section(String(localized: "hall_sign_in")) {
            if let signedIn = state.signedIn {
                Text(Formats.format(String(localized: "hall_signed_in_at"), Formats.dateTime(signedIn.signedInAt)))
            }
            if state.stage == .signIn && state.signedIn == nil {
                Button(String(localized: "hall_sign_in_button")) { screen.send(.requestPin(.signIn)) }
            }
            Button(String(localized: "hall_receipt")) { screen.send(.loadReceipt) }
            if let receiptFile {
                ShareLink(item: receiptFile) {
                    Label(String(localized: "hall_receipt_share"), systemImage: "square.and.arrow.up")
                }
            }
        }
    }

    private var bidsSection: some View {
        Section {
            ForEach(state.bids) { bid in
                VStack(alignment: .leading, spacing: 6) {
                    Text(Formats.format(String(localized: "hall_bid_section"), bid.section))
                        .font(.headline)
                    if let checkedAt = bid.checkedAt {
                        Label(
                            Formats.format(String(localized: "hall_bid_checked_at"), Formats.dateTime(checkedAt)),
                            systemImage: "checkmark.shield"
                        )
                    } else {
                        Label(String(localized: "hall_bid_not_checked"), systemImage: "questionmark.diamond")
                            .foregroundStyle(.orange)
                    }
                    if bid.decrypted {
                        Label(String(localized: "hall_bid_decrypted"), systemImage: "lock.open")
                    } else if state.stage == .decryption {
                        Button(String(localized: "hall_bid_decrypt")) { screen.send(.requestPin(.releaseBid(bid.id))) }
                    } else if let stage = state.stage, stage < .decryption {
                        Button(String(localized: "hall_bid_check")) { screen.send(.requestPin(.checkBid(bid.id))) }
                    }
                    if let quote = bid.quote {
                        Text(Formats.format(String(localized: "hall_quote_amount"), quote))
                    }
                }
            }
        } header: {
            Text(String(localized: "hall_bids"))
        } footer: {
            Text(String(localized: "hall_bid_check_hint"))
        }
    }

    private var quotesSection: some View {
        Section(String(localized: "hall_quotes")) {
            ForEach(Array(state.quotes.enumerated()), id: \.offset) { _, row in
                VStack(alignment: .leading, spacing: 4) {
                    Text("\(row.sectionName) · \(row.company)")
                    Text(row.amount ?? String(localized: "hall_quote_sealed"))
                        .font(.title3.monospacedDigit())
                    if let bid = row.bidId, let amount = row.amount {
                        if row.confirmed == true {
                            Label(String(localized: "hall_quote_confirmed"), systemImage: "checkmark.circle")
                        } else if state.stage == .quoteConfirmation {
                            Button(String(localized: "hall_quote_confirm")) {
                                screen.send(.requestPin(.confirmQuote(bid: bid, amount: amount)))
                            }
                        }
                    }
                }
            }
        }
    }

    private var roundsSection: some View {
        Section(String(localized: "hall_rounds")) {
            if state.rounds.isEmpty {
                Text(String(localized: "hall_no_rounds")).foregroundStyle(.secondary)
            }
            ForEach(Array(state.rounds.enumerated()), id: \.offset) { _, round in
                let key = "\(round.section)-\(round.round)"
                VStack(alignment: .leading, spacing: 6) {
                    Text(Formats.format(String(localized: "hall_round_title"), round.section, round.round))
                    if let deadline = round.deadline {
                        Text(Formats.format(String(localized: "hall_round_deadline"), Formats.dateTime(deadline)))
                            .font(.footnote)
                    }
                    if let own = round.ownAmount {
                        Text(Formats.format(String(localized: "hall_quote_amount"), own))
                    } else if round.isOpen {
                        TextField(String(localized: "hall_round_amount"), text: Binding(
                            get: { roundAmounts[key] ?? "" }, set: { roundAmounts[key] = $0 }
                        ))
                        .keyboardType(.decimalPad)
                        Button(String(localized: "hall_round_submit")) {
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
        Section(String(localized: "hall_draws")) {
            ForEach(Array(state.draws.enumerated()), id: \.offset) { _, draw in
                VStack(alignment: .leading, spacing: 6) {
                    Text(Formats.format(String(localized: "hall_draw_candidates"), draw.candidates.joined(separator: " / ")))
                    if let coefficient = draw.coefficient {
                        Text(Formats.format(String(localized: "hall_draw_coefficient"), coefficient))
                            .font(.headline)
                    } else if draw.isOpen {
                        Button(String(localized: "hall_draw_contribute")) { screen.send(.requestPin(.contributeDraw)) }
                    }
                }
            }
        }
    }

    private var challengesSection: some View {
        Section(String(localized: "hall_challenges")) {
            ForEach(state.challenges) { challenge in
                VStack(alignment: .leading, spacing: 4) {
                    Text(challenge.text)
                    if !challenge.attachmentNames.isEmpty {
                        Text(challenge.attachmentNames.joined(separator: "、"))
                            .font(.footnote)
                    }
                    Text(challenge.answer.map { Formats.format(String(localized: "hall_challenge_answer"), $0) }
                         ?? String(localized: "hall_challenge_waiting"))
                        .font(.footnote)
                        .foregroundStyle(.secondary)
                }
            }
            if state.stage != .closed {
                TextField(String(localized: "hall_challenge_text"), text: $challengeText, axis: .vertical)
                    .lineLimit(3...8)
                ForEach(attachments, id: \.name) { attachment in
                    Label(attachment.name, systemImage: "paperclip")
                }
                Button(String(localized: "hall_challenge_attach")) { importing = true }
                Button(String(localized: "hall_challenge_submit")) {
                    screen.send(.requestPin(.challenge(text: challengeText, attachments: attachments)))
                }
                .disabled(challengeText.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
            }
        }
    }

    private var detailsSection: some View {
        Section(String(localized: "hall_details")) {
            if let details = state.details {
                LabeledContent(String(localized: "hall_opening"), value: Formats.dateTime(details.project.openingAt))
                if let code = details.code {
                    LabeledContent(String(localized: "hall_project_code"), value: code)
                }
                if let tenderer = details.tenderer {
                    LabeledContent(String(localized: "hall_tenderer"), value: tenderer)
                }
                if let agent = details.agent {
                    LabeledContent(String(localized: "hall_agent"), value: agent)
                }
                if let place = details.place {
                    LabeledContent(String(localized: "hall_place"), value: place)
                }
                if let notes = details.notes {
                    Text(notes).font(.footnote)
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
    var id: String { String(describing: request) }
}
