//! Electronic bid guarantees (电子保函): the platform side of
//! `palmbid_core::api::guarantee`, whose module doc is the specification
//! (endpoints, statement, callbacks).
//!
//! - [`store`]: guarantee codes, the institution catalogue and states on
//!   the database, built on the hall's projects, sections and bidders; a
//!   project requires a guarantee when its `requires_guarantee` flag is
//!   set (console page `web::guarantee`);
//! - `phone`: the phone's endpoints;
//! - `callback`: the institutions' callback, checked and recorded;
//! - [`dev`]: the development institution (开发测试机构), issued by the
//!   platform CA, whose pages are in `web::guarantee`;
//! - `document`: the development institution's sealed PDF.
//!
//! Choices:
//! - A guarantee code is made per bidder company and section on first
//!   request, then stays the same; it is 80 random bits.
//! - The guarantee's state lives on the code's row; an issued document is
//!   kept there and handed to the phone with the state. A cancelled
//!   guarantee's document is dropped.
//! - Bidders are matched as in the hall: the credit codes of the
//!   certificates the platform issued to the session's phone number.

mod callback;
pub mod dev;
mod document;
mod error;
mod phone;
pub mod store;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use palmbid_core::api::paths;

pub use error::GuaranteeError;

use crate::AppState;

/// Largest callback body, bytes: it carries the guarantee PDF in base64.
pub const CALLBACK_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// Builds the guarantee routes of the phone and of the institutions.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::GUARANTEE_PROJECTS, get(phone::projects))
        .route(
            "/api/v1/guarantee/projects/{id}/sections",
            get(phone::sections),
        )
        .route(
            "/api/v1/guarantee/projects/{id}/sections/{position}/code",
            post(phone::code),
        )
        .route(paths::GUARANTEE_INSTITUTIONS, get(phone::institutions))
        .route("/api/v1/guarantee/codes/{code}", get(phone::status))
        .route("/api/v1/guarantee/codes/{code}/apply", post(phone::apply))
        .route(
            paths::GUARANTEE_CALLBACK,
            post(phone::callback).layer(DefaultBodyLimit::max(CALLBACK_BODY_LIMIT)),
        )
}

pub(crate) use callback::accept as accept_callback;
