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
                Picker(String(localized: "login_platform"), selection: Binding(
                    get: { state.platform ?? "" }, set: { screen.send(.selectPlatform($0)) }
                )) {
                    ForEach(state.platforms) { platform in
                        Text(platform.name).tag(platform.name)
                    }
                }
            }
            if state.projects.isEmpty && !state.loading {
                VStack(alignment: .leading, spacing: 4) {
                    Text(String(localized: "hall_empty"))
                    Text(String(localized: "hall_empty_hint"))
                        .font(.footnote)
                }
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
                        LabeledContent(String(localized: "hall_opening_at"), value: Formats.dateTime(project.openingAt))
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
        case .notOpen: return String(localized: "phase_not_open")
        case .signIn: return String(localized: "phase_sign_in")
        case .decryption: return String(localized: "phase_decryption")
        case .quoteReading: return String(localized: "phase_quote_reading")
        case .quoteConfirmation: return String(localized: "phase_quote_confirmation")
        case .evaluation: return String(localized: "phase_evaluation")
        case .closed: return String(localized: "phase_closed")
        }
    }

    static func alert(_ alert: HallAlert) -> String {
        switch alert {
        case let .openingSoon(minutes):
            return Formats.format(String(localized: "notice_opening_soon"), minutes)
        case let .stageStarted(stage):
            return Formats.format(String(localized: "notice_phase_started"), name(stage))
        case .challengeAnswered:
            return String(localized: "notice_challenge_answered")
        case let .roundOpened(section, round):
            return Formats.format(String(localized: "notice_round_opened"), section, round)
        case let .roundClosed(section, round):
            return Formats.format(String(localized: "notice_round_closed"), section, round)
        case let .drawOpened(draw):
            return Formats.format(String(localized: "notice_draw_opened"), draw)
        case let .drawRevealed(draw, coefficient):
            return Formats.format(String(localized: "notice_draw_revealed"), draw, coefficient)
        }
    }
}
