//! The coefficient draw (抽系数) of the evaluation phase, as a commit-reveal
//! protocol with `palmbid_core::hall::draw` on both sides.
//!
//! - The experts start a draw with a candidate list; the platform makes a
//!   32-byte seed, stores it, and records the commitment
//!   (`draw::commit`) in a [`HallEventKind::DrawOpened`] event in the same
//!   transaction, so the commitment is public before any contribution.
//! - Each signed-in bidder contributes 32 random bytes once, signed; the
//!   same value again is an idempotent retry, another value is refused.
//! - The experts close the draw; the platform derives the index
//!   (`draw::derive_index`) over the seed and every contribution, and
//!   records it with a [`HallEventKind::DrawRevealed`] event. The seed and
//!   all contributions are published from then on, so each phone runs
//!   `draw::verify`.
//!
//! The draw's id in the protocol is its number in decimal; a bidder's id
//! is its company's credit code.

use axum::Json;
use axum::extract::{Path, State};
use palmbid_core::api::hall::{
    ActionPayload, ContributeRequest, DrawList, DrawView, HallEventKind, MAX_CANDIDATE_CHARS,
    MAX_DRAW_CANDIDATES, Phase, RoundState,
};
use palmbid_core::hall::draw::{self, Contribution, DrawCommitment};
use rand_core::{OsRng, RngCore};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use zeroize::Zeroizing;

use super::phone::{bidder_project, logged};
use super::store;
use super::{HallError, proof};
use crate::AppState;
use crate::accounts::BoundSession;
use crate::error::Failure;
use crate::qr::verify::Judge;

/// Splits a candidate list as the experts type it (commas, Chinese commas
/// or white space between candidates) and checks it: 1 to
/// [`MAX_DRAW_CANDIDATES`] distinct candidates of 1 to
/// [`MAX_CANDIDATE_CHARS`] printable characters.
///
/// # Errors
/// [`HallError::InvalidDraw`] naming the fault.
pub(crate) fn parse_candidates(text: &str) -> Result<Vec<String>, HallError> {
    let invalid = |reason: String| HallError::InvalidDraw {
        field: "candidates",
        reason,
    };
    let candidates: Vec<String> = text
        .split(|c: char| c == ',' || c == '，' || c.is_whitespace())
        .filter(|part| !part.is_empty())
        .map(str::to_owned)
        .collect();
    if candidates.is_empty() || candidates.len() > MAX_DRAW_CANDIDATES {
        return Err(invalid(format!(
            "1 to {MAX_DRAW_CANDIDATES} candidates, such as 0.95,0.96,0.97"
        )));
    }
    for (position, candidate) in candidates.iter().enumerate() {
        if candidate.chars().count() > MAX_CANDIDATE_CHARS
            || candidate.chars().any(char::is_control)
        {
            return Err(invalid(format!(
                "candidate {} is not 1 to {MAX_CANDIDATE_CHARS} printable characters",
                position + 1
            )));
        }
        if candidates[..position].contains(candidate) {
            return Err(invalid(format!("{candidate} is listed twice")));
        }
    }
    Ok(candidates)
}

/// Returns the open draw of project `id`, if any.
fn open_draw(conn: &Connection, id: &str) -> Result<Option<u32>, HallError> {
    Ok(conn
        .query_row(
            "SELECT draw FROM hall_draws WHERE project_id = ?1 AND closed_at IS NULL",
            [id],
            |row| row.get(0),
        )
        .optional()?)
}

/// Starts the next draw of project `id` over `candidates`: makes the seed
/// and publishes the commitment; returns the draw's number.
///
/// # Errors
/// [`HallError::WrongPhase`] outside evaluation,
/// [`HallError::DrawStillOpen`], [`HallError::Db`].
pub(crate) fn open(
    conn: &mut Connection,
    id: &str,
    candidates: &[String],
    now: i64,
) -> Result<u32, HallError> {
    let project = store::load(conn, id, now)?;
    if project.phase != Phase::Evaluation {
        return Err(HallError::WrongPhase {
            id: id.to_owned(),
            phase: project.phase,
            needed: Phase::Evaluation,
        });
    }

    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if let Some(draw) = open_draw(&tx, id)? {
        return Err(HallError::DrawStillOpen {
            id: id.to_owned(),
            draw,
        });
    }
    let number: u32 = tx.query_row(
        "SELECT coalesce(max(draw), 0) + 1 FROM hall_draws WHERE project_id = ?1",
        [id],
        |row| row.get(0),
    )?;
    let mut seed = Zeroizing::new([0_u8; 32]);
    OsRng.fill_bytes(seed.as_mut());
    let commitment = draw::commit(id, &number.to_string(), candidates, &seed);
    tx.execute(
        "INSERT INTO hall_draws (project_id, draw, candidates, seed, commitment, opened_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            id,
            number,
            serde_json::to_string(candidates)?,
            seed.as_slice(),
            serde_json::to_string(&commitment)?,
            now
        ],
    )?;
    store::append(
        &tx,
        id,
        &HallEventKind::DrawOpened {
            draw: number,
            candidates: candidates.to_vec(),
            commitment,
        },
        now,
    )?;
    tx.commit()?;
    tracing::info!(project = %id, draw = number, candidates = candidates.len(), "hall draw opened");
    Ok(number)
}

/// Closes the open draw of project `id`: derives the index over the seed
/// and every contribution and announces it; returns the draw's number
/// and the index.
///
/// # Errors
/// [`HallError::DrawNotFound`] (draw 0) when none is open;
/// [`HallError::Db`], also for the negligible failure of the derivation.
pub(crate) fn close(conn: &mut Connection, id: &str, now: i64) -> Result<(u32, u32), HallError> {
    store::load(conn, id, now)?;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let Some(number) = open_draw(&tx, id)? else {
        return Err(HallError::DrawNotFound {
            id: id.to_owned(),
            draw: 0,
        });
    };

    let stored = load(&tx, id, number)?;
    let contributions = contributions(&tx, id, number)?;
    let index = draw::derive_index(
        id,
        &number.to_string(),
        &stored.seed,
        &contributions,
        stored.candidates.len(),
    )
    .map_err(|e| HallError::Db(crate::db::DbError::Task(format!("draw {number}: {e}"))))?;
    let index = u32::try_from(index)
        .map_err(|_| HallError::Db(crate::db::DbError::Task("draw index".to_owned())))?;
    let coefficient = stored
        .candidates
        .get(index as usize)
        .cloned()
        .unwrap_or_default();

    tx.execute(
        "UPDATE hall_draws SET closed_at = ?3, result = ?4 WHERE project_id = ?1 AND draw = ?2",
        params![id, number, now, index],
    )?;
    store::append(
        &tx,
        id,
        &HallEventKind::DrawRevealed {
            draw: number,
            index,
            coefficient,
        },
        now,
    )?;
    tx.commit()?;
    tracing::info!(
        project = %id,
        draw = number,
        contributions = contributions.len(),
        index,
        "hall draw revealed"
    );
    Ok((number, index))
}

/// A draw as stored.
struct StoredDraw {
    candidates: Vec<String>,
    seed: Zeroizing<[u8; 32]>,
    commitment: DrawCommitment,
    opened_at: i64,
    closed_at: Option<i64>,
    result: Option<u32>,
}

fn load(conn: &Connection, id: &str, number: u32) -> Result<StoredDraw, HallError> {
    let row = conn
        .query_row(
            "SELECT candidates, seed, commitment, opened_at, closed_at, result FROM hall_draws
             WHERE project_id = ?1 AND draw = ?2",
            params![id, number],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    Zeroizing::new(row.get::<_, Vec<u8>>(1)?),
                    row.get::<_, String>(2)?,
                    row.get::<_, i64>(3)?,
                    row.get::<_, Option<i64>>(4)?,
                    row.get::<_, Option<u32>>(5)?,
                ))
            },
        )
        .optional()?;
    let Some((candidates, seed_bytes, commitment, opened_at, closed_at, result)) = row else {
        return Err(HallError::DrawNotFound {
            id: id.to_owned(),
            draw: number,
        });
    };
    let mut seed = Zeroizing::new([0_u8; 32]);
    if seed_bytes.len() != 32 {
        return Err(HallError::Db(crate::db::DbError::Task(format!(
            "the seed of draw {number} is not 32 bytes"
        ))));
    }
    seed.copy_from_slice(&seed_bytes);
    Ok(StoredDraw {
        candidates: serde_json::from_str(&candidates)?,
        seed,
        commitment: serde_json::from_str(&commitment)?,
        opened_at,
        closed_at,
        result,
    })
}

/// Lists every contribution to draw `number`, by credit code.
fn contributions(conn: &Connection, id: &str, number: u32) -> Result<Vec<Contribution>, HallError> {
    let rows: Vec<(String, String)> = conn
        .prepare(
            "SELECT credit_code, value FROM hall_draw_contributions
             WHERE project_id = ?1 AND draw = ?2 ORDER BY credit_code",
        )?
        .query_map(params![id, number], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(|(bidder_id, value)| {
            let mut bytes = [0_u8; 32];
            hex::decode_to_slice(&value, &mut bytes).map_err(|_| {
                HallError::Db(crate::db::DbError::Task(format!(
                    "a contribution to draw {number} is not 32 bytes of hex"
                )))
            })?;
            Ok(Contribution {
                bidder_id,
                value: bytes,
            })
        })
        .collect()
}

/// Lists every draw of project `id`: while open, only the contributions of
/// `visible` (credit codes) and no seed; once closed, everything. `None`
/// shows every contribution (the experts' console), never an open seed.
///
/// # Errors
/// [`HallError::Db`].
pub(crate) fn list(
    conn: &Connection,
    id: &str,
    visible: Option<&[String]>,
) -> Result<Vec<DrawView>, HallError> {
    let numbers: Vec<u32> = conn
        .prepare("SELECT draw FROM hall_draws WHERE project_id = ?1 ORDER BY draw")?
        .query_map([id], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    numbers
        .into_iter()
        .map(|number| {
            let stored = load(conn, id, number)?;
            let closed = stored.closed_at.is_some();
            let contributions = contributions(conn, id, number)?
                .into_iter()
                .filter(|c| closed || visible.is_none_or(|codes| codes.contains(&c.bidder_id)))
                .collect();
            Ok(DrawView {
                draw: number,
                state: if closed {
                    RoundState::Closed
                } else {
                    RoundState::Open
                },
                candidates: stored.candidates,
                commitment: stored.commitment,
                opened_at: stored.opened_at,
                closed_at: stored.closed_at,
                contributions,
                seed: closed.then(|| hex::encode(stored.seed.as_slice())),
                index: stored.result,
            })
        })
        .collect()
}

/// `GET .../projects/{id}/draws`.
pub(super) async fn draws(
    State(state): State<AppState>,
    session: BoundSession,
    Path(id): Path<String>,
) -> Result<Json<DrawList>, Failure> {
    let phone = session.info.phone.clone();
    let result = bidder_project(&state, session, &id).await;
    logged(&id, "draws", result)?;
    let project_id = id.clone();
    let result = state
        .db
        .call(move |conn| {
            let codes = store::phone_credit_codes(conn, &phone)?;
            list(conn, &project_id, Some(&codes))
        })
        .await;
    Ok(Json(DrawList {
        draws: logged(&id, "draws", result)?,
    }))
}

/// `POST .../projects/{id}/draws/{draw}/contribute`.
pub(super) async fn contribute(
    State(state): State<AppState>,
    session: BoundSession,
    Path((id, number)): Path<(String, u32)>,
    Json(body): Json<ContributeRequest>,
) -> Result<Json<DrawView>, Failure> {
    let session_hash = session.token_hash;
    let result = bidder_project(&state, session, &id).await;
    let project = logged(&id, "contribute", result)?;
    if project.phase != Phase::Evaluation {
        let wrong = HallError::WrongPhase {
            id: id.clone(),
            phase: project.phase,
            needed: Phase::Evaluation,
        };
        return Err(logged(&id, "contribute", Err(wrong))?);
    }
    let mut value = [0_u8; 32];
    if body.value.len() != 64 || hex::decode_to_slice(&body.value, &mut value).is_err() {
        let invalid = HallError::InvalidDraw {
            field: "value",
            reason: "32 bytes as 64 hex digits".to_owned(),
        };
        return Err(logged(&id, "contribute", Err(invalid))?);
    }

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
            let payload = ActionPayload::DrawContribution {
                draw: number,
                value: body.value.clone(),
            };
            let signer = proof::verify(
                conn,
                &project_id,
                &session_hash,
                &body.proof,
                &payload,
                &judge,
            )?;
            record(
                conn,
                &project_id,
                number,
                &value,
                &signer,
                body.proof.signed_at,
                now,
            )?;
            let own = [signer.credit_code.clone()];
            list(conn, &project_id, Some(&own))?
                .into_iter()
                .find(|view| view.draw == number)
                .ok_or(HallError::DrawNotFound {
                    id: project_id,
                    draw: number,
                })
        })
        .await;
    let view = logged(&id, "contribute", result)?;
    tracing::info!(project = %id, draw = number, "hall draw contribution recorded");
    Ok(Json(view))
}

/// Checks the signer and the draw, then records the contribution once.
fn record(
    conn: &mut Connection,
    id: &str,
    number: u32,
    value: &[u8; 32],
    signer: &proof::Signer,
    signed_at: i64,
    now: i64,
) -> Result<(), HallError> {
    if super::sign_in_record(conn, id, &signer.credit_code)?.is_none() {
        return Err(HallError::NotSignedIn {
            id: id.to_owned(),
            credit_code: signer.credit_code.clone(),
        });
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if load(&tx, id, number)?.closed_at.is_some() {
        return Err(HallError::DrawClosed {
            id: id.to_owned(),
            draw: number,
        });
    }
    let value = hex::encode(value);
    let earlier: Option<String> = tx
        .query_row(
            "SELECT value FROM hall_draw_contributions
             WHERE project_id = ?1 AND draw = ?2 AND credit_code = ?3",
            params![id, number, signer.credit_code],
            |row| row.get(0),
        )
        .optional()?;
    match earlier {
        Some(earlier) if earlier == value => return Ok(()),
        Some(_) => return Err(HallError::AlreadyContributed { draw: number }),
        None => {}
    }
    tx.execute(
        "INSERT INTO hall_draw_contributions (project_id, draw, credit_code, value, cert_serial,
             signed_at, contributed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            id,
            number,
            signer.credit_code,
            value,
            signer.cert.serial_hex(),
            signed_at,
            now
        ],
    )?;
    tx.commit()?;
    Ok(())
}
