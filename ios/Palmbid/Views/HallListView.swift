import PalmbidCore
import PalmbidPresentation
import SwiftUI

/// 开标大厅: the projects of the chosen platform.
@MainActor
struct HallListView: View {
    @StateObject private var screen: Observed<HallListViewModel>
    @EnvironmentObject private var app: AppModel

    init(model: @autoclosure @escaping () -> HallListViewModel) {
        _screen = StateObject(wrappedValue: Observed(model()))
    }

    private var state: HallListState { screen.state }

    var body: some View {
        List {
            if state.platforms.count > 1 {
                Picker(String(localized: "hall_platform"), selection: Binding(
                    get: { state.platform ?? "" }, set: { screen.send(.selectPlatform($0)) }
                )) {
                    ForEach(state.platforms) { platform in
                        Text(platform.name).tag(platform.name)
                    }
                }
            }
            if state.projects.isEmpty && !state.loading {
                Text(String(localized: "hall_no_projects"))
                    .foregroundStyle(.secondary)
            }
            ForEach(state.projects) { project in
                Button {
                    if let platform = state.platform {
                        app.open(.hallProject(platform: platform, project: project.id))
                    }
                } label: {
                    VStack(alignment: .leading, spacing: 4) {
                        Text(project.name)
                            .font(.headline)
                        Text(Formats.format(String(localized: "hall_opening_at"), Formats.dateTime(project.openingAt)))
                            .font(.footnote)
                        Text(HallStageNames.name(project.stage))
                            .font(.footnote)
                            .foregroundStyle(.secondary)
                    }
                }
            }
        }
        .overlay { if state.loading { ProgressView() } }
        .navigationTitle(String(localized: "hall_title"))
        .errorBanner(state.error) { screen.send(.dismissError) }
        .onAppear { screen.send(.appeared) }
        .refreshable { screen.send(.refresh) }
    }
}

enum HallStageNames {
    static func name(_ stage: HallStage) -> String {
        switch stage {
        case .notOpen: return String(localized: "hall_phase_not_open")
        case .signIn: return String(localized: "hall_phase_sign_in")
        case .decryption: return String(localized: "hall_phase_decryption")
        case .quoteReading: return String(localized: "hall_phase_quote_reading")
        case .quoteConfirmation: return String(localized: "hall_phase_quote_confirmation")
        case .evaluation: return String(localized: "hall_phase_evaluation")
        case .closed: return String(localized: "hall_phase_closed")
        }
    }

    static func alert(_ alert: HallAlert) -> String {
        switch alert {
        case let .openingSoon(minutes):
            return Formats.format(String(localized: "hall_alert_opening_soon"), minutes)
        case let .stageStarted(stage):
            return Formats.format(String(localized: "hall_alert_phase_started"), name(stage))
        case .challengeAnswered:
            return String(localized: "hall_alert_challenge_answered")
        case .roundOpened:
            return String(localized: "hall_alert_round_opened")
        case .roundClosed:
            return String(localized: "hall_alert_round_closed")
        case .drawOpened:
            return String(localized: "hall_alert_draw_opened")
        case .drawRevealed:
            return String(localized: "hall_alert_draw_revealed")
        }
    }
}
