//! What every request goes through: a request id, a log line with the
//! outcome, the server clock in the answer, and JSON for unknown paths.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use palmbid_core::api::{REQUEST_ID_HEADER, SERVER_TIME_HEADER};
use rand_core::{OsRng, RngCore};
use tracing::Instrument;

use crate::AppState;
use crate::error::Failure;

/// Gives the request an id, logs its outcome and stamps the answer with
/// the id and the server time.
///
/// The log names the route template (`/q/{id}`), never the concrete path,
/// so ids that act as capabilities do not reach the log.
pub(crate) async fn observe(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let id = request_id();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "(unmatched)".to_owned(), |p| p.as_str().to_owned());
    let span = tracing::info_span!("request", id = %id, %method, %route);
    let started = Instant::now();

    let mut response = next.run(request).instrument(span.clone()).await;

    let status = response.status().as_u16();
    let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    span.in_scope(|| tracing::info!(status, elapsed_ms, "request done"));

    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&id) {
        headers.insert(REQUEST_ID_HEADER, value);
    }
    headers.insert(SERVER_TIME_HEADER, HeaderValue::from(state.clock.now_ms()));
    response
}

/// Answer for paths no route matches.
pub(crate) async fn not_found() -> Failure {
    Failure::not_found()
}

/// 64 random bits, hex: unique enough to find one request in the logs.
fn request_id() -> String {
    let mut bytes = [0_u8; 8];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}
