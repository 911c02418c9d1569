//! QR requests (扫码登录, 扫码签名, 扫码盖章, 扫码加解密): the desktop side (the
//! portal's login page, the bid toolbox) asks, the phone answers.
//!
//! Endpoints (paths in [`super::paths`]):
//!
//! - Desktop: `POST /api/v1/qr/requests` creates a request
//!   ([`CreateQrRequest`] → [`CreatedQrRequest`]). `GET
//!   /api/v1/qr/requests/{id}/events` with `Authorization: Desktop {token}`
//!   is a server-sent event stream ([`DesktopEvent`]): a fresh QR frame
//!   every second, then scanned, number matched, answered, cancelled or
//!   expired. `GET /api/v1/qr/requests/{id}/answer` (same token) returns
//!   the phone's answer ([`QrAnswer`]) once it is accepted.
//! - Phone, bearer token: `POST /api/v1/qr/{id}/scan` ([`ScanRequest`] →
//!   [`QrRequestView`]), `POST /api/v1/qr/{id}/match` ([`MatchRequest`])
//!   for login, `POST /api/v1/qr/{id}/answer` ([`QrAnswer`]), `POST
//!   /api/v1/qr/{id}/cancel`.
//!
//! Sealing takes one more round, because the seal image the user picks on
//! the phone is part of the PDF revision that is signed: the phone sends
//! its choice (`POST /api/v1/qr/{id}/seal`, [`SealChoice`]); the desktop
//! receives it as [`DesktopEvent::SealChosen`], places the image, and sends
//! the digest of the prepared revision (`POST
//! /api/v1/qr/requests/{id}/digest`, [`SigningDigest`]); the phone fetches
//! it (`GET /api/v1/qr/{id}/digest`, which waits up to
//! [`DIGEST_WAIT_SECS`] and answers `qr.digest_pending` when it is not
//! there yet) and signs it. The request's [`DocumentInfo`] stays the
//! digest of the original PDF, which the user sees.
//!
//! Anti-phishing rules, all judged by the server clock:
//!
//! - The code on screen is `{base}q/{id}?t={seconds}&h={mac}`: `t` is the
//!   whole seconds since the request began and `mac` the base64url (no
//!   padding) HMAC-SHA256 of [`frame_mac_input`] under a per-request key
//!   that never leaves the platform. A frame older than
//!   [`FRAME_MAX_AGE_SECS`] is refused, so a forwarded screenshot goes
//!   stale.
//! - A request must be scanned within [`SCAN_WITHIN_SECS`]; the first
//!   session that scans it owns it; it must be answered within
//!   [`ANSWER_WITHIN_SECS`] of its creation, once.
//! - Login uses number matching: the desktop shows a two-digit number, the
//!   phone offers it among three ([`QrRequestView::number_choices`]); a
//!   wrong choice cancels the request on both sides.
//! - Every answer is signed by the phone's signing certificate over
//!   [`answer_message`], which binds the platform, the request id, its
//!   nonce, the requester and the digests of the document and of the
//!   payload; the platform rebuilds the message from its own record, so a
//!   request altered on the way cannot be answered.
//!
//! Binary values (DER, PNG, digests) are standard base64 with padding,
//! except the frame MAC (base64url in a URL) and digests shown to people
//! (lower-case hex).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::pickup::SealKind;

/// Seconds a QR frame stays acceptable after the second it names.
pub const FRAME_MAX_AGE_SECS: i64 = 5;

/// Seconds after creation within which a request must be scanned.
pub const SCAN_WITHIN_SECS: i64 = 60;

/// Seconds after creation within which a request must be answered.
pub const ANSWER_WITHIN_SECS: i64 = 180;

/// Clock difference between phone and platform, in seconds, above which
/// the app warns the user (times are judged by the server either way).
pub const CLOCK_SKEW_WARN_SECS: i64 = 10;

/// Longest wait of the phone's `GET /api/v1/qr/{id}/digest`, in seconds.
pub const DIGEST_WAIT_SECS: u64 = 20;

/// Largest seal image a seal choice carries, in bytes.
pub const MAX_SEAL_PNG: usize = 256 * 1024;

/// Largest envelope header a decryption request carries, in bytes.
pub const MAX_ENVELOPE_HEADER: usize = 16 * 1024;

/// Largest document name, in characters.
pub const MAX_DOCUMENT_NAME_CHARS: usize = 200;

/// Largest machine name, in characters.
pub const MAX_MACHINE_NAME_CHARS: usize = 64;

/// Hex characters of a request id (128 bits).
pub const REQUEST_ID_CHARS: usize = 32;

/// Whether `id` has the shape of a request id: 32 lower-case hex
/// characters.
pub fn is_request_id(id: &str) -> bool {
    super::pickup::is_pickup_id(id)
}

/// What a request asks the phone to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QrKind {
    /// Log in as the certificate's company (扫码登录).
    Login,
    /// Sign a document's digest (扫码签名).
    Sign,
    /// Seal a PDF: sign its digest and pick a seal image (扫码盖章).
    Seal,
    /// Hand over the encryption certificate (获取加密证书).
    EncryptionCertificate,
    /// Release the content-encryption key of a bid file (扫码解密).
    Decrypt,
}

impl QrKind {
    /// The kind as sent and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            QrKind::Login => "login",
            QrKind::Sign => "sign",
            QrKind::Seal => "seal",
            QrKind::EncryptionCertificate => "encryption_certificate",
            QrKind::Decrypt => "decrypt",
        }
    }

    /// Parses [`QrKind::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "login" => QrKind::Login,
            "sign" => QrKind::Sign,
            "seal" => QrKind::Seal,
            "encryption_certificate" => QrKind::EncryptionCertificate,
            "decrypt" => QrKind::Decrypt,
            _ => return None,
        })
    }

    /// Whether requests of this kind name a document.
    pub fn needs_document(self) -> bool {
        matches!(self, QrKind::Sign | QrKind::Seal | QrKind::Decrypt)
    }
}

/// Who asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequesterKind {
    /// The platform's own portal (交易平台门户), in a browser.
    Portal,
    /// The bid toolbox (投标工具) on a desktop.
    Toolbox,
}

impl RequesterKind {
    /// The kind as sent and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            RequesterKind::Portal => "portal",
            RequesterKind::Toolbox => "toolbox",
        }
    }

    /// Parses [`RequesterKind::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "portal" => RequesterKind::Portal,
            "toolbox" => RequesterKind::Toolbox,
            _ => return None,
        })
    }
}

/// The requester as the phone shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requester {
    /// Portal or toolbox.
    pub kind: RequesterKind,
    /// Site or program name, as the platform knows it.
    pub name: String,
    /// Machine name the desktop gave.
    pub machine: String,
    /// Network address the platform saw the request come from.
    pub address: String,
}

/// The document a request is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentInfo {
    /// File name, as the desktop gave it.
    pub name: String,
    /// SHA-256 of what is signed (sign, seal: the digest the signature
    /// covers; decrypt: the envelope file), lower-case hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// `POST /api/v1/qr/requests`: what the desktop asks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateQrRequest {
    /// What the phone is asked to do.
    pub kind: QrKind,
    /// Machine name shown on the phone.
    pub machine: String,
    /// The document, for sign, seal and decrypt.
    pub document: Option<DocumentInfo>,
    /// Decrypt: the one-time P-256 public key the key is released to,
    /// SEC1 uncompressed, base64.
    pub recipient_key: Option<String>,
    /// Decrypt: the envelope up to its encrypted content (its recipient
    /// entries), at most [`MAX_ENVELOPE_HEADER`] bytes, base64.
    pub envelope_header: Option<String>,
}

/// Answer to [`CreateQrRequest`].
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedQrRequest {
    /// The request id.
    pub id: String,
    /// Secret of the desktop for the event stream and the answer; send as
    /// `Authorization: Desktop {token}`.
    pub desktop_token: String,
    /// Login: the number the desktop shows for matching.
    pub match_number: Option<u8>,
    /// Creation, Unix seconds, server clock.
    pub created_at: i64,
    /// Scan deadline, Unix seconds, server clock.
    pub scan_by: i64,
    /// Answer deadline, Unix seconds, server clock.
    pub answer_by: i64,
}

impl std::fmt::Debug for CreatedQrRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedQrRequest")
            .field("id", &self.id)
            .field("match_number", &self.match_number)
            .field("created_at", &self.created_at)
            .finish_non_exhaustive()
    }
}

/// Where a request stands, as the desktop sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QrState {
    /// Shown, not scanned yet.
    Waiting,
    /// Scanned and bound to a phone.
    Scanned,
    /// Login: the right number was chosen.
    Matched,
    /// Answered; the answer can be fetched.
    Answered,
    /// Cancelled by the phone or by a wrong number.
    Cancelled,
    /// Not scanned or not answered in time.
    Expired,
}

impl QrState {
    /// The state as sent and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            QrState::Waiting => "waiting",
            QrState::Scanned => "scanned",
            QrState::Matched => "matched",
            QrState::Answered => "answered",
            QrState::Cancelled => "cancelled",
            QrState::Expired => "expired",
        }
    }

    /// Parses [`QrState::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "waiting" => QrState::Waiting,
            "scanned" => QrState::Scanned,
            "matched" => QrState::Matched,
            "answered" => QrState::Answered,
            "cancelled" => QrState::Cancelled,
            "expired" => QrState::Expired,
            _ => return None,
        })
    }

    /// Whether nothing more can happen to the request.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            QrState::Answered | QrState::Cancelled | QrState::Expired
        )
    }
}

/// One server-sent event of `GET /api/v1/qr/requests/{id}/events`, the
/// JSON `data` of an event whose `event` field is [`DesktopEvent::name`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum DesktopEvent {
    /// A new QR frame to draw, every second while waiting.
    Frame {
        /// The text of the QR code.
        url: String,
        /// Seconds since the request began.
        t: i64,
    },
    /// Seal requests: the phone picked a seal; place it and send the
    /// digest ([`SigningDigest`]).
    SealChosen {
        /// Which seal.
        seal: SealKind,
        /// Its image, PNG, base64.
        seal_png: String,
        /// The holder's name, for the PDF signature's `/Name`.
        signer_name: String,
    },
    /// The request changed state.
    State {
        /// The new state.
        state: QrState,
        /// Why, in English, when cancelled or expired.
        reason: Option<String>,
        /// Why, in Chinese.
        reason_zh: Option<String>,
    },
}

impl DesktopEvent {
    /// The SSE `event` name.
    pub fn name(&self) -> &'static str {
        match self {
            DesktopEvent::Frame { .. } => "frame",
            DesktopEvent::State { .. } => "state",
            DesktopEvent::SealChosen { .. } => "seal_chosen",
        }
    }
}

/// `POST /api/v1/qr/{id}/seal`: the seal the user picked for a seal
/// request, sent before the PIN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealChoice {
    /// Which seal.
    pub seal: SealKind,
    /// Its image, PNG, base64, at most [`MAX_SEAL_PNG`] bytes.
    pub seal_png: String,
    /// The holder's name as the signing certificate gives it, for the
    /// PDF signature's `/Name`.
    pub signer_name: String,
}

/// The SHA-256 of the PDF revision prepared with the chosen seal, the
/// digest the phone signs: `POST /api/v1/qr/requests/{id}/digest` from the
/// desktop, `GET /api/v1/qr/{id}/digest` from the phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningDigest {
    /// Lower-case hex.
    pub sha256: String,
    /// The seal placed in that revision; a phone that changed its choice
    /// meanwhile waits for the digest of the new one.
    pub seal: SealKind,
}

/// `POST /api/v1/qr/{id}/scan`: the frame the phone read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanRequest {
    /// Seconds since the request began, from the frame.
    pub t: i64,
    /// The frame's MAC, base64url without padding.
    pub h: String,
}

/// Answer to [`ScanRequest`]: everything the confirm screen shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrRequestView {
    /// The request id.
    pub id: String,
    /// What is asked.
    pub kind: QrKind,
    /// Server nonce the answer signs, 128 bits, lower-case hex.
    pub nonce: String,
    /// Who asks.
    pub requester: Requester,
    /// The document, for sign, seal and decrypt.
    pub document: Option<DocumentInfo>,
    /// Login: three distinct two-digit numbers, one of them on the desktop.
    pub number_choices: Option<Vec<u8>>,
    /// Decrypt: see [`CreateQrRequest::recipient_key`].
    pub recipient_key: Option<String>,
    /// Decrypt: see [`CreateQrRequest::envelope_header`].
    pub envelope_header: Option<String>,
    /// Creation, Unix seconds, server clock.
    pub created_at: i64,
    /// Answer deadline, Unix seconds, server clock.
    pub answer_by: i64,
}

/// `POST /api/v1/qr/{id}/match`: the number the user chose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchRequest {
    /// The chosen number.
    pub number: u8,
}

/// What the phone hands over, by kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AnswerPayload {
    /// Login: nothing beyond the signed message.
    Login,
    /// Sign: a detached CMS SignedData over the document digest, DER,
    /// base64.
    Sign {
        /// The signature.
        cms: String,
    },
    /// Seal: a detached CMS SignedData (PAdES profile) over the prepared
    /// revision's digest ([`SigningDigest`]), and the chosen seal.
    Seal {
        /// The signature, DER, base64.
        cms: String,
        /// The seal chosen.
        seal: SealKind,
        /// Its image, PNG, base64.
        seal_png: String,
    },
    /// Encryption certificate: DER, base64. Possession is proved by the
    /// answer's signature, made by the signing certificate of the same
    /// holder, over a message that includes this certificate's digest.
    EncryptionCertificate {
        /// The encryption certificate.
        certificate: String,
    },
    /// Decrypt: the content-encryption key wrapped to the request's
    /// recipient key, a DER `KeyAgreeRecipientInfo`, base64.
    Decrypt {
        /// The released key.
        released_key: String,
    },
}

impl AnswerPayload {
    /// The kind of request this payload answers.
    pub fn kind(&self) -> QrKind {
        match self {
            AnswerPayload::Login => QrKind::Login,
            AnswerPayload::Sign { .. } => QrKind::Sign,
            AnswerPayload::Seal { .. } => QrKind::Seal,
            AnswerPayload::EncryptionCertificate { .. } => QrKind::EncryptionCertificate,
            AnswerPayload::Decrypt { .. } => QrKind::Decrypt,
        }
    }

    /// SHA-256 over the payload as the answer message binds it: the kind,
    /// then each field's text in order, each followed by a newline.
    pub fn digest(&self) -> [u8; 32] {
        let mut hash = Sha256::new();
        let mut field = |text: &str| {
            hash.update(text.as_bytes());
            hash.update(b"\n");
        };
        field(self.kind().as_str());
        match self {
            AnswerPayload::Login => {}
            AnswerPayload::Sign { cms } => field(cms),
            AnswerPayload::Seal {
                cms,
                seal,
                seal_png,
            } => {
                field(cms);
                field(seal.as_str());
                field(seal_png);
            }
            AnswerPayload::EncryptionCertificate { certificate } => field(certificate),
            AnswerPayload::Decrypt { released_key } => field(released_key),
        }
        hash.finalize().into()
    }
}

/// `POST /api/v1/qr/{id}/answer`, and what the desktop fetches once it is
/// accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QrAnswer {
    /// The request's nonce, echoed.
    pub nonce: String,
    /// The signing certificate that signed, DER, base64.
    pub certificate: String,
    /// Its issuing chain, DER base64 each, issuer first.
    pub chain: Vec<String>,
    /// What is handed over.
    pub payload: AnswerPayload,
    /// ECDSA P-256 with SHA-256 over [`answer_message`], DER, base64.
    pub signature: String,
    /// When the phone signed, Unix seconds, server clock as the phone
    /// keeps it.
    pub signed_at: i64,
}

/// The bytes a frame's MAC covers: `palmbid-qr-frame-v1`, the request id
/// and the second, separated by newlines.
pub fn frame_mac_input(id: &str, t: i64) -> Vec<u8> {
    format!("palmbid-qr-frame-v1\n{id}\n{t}").into_bytes()
}

/// What an answer binds besides its payload.
#[derive(Debug, Clone, Copy)]
pub struct AnswerContext<'a> {
    /// The platform's base address as the phone configured it and as the
    /// platform publishes it (`https://host/`).
    pub platform: &'a str,
    /// The request as the phone saw it.
    pub request: &'a QrRequestView,
    /// When the phone signed, Unix seconds, server clock.
    pub signed_at: i64,
}

/// The canonical message an answer's signature covers: UTF-8 lines, each
/// `name=value`, in this order, ending with a newline:
///
/// ```text
/// palmbid-qr-answer-v1
/// platform={base address}
/// id={request id}
/// nonce={nonce}
/// kind={kind}
/// requester={kind}|{name}|{machine}|{address}
/// document={sha256 hex}|{size}|{name}   (or "document=-")
/// recipient_key={base64}                (or "recipient_key=-")
/// payload={sha256 hex of AnswerPayload::digest input}
/// signed_at={Unix seconds}
/// ```
///
/// No value can start a line of its own: the platform refuses names and
/// machine strings with control characters, and the other values are hex,
/// base64, numbers or addresses. Both sides build the message from their
/// own copy of the request, so any difference fails the signature.
pub fn answer_message(context: &AnswerContext<'_>, payload: &AnswerPayload) -> Vec<u8> {
    let request = context.request;
    let requester = &request.requester;
    let document = request.document.as_ref().map_or_else(
        || "-".to_owned(),
        |d| format!("{}|{}|{}", d.sha256, d.size, d.name),
    );
    let recipient_key = request.recipient_key.as_deref().unwrap_or("-");
    format!(
        "palmbid-qr-answer-v1\nplatform={}\nid={}\nnonce={}\nkind={}\nrequester={}|{}|{}|{}\n\
         document={}\nrecipient_key={}\npayload={}\nsigned_at={}\n",
        context.platform,
        request.id,
        request.nonce,
        request.kind.as_str(),
        requester.kind.as_str(),
        requester.name,
        requester.machine,
        requester.address,
        document,
        recipient_key,
        hex::encode(payload.digest()),
        context.signed_at,
    )
    .into_bytes()
}

/// Whether `text` is acceptable as a machine or document name: not empty,
/// at most `max_chars` characters, no control characters.
pub fn is_display_text(text: &str, max_chars: usize) -> bool {
    let count = text.chars().count();
    count > 0 && count <= max_chars && !text.chars().any(char::is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> QrRequestView {
        QrRequestView {
            id: "0123456789abcdef0123456789abcdef".into(),
            kind: QrKind::Sign,
            nonce: "aa".repeat(16),
            requester: Requester {
                kind: RequesterKind::Toolbox,
                name: "投标工具".into(),
                machine: "PC-01".into(),
                address: "127.0.0.1".into(),
            },
            document: Some(DocumentInfo {
                name: "投标文件.pdf".into(),
                sha256: "ab".repeat(32),
                size: 1234,
            }),
            number_choices: None,
            recipient_key: None,
            envelope_header: None,
            created_at: 1_000,
            answer_by: 1_180,
        }
    }

    #[test]
    fn kinds_and_states_round_trip() {
        for kind in [
            QrKind::Login,
            QrKind::Sign,
            QrKind::Seal,
            QrKind::EncryptionCertificate,
            QrKind::Decrypt,
        ] {
            assert_eq!(QrKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        for state in [
            QrState::Waiting,
            QrState::Scanned,
            QrState::Matched,
            QrState::Answered,
            QrState::Cancelled,
            QrState::Expired,
        ] {
            assert_eq!(QrState::parse(state.as_str()), Some(state));
        }
        assert_eq!(QrKind::parse("Login"), None);
    }

    #[test]
    fn answer_message_is_fixed_text() {
        let view = view();
        let context = AnswerContext {
            platform: "http://127.0.0.1:8080/",
            request: &view,
            signed_at: 1_010,
        };
        let payload = AnswerPayload::Sign { cms: "AAAA".into() };

        let text = String::from_utf8(answer_message(&context, &payload)).unwrap();

        let mut expected_payload = Sha256::new();
        expected_payload.update(b"sign\nAAAA\n");
        let expected = format!(
            "palmbid-qr-answer-v1\nplatform=http://127.0.0.1:8080/\n\
             id=0123456789abcdef0123456789abcdef\nnonce={}\nkind=sign\n\
             requester=toolbox|投标工具|PC-01|127.0.0.1\n\
             document={}|1234|投标文件.pdf\nrecipient_key=-\npayload={}\nsigned_at=1010\n",
            "aa".repeat(16),
            "ab".repeat(32),
            hex::encode(expected_payload.finalize()),
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn answer_message_changes_with_every_bound_field() {
        let base_view = view();
        let payload = AnswerPayload::Login;
        let message = |v: &QrRequestView, platform: &str| {
            answer_message(
                &AnswerContext {
                    platform,
                    request: v,
                    signed_at: 1,
                },
                &payload,
            )
        };
        let base = message(&base_view, "http://a/");

        let mut other = base_view.clone();
        other.nonce = "bb".repeat(16);
        assert_ne!(message(&other, "http://a/"), base, "nonce");
        let mut other = base_view.clone();
        other.requester.address = "10.0.0.9".into();
        assert_ne!(message(&other, "http://a/"), base, "address");
        let mut other = base_view.clone();
        if let Some(d) = other.document.as_mut() {
            d.sha256 = "cd".repeat(32);
        }
        assert_ne!(message(&other, "http://a/"), base, "digest");
        assert_ne!(message(&base_view, "http://b/"), base, "platform");
    }

    #[test]
    fn payload_digest_separates_fields() {
        let a = AnswerPayload::Seal {
            cms: "AB".into(),
            seal: SealKind::Company,
            seal_png: "C".into(),
        };
        let b = AnswerPayload::Seal {
            cms: "A".into(),
            seal: SealKind::Company,
            seal_png: "BC".into(),
        };
        assert_ne!(a.digest(), b.digest());
    }

    #[test]
    fn display_text() {
        assert!(is_display_text("PC-01", MAX_MACHINE_NAME_CHARS));
        assert!(!is_display_text("", MAX_MACHINE_NAME_CHARS));
        assert!(!is_display_text("PC\n01", MAX_MACHINE_NAME_CHARS));
        assert!(!is_display_text(&"x".repeat(65), MAX_MACHINE_NAME_CHARS));
    }
}
