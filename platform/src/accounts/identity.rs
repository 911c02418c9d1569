//! Identity verification (实名认证) on the platform: codes, cases and the
//! operator's decision.
//!
//! A logged-in phone gets a 4-digit code (valid
//! `IDENTITY_CODE_TTL_SECS`, single use, one per account at a time), then
//! submits name, ID card number (GB 11643 check character verified), the
//! code and a short video. The video is written to
//! `{data}/identity/{case}.video` before the case row, and removed again
//! when the row cannot be written. A case stays pending until an operator
//! decides on the console ([`decide`]), or is approved at once with
//! `dev_auto_approve`. [`require_approved`] is the gate certificate pickup
//! passes through.
//!
//! NOTE: the video is kept as uploaded; a real deployment would check
//! liveness and the spoken code, and encrypt the file at rest.

use std::path::{Path, PathBuf};

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::{Router, post};
use base64::Engine;
use palmbid_core::api::identity::{
    IDENTITY_CODE_TTL_SECS, IdentityCodeResponse, IdentityState, IdentityStatus,
    IdentitySubmission, MAX_VIDEO_BYTES, is_valid_id_number,
};
use palmbid_core::api::{ErrorCode, paths};
use palmbid_core::error::Localized;
use rand_core::{OsRng, RngCore};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use sha2::{Digest, Sha256};

use super::Session;
use super::login::random_digits;
use crate::AppState;
use crate::db::DbError;
use crate::error::Failure;

/// Largest body of a submission: the base64 video plus the fields.
pub const SUBMISSION_BODY_LIMIT: usize = MAX_VIDEO_BYTES / 3 * 4 + 64 * 1024;

/// Longest name, in characters.
const MAX_NAME_CHARS: usize = 50;

/// Errors of identity verification.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IdentityError {
    /// The name is empty, too long or has control characters.
    #[error("the name must be 1 to {MAX_NAME_CHARS} printable characters")]
    InvalidName,

    /// The ID card number fails the format or its check character.
    #[error(
        "the ID card number is not a valid 18-character resident ID number (GB 11643); check each digit and the final check character"
    )]
    InvalidIdNumber,

    /// The video is empty, not base64 or too large.
    #[error("the video is empty, not base64, or larger than {MAX_VIDEO_BYTES} bytes")]
    InvalidVideo,

    /// The code is wrong, expired or used.
    #[error("the verification code is wrong, expired or already used; request a new code")]
    CodeInvalid,

    /// A case is pending or approved already.
    #[error("an identity verification case is already {state}; wait for the decision")]
    CaseOpen {
        /// `pending` or `approved`.
        state: &'static str,
    },

    /// Not approved (yet): the message says why.
    #[error("{}", not_approved_en(*.state, reason.as_deref()))]
    NotApproved {
        /// The state of the latest case.
        state: IdentityState,
        /// The operator's reason for a rejection.
        reason: Option<String>,
    },

    /// No case with this id.
    #[error("no identity verification case with this id")]
    UnknownCase,

    /// The video file cannot be written.
    #[error("cannot store the video {}: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },

    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

fn not_approved_en(state: IdentityState, reason: Option<&str>) -> String {
    match state {
        IdentityState::Pending => {
            "identity verification is still pending review; certificate pickup opens once an operator approves it".to_owned()
        }
        IdentityState::Rejected => format!(
            "identity verification was rejected ({}); submit a new video to verify again",
            reason.unwrap_or("no reason given")
        ),
        IdentityState::None | IdentityState::Approved => {
            "identity verification has not been submitted; verify your identity before picking up a certificate".to_owned()
        }
    }
}

impl From<rusqlite::Error> for IdentityError {
    fn from(err: rusqlite::Error) -> Self {
        IdentityError::Db(DbError::Sqlite(err))
    }
}

impl IdentityError {
    fn wire(&self) -> Option<(StatusCode, ErrorCode)> {
        Some(match self {
            IdentityError::InvalidName => (StatusCode::BAD_REQUEST, ErrorCode::IdentityInvalidName),
            IdentityError::InvalidIdNumber => {
                (StatusCode::BAD_REQUEST, ErrorCode::IdentityInvalidIdNumber)
            }
            IdentityError::InvalidVideo => {
                (StatusCode::BAD_REQUEST, ErrorCode::IdentityInvalidVideo)
            }
            IdentityError::CodeInvalid => (StatusCode::BAD_REQUEST, ErrorCode::IdentityCodeInvalid),
            IdentityError::CaseOpen { .. } => (StatusCode::CONFLICT, ErrorCode::IdentityCaseOpen),
            IdentityError::NotApproved { .. } => {
                (StatusCode::FORBIDDEN, ErrorCode::IdentityNotApproved)
            }
            IdentityError::UnknownCase => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            IdentityError::File { .. } | IdentityError::Db(_) => return None,
        })
    }
}

impl Localized for IdentityError {
    fn code(&self) -> &'static str {
        self.wire()
            .map_or("server.internal", |(_, code)| code.as_str())
    }

    fn message_zh(&self) -> String {
        match self {
            IdentityError::InvalidName => format!("姓名应为 1 到 {MAX_NAME_CHARS} 个可打印字符"),
            IdentityError::InvalidIdNumber => {
                "身份证号不是有效的 18 位公民身份号码（GB 11643）；请核对各位数字和末位校验码"
                    .to_owned()
            }
            IdentityError::InvalidVideo => {
                format!("视频为空、不是 base64 编码或超过 {MAX_VIDEO_BYTES} 字节")
            }
            IdentityError::CodeInvalid => "认证码错误、已过期或已使用；请重新获取".to_owned(),
            IdentityError::CaseOpen { state } => {
                let state = if *state == "approved" {
                    "已通过"
                } else {
                    "审核中"
                };
                format!("实名认证{state}，请勿重复提交")
            }
            IdentityError::NotApproved { state, reason } => match state {
                IdentityState::Pending => "实名认证正在审核，审核通过后才能领取证书".to_owned(),
                IdentityState::Rejected => format!(
                    "实名认证未通过（{}）；请重新录制视频提交",
                    reason.as_deref().unwrap_or("未说明原因")
                ),
                IdentityState::None | IdentityState::Approved => {
                    "尚未进行实名认证；请先完成实名认证再领取证书".to_owned()
                }
            },
            IdentityError::UnknownCase => "没有该实名认证案件".to_owned(),
            IdentityError::File { .. } | IdentityError::Db(_) => {
                "平台内部错误，请稍后重试".to_owned()
            }
        }
    }
}

impl From<IdentityError> for Failure {
    fn from(err: IdentityError) -> Self {
        match err.wire() {
            Some((status, code)) => Failure::new(status, code, err.to_string(), err.message_zh()),
            None => Failure::internal(&err),
        }
    }
}

/// The routes of identity verification.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::IDENTITY_CODE, post(request_code))
        .route(
            paths::IDENTITY,
            post(submit)
                .layer(DefaultBodyLimit::max(SUBMISSION_BODY_LIMIT))
                .get(status),
        )
}

async fn request_code(
    State(state): State<AppState>,
    Session(session): Session,
) -> Result<Json<IdentityCodeResponse>, Failure> {
    let now = state.clock.now();
    let answer = state
        .db
        .call(move |conn| issue_code(conn, &session.phone, now))
        .await?;
    tracing::info!(outcome = "issued", "identity code");
    Ok(Json(answer))
}

async fn submit(
    State(state): State<AppState>,
    Session(session): Session,
    body: Result<Json<IdentitySubmission>, JsonRejection>,
) -> Result<Json<IdentityStatus>, Failure> {
    let Json(body) = body?;
    let name = body.name.trim().to_owned();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(IdentityError::InvalidName.into());
    }
    if !is_valid_id_number(&body.id_number) {
        return Err(IdentityError::InvalidIdNumber.into());
    }
    let video = base64::engine::general_purpose::STANDARD
        .decode(body.video_base64.as_bytes())
        .map_err(|_| IdentityError::InvalidVideo)?;
    if video.is_empty() || video.len() > MAX_VIDEO_BYTES {
        return Err(IdentityError::InvalidVideo.into());
    }

    let case = NewCase {
        id: case_id(),
        phone: session.phone,
        name,
        id_number: body.id_number.clone(),
        code: body.code.clone(),
        video,
    };
    let dir = state.config.data_dir.join("identity");
    let auto_approve = state.config.dev_auto_approve;
    let now = state.clock.now();
    let status = state
        .db
        .call(move |conn| store_case(conn, &dir, &case, auto_approve, now))
        .await?;

    tracing::info!(case = status.case_id.as_deref().unwrap_or_default(), state = ?status.state, "identity case submitted");
    Ok(Json(status))
}

async fn status(
    State(state): State<AppState>,
    Session(session): Session,
) -> Result<Json<IdentityStatus>, Failure> {
    let answer = state
        .db
        .call(move |conn| latest(conn, &session.phone))
        .await?;
    Ok(Json(answer))
}

fn issue_code(
    conn: &mut Connection,
    phone: &str,
    now: i64,
) -> Result<IdentityCodeResponse, IdentityError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    refuse_open_case(&tx, phone)?;

    let code = random_digits(4);
    let expires_at = now + IDENTITY_CODE_TTL_SECS;
    tx.execute(
        "INSERT INTO identity_codes (phone, code, expires_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (phone) DO UPDATE SET code = ?2, expires_at = ?3",
        params![phone, code.as_str(), expires_at],
    )?;
    tx.commit()?;
    Ok(IdentityCodeResponse {
        code: code.to_string(),
        expires_at,
    })
}

fn refuse_open_case(conn: &Connection, phone: &str) -> Result<(), IdentityError> {
    match latest(conn, phone)?.state {
        IdentityState::Pending => Err(IdentityError::CaseOpen { state: "pending" }),
        IdentityState::Approved => Err(IdentityError::CaseOpen { state: "approved" }),
        IdentityState::None | IdentityState::Rejected => Ok(()),
    }
}

struct NewCase {
    id: String,
    phone: String,
    name: String,
    id_number: String,
    code: String,
    video: Vec<u8>,
}

fn store_case(
    conn: &mut Connection,
    dir: &Path,
    case: &NewCase,
    auto_approve: bool,
    now: i64,
) -> Result<IdentityStatus, IdentityError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    refuse_open_case(&tx, &case.phone)?;

    // The code is used up by this check whatever follows, so one code
    // cannot be tried twice.
    let stored: Option<(String, i64)> = tx
        .query_row(
            "DELETE FROM identity_codes WHERE phone = ?1 RETURNING code, expires_at",
            [&case.phone],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let valid = stored.is_some_and(|(code, expires_at)| code == case.code && now < expires_at);
    if !valid {
        tx.commit()?;
        return Err(IdentityError::CodeInvalid);
    }

    let path = dir.join(format!("{}.video", case.id));
    std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&path, &case.video))
        .map_err(|source| IdentityError::File {
            path: path.clone(),
            source,
        })?;
    let (state, decided_at) = if auto_approve {
        ("approved", Some(now))
    } else {
        ("pending", None)
    };
    let inserted = tx
        .execute(
            "INSERT INTO identity_cases (id, phone, name, id_number, video_sha256, video_bytes,
                 state, submitted_at, decided_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                case.id,
                case.phone,
                case.name,
                case.id_number,
                hex::encode(Sha256::digest(&case.video)),
                i64::try_from(case.video.len()).unwrap_or(i64::MAX),
                state,
                now,
                decided_at
            ],
        )
        .and_then(|_| tx.commit());
    if let Err(err) = inserted {
        let _ = std::fs::remove_file(&path);
        return Err(err.into());
    }
    latest(conn, &case.phone)
}

/// Returns the latest case of `phone`.
///
/// # Errors
/// [`IdentityError::Db`].
pub fn latest(conn: &Connection, phone: &str) -> Result<IdentityStatus, IdentityError> {
    let row = conn
        .query_row(
            "SELECT id, name, state, reason, submitted_at, decided_at FROM identity_cases
             WHERE phone = ?1 ORDER BY submitted_at DESC, rowid DESC LIMIT 1",
            [phone],
            |row| {
                Ok(IdentityStatus {
                    case_id: Some(row.get(0)?),
                    name: Some(row.get(1)?),
                    state: parse_state(&row.get::<_, String>(2)?),
                    reason: row.get(3)?,
                    submitted_at: Some(row.get(4)?),
                    decided_at: row.get(5)?,
                })
            },
        )
        .optional()?;
    Ok(row.unwrap_or(IdentityStatus {
        state: IdentityState::None,
        case_id: None,
        name: None,
        reason: None,
        submitted_at: None,
        decided_at: None,
    }))
}

/// Refuses with [`IdentityError::NotApproved`], saying why, unless the
/// latest case of `phone` is approved.
///
/// # Errors
/// [`IdentityError::NotApproved`] or [`IdentityError::Db`].
pub fn require_approved(conn: &Connection, phone: &str) -> Result<(), IdentityError> {
    let status = latest(conn, phone)?;
    if status.state == IdentityState::Approved {
        return Ok(());
    }
    Err(IdentityError::NotApproved {
        state: status.state,
        reason: status.reason,
    })
}

/// A case as the console lists it.
#[derive(Debug, Clone)]
pub struct CaseRow {
    /// Case id.
    pub id: String,
    /// Account phone number.
    pub phone: String,
    /// Name given.
    pub name: String,
    /// ID card number given.
    pub id_number: String,
    /// Video size, bytes.
    pub video_bytes: i64,
    /// Video SHA-256, hex.
    pub video_sha256: String,
    /// State.
    pub state: IdentityState,
    /// Rejection reason.
    pub reason: Option<String>,
    /// Submission time, Unix seconds.
    pub submitted_at: i64,
}

/// Lists every case, newest first.
///
/// # Errors
/// [`IdentityError::Db`].
pub fn cases(conn: &Connection) -> Result<Vec<CaseRow>, IdentityError> {
    let mut statement = conn.prepare(
        "SELECT id, phone, name, id_number, video_bytes, video_sha256, state, reason,
             submitted_at
         FROM identity_cases ORDER BY submitted_at DESC, rowid DESC",
    )?;
    let rows = statement
        .query_map([], |row| {
            Ok(CaseRow {
                id: row.get(0)?,
                phone: row.get(1)?,
                name: row.get(2)?,
                id_number: row.get(3)?,
                video_bytes: row.get(4)?,
                video_sha256: row.get(5)?,
                state: parse_state(&row.get::<_, String>(6)?),
                reason: row.get(7)?,
                submitted_at: row.get(8)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Approves (`reason` ignored) or rejects a pending case.
///
/// # Errors
/// [`IdentityError::UnknownCase`] when no pending case has this id.
pub fn decide(
    conn: &Connection,
    case_id: &str,
    approve: bool,
    reason: Option<&str>,
    now: i64,
) -> Result<(), IdentityError> {
    let (state, reason) = if approve {
        ("approved", None)
    } else {
        (
            "rejected",
            Some(reason.unwrap_or("").trim()).filter(|r| !r.is_empty()),
        )
    };
    let changed = conn.execute(
        "UPDATE identity_cases SET state = ?2, reason = ?3, decided_at = ?4
         WHERE id = ?1 AND state = 'pending'",
        params![case_id, state, reason, now],
    )?;
    if changed == 0 {
        return Err(IdentityError::UnknownCase);
    }
    tracing::info!(case = case_id, state, "identity case decided");
    Ok(())
}

fn parse_state(text: &str) -> IdentityState {
    match text {
        "pending" => IdentityState::Pending,
        "approved" => IdentityState::Approved,
        "rejected" => IdentityState::Rejected,
        _ => IdentityState::None,
    }
}

/// 128 random bits, hex.
fn case_id() -> String {
    let mut bytes = [0_u8; 16];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}
