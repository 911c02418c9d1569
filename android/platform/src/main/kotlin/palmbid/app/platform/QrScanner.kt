package palmbid.app.platform

import android.content.Context
import android.util.Size
import androidx.camera.core.Camera
import androidx.camera.core.CameraSelector
import androidx.camera.core.ImageAnalysis
import androidx.camera.core.ImageProxy
import androidx.camera.core.Preview
import androidx.camera.core.resolutionselector.ResolutionSelector
import androidx.camera.core.resolutionselector.ResolutionStrategy
import androidx.camera.lifecycle.ProcessCameraProvider
import androidx.camera.view.PreviewView
import androidx.lifecycle.LifecycleOwner
import com.google.zxing.BarcodeFormat
import com.google.zxing.BinaryBitmap
import com.google.zxing.ChecksumException
import com.google.zxing.DecodeHintType
import com.google.zxing.FormatException
import com.google.zxing.NotFoundException
import com.google.zxing.PlanarYUVLuminanceSource
import com.google.zxing.common.HybridBinarizer
import com.google.zxing.qrcode.QRCodeReader
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicBoolean

/**
 * The app's QR scanner (扫一扫): CameraX shows the back camera in a
 * [PreviewView] and hands the newest frame to ZXing, which decodes QR codes
 * from the luminance (Y) plane. No Google Play services are involved.
 *
 * The scanner only reads text. It calls [onText] once and then pauses, so
 * one code gives one request. The caller hands the text to the core
 * (`ScanService.scan`), which decides what it is and whether its host is
 * trusted. After a refusal the caller calls [resume] to scan again. Only the
 * latest frame is analysed (`STRATEGY_KEEP_ONLY_LATEST`): the platform
 * refuses a code frame older than 5 seconds, so a backlog of old frames
 * would only produce stale text.
 *
 * The caller must have the CAMERA permission before [start]. [onText] runs on
 * the analysis thread.
 */
class QrScanner(
    private val context: Context,
    private val onText: (String) -> Unit,
) {
    private val reader = QRCodeReader()
    private val hints = mapOf(
        DecodeHintType.POSSIBLE_FORMATS to listOf(BarcodeFormat.QR_CODE),
        DecodeHintType.CHARACTER_SET to "UTF-8",
    )
    private val paused = AtomicBoolean(false)
    private var analysisExecutor: ExecutorService? = null
    private var provider: ProcessCameraProvider? = null
    private var camera: Camera? = null

    /** Main thread only: the torch state asked for, applied once the camera is bound. */
    private var torchOn = false

    /** Main thread only: false after [stop], so a late camera provider binds nothing. */
    private var active = false

    /**
     * Binds the preview and the analysis to [owner]'s lifecycle: the camera
     * runs while it is started. [onError] receives a camera that cannot
     * open (none at the back, or in use by another app). Call on the main
     * thread.
     */
    fun start(owner: LifecycleOwner, previewView: PreviewView, onError: (Throwable) -> Unit) {
        val executor = Executors.newSingleThreadExecutor()
        analysisExecutor = executor
        paused.set(false)
        active = true

        val future = ProcessCameraProvider.getInstance(context)
        future.addListener({
            if (!active) return@addListener
            try {
                val cameraProvider = future.get()
                provider = cameraProvider

                val preview = Preview.Builder().build()
                preview.setSurfaceProvider(previewView.surfaceProvider)

                val analysis = ImageAnalysis.Builder()
                    .setResolutionSelector(ANALYSIS_RESOLUTION)
                    .setBackpressureStrategy(ImageAnalysis.STRATEGY_KEEP_ONLY_LATEST)
                    .build()
                analysis.setAnalyzer(executor, ::analyze)

                cameraProvider.unbindAll()
                val bound = cameraProvider.bindToLifecycle(owner, CameraSelector.DEFAULT_BACK_CAMERA, preview, analysis)
                camera = bound
                if (torchOn && bound.cameraInfo.hasFlashUnit()) bound.cameraControl.enableTorch(true)
            } catch (e: Exception) {
                // getInstance fails with ExecutionException, binding with
                // IllegalArgumentException (no back camera) or
                // IllegalStateException: all mean there is no camera to use.
                onError(e)
            }
        }, context.mainExecutor)
    }

    /**
     * Switches the torch on or off, for codes on a dim screen or paper. A
     * camera without a flash ignores it. Call on the main thread.
     */
    fun setTorch(on: Boolean) {
        torchOn = on
        val bound = camera ?: return
        if (bound.cameraInfo.hasFlashUnit()) bound.cameraControl.enableTorch(on)
    }

    /** Scans again after [onText] was called. */
    fun resume() {
        paused.set(false)
    }

    /** Releases the camera and the analysis thread. Call on the main thread. */
    fun stop() {
        active = false
        provider?.unbindAll()
        provider = null
        camera = null
        analysisExecutor?.shutdown()
        analysisExecutor = null
    }

    private fun analyze(image: ImageProxy) {
        image.use {
            if (paused.get()) return

            val text = decode(it) ?: return
            if (paused.compareAndSet(false, true)) {
                onText(text)
            }
        }
    }

    /** Decodes a QR code from the frame's Y plane, or returns null. */
    private fun decode(image: ImageProxy): String? {
        // YUV_420_888, the analysis default: plane 0 is luminance with a
        // pixel stride of 1 and rows of rowStride bytes.
        val plane = image.planes[0]
        val rowStride = plane.rowStride
        val buffer = plane.buffer.duplicate().apply { rewind() }
        // The last row may be shorter than rowStride; the rest stays zero.
        val luminance = ByteArray(rowStride * image.height)
        buffer.get(luminance, 0, minOf(buffer.remaining(), luminance.size))

        val source = PlanarYUVLuminanceSource(
            luminance,
            rowStride,
            image.height,
            0,
            0,
            image.width,
            image.height,
            false,
        )
        return try {
            reader.decode(BinaryBitmap(HybridBinarizer(source)), hints).text
        } catch (e: NotFoundException) {
            null
        } catch (e: ChecksumException) {
            null
        } catch (e: FormatException) {
            null
        } finally {
            reader.reset()
        }
    }

    private companion object {
        /** 720p is enough for a QR code on a desktop screen, and cheap to decode. */
        val ANALYSIS_RESOLUTION: ResolutionSelector = ResolutionSelector.Builder()
            .setResolutionStrategy(
                ResolutionStrategy(Size(1280, 720), ResolutionStrategy.FALLBACK_RULE_CLOSEST_HIGHER_THEN_LOWER),
            )
            .build()
    }
}
