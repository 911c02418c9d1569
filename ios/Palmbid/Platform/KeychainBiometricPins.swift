import Foundation
import LocalAuthentication
import PalmbidCore
import Security

/// PINs in the keychain behind Face ID or Touch ID, for the optional
/// biometric unlock.
///
/// Each item is a generic password with `.biometryCurrentSet` and
/// `kSecAttrAccessibleWhenPasscodeSetThisDeviceOnly`: reading it needs a
/// biometric match, it never leaves this device or enters a backup, and
/// enrolling another finger or face, or removing the passcode, makes it
/// unreadable.
struct KeychainBiometricPins: BiometricPinStore {
    private static let service = "cn.palmbid.biometric-pin"

    /// Whether Face ID or Touch ID is enrolled and usable now.
    static var isAvailable: Bool {
        var error: NSError?
        return LAContext().canEvaluatePolicy(.deviceOwnerAuthenticationWithBiometrics, error: &error)
    }

    func hasPin(credentialId: String) -> Bool {
        // A context that may not prompt: an existing item then answers
        // errSecInteractionNotAllowed instead of showing Face ID.
        let context = LAContext()
        context.interactionNotAllowed = true
        var query = Self.query(credentialId)
        query[kSecUseAuthenticationContext as String] = context
        let status = SecItemCopyMatching(query as CFDictionary, nil)
        return status == errSecSuccess || status == errSecInteractionNotAllowed
    }

    func save(pin: String, credentialId: String) throws {
        var error: Unmanaged<CFError>?
        guard let access = SecAccessControlCreateWithFlags(
            kCFAllocatorDefault, kSecAttrAccessibleWhenPasscodeSetThisDeviceOnly, .biometryCurrentSet, &error
        ) else {
            throw Self.failure("access control", status: nil)
        }
        remove(credentialId: credentialId)
        var item = Self.query(credentialId)
        item[kSecValueData as String] = Data(pin.utf8)
        item[kSecAttrAccessControl as String] = access
        let status = SecItemAdd(item as CFDictionary, nil)
        guard status == errSecSuccess else {
            throw Self.failure("save", status: status)
        }
    }

    func pin(credentialId: String, reason: String) async throws -> String? {
        let context = LAContext()
        context.localizedReason = reason
        var query = Self.query(credentialId)
        query[kSecReturnData as String] = true
        query[kSecUseAuthenticationContext as String] = context
        let request = query

        // The read blocks while the prompt is up, so it runs off the main
        // thread.
        let (status, data) = await withCheckedContinuation { (continuation: CheckedContinuation<(OSStatus, Data?), Never>) in
            DispatchQueue.global(qos: .userInitiated).async {
                var item: CFTypeRef?
                let status = SecItemCopyMatching(request as CFDictionary, &item)
                continuation.resume(returning: (status, item as? Data))
            }
        }
        switch status {
        case errSecSuccess:
            return data.map { String(decoding: $0, as: UTF8.self) }
        case errSecItemNotFound, errSecUserCanceled, errSecAuthFailed:
            return nil
        default:
            throw Self.failure("read", status: status)
        }
    }

    func remove(credentialId: String) {
        SecItemDelete(Self.query(credentialId) as CFDictionary)
    }

    func removeAll() {
        let query: [String: Any] = [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: Self.service,
        ]
        SecItemDelete(query as CFDictionary)
    }

    private static func query(_ credentialId: String) -> [String: Any] {
        [
            kSecClass as String: kSecClassGenericPassword,
            kSecAttrService as String: service,
            kSecAttrAccount as String: credentialId,
        ]
    }

    private static func failure(_ step: String, status: OSStatus?) -> AppError {
        let code = status.map { String($0) } ?? "-"
        return AppError(
            code: "app.biometric_store",
            messageZh: "无法使用面容 ID / 触控 ID 保存或读取 PIN 码（\(step)，错误 \(code)），请输入 PIN 码。",
            messageEn: "The PIN could not be kept or read with Face ID or Touch ID (\(step), error \(code)); enter the PIN instead."
        )
    }
}
