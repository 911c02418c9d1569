import Foundation
import PalmbidBindings

/// The signature log over the keystore's `signatureLog`, newest first,
/// paged back by row id.
final class LiveSignatureLog: SignatureLog {
    private let keystore: Keystore

    init(keystore: Keystore) {
        self.keystore = keystore
    }

    func entries(limit: Int, before: Int64?) async throws -> [SignatureEntry] {
        guard limit > 0 else {
            throw AppError(
                code: "app.invalid_input",
                messageZh: "每页条数必须大于 0（收到 \(limit)）",
                messageEn: "the page size must be above 0 (got \(limit))"
            )
        }
        let pageSize = UInt32(clamping: limit)
        return try await bridged {
            try await keystore.signatureLog(limit: pageSize, before: before).map(SignatureEntry.init)
        }
    }
}

extension SignatureEntry {
    init(_ entry: SignatureLogEntry) {
        self.init(
            id: entry.id,
            at: Date(unix: entry.atUnix),
            operation: SignatureOperation(entry.operation),
            credentialId: entry.credentialId,
            keyId: entry.keyId,
            purpose: entry.role.map { $0 == .signing ? KeyPurpose.signing : KeyPurpose.encryption },
            certificateSerial: entry.certificateSerialHex,
            platform: entry.platform,
            requester: entry.requester,
            project: entry.project,
            documentName: entry.documentName,
            documentSha256: entry.documentSha256,
            outcome: PalmbidCore.KeyUseOutcome(entry.outcome)
        )
    }
}

extension SignatureOperation {
    init(_ operation: KeyOperation) {
        switch operation {
        case .signDigest: self = .signDigest
        case .signFile: self = .signFile
        case .decryptFile: self = .decryptFile
        case .releaseKey: self = .releaseKey
        case .qrLogin: self = .qrLogin
        case .qrSign: self = .qrSign
        case .qrSeal: self = .qrSeal
        case .qrEncryptionCertificate: self = .encryptionCertificate
        case .qrDecrypt: self = .qrDecrypt
        case .hallSignIn: self = .hallSignIn
        case .hallDecryptionCheck: self = .hallCheck
        case .hallKeyRelease: self = .hallDecrypt
        case .hallQuoteConfirmation: self = .quoteConfirmation
        case .hallChallenge: self = .challenge
        case .hallRoundQuote: self = .roundQuote
        case .hallDrawContribution: self = .drawContribution
        case .guaranteeApplication: self = .guaranteeApplication
        case .certificateInstall: self = .certificateInstall
        case .pinChange: self = .pinChange
        case .other: self = .other
        }
    }
}

extension PalmbidCore.KeyUseOutcome {
    init(_ outcome: PalmbidBindings.KeyUseOutcome) {
        switch outcome {
        case .used: self = .used
        case .wrongPin: self = .wrongPin
        case .locked: self = .locked
        case .failed: self = .failed
        case .interrupted: self = .interrupted
        }
    }
}
