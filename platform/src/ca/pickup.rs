//! The phone's pickup endpoints and the page behind the QR code's URL.
//!
//! Every pickup call needs a session whose phone number is the order's and
//! an approved identity verification; refusals say which is missing.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::routing::{Router, get, post};
use maud::{Markup, html};
use palmbid_core::api::pickup::{
    CertificateRequest, DownloadRequest, DownloadResponse, IssuedCertificates, PickupOffer,
    is_pickup_id,
};

use super::orders::{self, OrderError};
use crate::AppState;
use crate::accounts::Session;
use crate::accounts::identity::require_approved;
use crate::error::Failure;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/pickup/{id}", get(offer))
        .route("/api/v1/pickup/{id}/certificates", post(certificates))
        .route("/api/v1/pickup/{id}/download", post(download))
        .route("/q/{id}", get(landing))
}

fn checked_id(id: &str) -> Result<(), Failure> {
    if is_pickup_id(id) {
        Ok(())
    } else {
        Err(OrderError::NotFound.into())
    }
}

async fn offer(
    State(state): State<AppState>,
    Session(session): Session,
    Path(id): Path<String>,
) -> Result<Json<PickupOffer>, Failure> {
    checked_id(&id)?;
    let order = state
        .db
        .call(move |conn| {
            require_approved(conn, &session.phone).map_err(Failure::from)?;
            orders::offer_for(conn, &id, &session.phone).map_err(Failure::from)
        })
        .await?;
    tracing::info!(order = %order.id, "pickup offer shown");
    Ok(Json(order.offer()))
}

async fn certificates(
    State(state): State<AppState>,
    Session(session): Session,
    Path(id): Path<String>,
    body: Result<Json<CertificateRequest>, JsonRejection>,
) -> Result<Json<IssuedCertificates>, Failure> {
    checked_id(&id)?;
    let Json(body) = body?;
    let ca = std::sync::Arc::clone(&state.ca);
    let font = state.seal_font.clone();
    let policy = std::sync::Arc::clone(&state.attestation);
    let now = state.clock.now();
    let result = state
        .db
        .call(move |conn| {
            require_approved(conn, &session.phone).map_err(Failure::from)?;
            orders::issue(
                conn,
                &ca,
                font.as_deref(),
                &policy,
                &id,
                &session.phone,
                &body,
                now,
            )
            .map_err(Failure::from)
        })
        .await;
    if let Err(failure) = &result {
        tracing::info!(code = failure.body.code.as_str(), "pickup refused");
    }
    Ok(Json(result?))
}

async fn download(
    State(state): State<AppState>,
    Session(session): Session,
    Path(id): Path<String>,
    body: Result<Json<DownloadRequest>, JsonRejection>,
) -> Result<Json<DownloadResponse>, Failure> {
    checked_id(&id)?;
    let Json(body) = body?;
    let now = state.clock.now();
    let answer = state
        .db
        .call(move |conn| {
            orders::download(conn, &id, &session.phone, &body.signing_fingerprint, now)
                .map_err(Failure::from)
        })
        .await?;
    Ok(Json(answer))
}

/// What a browser (any scanner but the app) sees at a QR code's URL, a
/// pickup code or a QR request's frame alike: the app download page. It
/// never looks the id up, so it reveals nothing about an order or request.
async fn landing(Path(_id): Path<String>) -> Markup {
    crate::web::page(
        "应用下载 Get the app",
        &html! {
            p { "该二维码需要用 palmbid 手机应用的“扫一扫”扫描：领取证书、扫码登录、签名、盖章或解密。" }
            p { "Scan this code with the palmbid app: certificate pickup, QR login, signing, sealing or decryption." }
            p id="app-download" { "请从应用商店安装 palmbid。Install palmbid from your app store." }
        },
    )
}
