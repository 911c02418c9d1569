//! `/console/certificates`: every certificate the CA issued, with a revoke
//! form (reason required). Revoked certificates are refused by QR answer
//! verification (`qr.certificate_revoked`).

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{Router, get, post};
use maud::{Markup, html};
use palmbid_core::error::Localized;

use super::{RejectForm, cross_site, cross_site_refused, form_field, page, time_text};
use crate::AppState;
use crate::ca::revocation::{self, RevocationError};
use crate::error::Failure;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/certificates", get(list))
        .route("/console/certificates/{fingerprint}/revoke", post(revoke))
}

fn role_label(role: &str) -> &'static str {
    if role == "signing" {
        "签名 signing"
    } else {
        "加密 encryption"
    }
}

async fn list(State(state): State<AppState>) -> Result<Markup, Failure> {
    list_page(&state, None).await
}

async fn list_page(state: &AppState, error: Option<&str>) -> Result<Markup, Failure> {
    let rows = state.db.call(|conn| revocation::issued(conn)).await?;
    Ok(page(
        "已签发证书 Issued certificates",
        &html! {
            @if let Some(error) = error { p class="error" id="error" { (error) } }
            table {
                tr {
                    th { "领取时间 Picked up" } th { "持有人 Holder" } th { "单位 Company" }
                    th { "用途 Role" } th { "指纹 Fingerprint" } th { "状态 State" }
                }
                @for cert in &rows {
                    tr data-fingerprint=(cert.fingerprint) {
                        td { (cert.issued_at.map(time_text).unwrap_or_default()) }
                        td { (cert.holder) }
                        td { (cert.company) "（" (cert.credit_code) "）" }
                        td { (role_label(&cert.role)) }
                        td { code { (cert.fingerprint[..16.min(cert.fingerprint.len())]) "…" } }
                        td {
                            @if let Some((at, reason)) = &cert.revoked {
                                span class="state-rejected" { "已吊销 revoked " (time_text(*at)) "：" (reason) }
                            } @else {
                                form method="post" action={ "/console/certificates/" (cert.fingerprint) "/revoke" } {
                                    input type="text" name="reason" placeholder="原因 reason" required maxlength="200";
                                    button type="submit" { "吊销 Revoke" }
                                }
                            }
                        }
                    }
                }
            }
        },
    ))
}

async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(fingerprint): Path<String>,
    Form(form): Form<RejectForm>,
) -> Result<Response, Failure> {
    if cross_site(&headers) {
        return Ok(cross_site_refused());
    }
    let reason = form_field(&form.reason);
    let now = state.clock.now();
    let result = state
        .db
        .call(move |conn| revocation::revoke(conn, &fingerprint, &reason, now))
        .await;
    match result {
        Ok(_) => Ok(Redirect::to("/console/certificates").into_response()),
        Err(err @ (RevocationError::NotFound { .. } | RevocationError::InvalidReason)) => {
            let message = format!("{} / {}", err.message_zh(), err);
            let body = list_page(&state, Some(&message)).await?;
            Ok((StatusCode::BAD_REQUEST, body).into_response())
        }
        Err(err) => Err(err.into()),
    }
}
