import Foundation
import LocalAuthentication
import PalmbidCore
import Security

/// Seals the keystore's 32-byte device secret with a P-256 key in the Secure
/// Enclave, so a copied keystore database is useless on another phone and an
/// offline PIN search needs this phone's hardware.
///
/// The key is created with `kSecAttrAccessibleWhenPasscodeSetThisDeviceOnly`:
/// it never leaves this device, is not in backups, and is destroyed when the
/// device passcode is removed. Sealing is ECIES (ephemeral ECDH with the
/// enclave key, X9.63 KDF with SHA-256, AES-GCM with a variable IV): anyone
/// may encrypt to the public key, only the enclave decrypts.
struct SecureEnclaveSealer: DeviceSecretSealer {
    /// The keychain tag of the enclave key.
    static let tag = Data("cn.palmbid.device-binding.v1".utf8)
    static let algorithm = SecKeyAlgorithm.eciesEncryptionCofactorVariableIVX963SHA256AESGCM

    /// Errors of the Secure Enclave, in the app's error shape. `locked`
    /// reaches the keystore as `keystore.device_unavailable` (retry after
    /// unlocking); every other one as a lost device key.
    enum Failure {
        static let locked = AppError(
            code: "device.locked",
            messageZh: "手机已锁屏，安全芯片中的密钥暂不可用。请解锁手机后重试。",
            messageEn: "The phone is locked, so the Secure Enclave key cannot be used. Unlock the phone and try again."
        )

        static let noPasscode = AppError(
            code: "app.no_passcode",
            messageZh: "本机未设置锁屏密码，无法保存证书。请在“设置 > 面容 ID 与密码”中设置密码后重试。",
            messageEn: "This phone has no passcode, so it cannot hold a certificate. Set one in Settings > Face ID & Passcode and try again."
        )

        static func enclave(_ step: String, _ error: Unmanaged<CFError>?) -> AppError {
            // The CFError's text may name the key; only its code is kept.
            let code = error.map { CFErrorGetCode($0.takeRetainedValue()) } ?? 0
            return AppError(
                code: "app.device_key_lost",
                messageZh: "安全芯片操作失败（\(step)，错误 \(code)）。如已更换手机或重置过锁屏密码，请重新领取证书。",
                messageEn: "The Secure Enclave failed (\(step), error \(code)). If the phone or its passcode changed, pick up the certificate again."
            )
        }
    }

    /// Whether the device has a passcode; without one the enclave key cannot
    /// be created and the app explains why it cannot hold a certificate.
    static var passcodeIsSet: Bool {
        var error: NSError?
        return LAContext().canEvaluatePolicy(.deviceOwnerAuthentication, error: &error)
    }

    func seal(_ secret: Data) throws -> Data {
        let privateKey = try Self.existingKey() ?? Self.createKey()
        guard let publicKey = SecKeyCopyPublicKey(privateKey) else {
            throw Failure.enclave("public key", nil)
        }
        var error: Unmanaged<CFError>?
        guard let sealed = SecKeyCreateEncryptedData(publicKey, Self.algorithm, secret as CFData, &error) else {
            throw Failure.enclave("seal", error)
        }
        return sealed as Data
    }

    func unseal(_ sealed: Data) throws -> Data {
        // A missing key means the app was reinstalled or the passcode was
        // removed: the secret is gone for good, which the keystore reports.
        guard let privateKey = try Self.existingKey() else {
            throw Failure.enclave("key missing", nil)
        }
        var error: Unmanaged<CFError>?
        guard let secret = SecKeyCreateDecryptedData(privateKey, Self.algorithm, sealed as CFData, &error) else {
            throw Failure.enclave("unseal", error)
        }
        return secret as Data
    }

    private static func existingKey() throws -> SecKey? {
        let query: [String: Any] = [
            kSecClass as String: kSecClassKey,
            kSecAttrApplicationTag as String: tag,
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecReturnRef as String: true,
        ]
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        switch status {
        case errSecSuccess:
            // SecItemCopyMatching with kSecReturnRef for a key class returns
            // a SecKey. A conditional cast to a CF type always succeeds, so
            // the type is checked by its CFTypeID instead.
            guard let item, CFGetTypeID(item) == SecKeyGetTypeID() else {
                throw Failure.enclave("lookup type", nil)
            }
            return (item as! SecKey)
        case errSecItemNotFound:
            return nil
        case errSecInteractionNotAllowed:
            // The key is kept WhenPasscodeSet: out of reach while the phone
            // is locked, and back once it is unlocked.
            throw Failure.locked
        default:
            throw Failure.enclave("lookup \(status)", nil)
        }
    }

    private static func createKey() throws -> SecKey {
        guard passcodeIsSet else {
            throw Failure.noPasscode
        }
        var error: Unmanaged<CFError>?
        guard let access = SecAccessControlCreateWithFlags(
            kCFAllocatorDefault, kSecAttrAccessibleWhenPasscodeSetThisDeviceOnly, .privateKeyUsage, &error
        ) else {
            throw Failure.enclave("access control", error)
        }
        let attributes: [String: Any] = [
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecAttrKeySizeInBits as String: 256,
            kSecAttrTokenID as String: kSecAttrTokenIDSecureEnclave,
            kSecPrivateKeyAttrs as String: [
                kSecAttrIsPermanent as String: true,
                kSecAttrApplicationTag as String: tag,
                kSecAttrAccessControl as String: access,
            ] as [String: Any],
        ]
        guard let key = SecKeyCreateRandomKey(attributes as CFDictionary, &error) else {
            throw Failure.enclave("create", error)
        }
        return key
    }
}
