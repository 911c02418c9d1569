//! Challenges (质疑): the phone's signed submission and its own list, and
//! the console's reading, attachment download and answer. The
//! specification is `palmbid_core::api::hall::challenges`.
//!
//! Attachments live under `{data}/challenges/{challenge}/{n}.{ext}` (n
//! from 1, the extension from the content's kind), written before the
//! row that names them; a failed insert removes them again. The answer's
//! event names only the challenge id.

use std::path::{Path as FsPath, PathBuf};

use axum::Json;
use axum::extract::{Path, State};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use palmbid_core::api::hall::challenges::{
    ChallengeAnswer, ChallengeAttachment, ChallengeError, ChallengeList, ChallengeRecord,
    ChallengeRequest, MAX_ANSWER_CHARS, challenge_payload, check_challenge,
};
use palmbid_core::api::hall::{HallEvent, HallEventKind, Phase};
use rand_core::{OsRng, RngCore};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::bids::{file_error, write_atomic};
use super::phone::{bidder_project, logged};
use super::{HallError, proof, store};
use crate::AppState;
use crate::accounts::BoundSession;
use crate::error::Failure;
use crate::qr::verify::Judge;

/// Returns the folder of challenge `challenge`'s attachments.
pub(crate) fn folder(state: &AppState, challenge: &str) -> PathBuf {
    state.config.data_dir.join("challenges").join(challenge)
}

/// Returns the file of attachment `index` (from 1) of kind `attachment`.
fn attachment_file(folder: &FsPath, index: usize, attachment: &ChallengeAttachment) -> PathBuf {
    folder.join(format!("{index}.{}", attachment.kind.extension()))
}

const CHALLENGE_COLUMNS: &str = "id, credit_code, company, text, attachments, cert_serial,
    signed_at, submitted_at, answer, answered_at";

fn challenge_from_row(id: &str, row: &rusqlite::Row<'_>) -> rusqlite::Result<ChallengeRecord> {
    let attachments: String = row.get(4)?;
    let answer: Option<String> = row.get(8)?;
    let answered_at: Option<i64> = row.get(9)?;
    Ok(ChallengeRecord {
        id: row.get(0)?,
        project_id: id.to_owned(),
        credit_code: row.get(1)?,
        company: row.get(2)?,
        text: row.get(3)?,
        // Written by this module from checked records.
        attachments: serde_json::from_str(&attachments).unwrap_or_default(),
        certificate_serial: row.get(5)?,
        signed_at: row.get(6)?,
        submitted_at: row.get(7)?,
        answer: answer
            .zip(answered_at)
            .map(|(text, answered_at)| ChallengeAnswer { text, answered_at }),
    })
}

/// Reads every challenge of project `id`, oldest first, for the console.
pub(crate) fn all(conn: &Connection, id: &str) -> Result<Vec<ChallengeRecord>, HallError> {
    let rows = conn
        .prepare(&format!(
            "SELECT {CHALLENGE_COLUMNS} FROM hall_challenges WHERE project_id = ?1
             ORDER BY submitted_at, id"
        ))?
        .query_map([id], |row| challenge_from_row(id, row))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Reads the challenges of `codes` in project `id`, oldest first.
fn of_companies(
    conn: &Connection,
    id: &str,
    codes: &[String],
) -> Result<Vec<ChallengeRecord>, HallError> {
    let mut found: Vec<ChallengeRecord> = all(conn, id)?
        .into_iter()
        .filter(|c| codes.contains(&c.credit_code))
        .collect();
    found.sort_by(|a, b| (a.submitted_at, &a.id).cmp(&(b.submitted_at, &b.id)));
    Ok(found)
}

/// Reads challenge `challenge` of project `id`.
///
/// # Errors
/// [`HallError::ChallengeNotFound`] or [`HallError::Db`].
pub(crate) fn one(
    conn: &Connection,
    id: &str,
    challenge: &str,
) -> Result<ChallengeRecord, HallError> {
    conn.query_row(
        &format!(
            "SELECT {CHALLENGE_COLUMNS} FROM hall_challenges WHERE project_id = ?1 AND id = ?2"
        ),
        params![id, challenge],
        |row| challenge_from_row(id, row),
    )
    .optional()?
    .ok_or_else(|| HallError::ChallengeNotFound {
        id: id.to_owned(),
        challenge: challenge.to_owned(),
    })
}

/// Finds attachment `index` (from 1) of challenge `challenge`: its record
/// and its file.
///
/// # Errors
/// [`HallError::ChallengeNotFound`] also for an index out of range.
pub(crate) fn attachment(
    conn: &Connection,
    state: &AppState,
    id: &str,
    challenge: &str,
    index: usize,
) -> Result<(ChallengeAttachment, PathBuf), HallError> {
    let record = one(conn, id, challenge)?;
    let found = index
        .checked_sub(1)
        .and_then(|i| record.attachments.get(i))
        .cloned()
        .ok_or_else(|| HallError::ChallengeNotFound {
            id: id.to_owned(),
            challenge: format!("{challenge}/{index}"),
        })?;
    let file = attachment_file(&folder(state, challenge), index, &found);
    Ok((found, file))
}

/// Records the agent's answer to `challenge` and the event that names it,
/// in one transaction; an answer is given once.
///
/// # Errors
/// [`HallError::InvalidProject`] for an empty or too long answer,
/// [`HallError::ChallengeNotFound`], [`HallError::ChallengeAnswered`],
/// [`HallError::Db`].
pub(crate) fn answer(
    conn: &mut Connection,
    id: &str,
    challenge: &str,
    text: &str,
    now: i64,
) -> Result<HallEvent, HallError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_ANSWER_CHARS {
        return Err(HallError::InvalidProject {
            field: "answer",
            reason: format!("1 to {MAX_ANSWER_CHARS} characters"),
        });
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let record = one(&tx, id, challenge)?;
    if record.answer.is_some() {
        return Err(HallError::ChallengeAnswered {
            challenge: challenge.to_owned(),
        });
    }
    tx.execute(
        "UPDATE hall_challenges SET answer = ?3, answered_at = ?4
         WHERE project_id = ?1 AND id = ?2 AND answer IS NULL",
        params![id, challenge, text, now],
    )?;
    let event = store::append(
        &tx,
        id,
        &HallEventKind::ChallengeAnswered {
            challenge_id: challenge.to_owned(),
        },
        now,
    )?;
    tx.commit()?;
    tracing::info!(project = %id, challenge, "challenge answered");
    Ok(event)
}

/// A challenge that passed the rules: the trimmed text, each attachment's
/// record and its content, in order.
struct Checked {
    text: String,
    attachments: Vec<ChallengeAttachment>,
    contents: Vec<Vec<u8>>,
}

/// Decodes the attachments of `body` and checks the challenge.
fn checked(body: &ChallengeRequest) -> Result<Checked, ChallengeError> {
    let mut contents = Vec::with_capacity(body.attachments.len());
    for upload in &body.attachments {
        let content =
            STANDARD
                .decode(&upload.content)
                .map_err(|_| ChallengeError::AttachmentEncoding {
                    name: upload.name.clone(),
                })?;
        contents.push(content);
    }
    let pairs: Vec<(&str, &[u8])> = body
        .attachments
        .iter()
        .zip(&contents)
        .map(|(upload, content)| (upload.name.as_str(), content.as_slice()))
        .collect();
    let (text, attachments) = check_challenge(&body.text, &pairs)?;
    Ok(Checked {
        text,
        attachments,
        contents,
    })
}

/// `POST .../projects/{id}/challenges`.
pub(super) async fn submit(
    State(state): State<AppState>,
    session: BoundSession,
    Path(id): Path<String>,
    Json(body): Json<ChallengeRequest>,
) -> Result<Json<ChallengeRecord>, Failure> {
    let result = submit_inner(&state, session, &id, body).await;
    let record = logged(&id, "challenge", result)?;
    tracing::info!(
        project = %id,
        challenge = %record.id,
        attachments = record.attachments.len(),
        "challenge submitted"
    );
    Ok(Json(record))
}

async fn submit_inner(
    state: &AppState,
    session: BoundSession,
    id: &str,
    body: ChallengeRequest,
) -> Result<ChallengeRecord, HallError> {
    let session_hash = session.token_hash;
    let project = bidder_project(state, session, id).await?;
    if project.phase == Phase::Closed {
        return Err(HallError::ProjectClosed { id: id.to_owned() });
    }
    let Checked {
        text,
        attachments,
        contents,
    } = checked(&body)?;

    let now = state.clock.now();
    let ca = state.ca.clone();
    let platform = state.public_base.clone();
    let project_id = id.to_owned();
    let proof = body.proof.clone();
    let payload = challenge_payload(&text, &attachments);
    let signer = state
        .db
        .call(move |conn| {
            let judge = Judge {
                root: ca.certificate(),
                platform: &platform,
                now,
            };
            proof::verify(conn, &project_id, &session_hash, &proof, &payload, &judge)
        })
        .await?;

    let mut raw = [0_u8; 16];
    OsRng.fill_bytes(&mut raw);
    let challenge = hex::encode(raw);
    let dir = folder(state, &challenge);
    let files = attachments.clone();
    let written = dir.clone();
    tokio::task::spawn_blocking(move || write_attachments(&written, &files, &contents))
        .await
        .map_err(|e| HallError::Db(crate::db::DbError::Task(e.to_string())))??;

    let record = ChallengeRecord {
        id: challenge,
        project_id: id.to_owned(),
        company: signer.company.clone(),
        credit_code: signer.credit_code.clone(),
        text,
        attachments,
        certificate_serial: signer.cert.serial_hex(),
        signed_at: body.proof.signed_at,
        submitted_at: now,
        answer: None,
    };
    let row = record.clone();
    let fingerprint = signer.cert.fingerprint;
    let inserted = state
        .db
        .call(move |conn| {
            conn.execute(
                "INSERT INTO hall_challenges (id, project_id, credit_code, company, fingerprint,
                     cert_serial, text, attachments, signed_at, submitted_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    row.id,
                    row.project_id,
                    row.credit_code,
                    row.company,
                    fingerprint,
                    row.certificate_serial,
                    row.text,
                    serde_json::to_string(&row.attachments)?,
                    row.signed_at,
                    row.submitted_at
                ],
            )?;
            Ok::<_, HallError>(())
        })
        .await;
    if let Err(err) = inserted {
        let _ = std::fs::remove_dir_all(&dir);
        return Err(err);
    }
    Ok(record)
}

/// Writes each attachment into `dir`.
fn write_attachments(
    dir: &FsPath,
    attachments: &[ChallengeAttachment],
    contents: &[Vec<u8>],
) -> Result<(), HallError> {
    std::fs::create_dir_all(dir).map_err(file_error(dir))?;
    for (index, (attachment, content)) in attachments.iter().zip(contents).enumerate() {
        write_atomic(&attachment_file(dir, index + 1, attachment), content)?;
    }
    Ok(())
}

/// `GET .../projects/{id}/challenges`: the session company's challenges.
pub(super) async fn list(
    State(state): State<AppState>,
    session: BoundSession,
    Path(id): Path<String>,
) -> Result<Json<ChallengeList>, Failure> {
    let phone = session.info.phone.clone();
    let result = bidder_project(&state, session, &id).await;
    logged(&id, "challenges", result)?;
    let project_id = id.clone();
    let result = state
        .db
        .call(move |conn| {
            let codes = store::phone_credit_codes(conn, &phone)?;
            of_companies(conn, &project_id, &codes)
        })
        .await;
    Ok(Json(ChallengeList {
        challenges: logged(&id, "challenges", result)?,
    }))
}
