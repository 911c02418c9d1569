//! Multi-round quotes (多轮报价) of the evaluation phase: the experts open
//! and close rounds on their console, bidders quote by signed action.
//!
//! Rules (the specification is `palmbid_core::api::hall`):
//! - rounds count from 1 in each section, one open at a time; opening,
//!   closing and a deadline passing are events in the project's log,
//!   written in the same transaction as the change;
//! - a round past its deadline is closed lazily by [`settle`], which every
//!   read of rounds and the event stream call first, at the deadline's
//!   time;
//! - a quote needs phase evaluation, a signed-in bidder of the section and
//!   an open round; a second quote of the company in the same round
//!   replaces the first;
//! - in an open round a phone sees only its company's quote; every quote
//!   shows once the round closed.

use axum::Json;
use axum::extract::{Path, State};
use palmbid_core::api::hall::{
    ActionPayload, HallEventKind, Phase, RoundList, RoundQuote, RoundQuoteRequest, RoundState,
    RoundView, is_amount,
};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use super::phone::{bidder_project, logged};
use super::store::{self, Project};
use super::{HallError, notify, proof};
use crate::AppState;
use crate::accounts::BoundSession;
use crate::error::Failure;
use crate::qr::verify::Judge;
use crate::web::form_field;

/// Closes every open round of project `id` whose deadline is at or before
/// `now`, with its event; returns whether one closed.
///
/// # Errors
/// [`HallError::Db`].
pub(crate) fn settle(conn: &mut Connection, id: &str, now: i64) -> Result<bool, HallError> {
    // Event streams call this every second, so the common case (nothing
    // due) reads without taking the write lock.
    if due_rounds(conn, id, now)?.is_empty() {
        return Ok(false);
    }

    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let due = due_rounds(&tx, id, now)?;
    for (section, round, deadline) in &due {
        close_round(&tx, id, *section, *round, *deadline, now)?;
        tracing::info!(project = %id, section, round, "hall round closed by its deadline");
    }
    tx.commit()?;
    Ok(!due.is_empty())
}

/// Lists the open rounds of project `id` whose deadline is at or before
/// `now`: section, round and deadline.
fn due_rounds(conn: &Connection, id: &str, now: i64) -> Result<Vec<(u32, u32, i64)>, HallError> {
    let due = conn
        .prepare(
            "SELECT section, round, deadline FROM hall_rounds
             WHERE project_id = ?1 AND closed_at IS NULL AND deadline <= ?2
             ORDER BY deadline, section",
        )?
        .query_map(params![id, now], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?
        .collect::<Result<_, _>>()?;
    Ok(due)
}

/// Returns the open round of `section`, if any.
fn open_round(conn: &Connection, id: &str, section: u32) -> Result<Option<u32>, HallError> {
    Ok(conn
        .query_row(
            "SELECT round FROM hall_rounds
             WHERE project_id = ?1 AND section = ?2 AND closed_at IS NULL",
            params![id, section],
            |row| row.get(0),
        )
        .optional()?)
}

/// Marks a round closed at `closed_at` and records the event at `now`.
fn close_round(
    tx: &Transaction<'_>,
    id: &str,
    section: u32,
    round: u32,
    closed_at: i64,
    now: i64,
) -> Result<(), HallError> {
    tx.execute(
        "UPDATE hall_rounds SET closed_at = ?4
         WHERE project_id = ?1 AND section = ?2 AND round = ?3 AND closed_at IS NULL",
        params![id, section, round, closed_at],
    )?;
    let quotes: u32 = tx.query_row(
        "SELECT count(*) FROM hall_round_quotes
         WHERE project_id = ?1 AND section = ?2 AND round = ?3",
        params![id, section, round],
        |row| row.get(0),
    )?;
    store::append(
        tx,
        id,
        &HallEventKind::RoundClosed {
            section,
            round,
            quotes,
        },
        now,
    )?;
    Ok(())
}

/// Opens the next round of `section` in project `id`, with an optional
/// deadline (Unix seconds, server clock, after `now`); returns its number.
///
/// # Errors
/// [`HallError::WrongPhase`] outside evaluation,
/// [`HallError::InvalidProject`] for an unknown section or a deadline not
/// after `now`, [`HallError::RoundStillOpen`], [`HallError::Db`].
pub(crate) fn open(
    conn: &mut Connection,
    id: &str,
    section: u32,
    deadline: Option<i64>,
    now: i64,
) -> Result<u32, HallError> {
    let project = store::load(conn, id, now)?;
    needs_evaluation(&project)?;
    settle(conn, id, now)?;
    if section == 0 || section as usize > project.sections.len() {
        return Err(HallError::InvalidProject {
            field: "section",
            reason: format!("a section from 1 to {}", project.sections.len()),
        });
    }
    if deadline.is_some_and(|at| at <= now) {
        return Err(HallError::InvalidProject {
            field: "deadline",
            reason: "a deadline after the server's now".to_owned(),
        });
    }

    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if let Some(round) = open_round(&tx, id, section)? {
        return Err(HallError::RoundStillOpen {
            id: id.to_owned(),
            section,
            round,
        });
    }
    let round: u32 = tx.query_row(
        "SELECT coalesce(max(round), 0) + 1 FROM hall_rounds
         WHERE project_id = ?1 AND section = ?2",
        params![id, section],
        |row| row.get(0),
    )?;
    tx.execute(
        "INSERT INTO hall_rounds (project_id, section, round, opened_at, deadline)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, section, round, now, deadline],
    )?;
    store::append(
        &tx,
        id,
        &HallEventKind::RoundOpened {
            section,
            round,
            deadline,
        },
        now,
    )?;
    tx.commit()?;
    tracing::info!(project = %id, section, round, "hall round opened");
    Ok(round)
}

/// Closes the open round of `section` in project `id`; returns its number.
///
/// # Errors
/// [`HallError::NoRoundOpen`] (round 0) when none is open, [`HallError::Db`].
pub(crate) fn close(
    conn: &mut Connection,
    id: &str,
    section: u32,
    now: i64,
) -> Result<u32, HallError> {
    store::load(conn, id, now)?;
    settle(conn, id, now)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Some(round) = open_round(&tx, id, section)? else {
        return Err(HallError::NoRoundOpen {
            id: id.to_owned(),
            section,
            round: 0,
        });
    };
    close_round(&tx, id, section, round, now, now)?;
    tx.commit()?;
    tracing::info!(project = %id, section, round, "hall round closed by the experts");
    Ok(round)
}

fn needs_evaluation(project: &Project) -> Result<(), HallError> {
    if project.phase == Phase::Evaluation {
        Ok(())
    } else {
        Err(HallError::WrongPhase {
            id: project.id.clone(),
            phase: project.phase,
            needed: Phase::Evaluation,
        })
    }
}

/// Lists every round of project `id` with its quotes: in an open round only
/// those of `visible` (credit codes), all of them in a closed one; `None`
/// shows every quote (the experts' console).
///
/// # Errors
/// [`HallError::Db`].
pub(crate) fn list(
    conn: &Connection,
    id: &str,
    visible: Option<&[String]>,
) -> Result<Vec<RoundView>, HallError> {
    let mut rounds: Vec<RoundView> = conn
        .prepare(
            "SELECT section, round, opened_at, deadline, closed_at FROM hall_rounds
             WHERE project_id = ?1 ORDER BY section, round",
        )?
        .query_map([id], |row| {
            let closed_at: Option<i64> = row.get(4)?;
            Ok(RoundView {
                section: row.get(0)?,
                round: row.get(1)?,
                state: if closed_at.is_some() {
                    RoundState::Closed
                } else {
                    RoundState::Open
                },
                opened_at: row.get(2)?,
                deadline: row.get(3)?,
                closed_at,
                quotes: Vec::new(),
            })
        })?
        .collect::<Result<_, _>>()?;

    let mut statement = conn.prepare(
        "SELECT credit_code, company, amount, submitted_at FROM hall_round_quotes
         WHERE project_id = ?1 AND section = ?2 AND round = ?3 ORDER BY company, credit_code",
    )?;
    for view in &mut rounds {
        let shown = |code: &String| {
            view.state == RoundState::Closed || visible.is_none_or(|codes| codes.contains(code))
        };
        view.quotes = statement
            .query_map(params![id, view.section, view.round], |row| {
                Ok(RoundQuote {
                    credit_code: row.get(0)?,
                    company: row.get(1)?,
                    amount: row.get(2)?,
                    submitted_at: row.get(3)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter(|quote| shown(&quote.credit_code))
            .collect();
    }
    Ok(rounds)
}

/// `GET .../projects/{id}/rounds`.
pub(super) async fn rounds(
    State(state): State<AppState>,
    session: BoundSession,
    Path(id): Path<String>,
) -> Result<Json<RoundList>, Failure> {
    let phone = session.info.phone.clone();
    let result = bidder_project(&state, session, &id).await;
    logged(&id, "rounds", result)?;
    let now = state.clock.now();
    let project_id = id.clone();
    let result = state
        .db
        .call(move |conn| {
            let closed = settle(conn, &project_id, now)?;
            let codes = store::phone_credit_codes(conn, &phone)?;
            Ok((list(conn, &project_id, Some(&codes))?, closed))
        })
        .await;
    let (rounds, closed) = logged(&id, "rounds", result)?;
    if closed {
        notify(&state);
    }
    Ok(Json(RoundList { rounds }))
}

/// `POST .../projects/{id}/rounds/quote`.
pub(super) async fn quote(
    State(state): State<AppState>,
    session: BoundSession,
    Path(id): Path<String>,
    Json(body): Json<RoundQuoteRequest>,
) -> Result<Json<RoundQuote>, Failure> {
    let session_hash = session.token_hash;
    let result = bidder_project(&state, session, &id).await;
    let project = logged(&id, "round_quote", result)?;
    logged(&id, "round_quote", needs_evaluation(&project))?;
    if !is_amount(&body.amount) {
        let amount = form_field(&body.amount);
        return Err(logged(
            &id,
            "round_quote",
            Err(HallError::InvalidAmount { amount }),
        )?);
    }

    let (section, round) = (body.section, body.round);
    let now = state.clock.now();
    let ca = state.ca.clone();
    let platform = state.public_base.clone();
    let project_id = id.clone();
    let result = state
        .db
        .call(move |conn| {
            let closed = settle(conn, &project_id, now)?;
            let judge = Judge {
                root: ca.certificate(),
                platform: &platform,
                now,
            };
            let payload = ActionPayload::RoundQuote {
                section: body.section,
                round: body.round,
                amount: body.amount.clone(),
            };
            let signer = proof::verify(
                conn,
                &project_id,
                &session_hash,
                &body.proof,
                &payload,
                &judge,
            )?;
            let quote = record_quote(conn, &project_id, &body, &signer, now)?;
            Ok((quote, closed))
        })
        .await;
    let (quote, closed) = logged(&id, "round_quote", result)?;
    if closed {
        notify(&state);
    }
    // The company only: the amount stays out of the log.
    tracing::info!(project = %id, section, round, company = %quote.credit_code, "hall round quote recorded");
    Ok(Json(quote))
}

/// Checks the signer and the round, then records or replaces the quote.
fn record_quote(
    conn: &mut Connection,
    id: &str,
    body: &RoundQuoteRequest,
    signer: &proof::Signer,
    now: i64,
) -> Result<RoundQuote, HallError> {
    let (section, round) = (body.section, body.round);
    let bids_in_section: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM hall_bidders WHERE project_id = ?1 AND section = ?2 AND credit_code = ?3",
            params![id, section, signer.credit_code],
            |row| row.get(0),
        )
        .optional()?;
    if bids_in_section.is_none() {
        return Err(HallError::NotASectionBidder {
            id: id.to_owned(),
            section,
        });
    }
    if super::sign_in_record(conn, id, &signer.credit_code)?.is_none() {
        return Err(HallError::NotSignedIn {
            id: id.to_owned(),
            credit_code: signer.credit_code.clone(),
        });
    }

    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let closed_at: Option<Option<i64>> = tx
        .query_row(
            "SELECT closed_at FROM hall_rounds WHERE project_id = ?1 AND section = ?2 AND round = ?3",
            params![id, section, round],
            |row| row.get(0),
        )
        .optional()?;
    match closed_at {
        None => {
            return Err(HallError::NoRoundOpen {
                id: id.to_owned(),
                section,
                round,
            });
        }
        Some(Some(closed_at)) => {
            return Err(HallError::RoundClosed {
                id: id.to_owned(),
                section,
                round,
                closed_at,
            });
        }
        Some(None) => {}
    }
    tx.execute(
        "INSERT INTO hall_round_quotes (project_id, section, round, credit_code, company, amount,
             cert_serial, signed_at, submitted_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (project_id, section, round, credit_code) DO UPDATE SET
             amount = excluded.amount, cert_serial = excluded.cert_serial,
             signed_at = excluded.signed_at, submitted_at = excluded.submitted_at",
        params![
            id,
            section,
            round,
            signer.credit_code,
            signer.company,
            body.amount,
            signer.cert.serial_hex(),
            body.proof.signed_at,
            now
        ],
    )?;
    tx.commit()?;
    Ok(RoundQuote {
        credit_code: signer.credit_code.clone(),
        company: signer.company.clone(),
        amount: body.amount.clone(),
        submitted_at: now,
    })
}
