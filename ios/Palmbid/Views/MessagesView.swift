import PalmbidCore
import PalmbidPresentation
import SwiftUI

/// 消息: the hall alerts of this run.
@MainActor
struct MessagesView: View {
    @ObservedObject var model: Observed<MessagesViewModel>

    var body: some View {
        List {
            if model.state.messages.isEmpty {
                Text(String(localized: "messages_empty"))
                    .foregroundStyle(.secondary)
            }
            ForEach(model.state.messages) { message in
                VStack(alignment: .leading, spacing: 4) {
                    Text(message.projectName).font(.headline)
                    Text(HallStageNames.alert(message.alert))
                    Text(Formats.dateTime(message.receivedAt))
                        .font(.footnote)
                        .foregroundStyle(.secondary)
                }
            }
        }
        .navigationTitle(String(localized: "messages_title"))
        .toolbar {
            Button(String(localized: "common_remove")) { model.send(.clear) }
                .disabled(model.state.messages.isEmpty)
        }
        .onAppear { model.send(.read) }
    }
}
