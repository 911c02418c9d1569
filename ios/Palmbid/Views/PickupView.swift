import PalmbidCore
import PalmbidPresentation
import SwiftUI

/// Certificate pickup: the order, then a new PIN.
@MainActor
struct PickupView: View {
    @StateObject private var screen: Observed<PickupViewModel>
    @EnvironmentObject private var app: AppModel
    private let certificates: CertificateStore

    init(model: @autoclosure @escaping () -> PickupViewModel, certificates: CertificateStore) {
        _screen = StateObject(wrappedValue: Observed(model()))
        self.certificates = certificates
    }

    private var state: PickupState { screen.state }

    var body: some View {
        Form {
            Section(String(localized: "pickup_order")) {
                LabeledContent(String(localized: "pickup_holder"), value: state.order.name)
                LabeledContent(String(localized: "pickup_company"), value: state.order.company)
                LabeledContent(String(localized: "pickup_credit_code"), value: state.order.creditCode)
                LabeledContent(String(localized: "pickup_phone"), value: state.order.phone)
                LabeledContent(String(localized: "pickup_platform"), value: state.order.platform)
                LabeledContent(String(localized: "pickup_seals"), value: state.order.seals.map(SealNames.name).joined(separator: "、"))
            }
            Section {
                if state.canPickUp {
                    Button(String(localized: "pickup_accept")) { screen.send(.proceed) }
                } else {
                    Text(String(localized: "pickup_not_approved"))
                        .foregroundStyle(.secondary)
                }
            } footer: {
                Text(String(localized: "pickup_check_hint"))
            }
        }
        .navigationTitle(String(localized: "pickup_title"))
        .errorBanner(state.error) { screen.send(.dismissError) }
        .sheet(isPresented: Binding(
            get: { state.step == .choosingPin },
            set: { shown in if !shown && state.step == .choosingPin { screen.send(.pinCancelled) } }
        )) {
            let model = screen.model
            PinPadView(
                model: PinViewModel(purpose: .choose(operation: { try await model.pickUp(newPin: $0) }), certificates: certificates),
                onCancel: { model.send(.pinCancelled) }
            )
        }
        .onChange(of: state.step) { step in
            if step == .pickedUp {
                app.path.removeLast()
                app.open(.download(platform: state.order.platform, pickupId: state.order.pickupId))
            }
        }
    }
}

/// Seal names on screen.
enum SealNames {
    static func name(_ seal: SealType) -> String {
        switch seal {
        case .personal:
            return String(localized: "seal_personal")
        case .legalRepresentative:
            return String(localized: "seal_legal_representative")
        case .company:
            return String(localized: "seal_company")
        }
    }
}
