//! Accounts: SMS code login, sessions, the bearer-token extractor and
//! identity verification ([`identity`]).
//!
//! Routes: `GET /api/v1/auth/terms`, `POST /api/v1/auth/sms-code`, `POST /api/v1/auth/login`,
//! `POST /api/v1/auth/logout`, `GET /api/v1/me`. Wire types are in
//! `palmbid_core::api::auth`.

mod error;
pub mod identity;
mod login;

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequestParts, State};
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, USER_AGENT};
use axum::http::request::Parts;
use axum::routing::{get, post};
use axum::{Json, Router};
use palmbid_core::api::auth::{
    LoginRequest, LoginResponse, MeResponse, SmsCodeRequest, SmsCodeResponse, TermsResponse,
};
use palmbid_core::api::paths;
use zeroize::Zeroizing;

pub use error::AccountError;
pub use login::{SESSION_TTL_SECS, SessionInfo};

use crate::AppState;
use crate::error::Failure;

/// Version of the user agreement (用户协议) a login must accept.
pub const AGREEMENT_VERSION: &str = "2026-12-01";

/// Version of the privacy policy (隐私政策) a login must accept.
pub const PRIVACY_VERSION: &str = "2026-12-01";

/// The routes of this module.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route(paths::TERMS, get(terms))
        .route(paths::SMS_CODE, post(request_code))
        .route(paths::LOGIN, post(log_in))
        .route(paths::LOGOUT, post(log_out))
        .route(paths::ME, get(me))
        .merge(identity::routes())
}

async fn terms() -> Json<TermsResponse> {
    Json(TermsResponse {
        agreement_version: AGREEMENT_VERSION.to_owned(),
        privacy_version: PRIVACY_VERSION.to_owned(),
    })
}

async fn request_code(
    State(state): State<AppState>,
    body: Result<Json<SmsCodeRequest>, JsonRejection>,
) -> Result<Json<SmsCodeResponse>, Failure> {
    let Json(body) = body?;
    let now = state.clock.now();
    let sms = Arc::clone(&state.sms);

    let issued = state
        .db
        .call(move |conn| {
            let issued = login::issue_code(conn, &body.phone, now)?;
            sms.send_code(&body.phone, "login", &issued.code)?;
            Ok::<_, AccountError>(issued)
        })
        .await?;

    tracing::info!(outcome = "sent", "sms login code");
    Ok(Json(SmsCodeResponse {
        expires_at: issued.expires_at,
        resend_after: issued.resend_after,
        agreement_version: AGREEMENT_VERSION.to_owned(),
        privacy_version: PRIVACY_VERSION.to_owned(),
    }))
}

async fn log_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Json<LoginRequest>, JsonRejection>,
) -> Result<Json<LoginResponse>, Failure> {
    let Json(body) = body?;
    if body.agreement_version != AGREEMENT_VERSION || body.privacy_version != PRIVACY_VERSION {
        return Err(AccountError::AgreementOutdated {
            agreement: body.agreement_version.chars().take(32).collect(),
            privacy: body.privacy_version.chars().take(32).collect(),
            current_agreement: AGREEMENT_VERSION,
            current_privacy: PRIVACY_VERSION,
        }
        .into());
    }
    let user_agent = headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(200).collect::<String>());
    let now = state.clock.now();

    let phone = body.phone.clone();
    let result = state
        .db
        .call(move |conn| {
            let consent = login::Consent {
                agreement_version: &body.agreement_version,
                privacy_version: &body.privacy_version,
                user_agent: user_agent.as_deref(),
            };
            login::login(conn, &body.phone, &body.code, &consent, now)
        })
        .await;
    let session = match result {
        Ok(session) => session,
        Err(err) => {
            tracing::info!(
                code = palmbid_core::error::Localized::code(&err),
                "login refused"
            );
            return Err(err.into());
        }
    };

    tracing::info!(outcome = "ok", "login");
    Ok(Json(LoginResponse {
        token: session.token.to_string(),
        phone,
        expires_at: session.expires_at,
        accepted_at: session.accepted_at,
    }))
}

async fn log_out(
    State(state): State<AppState>,
    token: Bearer,
) -> Result<Json<serde_json::Value>, Failure> {
    let now = state.clock.now();
    state
        .db
        .call(move |conn| login::logout(conn, &token.0, now))
        .await?;
    tracing::info!(outcome = "ok", "logout");
    Ok(Json(serde_json::json!({})))
}

async fn me(session: Session) -> Json<MeResponse> {
    let info = session.0;
    Json(MeResponse {
        phone: info.phone,
        session_expires_at: info.expires_at,
        agreement_version: info.agreement_version,
        privacy_version: info.privacy_version,
    })
}

/// The raw bearer token of a request.
pub(crate) struct Bearer(Zeroizing<String>);

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .filter(|t| !t.is_empty() && t.len() <= 128)
            .map(|t| Bearer(Zeroizing::new(t.to_owned())))
            .ok_or_else(|| AccountError::Unauthorized.into())
    }
}

/// The open session of a request's bearer token; refuses the request with
/// `auth.unauthorized` when there is none.
pub struct Session(pub SessionInfo);

impl FromRequestParts<AppState> for Session {
    type Rejection = Failure;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Bearer(token) = Bearer::from_request_parts(parts, state).await?;
        let now = state.clock.now();
        let info = state
            .db
            .call(move |conn| login::session(conn, &token, now))
            .await?;
        Ok(Session(info))
    }
}

/// The open session of a request's bearer token with the SHA-256 of that
/// token: for objects bound to one session (a scanned QR request), which
/// keep the digest rather than the token.
pub(crate) struct BoundSession {
    /// The session.
    pub(crate) info: SessionInfo,
    /// SHA-256 of the bearer token.
    pub(crate) token_hash: [u8; 32],
}

impl FromRequestParts<AppState> for BoundSession {
    type Rejection = Failure;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        use sha2::{Digest, Sha256};

        let Bearer(token) = Bearer::from_request_parts(parts, state).await?;
        let token_hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let now = state.clock.now();
        let info = state
            .db
            .call(move |conn| login::session(conn, &token, now))
            .await?;
        Ok(BoundSession { info, token_hash })
    }
}
