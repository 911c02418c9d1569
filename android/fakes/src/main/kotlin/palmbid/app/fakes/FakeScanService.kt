package palmbid.app.fakes

import palmbid.app.domain.Pin
import palmbid.app.domain.QrKind
import palmbid.app.domain.QrRequest
import palmbid.app.domain.QrRequestDetails
import palmbid.app.domain.ScanService
import palmbid.app.domain.ScannedCode
import palmbid.app.domain.SealKind

/**
 * [ScanService] in memory: [Samples.PICKUP_TEXT] is the sample pickup,
 * [Samples.qrText] of each kind a fresh [FakeQrRequest]; anything else is
 * refused as the core refuses a code that is not ours.
 */
class FakeScanService(
    private val control: FakeControl,
    private val pins: FakePins,
) : ScanService {
    /** The requests scanned so far, newest last, for tests to inspect. */
    val scanned: MutableList<FakeQrRequest> = java.util.concurrent.CopyOnWriteArrayList()

    override suspend fun scan(text: String): ScannedCode {
        control.enter("ScanService.scan")
        if (text == Samples.PICKUP_TEXT) return ScannedCode.Pickup(Samples.pickup)
        val kind = QrKind.entries.firstOrNull { Samples.qrText(it) == text }
            ?: throw Failures.of(
                "qr.invalid_code",
                "这不是 palmbid 平台的二维码；请扫描投标工具箱或交易平台显示的二维码",
                "this is not a palmbid platform code; scan the code the bid toolbox or the platform shows",
            )
        val request = FakeQrRequest(Samples.request(kind, now = control.now()), control, pins)
        scanned += request
        return ScannedCode.Request(request)
    }
}

/**
 * A QR request with the platform's rules: a countdown by [FakeControl]'s
 * clock, number matching for login (a wrong pick ends the request), a seal
 * required for sealing, the PIN counted, one answer only.
 */
class FakeQrRequest(
    override val details: QrRequestDetails,
    private val control: FakeControl,
    private val pins: FakePins,
    /** The number the desktop shows, for login. */
    private val matchNumber: Int = Samples.MATCH_NUMBER,
) : QrRequest {
    @Volatile private var matched = false
    @Volatile private var ended = false

    /** True once answered. */
    @Volatile var answered = false
        private set

    /** The seal the answer used. */
    @Volatile var answeredSeal: SealKind? = null
        private set

    /** Value [clockWarning] returns. */
    @Volatile var clockOff = false

    override fun secondsLeft(): Long =
        java.time.Duration.between(control.now(), details.answerBy).seconds.coerceAtLeast(0)

    override fun clockWarning(): Boolean = clockOff

    override suspend fun chooseNumber(number: Int) {
        control.enter("QrRequest.chooseNumber")
        checkOpen()
        if (number != matchNumber) {
            ended = true
            throw Failures.of(
                "qr.wrong_number",
                "所选数字与电脑上显示的不一致，本次登录已取消；请在电脑上重新扫码",
                "the number picked is not the one the computer shows; this login is cancelled, scan again",
            )
        }
        matched = true
    }

    override suspend fun answer(seal: SealKind?, pin: Pin) {
        control.enter("QrRequest.answer")
        checkOpen()
        if (details.kind == QrKind.LOGIN && !matched) {
            throw Failures.of("qr.not_matched", "请先选择电脑上显示的数字", "pick the number the computer shows first")
        }
        if (details.kind == QrKind.SEAL && seal == null) {
            throw Failures.of("qr.seal_not_chosen", "请选择要使用的印章", "choose the seal to use")
        }
        pins.verify(details.signer.credentialId, pin)
        answered = true
        answeredSeal = seal
    }

    override suspend fun cancel() {
        control.enter("QrRequest.cancel")
        ended = true
    }

    private fun checkOpen() {
        if (answered) throw Failures.of("qr.already_answered", "该请求已处理", "this request was answered already")
        if (ended) throw Failures.of("qr.cancelled", "该请求已取消；请在电脑上重新扫码", "this request was cancelled; scan again")
        if (secondsLeft() <= 0) throw Failures.expired()
    }
}
