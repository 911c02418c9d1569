import PalmbidCore
import PalmbidPresentation
import SwiftUI
import UIKit
import UniformTypeIdentifiers

/// The identity video check.
@MainActor
struct IdentityCheckView: View {
    @StateObject private var screen: Observed<IdentityCheckViewModel>
    @EnvironmentObject private var app: AppModel
    @State private var recording = false

    init(model: @autoclosure @escaping () -> IdentityCheckViewModel) {
        _screen = StateObject(wrappedValue: Observed(model()))
    }

    private var state: IdentityCheckState { screen.state }

    var body: some View {
        Form {
            Section {
                progress
            }
            if state.progress != .approved && state.progress != .pending {
                Section {
                    TextField(String(localized: "identity_name"), text: Binding(
                        get: { state.name }, set: { screen.send(.nameChanged($0)) }
                    ))
                    .textContentType(.name)
                    TextField(String(localized: "identity_id_number"), text: Binding(
                        get: { state.idNumber }, set: { screen.send(.idNumberChanged($0)) }
                    ))
                    .autocorrectionDisabled()
                }
                Section {
                    if let challenge = state.challenge {
                        LabeledContent(String(localized: "identity_read_aloud")) {
                            Text(challenge.code)
                                .font(.title3.monospacedDigit())
                        }
                        if let video = state.video {
                            Label(
                                Formats.format(String(localized: "identity_video_ready"), Formats.bytes(UInt64(video.count))),
                                systemImage: "checkmark.circle"
                            )
                            Button(String(localized: "identity_record_again")) { recording = true }
                        } else {
                            Button(String(localized: "identity_record")) { recording = true }
                        }
                    } else {
                        Button(String(localized: "identity_get_code")) { screen.send(.requestCode) }
                    }
                } header: {
                    Text(String(localized: "identity_video"))
                } footer: {
                    Text(String(localized: "identity_code_hint"))
                }
                Section {
                    Button(String(localized: "identity_submit")) { screen.send(.submit) }
                        .disabled(!state.canSubmit)
                }
            }
        }
        .navigationTitle(String(localized: "identity_title"))
        .disabled(state.busy)
        .errorBanner(state.error) { screen.send(.dismissError) }
        .onAppear { screen.send(.appeared) }
        .sheet(isPresented: $recording) {
            VideoRecorder { video in
                recording = false
                if let video {
                    screen.send(.videoRecorded(video))
                }
            }
            .ignoresSafeArea()
        }
    }

    @ViewBuilder
    private var progress: some View {
        switch state.progress {
        case .approved?:
            Label(String(localized: "identity_state_approved"), systemImage: "checkmark.seal")
            Button(String(localized: "home_scan")) { app.open(.scan) }
        case .pending?:
            Label(String(localized: "identity_state_pending"), systemImage: "hourglass")
        case let .rejected(reason)?:
            Label(String(localized: "identity_state_rejected"), systemImage: "xmark.octagon")
            if let reason {
                LabeledContent(String(localized: "identity_reason"), value: reason)
            }
            Text(String(localized: "identity_intro"))
        case .notSubmitted?, nil:
            Text(String(localized: "identity_intro"))
        }
    }
}

/// Records a short front-camera video with the system camera UI and returns
/// its bytes; the file is deleted at once.
struct VideoRecorder: UIViewControllerRepresentable {
    let onFinish: (Data?) -> Void

    func makeUIViewController(context: Context) -> UIImagePickerController {
        let picker = UIImagePickerController()
        picker.sourceType = .camera
        picker.mediaTypes = [UTType.movie.identifier]
        picker.cameraCaptureMode = .video
        picker.cameraDevice = .front
        picker.videoQuality = .typeMedium
        // The platform limits the upload (account.video_size); 15 s at
        // medium quality stays well under it.
        picker.videoMaximumDuration = 15
        picker.delegate = context.coordinator
        return picker
    }

    func updateUIViewController(_ picker: UIImagePickerController, context: Context) {}

    func makeCoordinator() -> Coordinator {
        Coordinator(onFinish: onFinish)
    }

    final class Coordinator: NSObject, UIImagePickerControllerDelegate, UINavigationControllerDelegate {
        let onFinish: (Data?) -> Void

        init(onFinish: @escaping (Data?) -> Void) {
            self.onFinish = onFinish
        }

        func imagePickerController(
            _ picker: UIImagePickerController, didFinishPickingMediaWithInfo info: [UIImagePickerController.InfoKey: Any]
        ) {
            guard let url = info[.mediaURL] as? URL else {
                onFinish(nil)
                return
            }
            let video = try? Data(contentsOf: url)
            try? FileManager.default.removeItem(at: url)
            onFinish(video)
        }

        func imagePickerControllerDidCancel(_ picker: UIImagePickerController) {
            onFinish(nil)
        }
    }
}
