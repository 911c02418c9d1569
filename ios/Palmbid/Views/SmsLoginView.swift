import PalmbidCore
import PalmbidPresentation
import SwiftUI

/// SMS login with consent to the agreement and the privacy policy.
@MainActor
struct SmsLoginView: View {
    @StateObject private var screen: Observed<SmsLoginViewModel>
    @EnvironmentObject private var app: AppModel
    private let ticker = Timer.publish(every: 1, on: .main, in: .common).autoconnect()

    init(model: @autoclosure @escaping () -> SmsLoginViewModel) {
        _screen = StateObject(wrappedValue: Observed(model()))
    }

    private var state: SmsLoginState { screen.state }

    var body: some View {
        Form {
            Section {
                LabeledContent(String(localized: "login_platform"), value: state.platform)
                TextField(String(localized: "login_phone"), text: binding(\.phone) { .phoneChanged($0) })
                    .keyboardType(.numberPad)
                    .textContentType(.telephoneNumber)
                HStack {
                    TextField(String(localized: "login_code"), text: binding(\.code) { .codeChanged($0) })
                        .keyboardType(.numberPad)
                        .textContentType(.oneTimeCode)
                    Button(sendTitle) { screen.send(.sendCode) }
                        .disabled(!state.canSendCode)
                }
            }
            Section {
                // One consent covers both documents, as the sentence names
                // both; the view model keeps them apart because the platform
                // records each version.
                Toggle(String(localized: "login_consent"), isOn: consent)
            } footer: {
                if let terms = state.sent?.terms {
                    Text(Formats.format(String(localized: "login_terms_versions"), terms.agreement, terms.privacy))
                }
            }
            Section {
                Button(String(localized: "login_submit")) { screen.send(.login) }
                    .disabled(!state.canLogin)
            }
        }
        .navigationTitle(String(localized: "login_title"))
        .errorBanner(state.error) { screen.send(.dismissError) }
        .onReceive(ticker) { _ in screen.send(.tick) }
        .onChange(of: state.session) { session in
            if session != nil {
                app.path.removeLast()
                app.open(.identity(platform: state.platform))
            }
        }
    }

    private var consent: Binding<Bool> {
        Binding(
            get: { screen.state.agreementAccepted && screen.state.privacyAccepted },
            set: { accepted in
                screen.send(.agreementToggled(accepted))
                screen.send(.privacyToggled(accepted))
            }
        )
    }

    private var sendTitle: String {
        state.resendIn > 0
            ? Formats.format(String(localized: "login_resend_in"), state.resendIn)
            : String(localized: "login_send_code")
    }

    private func binding<Value>(
        _ keyPath: KeyPath<SmsLoginState, Value>, _ action: @escaping (Value) -> SmsLoginAction
    ) -> Binding<Value> {
        Binding(get: { screen.state[keyPath: keyPath] }, set: { screen.send(action($0)) })
    }
}
