import AVFoundation
import SwiftUI
import UIKit

/// The camera preview that reads QR codes with `AVCaptureMetadataOutput`
/// (object type `.qr` only) and hands each code's text to `onCode` on the
/// main thread. The text goes to the library, never to Safari: a scanned
/// URL is a request id, not a page to open.
struct QrScannerView: UIViewControllerRepresentable {
    /// Whether codes are delivered; the session keeps running so the preview
    /// does not flicker while a code is handled.
    var active: Bool
    var onCode: (String) -> Void
    var onDenied: () -> Void

    func makeUIViewController(context: Context) -> QrScannerController {
        let controller = QrScannerController()
        controller.capture.onCode = onCode
        controller.onDenied = onDenied
        return controller
    }

    func updateUIViewController(_ controller: QrScannerController, context: Context) {
        controller.capture.onCode = onCode
        controller.capture.active = active
        controller.onDenied = onDenied
    }

    static func dismantleUIViewController(_ controller: QrScannerController, coordinator: ()) {
        controller.capture.stop()
    }
}

/// The capture session. Configuring, starting and stopping block, so they
/// run on `queue` and never on the main thread. The metadata delegate runs
/// on the main queue, where `onCode` and `active` are read and written.
final class QrCaptureSession: NSObject, AVCaptureMetadataOutputObjectsDelegate, @unchecked Sendable {
    let session = AVCaptureSession()
    private let queue = DispatchQueue(label: "cn.palmbid.scanner.session")
    /// Main queue only.
    var onCode: ((String) -> Void)?
    /// Main queue only.
    var active = true

    /// Configures the session on first use and starts it; `onUnavailable`
    /// runs on the main queue when there is no usable back camera.
    func start(onUnavailable: @escaping @MainActor @Sendable () -> Void) {
        queue.async { [self] in
            if session.inputs.isEmpty && !configure() {
                Task { @MainActor in onUnavailable() }
                return
            }
            if !session.isRunning {
                session.startRunning()
            }
        }
    }

    func stop() {
        queue.async { [session] in
            if session.isRunning {
                session.stopRunning()
            }
        }
    }

    /// Runs on `queue`. False when the camera cannot be used.
    private func configure() -> Bool {
        session.beginConfiguration()
        defer { session.commitConfiguration() }

        guard
            let camera = AVCaptureDevice.default(.builtInWideAngleCamera, for: .video, position: .back),
            let input = try? AVCaptureDeviceInput(device: camera),
            session.canAddInput(input)
        else {
            return false
        }
        session.addInput(input)

        let output = AVCaptureMetadataOutput()
        guard session.canAddOutput(output) else {
            return false
        }
        session.addOutput(output)
        output.setMetadataObjectsDelegate(self, queue: .main)
        // The types can be set only once the output is in the session.
        guard output.availableMetadataObjectTypes.contains(.qr) else {
            return false
        }
        output.metadataObjectTypes = [.qr]
        return true
    }

    func metadataOutput(
        _ output: AVCaptureMetadataOutput, didOutput metadataObjects: [AVMetadataObject], from connection: AVCaptureConnection
    ) {
        guard active else { return }
        for case let code as AVMetadataMachineReadableCodeObject in metadataObjects where code.type == .qr {
            if let text = code.stringValue {
                onCode?(text)
            }
        }
    }
}

/// Shows the preview and requests the camera permission.
final class QrScannerController: UIViewController {
    let capture = QrCaptureSession()
    var onDenied: (() -> Void)?
    private var previewLayer: AVCaptureVideoPreviewLayer?

    override func viewDidLoad() {
        super.viewDidLoad()
        view.backgroundColor = .black
        let preview = AVCaptureVideoPreviewLayer(session: capture.session)
        preview.videoGravity = .resizeAspectFill
        view.layer.addSublayer(preview)
        previewLayer = preview
    }

    override func viewDidLayoutSubviews() {
        super.viewDidLayoutSubviews()
        previewLayer?.frame = view.bounds
    }

    override func viewWillAppear(_ animated: Bool) {
        super.viewWillAppear(animated)
        switch AVCaptureDevice.authorizationStatus(for: .video) {
        case .authorized:
            startCapture()
        case .notDetermined:
            Task { @MainActor in
                if await AVCaptureDevice.requestAccess(for: .video) {
                    startCapture()
                } else {
                    onDenied?()
                }
            }
        default:
            onDenied?()
        }
    }

    override func viewWillDisappear(_ animated: Bool) {
        super.viewWillDisappear(animated)
        capture.stop()
    }

    private func startCapture() {
        capture.start { [weak self] in self?.onDenied?() }
    }
}
