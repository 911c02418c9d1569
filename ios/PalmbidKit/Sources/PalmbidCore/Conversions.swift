import Foundation
import PalmbidBindings

// From the library's records to the app's types, in one place. Each
// initializer copies; nothing here keeps a reference to a generated object.

extension CertificateSummary {
    init(_ record: CertificateRecord) {
        self.init(
            keyId: record.keyId,
            credentialId: record.credentialId,
            purpose: record.role == .signing ? .signing : .encryption,
            subject: record.certificate.subject,
            issuer: record.certificate.issuer,
            serialHex: record.certificate.serialHex,
            notBefore: Date(unix: record.certificate.notBeforeUnix),
            notAfter: Date(unix: record.certificate.notAfterUnix),
            fingerprint: record.certificate.fingerprint
        )
    }
}

extension SealType {
    init(_ kind: SealKind) {
        switch kind {
        case .personal: self = .personal
        case .legalRepresentative: self = .legalRepresentative
        case .company: self = .company
        }
    }

    var bindingValue: SealKind {
        switch self {
        case .personal: return .personal
        case .legalRepresentative: return .legalRepresentative
        case .company: return .company
        }
    }
}

extension OrderProgress {
    init(_ state: OrderState) {
        switch state {
        case .pending: self = .pending
        case .approved: self = .approved
        case .rejected: self = .rejected
        case .pickedUp: self = .pickedUp
        case .issued: self = .issued
        }
    }

    var bindingValue: OrderState {
        switch self {
        case .pending: return .pending
        case .approved: return .approved
        case .rejected: return .rejected
        case .pickedUp: return .pickedUp
        case .issued: return .issued
        }
    }
}

extension PickupOrder {
    init(_ scanned: ScannedPickup) {
        self.init(
            platform: scanned.platform,
            pickupId: scanned.pickupId,
            name: scanned.name,
            phone: scanned.phone,
            company: scanned.company,
            creditCode: scanned.creditCode,
            seals: scanned.seals.map(SealType.init),
            progress: OrderProgress(scanned.state)
        )
    }

    /// The record `Account.pickUp` takes back; it carries only what the scan
    /// returned, so rebuilding it loses nothing.
    var bindingValue: ScannedPickup {
        ScannedPickup(
            platform: platform,
            pickupId: pickupId,
            name: name,
            phone: phone,
            company: company,
            creditCode: creditCode,
            seals: seals.map(\.bindingValue),
            state: progress.bindingValue
        )
    }
}

extension IdentityProgress {
    init(_ status: IdentityStatus) {
        switch status.state {
        case .notSubmitted: self = .notSubmitted
        case .pending: self = .pending
        case .approved: self = .approved
        case .rejected: self = .rejected(reason: status.reason)
        }
    }
}

extension QrDetails {
    init(_ details: QrRequestDetails) {
        let action: QrAction
        switch details.kind {
        case .login: action = .login
        case .sign: action = .sign
        case .seal: action = .seal
        case .encryptionCertificate: action = .encryptionCertificate
        case .decrypt: action = .decrypt
        }
        self.init(
            platform: details.platform,
            requestId: details.requestId,
            action: action,
            requester: QrRequester(
                source: details.requester.kind == .portal ? .portal : .toolbox,
                name: details.requester.name,
                machine: details.requester.machine,
                address: details.requester.address
            ),
            document: details.document.map { QrDocument(name: $0.name, sha256Hex: $0.sha256Hex, size: $0.size) },
            signer: CertificateSummary(details.signer),
            encryption: details.encryption.map(CertificateSummary.init),
            seals: details.seals.map { SealPicture(type: SealType($0.kind), png: $0.png) },
            numberChoices: details.numberChoices.map { Int($0) },
            createdAt: Date(unix: details.createdAtUnix),
            answerBy: Date(unix: details.answerByUnix)
        )
    }
}

extension HallStage {
    init(_ phase: HallPhase) {
        switch phase {
        case .notOpen: self = .notOpen
        case .signIn: self = .signIn
        case .decryption: self = .decryption
        case .quoteReading: self = .quoteReading
        case .quoteConfirmation: self = .quoteConfirmation
        case .evaluation: self = .evaluation
        case .closed: self = .closed
        }
    }
}

extension HallProjectSummary {
    init(_ project: HallProject) {
        self.init(
            id: project.id,
            name: project.name,
            sections: project.sections,
            openingAt: Date(unix: project.openingAt),
            stage: HallStage(project.phase)
        )
    }
}

extension HallCounts {
    init(_ progress: HallProgress) {
        self.init(
            bidders: Int(progress.bidders),
            signedIn: Int(progress.signedIn),
            decrypted: Int(progress.decrypted),
            confirmed: Int(progress.confirmed)
        )
    }
}

extension HallLiveState {
    init(_ state: HallProjectState) {
        self.init(
            project: HallProjectSummary(state.project),
            counts: state.progress.map(HallCounts.init),
            updatedAt: Date(unix: state.updatedAt),
            answeredChallenges: state.answeredChallenges,
            openRounds: state.openRounds.map {
                HallRoundSummary(
                    section: Int($0.section), round: Int($0.round), isOpen: true,
                    deadline: $0.deadline.map(Date.init(unix:)), ownAmount: nil
                )
            },
            coefficient: state.draw?.coefficient
        )
    }
}

extension HallAlert {
    init(_ notice: HallNotice) {
        switch notice {
        case let .openingSoon(minutes): self = .openingSoon(minutes: Int(minutes))
        case let .phaseStarted(phase): self = .stageStarted(HallStage(phase))
        case .challengeAnswered: self = .challengeAnswered
        case let .roundOpened(section, round, _): self = .roundOpened(section: Int(section), round: Int(round))
        case let .roundClosed(section, round): self = .roundClosed(section: Int(section), round: Int(round))
        case let .drawOpened(draw): self = .drawOpened(draw: Int(draw))
        case let .drawRevealed(draw, coefficient): self = .drawRevealed(draw: Int(draw), coefficient: coefficient)
        }
    }
}
