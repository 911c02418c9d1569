//! The QR request relay (扫码登录, 扫码签名, 扫码盖章, 扫码加解密): the
//! platform side of the protocol in `palmbid_core::api::qr`, whose module
//! doc is the specification (endpoints, the rotating frame and its HMAC,
//! the 5 s / 60 s / 3 min rules, number matching, the answer message).
//!
//! - [`store`]: requests on the database, the checks of a new request,
//!   lazy expiry, scan, match, cancel;
//! - `frame`: the frame URL and its MAC under the per-request key;
//! - `verify`: checks of an answer (certificate, signature, payload);
//! - `released`: the DER shape of a released content key;
//! - `desktop` and `phone`: the HTTP handlers of both sides.
//!
//! Choices:
//! - The desktop token is the capability of the desktop; the toolbox
//!   sends it as `Authorization: Desktop {token}`, the portal page keeps it
//!   in an `HttpOnly`, `SameSite=Strict` cookie ([`DESKTOP_COOKIE`]) because
//!   `EventSource` cannot set headers. Only its SHA-256 is stored.
//! - The phone side is bound to the session that scanned first, by the
//!   SHA-256 of its bearer token.
//! - Seal requests take one more round (see `palmbid_core::api::qr`): the
//!   phone's seal choice reaches the desktop as a `seal_chosen` event, the
//!   desktop posts the digest of the revision prepared with it, and the
//!   phone's `GET digest` waits for that digest.
//! - Event ids are `{rank}-{seals}-{t}`: how far the state went (waiting 1,
//!   scanned 2, matched 3, final 4), how many seal choices were sent, and
//!   the last frame's second (empty before a frame). A stream opened again with `Last-Event-ID`
//!   sends only what is newer, so a desktop that resumes after a seal
//!   choice does not see it twice.
//! - Expiry is lazy: a request past a deadline turns expired when it is
//!   next read, by any call or by the event stream, which reads it once a
//!   second (to send a frame, also after the scan, so that the owning
//!   phone can scan a fresh frame again) and on every change ([`AppState::qr_changes`]).
//! - The network address of a request is the peer address of its creating
//!   connection; each address may hold [`store::MAX_OPEN_PER_ADDRESS`]
//!   open requests. NOTE: behind a reverse proxy this is the proxy's
//!   address; a deployment there must pass the client address through.
//!
//! [`AppState::qr_changes`]: crate::AppState::qr_changes

mod desktop;
mod error;
pub(crate) mod frame;
mod phone;
mod released;
pub mod store;
pub(crate) mod verify;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderMap, header};
use axum::routing::{get, post};
use palmbid_core::api::paths;

pub(crate) use desktop::{desktop_record, new_portal_login};
pub use error::QrError;

use crate::AppState;

/// Requester name of requests made by the bid toolbox.
pub const TOOLBOX_NAME: &str = "投标工具";

/// Cookie holding a portal login page's desktop token.
pub const DESKTOP_COOKIE: &str = "palmbid_qr";

/// Largest answer or seal choice body, in bytes: both carry a seal PNG
/// (at most `MAX_SEAL_PNG` bytes, base64), an answer also its CMS.
pub const ANSWER_BODY_LIMIT: usize = 512 * 1024;

/// The relay's routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::QR_REQUESTS, post(desktop::create))
        .route("/api/v1/qr/requests/{id}/events", get(desktop::events))
        .route("/api/v1/qr/requests/{id}/answer", get(desktop::answer))
        .route("/api/v1/qr/requests/{id}/digest", post(desktop::digest))
        .route("/api/v1/qr/{id}/scan", post(phone::scan))
        .route("/api/v1/qr/{id}/match", post(phone::choose_number))
        .route(
            "/api/v1/qr/{id}/seal",
            post(phone::choose_seal).layer(DefaultBodyLimit::max(ANSWER_BODY_LIMIT)),
        )
        .route("/api/v1/qr/{id}/digest", get(phone::digest))
        .route(
            "/api/v1/qr/{id}/answer",
            post(phone::answer).layer(DefaultBodyLimit::max(ANSWER_BODY_LIMIT)),
        )
        .route("/api/v1/qr/{id}/cancel", post(phone::cancel))
}

/// Wakes every event stream: some request changed.
pub(crate) fn notify(state: &AppState) {
    state.qr_changes.send_modify(|n| *n = n.wrapping_add(1));
}

/// The value of cookie `name` in a request's `Cookie` headers.
pub(crate) fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_name() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, "a=1; palmbid_qr=abc".parse().unwrap());
        headers.append(header::COOKIE, "b=2".parse().unwrap());

        assert_eq!(cookie(&headers, DESKTOP_COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, "b"), Some("2"));
        assert_eq!(cookie(&headers, "palmbid"), None);
    }
}
