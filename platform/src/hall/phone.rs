//! The phone's hall endpoints: its projects, one project, and the
//! project's event stream. Every call needs the bearer session, and a
//! project only opens to its bidders.

use std::convert::Infallible;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use futures_util::Stream;
use palmbid_core::api::hall::{Phase, ProjectList, ProjectSummary};
use palmbid_core::error::Localized;
use tokio::sync::mpsc;

use super::store::{self, Project};
use super::{HallError, notify};
use crate::AppState;
use crate::accounts::BoundSession;
use crate::error::Failure;

/// How often a stream reads the log without being woken, so that sign-in
/// by the clock shows within this time.
const POLL: Duration = Duration::from_secs(1);

pub(super) fn summary(project: Project) -> ProjectSummary {
    ProjectSummary {
        id: project.id,
        name: project.name,
        sections: project.sections,
        opening_at: project.opening_at,
        phase: project.phase,
        opening_certificate: STANDARD.encode(&project.opening_cert),
    }
}

/// Logs a refusal with the project and code, then passes it on.
pub(super) fn logged<T>(
    id: &str,
    action: &'static str,
    result: Result<T, HallError>,
) -> Result<T, Failure> {
    if let Err(err) = &result {
        tracing::info!(project = %id, action, code = err.code(), "hall call rejected");
    }
    result.map_err(Failure::from)
}

/// The project `id` when the session's phone bids in it.
pub(super) async fn bidder_project(
    state: &AppState,
    session: BoundSession,
    id: &str,
) -> Result<Project, HallError> {
    let now = state.clock.now();
    let project_id = id.to_owned();
    let (project, changed) = state
        .db
        .call(move |conn| {
            let changed = store::settle(conn, &project_id, now)?;
            let project = store::load(conn, &project_id, now)?;
            let codes = store::phone_credit_codes(conn, &session.info.phone)?;
            if !store::is_bidder(conn, &project_id, &codes)? {
                return Err(HallError::NotABidder { id: project_id });
            }
            Ok((project, changed))
        })
        .await?;
    if changed {
        notify(state);
    }
    Ok(project)
}

/// `GET /api/v1/hall/projects`.
pub(super) async fn list(
    State(state): State<AppState>,
    session: BoundSession,
) -> Result<Json<ProjectList>, Failure> {
    let now = state.clock.now();
    let result = state
        .db
        .call(move |conn| {
            let codes = store::phone_credit_codes(conn, &session.info.phone)?;
            let mut projects = store::projects_of(conn, &codes)?
                .iter()
                .map(|id| store::load(conn, id, now))
                .collect::<Result<Vec<_>, HallError>>()?;
            projects.sort_by(|a, b| (a.opening_at, &a.id).cmp(&(b.opening_at, &b.id)));
            Ok(projects)
        })
        .await;
    let projects = logged("-", "list", result)?;
    Ok(Json(ProjectList {
        projects: projects.into_iter().map(summary).collect(),
    }))
}

/// `GET /api/v1/hall/projects/{id}`.
pub(super) async fn project(
    State(state): State<AppState>,
    session: BoundSession,
    Path(id): Path<String>,
) -> Result<Json<ProjectSummary>, Failure> {
    let result = bidder_project(&state, session, &id).await;
    Ok(Json(summary(logged(&id, "project", result)?)))
}

/// `GET /api/v1/hall/projects/{id}/events`: the event log after
/// `Last-Event-ID` (from the start without one), then live events; ends
/// after the closed phase.
pub(super) async fn events(
    State(state): State<AppState>,
    session: BoundSession,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Failure> {
    let result = bidder_project(&state, session, &id).await;
    logged(&id, "events", result)?;
    let after = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(0);
    tracing::info!(project = %id, after, "hall event stream opened");

    let (sender, mut receiver) = mpsc::channel(16);
    tokio::spawn(follow(state, id, after, sender));
    let stream = futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx));
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// Sends the events after `after`, then each new one, until the project
/// closes or the client goes away.
async fn follow(
    state: AppState,
    id: String,
    mut after: u64,
    sender: mpsc::Sender<Result<Event, Infallible>>,
) {
    let mut changes = state.hall_changes.subscribe();
    loop {
        let now = state.clock.now();
        let project_id = id.clone();
        let result = state
            .db
            .call(move |conn| {
                let changed = store::settle(conn, &project_id, now)?;
                let deadline_passed = super::rounds::settle(conn, &project_id, now)?;
                let changed = changed || deadline_passed;
                let events = store::events_after(conn, &project_id, after)?;
                let phase = store::load(conn, &project_id, now)?.phase;
                Ok::<_, HallError>((changed, events, phase))
            })
            .await;
        let (events, phase) = match result {
            Ok((changed, events, phase)) => {
                if changed {
                    notify(&state);
                }
                (events, phase)
            }
            Err(err) => {
                tracing::error!(project = %id, %err, "hall event stream stopped");
                return;
            }
        };

        for event in events {
            after = event.seq;
            let data = match serde_json::to_string(&event) {
                Ok(data) => data,
                Err(err) => {
                    tracing::error!(project = %id, %err, "hall event does not serialize");
                    return;
                }
            };
            let sse = Event::default()
                .event(event.kind.name())
                .id(event.seq.to_string())
                .data(data);
            if sender.send(Ok(sse)).await.is_err() {
                return;
            }
        }
        // Read in the same call as the events: once closed, the log is
        // complete and every event of it was sent.
        if phase == Phase::Closed {
            tracing::info!(project = %id, "hall event stream ended: closed");
            return;
        }

        tokio::select! {
            () = tokio::time::sleep(POLL) => {}
            () = sender.closed() => return,
            woken = changes.changed() => if woken.is_err() { return },
        }
    }
}
