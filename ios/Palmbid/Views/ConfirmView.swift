import PalmbidCore
import PalmbidPresentation
import SwiftUI
import UIKit

/// The confirm screen for every QR kind: everything about the request
/// before the PIN pad. Hidden while the screen is captured.
@MainActor
struct ConfirmView: View {
    @StateObject private var screen: Observed<ConfirmViewModel>
    @EnvironmentObject private var app: AppModel
    private let certificates: CertificateStore

    init(model: @autoclosure @escaping () -> ConfirmViewModel, certificates: CertificateStore) {
        _screen = StateObject(wrappedValue: Observed(model()))
        self.certificates = certificates
    }

    private var state: ConfirmState { screen.state }
    private var details: QrDetails { state.details }

    var body: some View {
        Form {
            if state.step == .answered || state.step == .cancelled {
                Section {
                    Label(
                        state.step == .answered
                            ? Formats.format(String(localized: "confirm_done"), actionTitle)
                            : String(localized: "confirm_cancelled"),
                        systemImage: state.step == .answered ? "checkmark.circle.fill" : "xmark.circle"
                    )
                    Button(String(localized: "common_done")) { app.path.removeAll() }
                }
            }
            Section {
                Text(actionTitle)
                    .font(.title3.bold())
                countdown
                if state.clockWarning {
                    Label(String(localized: "confirm_clock_warning"), systemImage: "clock.badge.exclamationmark")
                        .foregroundStyle(.orange)
                }
            }
            Section(String(localized: "confirm_who_asks")) {
                LabeledContent(requesterSource, value: details.requester.name)
                LabeledContent(String(localized: "confirm_machine"), value: details.requester.machine)
                LabeledContent(String(localized: "confirm_address"), value: details.requester.address)
                LabeledContent(String(localized: "confirm_platform"), value: details.platform)
            }
            if let document = details.document {
                Section(whatTitle) {
                    Text(document.name)
                    LabeledContent(String(localized: "confirm_document_size"), value: Formats.bytes(document.size))
                    VStack(alignment: .leading) {
                        Text(String(localized: "confirm_digest"))
                        Text(document.sha256Hex)
                            .font(.caption.monospaced())
                            .textSelection(.enabled)
                    }
                }
            }
            Section(details.action == .login ? String(localized: "confirm_what_login") : String(localized: "confirm_certificate")) {
                CertificateRow(certificate: details.signer)
                if let encryption = details.encryption {
                    CertificateRow(certificate: encryption)
                }
            }
            if details.action == .login {
                numberMatch
            }
            if details.action == .seal {
                sealChoice
            }
            Section {
                if details.action == .seal && state.chosenSeal == nil {
                    Text(String(localized: "confirm_choose_seal_first"))
                        .foregroundStyle(.secondary)
                }
                Button(String(localized: "confirm_continue")) { screen.send(.proceedToPin) }
                    .disabled(!state.readyForPin)
                Button(String(localized: "confirm_reject"), role: .destructive) { screen.send(.cancel) }
                    .disabled(state.step != .review)
            }
        }
        .navigationTitle(String(localized: "confirm_title"))
        .hiddenWhileCaptured()
        .errorBanner(state.error) { screen.send(.dismissError) }
        .onAppear { screen.send(.appeared) }
        .onDisappear { screen.send(.disappeared) }
        .sheet(isPresented: Binding(
            get: { state.step == .pin },
            set: { shown in if !shown { screen.send(.pinCancelled) } }
        )) {
            let model = screen.model
            PinPadView(
                model: PinViewModel(
                    purpose: .enter(credentialId: model.credentialId, operation: { try await model.answer(pin: $0) }),
                    certificates: certificates,
                    biometrics: app.biometricPins
                ),
                onCancel: { model.send(.pinCancelled) }
            )
        }
    }

    private var actionTitle: String {
        switch details.action {
        case .login:
            return String(localized: "confirm_kind_login")
        case .sign:
            return String(localized: "confirm_kind_sign")
        case .seal:
            return String(localized: "confirm_kind_seal")
        case .encryptionCertificate:
            return String(localized: "confirm_kind_encryption_certificate")
        case .decrypt:
            return String(localized: "confirm_kind_decrypt")
        }
    }

    /// Heading of the document section, by what happens to the document.
    private var whatTitle: String {
        switch details.action {
        case .decrypt:
            return String(localized: "confirm_what_decrypt")
        case .encryptionCertificate:
            return String(localized: "confirm_what_encryption_certificate")
        case .login, .sign, .seal:
            return String(localized: "confirm_what_sign")
        }
    }

    private var requesterSource: String {
        details.requester.source == .portal
            ? String(localized: "confirm_requester_portal")
            : String(localized: "confirm_requester_toolbox")
    }

    @ViewBuilder
    private var countdown: some View {
        if state.step == .expired {
            Text(String(localized: "confirm_expired"))
                .foregroundStyle(.red)
        } else {
            LabeledContent(String(localized: "confirm_time_left")) {
                Text(Duration.seconds(state.secondsLeft).formatted(.time(pattern: .minuteSecond)))
                    .monospacedDigit()
                    .foregroundStyle(state.secondsLeft <= 30 ? Color.red : Color.secondary)
            }
        }
    }

    private var numberMatch: some View {
        Section {
            HStack {
                ForEach(details.numberChoices, id: \.self) { number in
                    Button("\(number)") { screen.send(.chooseNumber(number)) }
                        .font(.title.monospacedDigit())
                        .frame(maxWidth: .infinity)
                        .buttonStyle(.bordered)
                        .tint(state.chosenNumber == number ? Color.green : Color.accentColor)
                        .disabled(state.chosenNumber != nil || state.busy)
                }
            }
            if state.chosenNumber == nil {
                Button(String(localized: "confirm_none_matches"), role: .destructive) { screen.send(.cancel) }
            }
        } header: {
            Text(String(localized: "confirm_number_match_title"))
        } footer: {
            Text(String(localized: "confirm_number_match_hint"))
        }
    }

    private var sealChoice: some View {
        Section(String(localized: "confirm_seal")) {
            ForEach(details.seals, id: \.type) { seal in
                Button {
                    screen.send(.chooseSeal(seal.type))
                } label: {
                    HStack {
                        if let image = UIImage(data: seal.png) {
                            Image(uiImage: image)
                                .resizable()
                                .scaledToFit()
                                .frame(width: 56, height: 56)
                        }
                        Text(SealNames.name(seal.type))
                        Spacer()
                        if state.chosenSeal == seal.type {
                            Image(systemName: "checkmark")
                        }
                    }
                }
            }
        }
    }
}
