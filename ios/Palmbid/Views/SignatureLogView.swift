import PalmbidCore
import PalmbidPresentation
import SwiftUI

/// 签名记录: every PIN entry that asked for a key on this phone, newest
/// first, paged; refused tries stand out, since they may be someone else's.
@MainActor
struct SignatureLogView: View {
    @StateObject private var screen: Observed<SignatureLogViewModel>

    init(model: @autoclosure @escaping () -> SignatureLogViewModel) {
        _screen = StateObject(wrappedValue: Observed(model()))
    }

    private var state: SignatureLogState { screen.state }

    var body: some View {
        List {
            Text(String(localized: "log_hint"))
                .font(.footnote)
                .foregroundStyle(.secondary)
            if state.refusedCount > 0 {
                Label(String(localized: "log_refused_hint"), systemImage: "exclamationmark.triangle.fill")
                    .font(.footnote)
                    .foregroundStyle(.red)
            }
            if !state.loading && state.entries.isEmpty && state.error == nil {
                VStack(alignment: .leading, spacing: 4) {
                    Text(String(localized: "log_empty"))
                    Text(String(localized: "log_empty_hint"))
                        .font(.footnote)
                }
                .foregroundStyle(.secondary)
            }
            ForEach(state.entries) { entry in
                SignatureEntryRow(entry: entry)
                    .listRowBackground(entry.refused ? Color.red.opacity(0.08) : nil)
            }
            if !state.entries.isEmpty {
                footer
            }
        }
        .overlay { if state.loading { ProgressView() } }
        .navigationTitle(String(localized: "log_title"))
        .errorBanner(state.error) { screen.send(.dismissError) }
        .onAppear { screen.send(.appeared) }
    }

    @ViewBuilder
    private var footer: some View {
        if state.loadingMore {
            ProgressView()
                .frame(maxWidth: .infinity)
        } else if state.endReached {
            Text(String(localized: "log_end"))
                .font(.footnote)
                .foregroundStyle(.secondary)
                .frame(maxWidth: .infinity)
        } else if state.error != nil {
            Button(String(localized: "log_more")) { screen.send(.retry) }
        } else {
            // Reaching the end of the list loads the next page.
            Button(String(localized: "log_more")) { screen.send(.loadMore) }
                .onAppear { screen.send(.loadMore) }
        }
    }
}

/// One PIN entry: operation and outcome, time, who asked, the key, the
/// document.
@MainActor
struct SignatureEntryRow: View {
    let entry: SignatureEntry

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack {
                Text(SignatureLogNames.operation(entry.operation))
                    .font(.headline)
                Spacer()
                Text(SignatureLogNames.outcome(entry.outcome))
                    .font(.caption.bold())
                    .foregroundStyle(SignatureLogNames.colour(entry.outcome))
            }
            Text(Formats.dateTime(entry.at))
                .font(.footnote)
            if let requester = entry.requester {
                LabeledContent(String(localized: "log_requester"), value: requester)
            }
            if let platform = entry.platform {
                LabeledContent(String(localized: "log_platform"), value: platform)
            }
            if let project = entry.project {
                LabeledContent(String(localized: "log_project"), value: project)
            }
            LabeledContent(String(localized: "log_key"), value: SignatureLogNames.key(entry.purpose))
            if let document = entry.documentName {
                LabeledContent(String(localized: "confirm_document"), value: document)
            }
            if let digest = entry.documentSha256 {
                LabeledContent(String(localized: "confirm_digest")) {
                    Text(String(digest.prefix(16)) + "…")
                        .font(.caption.monospaced())
                }
            }
            if let serial = entry.certificateSerial {
                LabeledContent(String(localized: "cert_serial")) {
                    Text(serial)
                        .font(.caption.monospaced())
                }
            }
        }
        .font(.footnote)
    }
}

/// The signature log's words for the model's enums.
enum SignatureLogNames {
    static func operation(_ operation: SignatureOperation) -> String {
        switch operation {
        case .signDigest: return String(localized: "log_op_sign_digest")
        case .signFile: return String(localized: "log_op_sign_file")
        case .decryptFile: return String(localized: "log_op_decrypt_file")
        case .releaseKey: return String(localized: "log_op_release_key")
        case .qrLogin: return String(localized: "log_op_qr_login")
        case .qrSign: return String(localized: "log_op_qr_sign")
        case .qrSeal: return String(localized: "log_op_qr_seal")
        case .encryptionCertificate: return String(localized: "log_op_encryption_certificate")
        case .qrDecrypt: return String(localized: "log_op_qr_decrypt")
        case .hallSignIn: return String(localized: "log_op_hall_sign_in")
        case .hallDecrypt: return String(localized: "log_op_hall_decrypt")
        case .hallCheck: return String(localized: "log_op_hall_check")
        case .quoteConfirmation: return String(localized: "log_op_quote_confirmation")
        case .challenge: return String(localized: "log_op_challenge")
        case .roundQuote: return String(localized: "log_op_round_quote")
        case .drawContribution: return String(localized: "log_op_draw_contribution")
        case .guaranteeApplication: return String(localized: "log_op_guarantee_application")
        case .certificateInstall: return String(localized: "log_op_certificate_install")
        case .pinChange: return String(localized: "log_op_pin_change")
        case .other: return String(localized: "log_op_other")
        }
    }

    static func outcome(_ outcome: KeyUseOutcome) -> String {
        switch outcome {
        case .used: return String(localized: "log_outcome_used")
        case .wrongPin: return String(localized: "log_outcome_wrong_pin")
        case .locked: return String(localized: "log_outcome_locked")
        case .failed: return String(localized: "log_outcome_failed")
        case .interrupted: return String(localized: "log_outcome_interrupted")
        }
    }

    static func colour(_ outcome: KeyUseOutcome) -> Color {
        switch outcome {
        case .used: return .green
        case .wrongPin, .locked: return .red
        case .failed, .interrupted: return .orange
        }
    }

    /// Names the certificate used. A PIN change names none because it covers them all.
    static func key(_ purpose: KeyPurpose?) -> String {
        switch purpose {
        case .signing: return String(localized: "cert_signing")
        case .encryption: return String(localized: "cert_encryption")
        case nil: return String(localized: "log_all_keys")
        }
    }
}
