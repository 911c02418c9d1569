import AVFoundation
import SwiftUI
import UIKit

/// The camera preview that reads QR codes with `AVCaptureMetadataOutput`
/// (object type `.qr` only) and hands each code's text to `onCode` on the
/// main thread. The text goes to the library, never to Safari: a scanned
/// URL is a request id, not a page to open.
struct QrScannerView: UIViewControllerRepresentable {
    /// Whether frames are delivered; the session keeps running so the preview
    /// does not flicker while a code is handled.
    var active: Bool
    var onCode: (String) -> Void
    var onDenied: () -> Void

    func makeUIViewController(context: Context) -> QrScannerController {
        let controller = QrScannerController()
        controller.onCode = onCode
        controller.onDenied = onDenied
        return controller
    }

    func updateUIViewController(_ controller: QrScannerController, context: Context) {
        controller.onCode = onCode
        controller.onDenied = onDenied
        controller.active = active
    }

    static func dismantleUIViewController(_ controller: QrScannerController, coordinator: ()) {
        controller.stop()
    }
}

final class QrScannerController: UIViewController, AVCaptureMetadataOutputObjectsDelegate {
    var onCode: ((String) -> Void)?
    var onDenied: (() -> Void)?
    var active = true

    private let session = AVCaptureSession()
    /// Session configuration, start and stop run here: they block, and
    /// Apple asks that they stay off the main thread.
    private let sessionQueue = DispatchQueue(label: "cn.palmbid.scanner.session")
    private var previewLayer: AVCaptureVideoPreviewLayer?

    override func viewDidLoad() {
        super.viewDidLoad()
        view.backgroundColor = .black
        let preview = AVCaptureVideoPreviewLayer(session: session)
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
            start()
        case .notDetermined:
            AVCaptureDevice.requestAccess(for: .video) { [weak self] granted in
                DispatchQueue.main.async {
                    if granted {
                        self?.start()
                    } else {
                        self?.onDenied?()
                    }
                }
            }
        default:
            onDenied?()
        }
    }

    override func viewWillDisappear(_ animated: Bool) {
        super.viewWillDisappear(animated)
        stop()
    }

    private func start() {
        sessionQueue.async { [weak self] in
            guard let self else { return }
            if self.session.inputs.isEmpty {
                self.configure()
            }
            if !self.session.isRunning {
                self.session.startRunning()
            }
        }
    }

    func stop() {
        sessionQueue.async { [session] in
            if session.isRunning {
                session.stopRunning()
            }
        }
    }

    /// Runs on `sessionQueue`.
    private func configure() {
        session.beginConfiguration()
        defer { session.commitConfiguration() }

        guard
            let camera = AVCaptureDevice.default(.builtInWideAngleCamera, for: .video, position: .back),
            let input = try? AVCaptureDeviceInput(device: camera),
            session.canAddInput(input)
        else {
            DispatchQueue.main.async { [weak self] in self?.onDenied?() }
            return
        }
        session.addInput(input)

        let output = AVCaptureMetadataOutput()
        guard session.canAddOutput(output) else { return }
        session.addOutput(output)
        // Delegate calls come on the main queue, where the view model lives.
        output.setMetadataObjectsDelegate(self, queue: .main)
        // Types must be set after the output joined the session.
        output.metadataObjectTypes = output.availableMetadataObjectTypes.contains(.qr) ? [.qr] : []
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
