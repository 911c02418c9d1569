import PalmbidCore
import PalmbidPresentation
import SwiftUI

/// The app's own PIN keypad. Hidden while the screen is captured, cleared
/// when the app goes to the background.
@MainActor
struct PinPadView: View {
    @StateObject private var screen: Observed<PinViewModel>
    @EnvironmentObject private var app: AppModel
    @EnvironmentObject private var privacy: PrivacyGuard
    @Environment(\.dismiss) private var dismiss
    private let onCancel: () -> Void
    /// A line under the title saying whose PIN this is, when not the usual.
    private let hint: String?

    init(
        model: @autoclosure @escaping () -> PinViewModel, hint: String? = nil,
        onCancel: @escaping () -> Void = {}
    ) {
        _screen = StateObject(wrappedValue: Observed(model()))
        self.hint = hint
        self.onCancel = onCancel
    }

    private var state: PinPadState { screen.state }

    var body: some View {
        VStack(spacing: 24) {
            Text(title)
                .font(.title3.bold())
            if let hint {
                Text(hint)
                    .font(.callout)
                    .foregroundStyle(.secondary)
                    .multilineTextAlignment(.center)
            }
            HStack(spacing: 14) {
                ForEach(0..<max(PinPadState.minimumLength, state.entered), id: \.self) { index in
                    Circle()
                        .fill(index < state.entered ? Color.primary : Color.secondary.opacity(0.3))
                        .frame(width: 14, height: 14)
                }
            }
            .accessibilityElement(children: .ignore)
            .accessibilityLabel(title)
            .accessibilityValue("\(state.entered)")
            status
            keypad
            if state.biometricOffered {
                Button {
                    screen.send(.biometricRequested(reason: String(localized: "pin_biometric_reason")))
                } label: {
                    Label(String(localized: "pin_use_biometric"), systemImage: "faceid")
                }
                .disabled(state.busy || state.locked)
            }
            Button(String(localized: "common_cancel")) {
                screen.send(.clear)
                onCancel()
                dismiss()
            }
        }
        .padding()
        .disabled(state.busy)
        .hiddenWhileCaptured()
        .errorBanner(state.error) { screen.send(.dismissError) }
        .onAppear { screen.send(.appeared) }
        .onChange(of: app.backgroundCount) { _ in screen.send(.clear) }
        // Digits typed before a recording started are dropped too, so no
        // partial PIN is completed on a recorded screen.
        .onChange(of: privacy.screenCaptured) { captured in
            if captured {
                screen.send(.clear)
            }
        }
        .onChange(of: state.done) { done in
            if done {
                dismiss()
            }
        }
        .interactiveDismissDisabled(state.busy)
    }

    private var title: String {
        switch state.stage {
        case .current where state.kind == .change:
            return String(localized: "pin_current_title")
        case .current:
            return String(localized: "pin_enter_title")
        case .new:
            return String(localized: "pin_new_title")
        case .repeatNew:
            return String(localized: "pin_repeat_title")
        }
    }

    @ViewBuilder
    private var status: some View {
        if state.locked {
            Text(String(localized: "pin_locked"))
                .foregroundStyle(.red)
        } else if state.mismatch {
            Text(String(localized: "pin_mismatch"))
                .foregroundStyle(.orange)
        } else if let triesLeft = state.triesLeft, triesLeft < 6 {
            Text(Formats.format(String(localized: "pin_tries_left"), triesLeft))
                .foregroundStyle(.orange)
        } else if state.busy {
            ProgressView()
        } else {
            VStack(spacing: 4) {
                if state.kind != .enter {
                    Text(String(localized: "pin_choose_hint"))
                }
                Text(String(localized: "pin_own_keypad_hint"))
            }
            .font(.footnote)
            .foregroundStyle(.secondary)
            .multilineTextAlignment(.center)
        }
    }

    private var keypad: some View {
        let rows: [[Int?]] = [[1, 2, 3], [4, 5, 6], [7, 8, 9], [nil, 0, -1]]
        return VStack(spacing: 12) {
            ForEach(0..<rows.count, id: \.self) { row in
                HStack(spacing: 12) {
                    ForEach(0..<3, id: \.self) { column in
                        key(rows[row][column])
                    }
                }
            }
            Button(String(localized: "pin_confirm")) { screen.send(.submit) }
                .buttonStyle(.borderedProminent)
                .disabled(!state.canSubmit)
        }
    }

    @ViewBuilder
    private func key(_ value: Int?) -> some View {
        switch value {
        case let digit? where digit >= 0:
            Button("\(digit)") { screen.send(.digit(digit)) }
                .font(.title)
                .frame(width: 72, height: 56)
                .buttonStyle(.bordered)
                .disabled(state.locked)
        case .some:
            Button {
                screen.send(.backspace)
            } label: {
                Image(systemName: "delete.left")
            }
            .accessibilityLabel(String(localized: "pin_delete"))
            .frame(width: 72, height: 56)
        case .none:
            Color.clear.frame(width: 72, height: 56)
        }
    }
}
