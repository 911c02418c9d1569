//! The desktop's side: create a request, follow it as server-sent events,
//! send a seal request's prepared digest, fetch the accepted answer.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use palmbid_core::api::paths::DESKTOP_AUTH_SCHEME;
use palmbid_core::api::qr::{
    CreateQrRequest, CreatedQrRequest, DesktopEvent, QrAnswer, QrKind, QrState, Requester,
    RequesterKind, SigningDigest, is_request_id,
};
use tokio::sync::mpsc;

use super::store::{self, Created, NewRequest, QrRecord};
use super::{DESKTOP_COOKIE, QrError, TOOLBOX_NAME, cookie, frame};
use crate::AppState;
use crate::error::Failure;

/// `POST /api/v1/qr/requests`: the toolbox asks. No login: the request's
/// capability is the desktop token in the answer.
pub(super) async fn create(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    body: Result<Json<CreateQrRequest>, JsonRejection>,
) -> Result<Json<CreatedQrRequest>, Failure> {
    let Json(body) = body?;
    if let Err(err) = store::validate(&body) {
        tracing::info!(code = palmbid_core::error::Localized::code(&err), %err, "qr request rejected");
        return Err(err.into());
    }

    let new = NewRequest {
        kind: body.kind,
        requester: Requester {
            kind: RequesterKind::Toolbox,
            name: TOOLBOX_NAME.to_owned(),
            machine: body.machine,
            address: peer.ip().to_string(),
        },
        document: body.document,
        recipient_key: body.recipient_key,
        envelope_header: body.envelope_header,
    };
    let created = insert(&state, new).await?;
    Ok(Json(answer_of(&created)))
}

/// Stores a new request at the server clock.
async fn insert(state: &AppState, new: NewRequest) -> Result<Created, Failure> {
    let now = state.clock.now();
    let result = state
        .db
        .call(move |conn| store::create(conn, new, now))
        .await;
    if let Err(err) = &result {
        tracing::info!(
            code = palmbid_core::error::Localized::code(err),
            "qr request rejected"
        );
    }
    Ok(result?)
}

fn answer_of(created: &Created) -> CreatedQrRequest {
    let record = &created.record;
    CreatedQrRequest {
        id: record.id.clone(),
        desktop_token: created.desktop_token.to_string(),
        match_number: record.match_number,
        created_at: record.created_at,
        scan_by: record.scan_by(),
        answer_by: record.answer_by(),
    }
}

/// Creates the login request of a portal page: requester kind portal,
/// `machine` the browser as its User-Agent names it, `address` the peer.
pub(crate) async fn new_portal_login(
    state: &AppState,
    portal_name: &str,
    machine: String,
    address: String,
) -> Result<Created, Failure> {
    let new = NewRequest {
        kind: QrKind::Login,
        requester: Requester {
            kind: RequesterKind::Portal,
            name: portal_name.to_owned(),
            machine,
            address,
        },
        document: None,
        recipient_key: None,
        envelope_header: None,
    };
    insert(state, new).await
}

/// Loads request `id` at the server clock and checks the desktop's token:
/// `Authorization: Desktop {token}`, or for portal requests the
/// [`DESKTOP_COOKIE`].
///
/// # Errors
/// `qr.not_found`, `qr.desktop_unauthorized`.
pub(crate) async fn desktop_record(
    state: &AppState,
    id: String,
    headers: &HeaderMap,
) -> Result<QrRecord, Failure> {
    if !is_request_id(&id) {
        return Err(QrError::NotFound.into());
    }
    let now = state.clock.now();
    let record = state
        .db
        .call(move |conn| store::load(conn, &id, now))
        .await?;

    let from_header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix(DESKTOP_AUTH_SCHEME))
        .and_then(|v| v.strip_prefix(' '));
    let from_cookie = match record.requester.kind {
        RequesterKind::Portal => cookie(headers, DESKTOP_COOKIE),
        RequesterKind::Toolbox => None,
    };
    let authorized = from_header
        .into_iter()
        .chain(from_cookie)
        .any(|token| record.desktop_token_is(token));
    if !authorized {
        tracing::info!(request = %record.id, code = "qr.desktop_unauthorized", "qr desktop call rejected");
        return Err(QrError::DesktopUnauthorized.into());
    }
    Ok(record)
}

/// `GET /api/v1/qr/requests/{id}/answer`: the accepted answer.
pub(super) async fn answer(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Json<QrAnswer>, Failure> {
    let record = desktop_record(&state, id, &headers).await?;
    Ok(Json(record.accepted_answer()?))
}

/// `POST /api/v1/qr/requests/{id}/digest`: a seal request's digest of the
/// revision prepared with the phone's chosen seal.
pub(super) async fn digest(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<Json<SigningDigest>, JsonRejection>,
) -> Result<Json<serde_json::Value>, Failure> {
    let Json(digest) = body?;
    let record = desktop_record(&state, id, &headers).await?;
    let request_id = record.id.clone();
    let result = state
        .db
        .call(move |conn| store::set_digest(conn, &record, &digest))
        .await;
    if let Err(err) = &result {
        tracing::info!(request = %request_id, code = palmbid_core::error::Localized::code(err),
            "qr digest rejected");
    }
    result?;
    super::notify(&state);
    Ok(Json(serde_json::json!({})))
}

/// `GET /api/v1/qr/requests/{id}/events`: the request as server-sent
/// events ([`DesktopEvent`]): a frame each second until a final state, a
/// `seal_chosen` on every seal choice and a state event on every change
/// (a request past waiting sends its state first; after `Last-Event-ID`,
/// only what is newer). The stream ends after a final state.
pub(super) async fn events(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Failure> {
    let record = desktop_record(&state, id, &headers).await?;
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(Position::parse)
        .unwrap_or(Position::START);

    let (sender, mut receiver) = mpsc::channel(8);
    tokio::spawn(follow(state, record.id, resume, sender));
    let stream = futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx));
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// How far a desktop's stream went, the id of its last event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Position {
    /// Rank of the last state sent: waiting 1, scanned 2, matched 3,
    /// final 4.
    state: u8,
    /// Seal choices sent.
    seals: i64,
    /// The last frame's second, when a frame was sent.
    t: Option<i64>,
}

impl Position {
    /// Where a new stream starts: every request begins waiting, so that
    /// state is not sent; a request that went further sends its state
    /// first.
    const START: Position = Position {
        state: 1,
        seals: 0,
        t: None,
    };

    fn rank(state: QrState) -> u8 {
        match state {
            QrState::Waiting => 1,
            QrState::Scanned => 2,
            QrState::Matched => 3,
            QrState::Answered | QrState::Cancelled | QrState::Expired => 4,
        }
    }

    fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split('-');
        let state = parts.next()?.parse().ok()?;
        let seals = parts.next()?.parse().ok()?;
        let t = parts.next()?.parse().ok();
        Some(Position { state, seals, t })
    }

    fn id(self) -> String {
        format!(
            "{}-{}-{}",
            self.state,
            self.seals,
            self.t.map_or_else(String::new, |t| t.to_string())
        )
    }
}

/// Feeds one event stream from `position` until the request is final or
/// the desktop leaves. Wakes at each second of the server clock (for the
/// frame and lazy expiry) and on every change of any request.
async fn follow(
    state: AppState,
    id: String,
    mut position: Position,
    sender: mpsc::Sender<Result<Event, Infallible>>,
) {
    let mut changes = state.qr_changes.subscribe();
    let send = async |event: DesktopEvent, position: Position| {
        let Ok(sse) = Event::default()
            .event(event.name())
            .id(position.id())
            .json_data(&event)
        else {
            return false;
        };
        sender.send(Ok(sse)).await.is_ok()
    };

    loop {
        let now = state.clock.now();
        let load_id = id.clone();
        let record = match state
            .db
            .call(move |conn| store::load(conn, &load_id, now))
            .await
        {
            Ok(record) => record,
            Err(err) => {
                tracing::warn!(request = %id, %err, "qr event stream stopped");
                return;
            }
        };

        // A seal choice comes before the answer that uses it.
        if record.seal_count > position.seals
            && let Some(choice) = &record.seal_choice
        {
            position.seals = record.seal_count;
            let event = DesktopEvent::SealChosen {
                seal: choice.seal,
                seal_png: choice.seal_png.clone(),
                signer_name: choice.signer_name.clone(),
            };
            if !send(event, position).await {
                return;
            }
        }
        let rank = Position::rank(record.state);
        if rank > position.state {
            position.state = rank;
            let event = DesktopEvent::State {
                state: record.state,
                reason: record.reason.clone(),
                reason_zh: record.reason_zh.clone(),
            };
            if !send(event, position).await {
                return;
            }
        }
        // Frames go on after the scan: the phone that owns the request
        // scans a fresh one again after a wrong PIN.
        if !record.state.is_final() {
            let t = now - record.created_at;
            if position.t != Some(t) {
                position.t = Some(t);
                let url = frame::frame_url(&state.public_base, &record.frame_key, &record.id, t);
                if !send(DesktopEvent::Frame { url, t }, position).await {
                    return;
                }
            }
        }
        if record.state.is_final() {
            return;
        }

        let to_next_second = 1000 - state.clock.now_ms().rem_euclid(1000);
        let pause = Duration::from_millis(u64::try_from(to_next_second).unwrap_or(1000) + 5);
        tokio::select! {
            () = tokio::time::sleep(pause) => {}
            () = sender.closed() => return,
            changed = changes.changed() => if changed.is_err() { return; },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_ids_round_trip_and_reject_garbage() {
        let full = Position {
            state: 2,
            seals: 3,
            t: Some(14),
        };
        let no_frame = Position {
            state: 4,
            seals: 0,
            t: None,
        };

        assert_eq!(full.id(), "2-3-14");
        assert_eq!(Position::parse(&full.id()), Some(full));
        assert_eq!(Position::parse(&no_frame.id()), Some(no_frame));
        assert_eq!(Position::parse("7"), None);
        assert_eq!(Position::parse("a-1-2"), None);
        assert!(Position::rank(QrState::Waiting) < Position::rank(QrState::Scanned));
        assert_eq!(
            Position::rank(QrState::Answered),
            Position::rank(QrState::Expired)
        );
    }
}
