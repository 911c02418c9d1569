//! QR codes on the phone (扫一扫): read a code, show who asks for what,
//! then answer with the certificate.
//!
//! The protocol is in [`crate::api::qr`]. The flow, as the app drives it:
//!
//! 1. [`scan`] reads the text ([`code::parse`]: trusted platforms only),
//!    and for a QR request sends the frame to the platform, which binds
//!    the request to this phone's session, and returns a
//!    [`ScannedRequest`]: everything the confirm screen shows (kind,
//!    requester, machine and address, document name and digest, the
//!    certificate that will answer, seals to choose from, time left, and
//!    whether the phone's clock is off). A pickup code is handed to
//!    [`crate::account::scan`] instead.
//! 2. Login only: [`choose_number`] with the number the user picked among
//!    three; a wrong choice cancels the request on both sides.
//! 3. [`answer`] with the PIN: unlocks the signing key (and, to decrypt,
//!    the encryption key), makes the payload, signs
//!    [`crate::api::qr::answer_message`] and sends it. Or [`cancel`].
//!
//! Times are the server's: the client notes the platform clock on every
//! answer, deadlines are compared with it, and signatures carry it.

use std::sync::{Arc, Mutex};

mod answer;
pub mod code;
mod error;

use crate::account::{self, AccountStore, ScannedPickup, TrustedPlatform, client_for};
use crate::api::ErrorCode;
use crate::api::pickup::{SealImage, SealKind};
use crate::api::qr::{CLOCK_SKEW_WARN_SECS, QrKind, QrRequestView, SealChoice};
use crate::keystore::{CertificateRecord, Keystore, Pin};
use crate::pki::CertInfo;

pub use answer::AnswerChoice;
pub use code::ScannedCode;
pub use error::QrError;

/// A scanned code, ready for its confirm screen.
#[derive(Debug, Clone)]
pub enum Scanned {
    /// A certificate pickup code: continue with
    /// [`crate::account::pick_up`].
    Pickup(Box<ScannedPickup>),
    /// A request of the portal or the toolbox: continue with
    /// [`choose_number`] (login) and [`answer`].
    Request(Box<ScannedRequest>),
}

/// A QR request bound to this phone, with what its confirm screen shows.
#[derive(Debug, Clone)]
pub struct ScannedRequest {
    /// The platform that relays it.
    pub platform: TrustedPlatform,
    /// The request as the platform sent it.
    pub view: QrRequestView,
    /// The signing certificate that will answer.
    pub signer: CertificateRecord,
    /// Its encryption certificate, for the encryption-certificate and
    /// decrypt kinds.
    pub encryption: Option<CertificateRecord>,
    /// Seals held with the signer, for the seal kind.
    pub seals: Vec<SealImage>,
    /// Server clock minus phone clock, milliseconds, when scanned.
    pub clock_offset_ms: i64,
    /// Seal requests: the seal sent and the digest received for it, kept
    /// for a retry after a wrong PIN.
    seal_digest: Arc<Mutex<Option<SealDigest>>>,
}

/// A seal choice and the digest of the revision prepared with it.
type SealDigest = (SealKind, [u8; 32]);

impl ScannedRequest {
    /// The server's time now, Unix seconds, as the phone keeps it.
    pub fn server_now(&self) -> i64 {
        (local_now_ms() + self.clock_offset_ms).div_euclid(1000)
    }

    /// Seconds left to answer, by the server clock; 0 when over.
    pub fn seconds_left(&self) -> i64 {
        (self.view.answer_by - self.server_now()).max(0)
    }

    /// Whether the phone's clock differs from the platform's by more than
    /// [`CLOCK_SKEW_WARN_SECS`]: the app warns, the times shown are the
    /// server's either way.
    pub fn clock_warning(&self) -> bool {
        self.clock_offset_ms.abs() > CLOCK_SKEW_WARN_SECS * 1000
    }
}

/// Reads a scanned text. A QR request is bound to this phone's session by
/// the platform as a side effect.
///
/// # Errors
/// [`QrError::InvalidCode`], [`QrError::UnknownHost`],
/// [`QrError::NotLoggedIn`], [`QrError::NoCertificate`] and
/// [`QrError::NoEncryptionCertificate`] on the phone; [`QrError::Api`]
/// with the platform's `qr.*` refusal (`qr.frame_stale`,
/// `qr.frame_invalid`, `qr.expired`, `qr.bound_to_other_phone`, ...);
/// [`QrError::Account`] for a pickup code's refusals.
pub async fn scan(
    store: &AccountStore,
    keystore: &Keystore,
    text: &str,
) -> Result<Scanned, QrError> {
    let (platform, id, frame) = match code::parse(store, text)? {
        ScannedCode::Pickup { .. } => {
            return Ok(Scanned::Pickup(Box::new(account::scan(store, text).await?)));
        }
        ScannedCode::Request {
            platform,
            id,
            frame,
        } => (platform, id, frame),
    };
    if store.session(&platform.name)?.is_none() {
        return Err(QrError::NotLoggedIn {
            platform: platform.name,
        });
    }

    // The certificate is chosen before the platform binds the request, so
    // a phone without one does not take a code away from another phone.
    let client = client_for(store, &platform.name)?;
    let candidates = keystore.certificates()?;
    let signer = pick_signer(&platform, &candidates, client.server_now())?;

    let view = client.qr_scan(&id, &frame).await?;
    check_view(&view, &id)?;
    let clock_offset_ms = client.clock_offset_ms();
    let now = (local_now_ms() + clock_offset_ms).div_euclid(1000);
    if signer.cert.not_after < now || signer.cert.not_before > now {
        // The pick above used the clock before the first answer.
        pick_signer(&platform, &candidates, now)?;
    }

    let encryption = match view.kind {
        QrKind::EncryptionCertificate | QrKind::Decrypt => {
            Some(encryption_pair(&candidates, &signer)?)
        }
        _ => None,
    };
    if let (QrKind::Decrypt, Some(encryption)) = (view.kind, &encryption) {
        check_recipient(&view, &encryption.cert)?;
    }
    let seals = if view.kind == QrKind::Seal {
        account::seals_of(store, &signer.cert)?
    } else {
        Vec::new()
    };

    tracing::info!(
        platform = %platform.name,
        request = %view.id,
        kind = view.kind.as_str(),
        "QR request scanned"
    );
    Ok(Scanned::Request(Box::new(ScannedRequest {
        platform,
        view,
        signer,
        encryption,
        seals,
        clock_offset_ms,
        seal_digest: Arc::default(),
    })))
}

/// Sends the number the user chose among [`QrRequestView::number_choices`].
///
/// # Errors
/// [`QrError::NotAChoice`] for a number not offered (nothing is sent);
/// [`QrError::Api`] with `qr.wrong_number` when it is not the desktop's
/// (the platform then cancels the request), or another `qr.*` refusal.
pub async fn choose_number(
    store: &AccountStore,
    scanned: &ScannedRequest,
    number: u8,
) -> Result<(), QrError> {
    let choices = scanned
        .view
        .number_choices
        .as_deref()
        .filter(|_| scanned.view.kind == QrKind::Login)
        .ok_or(QrError::RequestIncomplete {
            field: "number_choices",
        })?;
    if !choices.contains(&number) {
        return Err(QrError::NotAChoice {
            number,
            choices: choices
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        });
    }

    let result = client_for(store, &scanned.platform.name)?
        .qr_match(&scanned.view.id, number)
        .await;
    tracing::info!(
        request = %scanned.view.id,
        outcome = if result.is_ok() { "matched" } else { "refused" },
        "login number chosen"
    );
    Ok(result?)
}

/// Answers a scanned request: unlocks with `pin`, makes and signs the
/// answer, and sends it.
///
/// # Errors
/// [`QrError::TimeUp`] when the server-clock deadline has passed (no PIN
/// try is used); [`QrError::SealNotAvailable`]; [`QrError::Keystore`] for
/// a wrong PIN or a locked credential; [`QrError::Cms`] when the key
/// cannot be released (the bid file is not encrypted to this
/// certificate); [`QrError::Api`] with the platform's `qr.*` refusal.
pub async fn answer(
    store: &AccountStore,
    keystore: &Keystore,
    scanned: &ScannedRequest,
    choice: AnswerChoice,
    pin: &Pin,
) -> Result<(), QrError> {
    let now = scanned.server_now();
    if now > scanned.view.answer_by {
        return Err(QrError::TimeUp {
            seconds: now - scanned.view.answer_by,
        });
    }
    let signing_digest = if scanned.view.kind == QrKind::Seal {
        Some(seal_digest(store, scanned, choice).await?)
    } else {
        None
    };
    let body = answer::build(keystore, scanned, choice, pin, now, signing_digest)?;

    let result = client_for(store, &scanned.platform.name)?
        .qr_answer(&scanned.view.id, &body)
        .await;
    tracing::info!(
        request = %scanned.view.id,
        kind = scanned.view.kind.as_str(),
        signer = %scanned.signer.cert.fingerprint,
        outcome = if result.is_ok() { "answered" } else { "refused" },
        "QR request answered"
    );
    Ok(result?)
}

/// Sends the seal choice of a seal request and waits for the digest of
/// the revision the desktop prepared with it. A retry (after a wrong PIN)
/// with the same seal reuses the digest already fetched.
async fn seal_digest(
    store: &AccountStore,
    scanned: &ScannedRequest,
    choice: AnswerChoice,
) -> Result<[u8; 32], QrError> {
    let seal = seal_image(&scanned.seals, choice.seal)?;
    let known = *scanned
        .seal_digest
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((kind, digest)) = known.filter(|(kind, _)| *kind == seal.kind) {
        tracing::debug!(request = %scanned.view.id, seal = kind.as_str(), "seal digest reused");
        return Ok(digest);
    }

    let client = client_for(store, &scanned.platform.name)?;
    let id = &scanned.view.id;
    client
        .qr_seal(
            id,
            &SealChoice {
                seal: seal.kind,
                seal_png: seal.png_base64.clone(),
                signer_name: common_name(&scanned.signer.cert.subject),
            },
        )
        .await?;

    loop {
        let now = scanned.server_now();
        if now > scanned.view.answer_by {
            return Err(QrError::TimeUp {
                seconds: now - scanned.view.answer_by,
            });
        }
        let digest = match client.qr_digest(id).await {
            Ok(digest) => digest,
            Err(err) if err.server_code() == Some(ErrorCode::QrDigestPending) => continue,
            Err(err) => return Err(err.into()),
        };
        if digest.seal != seal.kind {
            // The digest of an earlier choice; the new one follows.
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            continue;
        }
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(&digest.sha256, &mut bytes).map_err(|_| {
            QrError::RequestIncomplete {
                field: "digest.sha256",
            }
        })?;
        *scanned
            .seal_digest
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some((seal.kind, bytes));
        tracing::info!(request = %id, seal = seal.kind.as_str(), "seal digest received");
        return Ok(bytes);
    }
}

/// The CN of an RFC 4514 subject, or the whole subject without one.
fn common_name(subject: &str) -> String {
    subject
        .split(',')
        .find_map(|part| part.trim().strip_prefix("CN="))
        .unwrap_or(subject)
        .to_owned()
}

/// Cancels a scanned request (the user pressed cancel on the confirm
/// screen); the desktop sees it cancelled.
///
/// # Errors
/// [`QrError::Api`] when the platform cannot be reached or refuses.
pub async fn cancel(store: &AccountStore, scanned: &ScannedRequest) -> Result<(), QrError> {
    client_for(store, &scanned.platform.name)?
        .qr_cancel(&scanned.view.id)
        .await?;
    tracing::info!(request = %scanned.view.id, "QR request cancelled");
    Ok(())
}

/// The newest valid signing certificate issued under the platform's
/// anchor (directly or through the stored chain).
fn pick_signer(
    platform: &TrustedPlatform,
    certificates: &[CertificateRecord],
    now: i64,
) -> Result<CertificateRecord, QrError> {
    account::certs::signing_certificate(platform, certificates, now).ok_or_else(|| {
        QrError::NoCertificate {
            platform: platform.name.clone(),
        }
    })
}

/// The encryption certificate of the signer's credential.
fn encryption_pair(
    certificates: &[CertificateRecord],
    signer: &CertificateRecord,
) -> Result<CertificateRecord, QrError> {
    account::certs::encryption_partner(certificates, signer).ok_or_else(|| {
        QrError::NoEncryptionCertificate {
            fingerprint: signer.cert.fingerprint.clone(),
        }
    })
}

/// Checks, before the PIN is asked, that the envelope of a decryption
/// request is addressed to this phone's encryption certificate.
fn check_recipient(view: &QrRequestView, cert: &CertInfo) -> Result<(), QrError> {
    use base64::Engine;

    let header = view
        .envelope_header
        .as_deref()
        .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
        .ok_or(QrError::RequestIncomplete {
            field: "envelope_header",
        })?;
    let info = crate::cms::inspect_header(&header)?;
    if info.recipients.iter().any(|r| r.matches(cert)) {
        return Ok(());
    }
    let recipients = info
        .recipients
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    Err(crate::cms::CmsError::NoRecipient { recipients }.into())
}

/// Refuses a view that does not carry what its kind needs.
fn check_view(view: &QrRequestView, id: &str) -> Result<(), QrError> {
    let missing = |field| Err(QrError::RequestIncomplete { field });
    if view.id != id {
        return missing("id");
    }
    if view.kind.needs_document() && view.document.is_none() {
        return missing("document");
    }
    if view.kind == QrKind::Login && view.number_choices.as_ref().is_none_or(|c| c.len() != 3) {
        return missing("number_choices");
    }
    if view.kind == QrKind::Decrypt
        && (view.recipient_key.is_none() || view.envelope_header.is_none())
    {
        return missing("recipient_key");
    }
    Ok(())
}

/// The seal kinds in `seals`, for messages.
fn seal_names(seals: &[SealImage]) -> String {
    if seals.is_empty() {
        return "none".to_owned();
    }
    seals
        .iter()
        .map(|s| s.kind.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The image of seal `kind` among `seals`.
fn seal_image(seals: &[SealImage], kind: Option<SealKind>) -> Result<&SealImage, QrError> {
    kind.and_then(|kind| seals.iter().find(|s| s.kind == kind))
        .ok_or_else(|| QrError::SealNotAvailable {
            available: seal_names(seals),
        })
}

fn local_now_ms() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(now.as_millis()).unwrap_or(i64::MAX)
}
