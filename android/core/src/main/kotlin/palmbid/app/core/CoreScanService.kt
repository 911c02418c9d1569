package palmbid.app.core

import palmbid.app.domain.PalmbidFailure
import palmbid.app.domain.Pin
import palmbid.app.domain.QrRequest
import palmbid.app.domain.QrRequestDetails
import palmbid.app.domain.ScanService
import palmbid.app.domain.ScannedCode
import palmbid.app.domain.SealKind
import palmbid.ffi.Account

/** [ScanService] over `Account.scanCode`: the core judges every scanned text. */
internal class CoreScanService(private val account: Account) : ScanService {

    override suspend fun scan(text: String): ScannedCode = ffiCall("ScanService.scan") {
        when (val scanned = account.scanCode(text)) {
            is palmbid.ffi.ScannedCode.Pickup -> ScannedCode.Pickup(scanned.pickup.toDomain())
            is palmbid.ffi.ScannedCode.Request ->
                ScannedCode.Request(CoreQrRequest(scanned.request, scanned.request.details().toDomain()))
        }
    }
}

/**
 * A scanned request held by the core. The core keeps the request exactly as
 * the platform sent it, so the answer signs that and not [details], which is
 * a copy for the screen.
 *
 * NOTE: the native object is freed by the bindings' cleaner once this
 * wrapper is unreachable; the port has no `close`, and a confirm screen
 * holds one request at a time.
 */
internal class CoreQrRequest(
    private val request: palmbid.ffi.QrRequest,
    override val details: QrRequestDetails,
) : QrRequest {

    /** Reads the core's countdown; 0 once the native object is gone. */
    override fun secondsLeft(): Long = try {
        request.secondsLeft().coerceAtLeast(0L)
    } catch (e: Exception) {
        0L
    }

    /** Reads the core's clock check; false once the native object is gone. */
    override fun clockWarning(): Boolean = try {
        request.clockWarning()
    } catch (e: Exception) {
        false
    }

    override suspend fun chooseNumber(number: Int) {
        if (number < 0) {
            throw PalmbidFailure(
                PalmbidFailure.CODE_INVALID_INPUT,
                "所选数字 $number 无效；请从显示的三个数字中选择",
                "the number $number is not valid; pick one of the three numbers shown",
            )
        }
        ffiCall("QrRequest.chooseNumber") { request.chooseNumber(number.toUInt()) }
    }

    override suspend fun answer(seal: SealKind?, pin: Pin) {
        ffiCall("QrRequest.answer") { request.answer(seal?.toFfi(), pin.reveal()) }
    }

    override suspend fun cancel() {
        ffiCall("QrRequest.cancel") { request.cancel() }
    }
}
