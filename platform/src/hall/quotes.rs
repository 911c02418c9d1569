//! Quote reading (唱标) and quote confirmation (确认报价): the phone's
//! quote table and its signed confirmation of its own quote. The
//! specification is `palmbid_core::api::hall::quotes`.

use axum::Json;
use axum::extract::{Path, State};
use palmbid_core::api::hall::quotes::{ConfirmRequest, QuoteConfirmation, QuoteEntry, QuoteTable};
use palmbid_core::api::hall::{ActionPayload, Phase};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::phone::{bidder_project, logged};
use super::sign_in::progress;
use super::store;
use super::{HallError, notify, proof};
use crate::AppState;
use crate::accounts::BoundSession;
use crate::error::Failure;
use crate::qr::verify::Judge;

/// Reads the quote table of project `id` in `phase`: every bidder of every
/// section with its bid, amount and, from the confirmation on, whether it
/// confirmed.
pub(crate) fn table(conn: &Connection, id: &str, phase: Phase) -> Result<QuoteTable, HallError> {
    let confirming = phase >= Phase::QuoteConfirmation;
    let quotes = conn
        .prepare(
            "SELECT b.section, s.name, b.company, b.credit_code, h.id, h.quote, c.confirmed_at
             FROM hall_bidders b
             JOIN hall_sections s ON s.project_id = b.project_id AND s.position = b.section
             LEFT JOIN hall_bids h ON h.project_id = b.project_id AND h.section = b.section
                                  AND h.credit_code = b.credit_code
             LEFT JOIN hall_confirmations c ON c.bid_id = h.id
             WHERE b.project_id = ?1 ORDER BY b.section, b.company, b.credit_code",
        )?
        .query_map([id], |row| {
            let amount: Option<String> = row.get(5)?;
            let confirmed_at: Option<i64> = row.get(6)?;
            Ok(QuoteEntry {
                section: row.get(0)?,
                section_name: row.get(1)?,
                company: row.get(2)?,
                credit_code: row.get(3)?,
                bid_id: row.get(4)?,
                decrypted: amount.is_some(),
                amount,
                confirmed: confirming.then_some(confirmed_at.is_some()),
                confirmed_at,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(QuoteTable {
        project_id: id.to_owned(),
        phase,
        quotes,
    })
}

/// Reads every confirmation of project `id`, by time.
pub(crate) fn confirmations(
    conn: &Connection,
    id: &str,
) -> Result<Vec<QuoteConfirmation>, HallError> {
    let rows = conn
        .prepare(
            "SELECT bid_id, section, company, credit_code, amount, cert_serial, signed_at,
                    confirmed_at
             FROM hall_confirmations WHERE project_id = ?1 ORDER BY confirmed_at, bid_id",
        )?
        .query_map([id], |row| confirmation_from_row(id, row))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

fn confirmation_from_row(id: &str, row: &rusqlite::Row<'_>) -> rusqlite::Result<QuoteConfirmation> {
    Ok(QuoteConfirmation {
        project_id: id.to_owned(),
        bid_id: row.get(0)?,
        section: row.get(1)?,
        company: row.get(2)?,
        credit_code: row.get(3)?,
        amount: row.get(4)?,
        certificate_serial: row.get(5)?,
        signed_at: row.get(6)?,
        confirmed_at: row.get(7)?,
    })
}

fn confirmation_of(
    conn: &Connection,
    id: &str,
    bid: &str,
) -> Result<Option<QuoteConfirmation>, HallError> {
    Ok(conn
        .query_row(
            "SELECT bid_id, section, company, credit_code, amount, cert_serial, signed_at,
                    confirmed_at
             FROM hall_confirmations WHERE project_id = ?1 AND bid_id = ?2",
            params![id, bid],
            |row| confirmation_from_row(id, row),
        )
        .optional()?)
}

/// `GET .../projects/{id}/quotes`.
pub(super) async fn quotes(
    State(state): State<AppState>,
    session: BoundSession,
    Path(id): Path<String>,
) -> Result<Json<QuoteTable>, Failure> {
    let result = bidder_project(&state, session, &id)
        .await
        .and_then(|project| {
            if project.phase < Phase::QuoteReading {
                return Err(HallError::QuotesSealed {
                    id: project.id,
                    phase: project.phase,
                });
            }
            Ok(project)
        });
    let project = logged(&id, "quotes", result)?;
    let project_id = id.clone();
    let result = state
        .db
        .call(move |conn| table(conn, &project_id, project.phase))
        .await;
    Ok(Json(logged(&id, "quotes", result)?))
}

/// `POST .../projects/{id}/bids/{bid}/confirm`.
pub(super) async fn confirm(
    State(state): State<AppState>,
    session: BoundSession,
    Path((id, bid)): Path<(String, String)>,
    Json(body): Json<ConfirmRequest>,
) -> Result<Json<QuoteConfirmation>, Failure> {
    let session_hash = session.token_hash;
    let result = bidder_project(&state, session, &id)
        .await
        .and_then(|project| {
            if project.phase != Phase::QuoteConfirmation {
                return Err(HallError::WrongPhase {
                    id: project.id,
                    phase: project.phase,
                    needed: Phase::QuoteConfirmation,
                });
            }
            Ok(project)
        });
    logged(&id, "confirm", result)?;

    let now = state.clock.now();
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
            let payload = ActionPayload::ConfirmQuote {
                bid_id: bid.clone(),
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
            record(conn, &project_id, &bid, &body, &signer, now)
        })
        .await;
    let (confirmation, new) = logged(&id, "confirm", result)?;
    if new {
        notify(&state);
        tracing::info!(project = %id, bid = %confirmation.bid_id, "quote confirmed");
    }
    Ok(Json(confirmation))
}

/// Checks the bid against the signer and the amount, then records the
/// confirmation and its progress event in one transaction; returns the
/// first record and whether this call made it.
fn record(
    conn: &mut Connection,
    id: &str,
    bid: &str,
    body: &ConfirmRequest,
    signer: &proof::Signer,
    now: i64,
) -> Result<(QuoteConfirmation, bool), HallError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let stored: Option<(u32, String, Option<String>)> = tx
        .query_row(
            "SELECT section, credit_code, quote FROM hall_bids WHERE id = ?1 AND project_id = ?2",
            params![bid, id],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    let Some((section, owner, quote)) = stored else {
        return Err(HallError::BidNotFound {
            id: id.to_owned(),
            bid: bid.to_owned(),
        });
    };
    if owner != signer.credit_code {
        return Err(HallError::NotYourBid {
            bid: bid.to_owned(),
        });
    }
    let mismatch = |reason: String| HallError::AmountMismatch {
        bid: bid.to_owned(),
        reason,
    };
    let Some(quote) = quote else {
        return Err(mismatch("the bid was never decrypted".to_owned()));
    };
    if quote != body.amount {
        return Err(mismatch(format!(
            "the amount confirmed, {}, is not the recorded {quote}",
            body.amount
        )));
    }
    if let Some(first) = confirmation_of(&tx, id, bid)? {
        return Ok((first, false));
    }

    tx.execute(
        "INSERT INTO hall_confirmations (bid_id, project_id, section, credit_code, company,
             amount, fingerprint, cert_serial, signed_at, confirmed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            bid,
            id,
            section,
            signer.credit_code,
            signer.company,
            quote,
            signer.cert.fingerprint,
            signer.cert.serial_hex(),
            body.proof.signed_at,
            now
        ],
    )?;
    let progress = progress(&tx, id)?;
    store::append(&tx, id, &progress, now)?;
    let first = confirmation_of(&tx, id, bid)?.ok_or_else(|| {
        HallError::Db(crate::db::DbError::Task(
            "confirmation not recorded".to_owned(),
        ))
    })?;
    tx.commit()?;
    Ok((first, true))
}
