//! The bid-opening hall (掌上开标): the platform side of
//! `palmbid_core::api::hall`, whose module doc is the specification
//! (endpoints, who is a bidder, the resume rule).
//!
//! - [`store`]: projects, sections, bidders and the event log on the
//!   database; phase changes and their events in one transaction;
//! - `phone`: the phone's endpoints, the event stream included;
//! - `proof`: one-use action nonces and the check of signed actions;
//! - `sign_in`: sign-in and its receipt PDF (`receipt`);
//! - `bids`: bid upload from the toolbox, the phone's bid list, the
//!   decryption check receipt and the decryption by a released key;
//! - [`details`]: the project details the agent enters and the phone reads;
//! - `quotes`: quote reading and the signed quote confirmation;
//! - `challenges`: signed challenges with attachments and their answers;
//! - the agent's console page is `web::hall`.
//! - [`rounds`]: multi-round quotes of the evaluation phase;
//! - [`draws`]: the coefficient draw, commit-reveal with core's `draw`;
//! - the agent's console page is `web::hall`, the experts' is
//!   `web::hall_experts`.
//!
//! Choices:
//! - A bidder is matched by the credit codes of the certificates the
//!   platform issued to the session's phone number (issued, not revoked,
//!   company in the entity registry). NOTE: the platform does not know
//!   which certificate is installed on the phone now; a phone number that
//!   picked up certificates of two companies bids for both.
//! - Sign-in is recorded lazily, when a read finds the server clock past
//!   one hour before the opening; an event stream reads once a second and
//!   on every change ([`AppState::hall_changes`]), so it sees sign-in
//!   begin within a second.
//! - An event stream ends after the closed phase's event.
//! - Each project has an opening key pair made at creation (a P-256 key
//!   and a key-agreement certificate from the platform CA). Bidders
//!   release their content keys to it at the decryption. NOTE: its
//!   private key is stored as PKCS#8 PEM in the database, not encrypted
//!   at rest, like the CA root key in the data folder; the platform has
//!   no secret store yet.
//!
//! [`AppState::hall_changes`]: crate::AppState::hall_changes

mod bids;
pub(crate) mod challenges;
pub mod details;
pub(crate) mod draws;
mod error;
mod phone;
mod proof;
pub(crate) mod quotes;
mod receipt;
pub(crate) mod rounds;
mod sign_in;
pub mod store;

pub(crate) use bids::all_bids;
pub(crate) use sign_in::record as sign_in_record;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use palmbid_core::api::hall::challenges::MAX_CHALLENGE_REQUEST_BYTES;
use palmbid_core::api::paths;

pub use bids::ReleaseLocks;
pub use error::HallError;

use crate::AppState;

/// The hall's routes for the phone.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::HALL_PROJECTS, get(phone::list))
        .route("/api/v1/hall/projects/{id}", get(phone::project))
        .route("/api/v1/hall/projects/{id}/events", get(phone::events))
        .route("/api/v1/hall/projects/{id}/nonce", post(sign_in::nonce))
        .route("/api/v1/hall/projects/{id}/sign-in", post(sign_in::sign_in))
        .route(
            "/api/v1/hall/projects/{id}/sign-in/receipt",
            get(sign_in::receipt),
        )
        .route(
            "/api/v1/hall/projects/{id}/bids",
            get(bids::list)
                .post(bids::upload)
                .layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/api/v1/hall/projects/{id}/bids/{bid}/check",
            post(bids::check),
        )
        .route(
            "/api/v1/hall/projects/{id}/bids/{bid}/release",
            post(bids::release),
        )
        .merge(quote_routes())
        .merge(evaluation_routes())
}

/// Routes of quote reading, confirmation, project details and challenges.
fn quote_routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/hall/projects/{id}/details", get(details::details))
        .route("/api/v1/hall/projects/{id}/quotes", get(quotes::quotes))
        .route(
            "/api/v1/hall/projects/{id}/bids/{bid}/confirm",
            post(quotes::confirm),
        )
        .route(
            "/api/v1/hall/projects/{id}/challenges",
            get(challenges::list)
                .post(challenges::submit)
                .layer(DefaultBodyLimit::max(MAX_CHALLENGE_REQUEST_BYTES)),
        )
}

/// The phone's routes of the evaluation phase: quote rounds and draws.
fn evaluation_routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/hall/projects/{id}/rounds", get(rounds::rounds))
        .route(
            "/api/v1/hall/projects/{id}/rounds/quote",
            post(rounds::quote),
        )
        .route("/api/v1/hall/projects/{id}/draws", get(draws::draws))
        .route(
            "/api/v1/hall/projects/{id}/draws/{draw}/contribute",
            post(draws::contribute),
        )
}

/// Wakes every hall event stream: some project changed.
pub(crate) fn notify(state: &AppState) {
    state.hall_changes.send_modify(|n| *n = n.wrapping_add(1));
}
