//! Action nonces, sign-in (签到) and the sign-in receipt (签到凭证).
//!
//! Sign-in is accepted in `[opening_at - SIGN_IN_BEFORE_SECS, opening_at)`
//! by the server clock while the phase is sign-in. The record and its
//! progress event are written in one transaction; a second sign-in of the
//! same company returns the first record.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use palmbid_core::api::hall::{
    ActionPayload, HallEventKind, HallNonce, Phase, SIGN_IN_BEFORE_SECS, SignInRecord,
    SignInRequest,
};
use rand_core::{OsRng, RngCore};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::phone::{bidder_project, logged};
use super::store::{self, Project};
use super::{HallError, notify, proof, receipt};
use crate::AppState;
use crate::accounts::BoundSession;
use crate::error::Failure;
use crate::qr::verify::Judge;

/// `POST .../projects/{id}/nonce`.
pub(super) async fn nonce(
    State(state): State<AppState>,
    session: BoundSession,
    Path(id): Path<String>,
) -> Result<Json<HallNonce>, Failure> {
    let session_hash = session.token_hash;
    let result = bidder_project(&state, session, &id).await;
    logged(&id, "nonce", result)?;
    let now = state.clock.now();
    let project_id = id.clone();
    let result = state
        .db
        .call(move |conn| proof::issue_nonce(conn, &project_id, &session_hash, now))
        .await;
    Ok(Json(logged(&id, "nonce", result)?))
}

/// Checks the sign-in window of `project` at `now`.
fn check_window(project: &Project, now: i64) -> Result<(), HallError> {
    let opens = project.opening_at - SIGN_IN_BEFORE_SECS;
    if now < opens || project.phase == Phase::NotOpen {
        return Err(HallError::SignInNotOpen {
            id: project.id.clone(),
            opens,
            now,
        });
    }
    if now >= project.opening_at || project.phase != Phase::SignIn {
        return Err(HallError::SignInClosed {
            id: project.id.clone(),
            opens,
            closes: project.opening_at,
            phase: project.phase,
        });
    }
    Ok(())
}

/// Returns the sign-in of `credit_code` in project `id`, if any.
pub(crate) fn record(
    conn: &Connection,
    id: &str,
    credit_code: &str,
) -> Result<Option<SignInRecord>, HallError> {
    Ok(conn
        .query_row(
            "SELECT company, cert_serial, signed_at, signed_in_at, receipt_id
             FROM hall_sign_ins WHERE project_id = ?1 AND credit_code = ?2",
            params![id, credit_code],
            |row| {
                Ok(SignInRecord {
                    project_id: id.to_owned(),
                    company: row.get(0)?,
                    credit_code: credit_code.to_owned(),
                    certificate_serial: row.get(1)?,
                    signed_at: row.get(2)?,
                    signed_in_at: row.get(3)?,
                    receipt_id: row.get(4)?,
                })
            },
        )
        .optional()?)
}

/// Counts the progress of project `id` now: bidders, signed in,
/// decrypted, confirmed.
pub(crate) fn progress(conn: &Connection, id: &str) -> Result<HallEventKind, HallError> {
    let count =
        |sql: &str| -> Result<u32, HallError> { Ok(conn.query_row(sql, [id], |row| row.get(0))?) };
    Ok(HallEventKind::Progress {
        bidders: count(
            "SELECT count(DISTINCT credit_code) FROM hall_bidders WHERE project_id = ?1",
        )?,
        signed_in: count("SELECT count(*) FROM hall_sign_ins WHERE project_id = ?1")?,
        decrypted: count(
            "SELECT count(DISTINCT credit_code) FROM hall_bids
             WHERE project_id = ?1 AND quote IS NOT NULL",
        )?,
        confirmed: count(
            "SELECT count(DISTINCT credit_code) FROM hall_confirmations WHERE project_id = ?1",
        )?,
    })
}

/// `POST .../projects/{id}/sign-in`.
pub(super) async fn sign_in(
    State(state): State<AppState>,
    session: BoundSession,
    Path(id): Path<String>,
    Json(body): Json<SignInRequest>,
) -> Result<Json<SignInRecord>, Failure> {
    let session_hash = session.token_hash;
    let result = bidder_project(&state, session, &id).await;
    let project = logged(&id, "sign_in", result)?;
    let now = state.clock.now();
    logged(&id, "sign_in", check_window(&project, now))?;

    let ca = state.ca.clone();
    let platform = state.public_base.clone();
    let project_id = id.clone();
    let result = state
        .db
        .call(move |conn| {
            let judge = Judge {
                root: ca.certificate(),
                platform: &platform,
                now,
            };
            let signer = proof::verify(
                conn,
                &project_id,
                &session_hash,
                &body.proof,
                &ActionPayload::SignIn,
                &judge,
            )?;
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            if let Some(first) = record(&tx, &project_id, &signer.credit_code)? {
                return Ok((first, false));
            }
            let mut bytes = [0_u8; 8];
            OsRng.fill_bytes(&mut bytes);
            let receipt_id = format!("QD-{}", hex::encode_upper(bytes));
            tx.execute(
                "INSERT INTO hall_sign_ins (project_id, credit_code, company, fingerprint,
                     cert_serial, signed_at, signed_in_at, receipt_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    project_id,
                    signer.credit_code,
                    signer.company,
                    signer.cert.fingerprint,
                    signer.cert.serial_hex(),
                    body.proof.signed_at,
                    now,
                    receipt_id
                ],
            )?;
            let progress = progress(&tx, &project_id)?;
            store::append(&tx, &project_id, &progress, now)?;
            let first = record(&tx, &project_id, &signer.credit_code)?.ok_or_else(|| {
                HallError::Db(crate::db::DbError::Task("sign-in not recorded".to_owned()))
            })?;
            tx.commit()?;
            Ok((first, true))
        })
        .await;
    let (record, new) = logged(&id, "sign_in", result)?;
    if new {
        notify(&state);
        tracing::info!(project = %id, company = %record.credit_code, "bidder signed in");
    }
    Ok(Json(record))
}

/// `GET .../projects/{id}/sign-in/receipt`: the receipt PDF of the
/// session company's sign-in.
pub(super) async fn receipt(
    State(state): State<AppState>,
    session: BoundSession,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    let phone = session.info.phone.clone();
    let result = bidder_project(&state, session, &id).await;
    let project = logged(&id, "receipt", result)?;
    let project_id = id.clone();
    let result = state
        .db
        .call(move |conn| {
            for code in store::phone_credit_codes(conn, &phone)? {
                if let Some(found) = record(conn, &project_id, &code)? {
                    let section: Option<String> = conn
                        .query_row(
                            "SELECT s.name FROM hall_bidders b JOIN hall_sections s
                               ON s.project_id = b.project_id AND s.position = b.section
                             WHERE b.project_id = ?1 AND b.credit_code = ?2
                             ORDER BY b.section LIMIT 1",
                            params![project_id, code],
                            |row| row.get(0),
                        )
                        .optional()?;
                    return Ok((found, section.unwrap_or_default()));
                }
            }
            Err(HallError::NotSignedIn {
                id: project_id,
                credit_code: "-".to_owned(),
            })
        })
        .await;
    let (record, section) = logged(&id, "receipt", result)?;
    let Some(font) = state.seal_font.clone() else {
        tracing::error!(project = %id, "no CJK font for the sign-in receipt");
        return Err(Failure::internal(&"no CJK font loaded"));
    };
    let pdf =
        tokio::task::spawn_blocking(move || receipt::render(&font, &project, &section, &record))
            .await
            .map_err(|e| Failure::internal(&e))?
            .map_err(|e| Failure::internal(&e))?;
    tracing::info!(project = %id, bytes = pdf.len(), "sign-in receipt sent");
    Ok(([(header::CONTENT_TYPE, "application/pdf")], pdf).into_response())
}
