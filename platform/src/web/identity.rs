//! `/console/identity`: the operator reviews identity verification cases
//! and approves or rejects the pending ones.

use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{Router, get, post};
use maud::{Markup, html};
use palmbid_core::api::identity::IdentityState;

use super::{RejectForm, cross_site, cross_site_refused, form_field, page, time_text};
use crate::AppState;
use crate::accounts::identity::{self, CaseRow};
use crate::error::Failure;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/identity", get(list))
        .route("/console/identity/{id}/approve", post(approve))
        .route("/console/identity/{id}/reject", post(reject))
}

async fn list(State(state): State<AppState>) -> Result<Markup, Failure> {
    let cases = state.db.call(|conn| identity::cases(conn)).await?;
    Ok(page(
        "实名认证审核 Identity verification",
        &html! {
            @if cases.is_empty() {
                p { "暂无案件 No cases." }
            } @else {
                table {
                    tr {
                        th { "提交时间 Submitted" } th { "手机号 Phone" } th { "姓名 Name" }
                        th { "身份证号 ID number" } th { "视频 Video" } th { "状态 State" }
                        th { "操作 Action" }
                    }
                    @for case in &cases { (row(case)) }
                }
            }
        },
    ))
}

fn row(case: &CaseRow) -> Markup {
    let (class, label) = match case.state {
        IdentityState::Pending => ("state-pending", "审核中 pending"),
        IdentityState::Approved => ("state-approved", "已通过 approved"),
        IdentityState::Rejected => ("state-rejected", "未通过 rejected"),
        IdentityState::None => ("", ""),
    };
    html! {
        tr id={ "case-" (case.id) } {
            td { (time_text(case.submitted_at)) }
            td { (case.phone) }
            td { (case.name) }
            td { (case.id_number) }
            td { (case.video_bytes) " B, SHA-256 " code { (&case.video_sha256[..16.min(case.video_sha256.len())]) } }
            td class=(class) {
                (label)
                @if let Some(reason) = &case.reason { "：" (reason) }
            }
            td {
                @if case.state == IdentityState::Pending {
                    form method="post" action={ "/console/identity/" (case.id) "/approve" } {
                        button type="submit" name="approve" { "通过 Approve" }
                    }
                    " "
                    form method="post" action={ "/console/identity/" (case.id) "/reject" } {
                        input type="text" name="reason" placeholder="原因 reason" required maxlength="200";
                        button type="submit" name="reject" { "驳回 Reject" }
                    }
                }
            }
        }
    }
}

async fn approve(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    decide(state, &headers, id, true, None).await
}

async fn reject(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<RejectForm>,
) -> Result<Response, Failure> {
    let reason = form_field(&form.reason);
    decide(state, &headers, id, false, Some(reason)).await
}

async fn decide(
    state: AppState,
    headers: &HeaderMap,
    id: String,
    approve: bool,
    reason: Option<String>,
) -> Result<Response, Failure> {
    if cross_site(headers) {
        return Ok(cross_site_refused());
    }
    let now = state.clock.now();
    state
        .db
        .call(move |conn| identity::decide(conn, &id, approve, reason.as_deref(), now))
        .await?;
    Ok(Redirect::to("/console/identity").into_response())
}
