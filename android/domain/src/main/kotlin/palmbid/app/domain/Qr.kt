package palmbid.app.domain

import java.time.Instant

/** Action a QR request requests of the phone. */
enum class QrKind {
    /** 扫码登录: number matching first. */
    LOGIN,

    /** 扫码签名. */
    SIGN,

    /** 扫码盖章: a seal is chosen. */
    SEAL,

    /** 获取加密证书. */
    ENCRYPTION_CERTIFICATE,

    /** 扫码解密. */
    DECRYPT,
}

enum class RequesterKind { PORTAL, TOOLBOX }

/** Requester showing the code, as the platform vouches for it. */
data class Requester(
    val kind: RequesterKind,
    val name: String,
    /** Machine name the desktop gave: shown, not verified. */
    val machine: String,
    val address: String,
)

/** The document a request is about. */
data class DocumentInfo(val name: String, val sha256Hex: String, val size: Long)

/** Everything the confirm screen shows before the PIN pad. */
data class QrRequestDetails(
    val platform: String,
    val requestId: String,
    val kind: QrKind,
    val requester: Requester,
    val document: DocumentInfo?,
    val signer: StoredCertificate,
    val encryption: StoredCertificate?,
    val seals: List<SealImage>,
    /** Login: the three numbers to offer, one shown on the desktop. */
    val numberChoices: List<Int>,
    val createdAt: Instant,
    val answerBy: Instant,
)

/**
 * A scanned QR request awaiting the user's answer. Every suspend call may
 * throw [PalmbidFailure].
 */
interface QrRequest {
    val details: QrRequestDetails

    /** Seconds left to answer, by the platform's clock. */
    fun secondsLeft(): Long

    /** True when the phone's clock is far off the platform's. */
    fun clockWarning(): Boolean

    /** Login: the number the user picked; a wrong pick ends the request. */
    suspend fun chooseNumber(number: Int)

    /** Answers with [pin]; [seal] is required for [QrKind.SEAL]. The caller wipes [pin]. */
    suspend fun answer(seal: SealKind?, pin: Pin)

    suspend fun cancel()
}

/** What a scanned text turned out to be; the core judges every text. */
sealed interface ScannedCode {
    data class Pickup(val pickup: ScannedPickup) : ScannedCode

    data class Request(val request: QrRequest) : ScannedCode
}

/** Judges scanned texts and App Links addresses. */
interface ScanService {
    /** Parses and checks [text]; throws [PalmbidFailure] on anything not ours. */
    suspend fun scan(text: String): ScannedCode
}
