import PalmbidCore
import PalmbidPresentation
import SwiftUI
import UIKit

/// 我的证书: both certificates of each credential, validity, PIN state, and
/// the PIN change.
@MainActor
struct CertificateInfoView: View {
    @StateObject private var screen: Observed<CertificateInfoViewModel>
    @EnvironmentObject private var app: AppModel
    @State private var changingPin: String?
    @State private var confirmingDelete: String?
    private let services: Services

    init(model: @autoclosure @escaping () -> CertificateInfoViewModel, services: Services) {
        _screen = StateObject(wrappedValue: Observed(model()))
        self.services = services
    }

    private var state: CertificateInfoState { screen.state }

    var body: some View {
        List {
            if state.loading {
                ProgressView()
            }
            ForEach(state.credentials) { credential in
                Section {
                    if let signing = credential.signing {
                        CertificateRow(certificate: signing)
                    }
                    if let encryption = credential.encryption {
                        CertificateRow(certificate: encryption)
                    }
                    if !credential.seals.isEmpty {
                        SealsRow(seals: credential.seals)
                    }
                    if let pin = credential.pin {
                        if pin.locked {
                            Label(String(localized: "cert_pin_locked"), systemImage: "lock.fill")
                                .foregroundStyle(.red)
                        } else {
                            Text(Formats.format(String(localized: "pin_tries_left"), pin.triesLeft))
                        }
                    }
                    Button(String(localized: "certificates_change_pin")) { changingPin = credential.id }
                    Button(String(localized: "certificates_delete"), role: .destructive) { confirmingDelete = credential.id }
                }
            }
        }
        .navigationTitle(String(localized: "certificates_title"))
        .errorBanner(state.error) { screen.send(.dismissError) }
        .onAppear { screen.send(.appeared) }
        .sheet(item: Binding(get: { changingPin.map(Identified.init) }, set: { changingPin = $0?.id })) { item in
            PinPadView(model: PinViewModel(
                purpose: .change(credentialId: item.id), certificates: services.certificates, biometrics: app.biometricPins
            ))
                .onDisappear { screen.send(.appeared) }
        }
        .confirmationDialog(
            Formats.format(String(localized: "certificates_delete_confirm"), holderOfDeleted),
            isPresented: Binding(get: { confirmingDelete != nil }, set: { if !$0 { confirmingDelete = nil } }),
            titleVisibility: .visible
        ) {
            Button(String(localized: "certificates_delete"), role: .destructive) {
                if let credentialId = confirmingDelete {
                    screen.send(.delete(credentialId: credentialId))
                }
            }
        }
    }
}

extension CertificateInfoView {
    /// Subject of the credential about to be deleted, for the confirmation.
    private var holderOfDeleted: String {
        state.credentials.first { $0.id == confirmingDelete }?.signing?.subject ?? ""
    }
}

/// A string made `Identifiable` for `sheet(item:)`.
struct Identified: Identifiable {
    let id: String
}

/// One certificate: purpose, subject, issuer, serial, validity.
@MainActor
struct CertificateRow: View {
    let certificate: CertificateSummary

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            Text(certificate.purpose == .signing
                 ? String(localized: "cert_signing")
                 : String(localized: "cert_encryption"))
                .font(.headline)
            LabeledContent(String(localized: "cert_subject"), value: certificate.subject)
            LabeledContent(String(localized: "cert_issuer"), value: certificate.issuer)
            LabeledContent(String(localized: "cert_serial")) {
                Text(certificate.serialHex)
                    .font(.footnote.monospaced())
            }
            LabeledContent(String(localized: "cert_validity")) {
                Text(Formats.format(
                    String(localized: "cert_validity_range"),
                    Formats.date(certificate.notBefore), Formats.date(certificate.notAfter)
                ))
                .foregroundStyle(certificate.notAfter < Date() ? Color.red : Color.secondary)
            }
        }
        .font(.footnote)
    }
}

/// The seals issued with a credential's signing certificate, each image
/// with its name.
@MainActor
struct SealsRow: View {
    let seals: [SealPicture]

    var body: some View {
        VStack(alignment: .leading, spacing: 8) {
            Text(String(localized: "cert_seals"))
                .font(.headline)
            ScrollView(.horizontal) {
                HStack(spacing: 16) {
                    ForEach(seals, id: \.type) { seal in
                        VStack(spacing: 4) {
                            if let image = UIImage(data: seal.png) {
                                Image(uiImage: image)
                                    .resizable()
                                    .scaledToFit()
                                    .frame(width: 72, height: 72)
                            }
                            Text(SealNames.name(seal.type))
                                .font(.caption)
                        }
                    }
                }
            }
        }
    }
}
