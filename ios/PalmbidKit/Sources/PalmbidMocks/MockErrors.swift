import Foundation
import PalmbidCore

/// The library's errors the mocks raise, with the library's codes, so that
/// view models are tested against the codes they branch on.
public enum MockErrors {
    public static let wrongPin = AppError(
        code: "keystore.pin_incorrect",
        messageZh: "PIN 码错误。",
        messageEn: "The PIN is wrong."
    )
    public static let locked = AppError(
        code: "keystore.locked",
        messageZh: "PIN 码错误次数过多，证书已锁定。",
        messageEn: "Too many wrong PINs; the certificate is locked."
    )
    public static let deviceKeyLost = AppError(
        code: "keystore.device_unseal",
        messageZh: "本机的设备密钥已丢失，请重新领取证书。",
        messageEn: "This phone's device key is gone; pick up the certificate again."
    )
    public static let unreachable = AppError(
        code: "api.unreachable",
        messageZh: "无法连接平台，请检查网络后重试。",
        messageEn: "The platform cannot be reached; check the network and try again."
    )
    public static let wrongNumber = AppError(
        code: "qr.wrong_number",
        messageZh: "选择的数字与电脑上显示的不一致，请求已取消。",
        messageEn: "The number chosen differs from the computer's; the request was cancelled."
    )
    public static let smsCodeWrong = AppError(
        code: "auth.sms_code_wrong",
        messageZh: "短信验证码错误。",
        messageEn: "The SMS code is wrong."
    )
    public static let unknownHost = AppError(
        code: "qr.unknown_host",
        messageZh: "二维码来自未添加的平台。",
        messageEn: "The QR code is from a platform that was not added."
    )
}

/// A value behind a lock, for mocks whose protocols have synchronous members.
final class Locked<Value>: @unchecked Sendable {
    // Every access goes through `lock`.
    private var value: Value
    private let lock = NSLock()

    init(_ value: Value) {
        self.value = value
    }

    func with<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
