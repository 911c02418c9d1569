//! The phone's side: scan, match, answer, cancel. Every call needs the
//! bearer session; scanning also needs an approved identity verification
//! (as pickup does), and the later calls the session that scanned.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use std::time::Duration;

use palmbid_core::api::qr::{
    DIGEST_WAIT_SECS, MatchRequest, QrAnswer, QrKind, QrRequestView, QrState, ScanRequest,
    SealChoice, SigningDigest, is_request_id,
};
use palmbid_core::pki::CertInfo;

use super::verify::{Judge, verify_answer};
use super::{QrError, notify, store};
use crate::AppState;
use crate::accounts::BoundSession;
use crate::accounts::identity::require_approved;
use crate::error::Failure;

fn checked_id(id: &str) -> Result<(), Failure> {
    if is_request_id(id) {
        Ok(())
    } else {
        Err(QrError::NotFound.into())
    }
}

/// Logs a refusal with the request id and code, then passes it on.
fn logged<T>(id: &str, action: &'static str, result: Result<T, Failure>) -> Result<T, Failure> {
    if let Err(failure) = &result {
        tracing::info!(request = %id, action, code = failure.body.code.as_str(), "qr phone call rejected");
    }
    result
}

/// `POST /api/v1/qr/{id}/scan`.
pub(super) async fn scan(
    State(state): State<AppState>,
    session: BoundSession,
    Path(id): Path<String>,
    body: Result<Json<ScanRequest>, JsonRejection>,
) -> Result<Json<QrRequestView>, Failure> {
    checked_id(&id)?;
    let Json(frame) = body?;
    let now = state.clock.now();
    let request_id = id.clone();
    let result = state
        .db
        .call(move |conn| {
            require_approved(conn, &session.info.phone).map_err(Failure::from)?;
            store::scan(
                conn,
                &request_id,
                &frame,
                &session.token_hash,
                &session.info.phone,
                now,
            )
            .map_err(Failure::from)
        })
        .await;
    notify(&state);
    Ok(Json(logged(&id, "scan", result)?))
}

/// `POST /api/v1/qr/{id}/match`.
pub(super) async fn choose_number(
    State(state): State<AppState>,
    session: BoundSession,
    Path(id): Path<String>,
    body: Result<Json<MatchRequest>, JsonRejection>,
) -> Result<Json<serde_json::Value>, Failure> {
    checked_id(&id)?;
    let Json(choice) = body?;
    let now = state.clock.now();
    let request_id = id.clone();
    let result = state
        .db
        .call(move |conn| {
            store::choose_number(conn, &request_id, choice.number, &session.token_hash, now)
                .map_err(Failure::from)
        })
        .await;
    notify(&state);
    logged(&id, "match", result)?;
    Ok(Json(serde_json::json!({})))
}

/// `POST /api/v1/qr/{id}/seal`: the seal picked on the phone; the desktop
/// receives it as a `seal_chosen` event.
pub(super) async fn choose_seal(
    State(state): State<AppState>,
    session: BoundSession,
    Path(id): Path<String>,
    body: Result<Json<SealChoice>, JsonRejection>,
) -> Result<Json<serde_json::Value>, Failure> {
    checked_id(&id)?;
    let Json(choice) = body?;
    let now = state.clock.now();
    let request_id = id.clone();
    let result = state
        .db
        .call(move |conn| {
            store::choose_seal(conn, &request_id, &choice, &session.token_hash, now)
                .map_err(Failure::from)
        })
        .await;
    notify(&state);
    logged(&id, "seal", result)?;
    Ok(Json(serde_json::json!({})))
}

/// `GET /api/v1/qr/{id}/digest`: the digest the desktop prepared with the
/// chosen seal. Waits for it up to `DIGEST_WAIT_SECS`, woken by every
/// change, then answers `qr.digest_pending`.
pub(super) async fn digest(
    State(state): State<AppState>,
    session: BoundSession,
    Path(id): Path<String>,
) -> Result<Json<SigningDigest>, Failure> {
    checked_id(&id)?;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(DIGEST_WAIT_SECS);
    let mut changes = state.qr_changes.subscribe();
    loop {
        let now = state.clock.now();
        let request_id = id.clone();
        let result = state
            .db
            .call(move |conn| {
                let record = store::load(conn, &request_id, now)?;
                record.check_owner(&session.token_hash)?;
                record.current_digest().cloned()
            })
            .await;
        match result {
            Err(QrError::DigestPending) if tokio::time::Instant::now() < deadline => {}
            other => return Ok(Json(logged(&id, "digest", other.map_err(Failure::from))?)),
        }

        tokio::select! {
            () = tokio::time::sleep_until(deadline) => {}
            woken = changes.changed() => if woken.is_err() {
                return Err(Failure::internal(&"the QR change channel closed"));
            },
        }
    }
}

/// `POST /api/v1/qr/{id}/answer`.
pub(super) async fn answer(
    State(state): State<AppState>,
    session: BoundSession,
    Path(id): Path<String>,
    body: Result<Json<QrAnswer>, JsonRejection>,
) -> Result<Json<serde_json::Value>, Failure> {
    checked_id(&id)?;
    let Json(answer) = body?;
    let now = state.clock.now();
    let root: CertInfo = state.ca.certificate().clone();
    let platform = state.public_base.to_string();
    let request_id = id.clone();
    let result = state
        .db
        .call(move |conn| {
            let record = store::load(conn, &request_id, now)?;
            record.check_owner(&session.token_hash)?;
            if record.kind == QrKind::Login && record.state != QrState::Matched {
                return Err(QrError::NotMatched);
            }
            let judge = Judge {
                root: &root,
                platform: &platform,
                now,
            };
            verify_answer(conn, &record, &answer, &judge)?;
            store::accept(conn, &record, &answer, now)
        })
        .await
        .map_err(Failure::from);
    notify(&state);
    logged(&id, "answer", result)?;
    Ok(Json(serde_json::json!({})))
}

/// `POST /api/v1/qr/{id}/cancel`.
pub(super) async fn cancel(
    State(state): State<AppState>,
    session: BoundSession,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, Failure> {
    checked_id(&id)?;
    let now = state.clock.now();
    let request_id = id.clone();
    let result = state
        .db
        .call(move |conn| {
            store::cancel(conn, &request_id, &session.token_hash, now).map_err(Failure::from)
        })
        .await;
    notify(&state);
    logged(&id, "cancel", result)?;
    Ok(Json(serde_json::json!({})))
}
