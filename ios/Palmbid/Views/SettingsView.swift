import PalmbidCore
import PalmbidPresentation
import SwiftUI
import UIKit

/// 设置: trusted platforms, language, notifications.
@MainActor
struct SettingsView: View {
    @StateObject private var screen: Observed<SettingsViewModel>
    @EnvironmentObject private var app: AppModel
    @State private var removing: String?

    init(model: @autoclosure @escaping () -> SettingsViewModel) {
        _screen = StateObject(wrappedValue: Observed(model()))
    }

    private var state: SettingsState { screen.state }

    var body: some View {
        Form {
            Section(String(localized: "settings_platforms")) {
                ForEach(state.platforms) { platform in
                    HStack {
                        VStack(alignment: .leading) {
                            Text(platform.name)
                            Text(platform.baseUrl)
                                .font(.footnote)
                                .foregroundStyle(.secondary)
                        }
                        Spacer()
                        Button(String(localized: "home_login")) { app.open(.smsLogin(platform: platform.name)) }
                            .buttonStyle(.borderless)
                    }
                    .swipeActions {
                        Button(String(localized: "common_remove"), role: .destructive) {
                            removing = platform.name
                        }
                    }
                }
                TextField(String(localized: "settings_platform_name"), text: Binding(
                    get: { state.newPlatformName }, set: { screen.send(.newPlatformNameChanged($0)) }
                ))
                TextField(String(localized: "settings_platform_url"), text: Binding(
                    get: { state.newPlatformUrl }, set: { screen.send(.newPlatformUrlChanged($0)) }
                ))
                .keyboardType(.URL)
                .textInputAutocapitalization(.never)
                .autocorrectionDisabled()
                Button(String(localized: "settings_add_platform")) { screen.send(.addPlatform) }
                    .disabled(!state.canAddPlatform)
            }
            Section {
                Picker(String(localized: "settings_language"), selection: Binding(
                    get: { state.language }, set: { screen.send(.languageChosen($0)) }
                )) {
                    Text(String(localized: "settings_language_system")).tag(AppLanguage?.none)
                    Text(String(localized: "settings_language_zh")).tag(AppLanguage?.some(.zhHans))
                    Text(String(localized: "settings_language_en")).tag(AppLanguage?.some(.en))
                }
                Button(String(localized: "settings_language_screens")) {
                    // Screen text follows iOS's per-app language, set in the
                    // app's page of the Settings app.
                    if let url = URL(string: UIApplication.openSettingsURLString) {
                        UIApplication.shared.open(url)
                    }
                }
            } footer: {
                Text(String(localized: "settings_language_hint"))
            }
            Section {
                Toggle(String(localized: "settings_notifications"), isOn: Binding(
                    get: { state.notificationsEnabled }, set: { screen.send(.notificationsToggled($0)) }
                ))
                if state.biometricAvailable {
                    Toggle(String(localized: "settings_biometric"), isOn: Binding(
                        get: { state.biometricUnlock }, set: { screen.send(.biometricToggled($0)) }
                    ))
                }
            } footer: {
                if state.biometricAvailable {
                    Text(String(localized: "settings_biometric_hint"))
                }
            }
        }
        .navigationTitle(String(localized: "settings_title"))
        .confirmationDialog(
            Formats.format(String(localized: "settings_remove_confirm"), removing ?? ""),
            isPresented: Binding(get: { removing != nil }, set: { if !$0 { removing = nil } }),
            titleVisibility: .visible
        ) {
            Button(String(localized: "common_remove"), role: .destructive) {
                if let name = removing {
                    screen.send(.removePlatform(name))
                }
            }
        }
        .errorBanner(state.error) { screen.send(.dismissError) }
        .onAppear { screen.send(.appeared) }
    }
}
