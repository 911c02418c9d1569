//! Plain values of the QR calls: what a confirm screen shows. None contains
//! a secret. The request's nonce and the decryption request's envelope
//! header and one-time key stay inside the `QrRequest` object, which is
//! the only thing that needs them.

use palmbid_core::api::{pickup, qr as wire};
use palmbid_core::keystore;
use palmbid_core::qr::ScannedRequest;

use crate::account::records::{ScannedPickup, SealImage};
use crate::error::PalmbidError;
use crate::records::CertificateRecord;

/// What a QR request asks the phone to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum QrKind {
    /// Log in as the certificate's company (扫码登录); number matching
    /// comes first.
    Login,
    /// Sign a document's digest (扫码签名).
    Sign,
    /// Seal a PDF: sign its digest with a chosen seal image (扫码盖章).
    Seal,
    /// Hand over the encryption certificate (获取加密证书).
    EncryptionCertificate,
    /// Release the content-encryption key of a bid file (扫码解密).
    Decrypt,
}

impl From<wire::QrKind> for QrKind {
    fn from(kind: wire::QrKind) -> Self {
        match kind {
            wire::QrKind::Login => QrKind::Login,
            wire::QrKind::Sign => QrKind::Sign,
            wire::QrKind::Seal => QrKind::Seal,
            wire::QrKind::EncryptionCertificate => QrKind::EncryptionCertificate,
            wire::QrKind::Decrypt => QrKind::Decrypt,
        }
    }
}

/// The kind of program showing the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RequesterKind {
    /// The platform's own portal (交易平台门户), in a browser.
    Portal,
    /// The bid toolbox (投标工具) on a desktop.
    Toolbox,
}

impl From<wire::RequesterKind> for RequesterKind {
    fn from(kind: wire::RequesterKind) -> Self {
        match kind {
            wire::RequesterKind::Portal => RequesterKind::Portal,
            wire::RequesterKind::Toolbox => RequesterKind::Toolbox,
        }
    }
}

/// The requester, as the platform vouches for it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Requester {
    /// Portal or toolbox.
    pub kind: RequesterKind,
    /// Site or program name, as registered with the platform (for
    /// example 投标工具).
    pub name: String,
    /// Machine name the desktop gave; shown, not verified.
    pub machine: String,
    /// Network address the platform saw the request come from.
    pub address: String,
}

impl From<wire::Requester> for Requester {
    fn from(requester: wire::Requester) -> Self {
        Requester {
            kind: requester.kind.into(),
            name: requester.name,
            machine: requester.machine,
            address: requester.address,
        }
    }
}

/// The document a request is about.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DocumentInfo {
    /// File name, as the desktop gave it.
    pub name: String,
    /// SHA-256, lower-case hex: of the file for sign and seal, of the
    /// envelope file for decrypt. The user may compare it with the one
    /// the desktop shows.
    pub sha256_hex: String,
    /// Size in bytes.
    pub size: u64,
}

impl From<wire::DocumentInfo> for DocumentInfo {
    fn from(document: wire::DocumentInfo) -> Self {
        DocumentInfo {
            name: document.name,
            sha256_hex: document.sha256,
            size: document.size,
        }
    }
}

/// Everything the confirm screen shows before the PIN pad. Times are the
/// platform's clock.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QrRequestDetails {
    /// The trusted platform relaying the request (the name given to
    /// `Account.addPlatform`).
    pub platform: String,
    /// The request id (32 hex characters), for support and logs.
    pub request_id: String,
    /// What is asked.
    pub kind: QrKind,
    /// Who asks.
    pub requester: Requester,
    /// The document, for sign, seal and decrypt.
    pub document: Option<DocumentInfo>,
    /// The signing certificate that will answer; its `credential_id`
    /// gives the PIN state (`Keystore.pinStatus`) for the PIN pad.
    pub signer: CertificateRecord,
    /// Its encryption certificate, for the encryption-certificate and
    /// decrypt kinds.
    pub encryption: Option<CertificateRecord>,
    /// Seals to choose from, for the seal kind; empty otherwise.
    pub seals: Vec<SealImage>,
    /// Login: the three numbers to offer, one of them on the desktop;
    /// empty for other kinds. (`u32`, not `u8`: a list of `u8` would
    /// cross as a byte array.)
    pub number_choices: Vec<u32>,
    /// When the request was made, seconds since the Unix epoch.
    pub created_at_unix: i64,
    /// Answer deadline, seconds since the Unix epoch. Count down with
    /// `QrRequest.secondsLeft()`, which corrects the phone's clock.
    pub answer_by_unix: i64,
}

impl QrRequestDetails {
    /// Builds the record of a scanned request.
    ///
    /// # Errors
    /// `account.bad_answer` when a stored seal image is not base64.
    pub(crate) fn of(scanned: &ScannedRequest) -> Result<Self, PalmbidError> {
        Self::from_parts(
            &scanned.platform.name,
            scanned.view.clone(),
            scanned.signer.clone(),
            scanned.encryption.clone(),
            &scanned.seals,
        )
    }

    /// Builds the record from the parts of a scanned request (the core's
    /// `ScannedRequest` has private state, so tests build from parts).
    pub(crate) fn from_parts(
        platform: &str,
        view: wire::QrRequestView,
        signer: keystore::CertificateRecord,
        encryption: Option<keystore::CertificateRecord>,
        seals: &[pickup::SealImage],
    ) -> Result<Self, PalmbidError> {
        let seals = seals
            .iter()
            .map(SealImage::decode)
            .collect::<Result<Vec<_>, _>>()?;

        Ok(QrRequestDetails {
            platform: platform.to_owned(),
            request_id: view.id,
            kind: view.kind.into(),
            requester: view.requester.into(),
            document: view.document.map(DocumentInfo::from),
            signer: signer.into(),
            encryption: encryption.map(CertificateRecord::from),
            seals,
            number_choices: view
                .number_choices
                .unwrap_or_default()
                .into_iter()
                .map(u32::from)
                .collect(),
            created_at_unix: view.created_at,
            answer_by_unix: view.answer_by,
        })
    }
}

/// A scanned code: a certificate pickup code or a QR request.
///
/// Kotlin: a `Request` holds an object; close it (or `ScannedCode.destroy`)
/// when the confirm screen goes away.
#[derive(uniffi::Enum)]
pub enum ScannedCode {
    /// A certificate pickup code (证书领取码): show it, then
    /// `Account.pickUp`.
    Pickup {
        /// The order to pick up.
        pickup: ScannedPickup,
    },
    /// A request of the portal or the bid toolbox, already bound to this
    /// phone: show `request.details()`, then answer or cancel it.
    Request {
        /// The request.
        request: std::sync::Arc<super::QrRequest>,
    },
}

#[cfg(test)]
mod tests {
    use base64::Engine;
    use palmbid_core::api::pickup as wire_pickup;
    use palmbid_core::api::qr as wire;
    use palmbid_core::keystore::{CertificateRecord, CredentialId, KeyId};
    use palmbid_core::pki::{CertInfo, IssuingCa, KeyRole, Validity};

    use super::*;
    use crate::account::records::SealKind;

    const ID: &str = "0123456789abcdef0123456789abcdef";
    const SHA256: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    /// A certificate valid now: a fresh root stands in for the signer, as
    /// the conversion does not look at its role.
    fn certificate() -> CertInfo {
        let validity = Validity {
            not_before: crate::unix_now() - 3600,
            days: 1,
        };
        IssuingCa::new_root("QR binding test", validity)
            .expect("a root is made")
            .certificate()
            .clone()
    }

    fn record(cert: &CertInfo, role: KeyRole, key_id: &str) -> CertificateRecord {
        CertificateRecord {
            key_id: KeyId(key_id.to_owned()),
            credential: CredentialId("credential".to_owned()),
            role,
            cert: cert.clone(),
            chain: Vec::new(),
        }
    }

    /// A decryption request's view as the platform sends it.
    fn view() -> wire::QrRequestView {
        wire::QrRequestView {
            id: ID.to_owned(),
            kind: wire::QrKind::Decrypt,
            nonce: "00".repeat(16),
            requester: wire::Requester {
                kind: wire::RequesterKind::Toolbox,
                name: "投标工具".to_owned(),
                machine: "pc-01".to_owned(),
                address: "192.0.2.7".to_owned(),
            },
            document: Some(wire::DocumentInfo {
                name: "投标文件.p7m".to_owned(),
                sha256: SHA256.to_owned(),
                size: 4,
            }),
            number_choices: None,
            recipient_key: Some("AAAA".to_owned()),
            envelope_header: Some("AAAA".to_owned()),
            created_at: 1_700_000_000,
            answer_by: 1_700_000_180,
        }
    }

    fn seal(png_base64: String) -> wire_pickup::SealImage {
        wire_pickup::SealImage {
            kind: wire_pickup::SealKind::Company,
            png_base64,
        }
    }

    #[test]
    fn the_confirm_record_carries_what_the_platform_sent() {
        let cert = certificate();
        let png = base64::engine::general_purpose::STANDARD.encode(b"\x89PNG seal");

        let details = QrRequestDetails::from_parts(
            "dev",
            view(),
            record(&cert, KeyRole::Signing, "signing"),
            Some(record(&cert, KeyRole::Encryption, "enc")),
            &[seal(png)],
        )
        .expect("the record converts");

        assert_eq!(details.platform, "dev");
        assert_eq!(details.request_id, ID);
        assert_eq!(details.kind, QrKind::Decrypt);
        assert_eq!(
            details.requester,
            Requester {
                kind: RequesterKind::Toolbox,
                name: "投标工具".to_owned(),
                machine: "pc-01".to_owned(),
                address: "192.0.2.7".to_owned(),
            }
        );
        assert_eq!(
            details.document,
            Some(DocumentInfo {
                name: "投标文件.p7m".to_owned(),
                sha256_hex: SHA256.to_owned(),
                size: 4,
            })
        );
        assert_eq!(details.signer.key_id, "signing");
        assert_eq!(details.signer.credential_id, "credential");
        assert_eq!(details.signer.certificate.fingerprint, cert.fingerprint);
        assert_eq!(details.encryption.map(|e| e.key_id), Some("enc".to_owned()));
        assert_eq!(details.seals.len(), 1);
        assert_eq!(details.seals[0].kind, SealKind::Company);
        assert_eq!(details.seals[0].png, b"\x89PNG seal");
        assert!(details.number_choices.is_empty());
        assert_eq!(
            (details.created_at_unix, details.answer_by_unix),
            (1_700_000_000, 1_700_000_180)
        );
    }

    #[test]
    fn login_choices_cross_and_every_kind_maps_to_its_own() {
        let mut login = view();
        login.kind = wire::QrKind::Login;
        login.document = None;
        login.number_choices = Some(vec![12, 47, 83]);
        let cert = certificate();

        let details = QrRequestDetails::from_parts(
            "dev",
            login,
            record(&cert, KeyRole::Signing, "signing"),
            None,
            &[],
        )
        .expect("the record converts");
        let kinds: Vec<QrKind> = [
            wire::QrKind::Login,
            wire::QrKind::Sign,
            wire::QrKind::Seal,
            wire::QrKind::EncryptionCertificate,
            wire::QrKind::Decrypt,
        ]
        .into_iter()
        .map(QrKind::from)
        .collect();

        assert_eq!(details.number_choices, vec![12, 47, 83]);
        assert_eq!(details.document, None);
        assert_eq!(details.encryption, None);
        assert_eq!(
            kinds,
            vec![
                QrKind::Login,
                QrKind::Sign,
                QrKind::Seal,
                QrKind::EncryptionCertificate,
                QrKind::Decrypt
            ]
        );
    }

    #[test]
    fn a_stored_seal_image_that_is_not_base64_is_refused() {
        let cert = certificate();

        let result = QrRequestDetails::from_parts(
            "dev",
            view(),
            record(&cert, KeyRole::Signing, "signing"),
            None,
            &[seal("not base64!".to_owned())],
        );

        let error = result.expect_err("an undecodable image must fail");
        assert_eq!(error.code(), "account.bad_answer");
        assert!(error.to_string().contains("company"), "{error}");
    }
}
