//! QR requests on the database: creation with its checks, lazy expiry,
//! the phone's scan, number matching, cancel, and recording the accepted
//! answer. Synchronous; runs on the blocking pool through `Db::call`.
//!
//! Every state change is one `UPDATE ... WHERE state = {expected}`, so two
//! phones racing for one request cannot both win.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use palmbid_core::api::pickup::SealKind;
use palmbid_core::api::qr::{
    ANSWER_WITHIN_SECS, CreateQrRequest, DocumentInfo, FRAME_MAX_AGE_SECS, MAX_DOCUMENT_NAME_CHARS,
    MAX_ENVELOPE_HEADER, MAX_MACHINE_NAME_CHARS, MAX_SEAL_PNG, QrAnswer, QrKind, QrRequestView,
    QrState, Requester, RequesterKind, SCAN_WITHIN_SECS, ScanRequest, SealChoice, SigningDigest,
    is_display_text,
};
use rand_core::{OsRng, RngCore};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::QrError;
use super::frame::{FRAME_KEY_BYTES, frame_mac_valid};

/// Open requests one network address may have at once, so a loop cannot
/// fill the table.
pub const MAX_OPEN_PER_ADDRESS: u32 = 30;

/// A request as stored.
pub(crate) struct QrRecord {
    pub(crate) id: String,
    pub(crate) kind: QrKind,
    pub(crate) requester: Requester,
    pub(crate) document: Option<DocumentInfo>,
    pub(crate) recipient_key: Option<String>,
    pub(crate) envelope_header: Option<String>,
    pub(crate) nonce: String,
    pub(crate) frame_key: Zeroizing<Vec<u8>>,
    desktop_token_hash: Vec<u8>,
    pub(crate) match_number: Option<u8>,
    number_choices: Option<Vec<u8>>,
    /// Seal requests: the phone's latest seal choice.
    pub(crate) seal_choice: Option<SealChoice>,
    /// Seal choices made so far, for event ids.
    pub(crate) seal_count: i64,
    /// Seal requests: the desktop's digest of the revision it prepared.
    pub(crate) signing_digest: Option<SigningDigest>,
    pub(crate) state: QrState,
    pub(crate) reason: Option<String>,
    pub(crate) reason_zh: Option<String>,
    session_token_hash: Option<Vec<u8>>,
    pub(crate) created_at: i64,
    pub(crate) answer: Option<String>,
}

impl QrRecord {
    /// The request as the phone sees it after scanning.
    pub(crate) fn view(&self) -> QrRequestView {
        QrRequestView {
            id: self.id.clone(),
            kind: self.kind,
            nonce: self.nonce.clone(),
            requester: self.requester.clone(),
            document: self.document.clone(),
            number_choices: self.number_choices.clone(),
            recipient_key: self.recipient_key.clone(),
            envelope_header: self.envelope_header.clone(),
            created_at: self.created_at,
            answer_by: self.answer_by(),
        }
    }

    /// Scan deadline, Unix seconds.
    pub(crate) fn scan_by(&self) -> i64 {
        self.created_at + SCAN_WITHIN_SECS
    }

    /// Answer deadline, Unix seconds.
    pub(crate) fn answer_by(&self) -> i64 {
        self.created_at + ANSWER_WITHIN_SECS
    }

    /// Checks whether `token` is this request's desktop token (constant
    /// time).
    pub(crate) fn desktop_token_is(&self, token: &str) -> bool {
        let hash = Sha256::digest(token.as_bytes());
        bool::from(hash.as_slice().ct_eq(&self.desktop_token_hash))
    }

    /// The accepted answer, once answered.
    pub(crate) fn accepted_answer(&self) -> Result<QrAnswer, QrError> {
        match self.state {
            QrState::Answered => {}
            QrState::Cancelled => return Err(QrError::Cancelled),
            QrState::Expired => return Err(QrError::Expired),
            _ => return Err(QrError::NotAnswered),
        }
        let text = self.answer.as_deref().ok_or(QrError::NotAnswered)?;
        serde_json::from_str(text).map_err(|e| {
            QrError::Db(crate::db::DbError::Task(format!(
                "stored answer of {} does not parse: {e}",
                self.id
            )))
        })
    }

    /// Refuses unless the phone session with `session_hash` owns the
    /// request and it is still open.
    pub(crate) fn check_owner(&self, session_hash: &[u8; 32]) -> Result<(), QrError> {
        match self.state {
            QrState::Expired => return Err(QrError::Expired),
            QrState::Cancelled => return Err(QrError::Cancelled),
            QrState::Answered => return Err(QrError::AlreadyAnswered),
            QrState::Waiting => return Err(QrError::NotScanned),
            QrState::Scanned | QrState::Matched => {}
        }
        if self.owned_by(session_hash) {
            Ok(())
        } else {
            Err(QrError::BoundToOtherPhone)
        }
    }

    fn owned_by(&self, session_hash: &[u8; 32]) -> bool {
        self.session_token_hash
            .as_deref()
            .is_some_and(|owner| bool::from(owner.ct_eq(session_hash)))
    }
}

/// Checks every field of a desktop's request; the error names the first
/// unusable one.
///
/// # Errors
/// [`QrError::InvalidRequest`].
pub(crate) fn validate(body: &CreateQrRequest) -> Result<(), QrError> {
    let invalid = |field, reason| Err(QrError::InvalidRequest { field, reason });
    if !is_display_text(&body.machine, MAX_MACHINE_NAME_CHARS) {
        return invalid(
            "machine",
            "it must be 1 to 64 characters without control characters",
        );
    }

    match (&body.document, body.kind.needs_document()) {
        (None, true) => return invalid("document", "sign, seal and decrypt requests need it"),
        (Some(_), false) => {
            return invalid("document", "only sign, seal and decrypt requests carry one");
        }
        (Some(document), true) => validate_document(document)?,
        (None, false) => {}
    }

    let decrypt = body.kind == QrKind::Decrypt;
    match (&body.recipient_key, decrypt) {
        (None, true) => return invalid("recipient_key", "decrypt requests need it"),
        (Some(_), false) => return invalid("recipient_key", "only decrypt requests carry one"),
        (Some(key), true) => {
            let point = STANDARD.decode(key).ok();
            let valid = point.as_deref().is_some_and(|point| {
                point.len() == 65 && p256::PublicKey::from_sec1_bytes(point).is_ok()
            });
            if !valid {
                return invalid(
                    "recipient_key",
                    "it must be an uncompressed P-256 point (SEC1), base64",
                );
            }
        }
        (None, false) => {}
    }
    match (&body.envelope_header, decrypt) {
        (None, true) => invalid("envelope_header", "decrypt requests need it"),
        (Some(_), false) => invalid("envelope_header", "only decrypt requests carry one"),
        (Some(header), true) => {
            let length = STANDARD.decode(header).map(|bytes| bytes.len());
            match length {
                Ok(1..=MAX_ENVELOPE_HEADER) => Ok(()),
                _ => invalid(
                    "envelope_header",
                    "it must be base64 of 1 to 16384 bytes (the envelope up to its content)",
                ),
            }
        }
        (None, false) => Ok(()),
    }
}

fn validate_document(document: &DocumentInfo) -> Result<(), QrError> {
    if !is_display_text(&document.name, MAX_DOCUMENT_NAME_CHARS) {
        return Err(QrError::InvalidRequest {
            field: "document.name",
            reason: "it must be 1 to 200 characters without control characters",
        });
    }
    if !is_sha256_hex(&document.sha256) {
        return Err(QrError::InvalidRequest {
            field: "document.sha256",
            reason: "it must be 64 lower-case hex characters",
        });
    }
    if i64::try_from(document.size).is_err() {
        return Err(QrError::InvalidRequest {
            field: "document.size",
            reason: "it is larger than any file",
        });
    }
    Ok(())
}

/// The fields of a new request besides what the platform adds.
pub(crate) struct NewRequest {
    pub(crate) kind: QrKind,
    pub(crate) requester: Requester,
    pub(crate) document: Option<DocumentInfo>,
    pub(crate) recipient_key: Option<String>,
    pub(crate) envelope_header: Option<String>,
}

/// A stored request and the desktop's token (kept only as its digest).
pub(crate) struct Created {
    pub(crate) record: QrRecord,
    pub(crate) desktop_token: Zeroizing<String>,
}

/// Stores a new waiting request, with its nonce, frame key, desktop token
/// and (for login) the match number and three choices.
///
/// # Errors
/// [`QrError::TooManyOpen`], [`QrError::Db`].
pub(crate) fn create(conn: &Connection, new: NewRequest, now: i64) -> Result<Created, QrError> {
    let open: u32 = conn.query_row(
        "SELECT count(*) FROM qr_requests WHERE address = ?1 AND (
             (state = 'waiting' AND created_at >= ?2)
             OR (state IN ('scanned', 'matched') AND created_at >= ?3))",
        params![
            new.requester.address,
            now - SCAN_WITHIN_SECS,
            now - ANSWER_WITHIN_SECS
        ],
        |row| row.get(0),
    )?;
    if open >= MAX_OPEN_PER_ADDRESS {
        return Err(QrError::TooManyOpen {
            address: new.requester.address,
            limit: MAX_OPEN_PER_ADDRESS,
        });
    }

    let id = hex::encode(random_bytes::<16>());
    let nonce = hex::encode(random_bytes::<16>());
    let frame_key = Zeroizing::new(random_bytes::<FRAME_KEY_BYTES>().to_vec());
    let desktop_token = Zeroizing::new(hex::encode(random_bytes::<32>()));
    let desktop_token_hash = Sha256::digest(desktop_token.as_bytes()).to_vec();
    let (match_number, number_choices) = if new.kind == QrKind::Login {
        let choices = number_choices();
        let pick = usize::from(random_bytes::<1>()[0]) % choices.len();
        (Some(choices[pick]), Some(choices.to_vec()))
    } else {
        (None, None)
    };

    let record = QrRecord {
        id,
        kind: new.kind,
        requester: new.requester,
        document: new.document,
        recipient_key: new.recipient_key,
        envelope_header: new.envelope_header,
        nonce,
        frame_key,
        desktop_token_hash,
        match_number,
        number_choices,
        seal_choice: None,
        seal_count: 0,
        signing_digest: None,
        state: QrState::Waiting,
        reason: None,
        reason_zh: None,
        session_token_hash: None,
        created_at: now,
        answer: None,
    };
    insert(conn, &record)?;
    tracing::info!(request = %record.id, kind = record.kind.as_str(),
        requester = record.requester.kind.as_str(), "qr request created");
    Ok(Created {
        record,
        desktop_token,
    })
}

fn insert(conn: &Connection, r: &QrRecord) -> Result<(), QrError> {
    let document = r.document.as_ref();
    let choices = r
        .number_choices
        .as_ref()
        .map(|c| c.iter().map(u8::to_string).collect::<Vec<_>>().join(","));
    conn.execute(
        "INSERT INTO qr_requests (id, kind, requester_kind, requester_name, machine, address,
             document_name, document_sha256, document_size, recipient_key, envelope_header,
             nonce, frame_key, desktop_token_hash, match_number, number_choices, state,
             created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
             'waiting', ?17)",
        params![
            r.id,
            r.kind.as_str(),
            r.requester.kind.as_str(),
            r.requester.name,
            r.requester.machine,
            r.requester.address,
            document.map(|d| &d.name),
            document.map(|d| &d.sha256),
            document.map(|d| i64::try_from(d.size).unwrap_or(i64::MAX)),
            r.recipient_key,
            r.envelope_header,
            r.nonce,
            r.frame_key.as_slice(),
            r.desktop_token_hash,
            r.match_number,
            choices,
            r.created_at,
        ],
    )?;
    Ok(())
}

/// Three distinct two-digit numbers.
fn number_choices() -> [u8; 3] {
    let mut choices = [0_u8; 3];
    let mut filled = 0;
    while filled < choices.len() {
        let candidate = 10 + random_bytes::<1>()[0] % 90;
        if !choices[..filled].contains(&candidate) {
            choices[filled] = candidate;
            filled += 1;
        }
    }
    choices
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0_u8; N];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

const COLUMNS: &str = "id, kind, requester_kind, requester_name, machine, address, document_name,
    document_sha256, document_size, recipient_key, envelope_header, nonce, frame_key,
    desktop_token_hash, match_number, number_choices, state, reason, reason_zh,
    session_token_hash, created_at, answer, seal_kind, seal_png, signer_name, seal_count,
    digest_sha256, digest_seal";

fn record_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<QrRecord> {
    let text = |i: usize| row.get::<_, String>(i);
    let kind = text(1)?;
    let requester_kind = text(2)?;
    let document_name: Option<String> = row.get(6)?;
    let document = match document_name {
        Some(name) => Some(DocumentInfo {
            name,
            sha256: row.get::<_, Option<String>>(7)?.unwrap_or_default(),
            size: u64::try_from(row.get::<_, Option<i64>>(8)?.unwrap_or(0)).unwrap_or(0),
        }),
        None => None,
    };
    let choices: Option<String> = row.get(15)?;
    let state = text(16)?;
    let bad_value = |column: usize, value: &str| {
        rusqlite::Error::FromSqlConversionFailure(
            column,
            rusqlite::types::Type::Text,
            format!("unknown value {value:?}").into(),
        )
    };
    Ok(QrRecord {
        id: text(0)?,
        kind: QrKind::parse(&kind).ok_or_else(|| bad_value(1, &kind))?,
        requester: Requester {
            kind: RequesterKind::parse(&requester_kind)
                .ok_or_else(|| bad_value(2, &requester_kind))?,
            name: text(3)?,
            machine: text(4)?,
            address: text(5)?,
        },
        document,
        recipient_key: row.get(9)?,
        envelope_header: row.get(10)?,
        nonce: text(11)?,
        frame_key: Zeroizing::new(row.get(12)?),
        desktop_token_hash: row.get(13)?,
        match_number: row.get(14)?,
        number_choices: choices.map(|c| c.split(',').filter_map(|n| n.parse().ok()).collect()),
        state: QrState::parse(&state).ok_or_else(|| bad_value(16, &state))?,
        reason: row.get(17)?,
        reason_zh: row.get(18)?,
        session_token_hash: row.get(19)?,
        created_at: row.get(20)?,
        answer: row.get(21)?,
        seal_choice: seal_choice_from_row(row)?,
        seal_count: row.get(25)?,
        signing_digest: signing_digest_from_row(row)?,
    })
}

fn seal_kind(text: Option<&str>) -> Option<SealKind> {
    text.and_then(SealKind::parse)
}

fn seal_choice_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Option<SealChoice>> {
    let Some(seal) = seal_kind(row.get_ref(22)?.as_str_or_null()?) else {
        return Ok(None);
    };
    Ok(Some(SealChoice {
        seal,
        seal_png: row.get::<_, Option<String>>(23)?.unwrap_or_default(),
        signer_name: row.get::<_, Option<String>>(24)?.unwrap_or_default(),
    }))
}

fn signing_digest_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Option<SigningDigest>> {
    let sha256: Option<String> = row.get(26)?;
    Ok(sha256
        .zip(seal_kind(row.get_ref(27)?.as_str_or_null()?))
        .map(|(sha256, seal)| SigningDigest { sha256, seal }))
}

/// The request `id` as it stands at `now`: a request past its scan or
/// answer deadline turns expired here (expiry is lazy, on access).
///
/// # Errors
/// [`QrError::NotFound`], [`QrError::Db`].
pub(crate) fn load(conn: &Connection, id: &str, now: i64) -> Result<QrRecord, QrError> {
    let mut record = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM qr_requests WHERE id = ?1"),
            [id],
            record_from_row,
        )
        .optional()?
        .ok_or(QrError::NotFound)?;

    let late = match record.state {
        QrState::Waiting if now > record.scan_by() => {
            Some(("not scanned within 60 seconds", "60 秒内未扫码"))
        }
        QrState::Waiting | QrState::Scanned | QrState::Matched if now > record.answer_by() => {
            Some((
                "not confirmed on the phone within 3 minutes",
                "3 分钟内未在手机上确认",
            ))
        }
        _ => None,
    };
    if let Some((reason, reason_zh)) = late {
        end(conn, &mut record, QrState::Expired, reason, reason_zh)?;
    }
    Ok(record)
}

/// Moves an open request to a final state with its reason.
fn end(
    conn: &Connection,
    record: &mut QrRecord,
    state: QrState,
    reason: &str,
    reason_zh: &str,
) -> Result<(), QrError> {
    let changed = conn.execute(
        "UPDATE qr_requests SET state = ?2, reason = ?3, reason_zh = ?4
         WHERE id = ?1 AND state = ?5",
        params![
            record.id,
            state.as_str(),
            reason,
            reason_zh,
            record.state.as_str()
        ],
    )?;
    if changed == 0 {
        // Another call changed it first; report what it is now.
        let now_state: String = conn.query_row(
            "SELECT state FROM qr_requests WHERE id = ?1",
            [&record.id],
            |row| row.get(0),
        )?;
        record.state = QrState::parse(&now_state).unwrap_or(QrState::Cancelled);
        return Ok(());
    }
    tracing::info!(request = %record.id, state = state.as_str(), reason, "qr request ended");
    record.state = state;
    record.reason = Some(reason.to_owned());
    record.reason_zh = Some(reason_zh.to_owned());
    Ok(())
}

/// The phone's scan: the frame's MAC must verify, the request must be
/// open and the frame fresh. The first session binds the request; it may
/// scan a fresh frame again, another session may not.
///
/// # Errors
/// [`QrError::NotFound`], [`QrError::FrameInvalid`], [`QrError::Expired`],
/// [`QrError::Cancelled`], [`QrError::AlreadyAnswered`],
/// [`QrError::BoundToOtherPhone`], [`QrError::FrameStale`].
pub(crate) fn scan(
    conn: &Connection,
    id: &str,
    frame: &ScanRequest,
    session_hash: &[u8; 32],
    phone: &str,
    now: i64,
) -> Result<QrRequestView, QrError> {
    let record = load(conn, id, now)?;
    if !frame_mac_valid(&record.frame_key, &record.id, frame.t, &frame.h) {
        return Err(QrError::FrameInvalid);
    }

    match record.state {
        QrState::Expired => return Err(QrError::Expired),
        QrState::Cancelled => return Err(QrError::Cancelled),
        QrState::Answered => return Err(QrError::AlreadyAnswered),
        QrState::Waiting | QrState::Scanned | QrState::Matched => {}
    }
    let age = (now - record.created_at) - frame.t;
    if !(0..=FRAME_MAX_AGE_SECS).contains(&age) {
        return Err(QrError::FrameStale {
            age,
            max: FRAME_MAX_AGE_SECS,
        });
    }
    match record.state {
        QrState::Scanned | QrState::Matched if record.owned_by(session_hash) => {
            return Ok(record.view());
        }
        QrState::Scanned | QrState::Matched => return Err(QrError::BoundToOtherPhone),
        _ => {}
    }

    let bound = conn.execute(
        "UPDATE qr_requests SET state = 'scanned', session_token_hash = ?2, phone = ?3,
             scanned_at = ?4
         WHERE id = ?1 AND state = 'waiting'",
        params![record.id, session_hash.as_slice(), phone, now],
    )?;
    if bound == 0 {
        return Err(QrError::BoundToOtherPhone);
    }
    tracing::info!(request = %record.id, "qr request scanned");
    Ok(record.view())
}

/// Number matching of a login: the right number matches, a wrong one
/// cancels the request on both sides.
///
/// # Errors
/// As [`QrRecord::check_owner`]; [`QrError::AnswerInvalid`] for a request
/// that is not a login; [`QrError::WrongNumber`] after cancelling.
pub(crate) fn choose_number(
    conn: &Connection,
    id: &str,
    number: u8,
    session_hash: &[u8; 32],
    now: i64,
) -> Result<(), QrError> {
    let mut record = load(conn, id, now)?;
    record.check_owner(session_hash)?;
    if record.kind != QrKind::Login {
        return Err(QrError::AnswerInvalid {
            reason: format!(
                "only login requests use number matching, this one is {}",
                record.kind.as_str()
            ),
        });
    }
    if record.state == QrState::Matched {
        return if record.match_number == Some(number) {
            Ok(())
        } else {
            Err(QrError::AlreadyAnswered)
        };
    }

    if record.match_number != Some(number) {
        end(
            conn,
            &mut record,
            QrState::Cancelled,
            "the number chosen on the phone was not the one on the screen",
            "手机上选择的数字与屏幕上的不一致",
        )?;
        return Err(QrError::WrongNumber);
    }
    let changed = conn.execute(
        "UPDATE qr_requests SET state = 'matched' WHERE id = ?1 AND state = 'scanned'",
        [&record.id],
    )?;
    if changed == 0 {
        return Err(QrError::Cancelled);
    }
    tracing::info!(request = %record.id, "qr login number matched");
    Ok(())
}

/// The phone cancels its request.
///
/// # Errors
/// As [`QrRecord::check_owner`].
pub(crate) fn cancel(
    conn: &Connection,
    id: &str,
    session_hash: &[u8; 32],
    now: i64,
) -> Result<(), QrError> {
    let mut record = load(conn, id, now)?;
    record.check_owner(session_hash)?;
    end(
        conn,
        &mut record,
        QrState::Cancelled,
        "cancelled on the phone",
        "已在手机上取消",
    )
}

/// Whether `text` is 64 lower-case hex characters.
fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The seal the phone picked for a scanned seal request: a PNG of at most
/// `MAX_SEAL_PNG` bytes and the holder's name. Choosing again replaces
/// the choice; the desktop then sends the digest of a new revision.
///
/// # Errors
/// As [`QrRecord::check_owner`]; [`QrError::AnswerInvalid`] for another
/// kind of request or an unusable image or name.
pub(crate) fn choose_seal(
    conn: &Connection,
    id: &str,
    choice: &SealChoice,
    session_hash: &[u8; 32],
    now: i64,
) -> Result<(), QrError> {
    let record = load(conn, id, now)?;
    record.check_owner(session_hash)?;
    if record.kind != QrKind::Seal {
        return Err(QrError::AnswerInvalid {
            reason: format!(
                "only seal requests take a seal choice, this one is {}",
                record.kind.as_str()
            ),
        });
    }
    let png = STANDARD.decode(&choice.seal_png).ok();
    let png_ok = png.as_deref().is_some_and(|png| {
        png.len() <= MAX_SEAL_PNG
            && png::Decoder::new(std::io::Cursor::new(png))
                .read_info()
                .is_ok()
    });
    if !png_ok {
        return Err(QrError::AnswerInvalid {
            reason: "the seal image must be a PNG of at most 262144 bytes, base64".to_owned(),
        });
    }
    if !is_display_text(&choice.signer_name, MAX_MACHINE_NAME_CHARS) {
        return Err(QrError::AnswerInvalid {
            reason: "the signer name must be 1 to 64 characters without control characters"
                .to_owned(),
        });
    }

    conn.execute(
        "UPDATE qr_requests SET seal_kind = ?2, seal_png = ?3, signer_name = ?4,
             seal_count = seal_count + 1
         WHERE id = ?1 AND state = 'scanned'",
        params![
            record.id,
            choice.seal.as_str(),
            choice.seal_png,
            choice.signer_name
        ],
    )?;
    tracing::info!(request = %record.id, seal = choice.seal.as_str(), "qr seal chosen");
    Ok(())
}

/// The desktop's digest of the revision prepared with the chosen seal.
///
/// # Errors
/// [`QrError::InvalidRequest`] for a digest that is not hex or a request
/// that is not a seal; [`QrError::NotScanned`], [`QrError::Expired`],
/// [`QrError::Cancelled`], [`QrError::AlreadyAnswered`];
/// [`QrError::SealNotChosen`] when `digest.seal` is not the phone's choice.
pub(crate) fn set_digest(
    conn: &Connection,
    record: &QrRecord,
    digest: &SigningDigest,
) -> Result<(), QrError> {
    if !is_sha256_hex(&digest.sha256) {
        return Err(QrError::InvalidRequest {
            field: "sha256",
            reason: "it must be 64 lower-case hex characters",
        });
    }
    if record.kind != QrKind::Seal {
        return Err(QrError::InvalidRequest {
            field: "kind",
            reason: "only seal requests take a prepared digest",
        });
    }
    match record.state {
        QrState::Waiting => return Err(QrError::NotScanned),
        QrState::Expired => return Err(QrError::Expired),
        QrState::Cancelled => return Err(QrError::Cancelled),
        QrState::Answered => return Err(QrError::AlreadyAnswered),
        QrState::Scanned | QrState::Matched => {}
    }
    let chosen = record.seal_choice.as_ref().map(|c| c.seal);
    if chosen != Some(digest.seal) {
        return Err(QrError::SealNotChosen {
            what: if chosen.is_some() {
                "this seal"
            } else {
                "a seal"
            },
        });
    }

    conn.execute(
        "UPDATE qr_requests SET digest_sha256 = ?2, digest_seal = ?3
         WHERE id = ?1 AND state = 'scanned'",
        params![record.id, digest.sha256, digest.seal.as_str()],
    )?;
    tracing::info!(request = %record.id, seal = digest.seal.as_str(), "qr seal digest received");
    Ok(())
}

impl QrRecord {
    /// The digest prepared with the phone's current seal choice, if the
    /// desktop sent it.
    ///
    /// # Errors
    /// [`QrError::SealNotChosen`] before a choice,
    /// [`QrError::DigestPending`] before the digest of that choice.
    pub(crate) fn current_digest(&self) -> Result<&SigningDigest, QrError> {
        let chosen = self
            .seal_choice
            .as_ref()
            .ok_or(QrError::SealNotChosen { what: "a seal" })?;
        self.signing_digest
            .as_ref()
            .filter(|digest| digest.seal == chosen.seal)
            .ok_or(QrError::DigestPending)
    }
}

/// Records a verified answer; the request turns answered.
///
/// # Errors
/// [`QrError::AlreadyAnswered`] when another answer won, [`QrError::Db`].
pub(crate) fn accept(
    conn: &Connection,
    record: &QrRecord,
    answer: &QrAnswer,
    now: i64,
) -> Result<(), QrError> {
    let json = serde_json::to_string(answer)
        .map_err(|e| QrError::Db(crate::db::DbError::Task(e.to_string())))?;
    let changed = conn.execute(
        "UPDATE qr_requests SET state = 'answered', answered_at = ?2, answer = ?3
         WHERE id = ?1 AND state IN ('scanned', 'matched')",
        params![record.id, now, json],
    )?;
    if changed == 0 {
        return Err(QrError::AlreadyAnswered);
    }
    tracing::info!(request = %record.id, kind = record.kind.as_str(), "qr request answered");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(kind: QrKind) -> CreateQrRequest {
        CreateQrRequest {
            kind,
            machine: "PC-01".into(),
            document: None,
            recipient_key: None,
            envelope_header: None,
        }
    }

    fn field(result: Result<(), QrError>) -> &'static str {
        match result {
            Err(QrError::InvalidRequest { field, .. }) => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn number_choices_are_distinct_two_digit_numbers() {
        for _ in 0..200 {
            let choices = number_choices();
            assert!(choices.iter().all(|n| (10..=99).contains(n)), "{choices:?}");
            assert_ne!(choices[0], choices[1]);
            assert_ne!(choices[0], choices[2]);
            assert_ne!(choices[1], choices[2]);
        }
    }

    #[test]
    fn validation_names_the_field() {
        let document = DocumentInfo {
            name: "标书.pdf".into(),
            sha256: "ab".repeat(32),
            size: 10,
        };
        assert!(validate(&body(QrKind::Login)).is_ok());

        let mut machine = body(QrKind::Login);
        machine.machine = "PC\u{7}".into();
        assert_eq!(field(validate(&machine)), "machine");

        assert_eq!(field(validate(&body(QrKind::Sign))), "document");
        let mut extra = body(QrKind::Login);
        extra.document = Some(document.clone());
        assert_eq!(field(validate(&extra)), "document");

        let mut upper = body(QrKind::Seal);
        upper.document = Some(DocumentInfo {
            sha256: "AB".repeat(32),
            ..document.clone()
        });
        assert_eq!(field(validate(&upper)), "document.sha256");

        let mut decrypt = body(QrKind::Decrypt);
        decrypt.document = Some(document);
        assert_eq!(field(validate(&decrypt)), "recipient_key");
        decrypt.recipient_key = Some(STANDARD.encode([4_u8; 65]));
        assert_eq!(
            field(validate(&decrypt)),
            "recipient_key",
            "not on the curve"
        );
        let key = palmbid_core::pki::public_key_sec1(&palmbid_core::pki::generate_key());
        decrypt.recipient_key = Some(STANDARD.encode(key));
        assert_eq!(field(validate(&decrypt)), "envelope_header");
        decrypt.envelope_header = Some(STANDARD.encode(vec![0_u8; MAX_ENVELOPE_HEADER + 1]));
        assert_eq!(field(validate(&decrypt)), "envelope_header");
        decrypt.envelope_header = Some(STANDARD.encode([0x30_u8, 0]));
        assert!(validate(&decrypt).is_ok());
    }
}
