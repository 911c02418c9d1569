//! `/console/orders` and `/console/registry`: the CA operator enters an
//! order, approves or rejects it, shows the pickup QR code of an approved
//! order and watches its state change live; and keeps the entity registry
//! (主体库).
//!
//! The order page also shows the judgement of the device attestation the
//! phone sent with its pickup ([`crate::ca::attestation`]), in Chinese
//! with English beside it. Its `#attestation` element carries the same as
//! data attributes (`data-result`, `data-security-level`,
//! `data-root-trusted`) for tests.
//!
//! The QR code holds `{public base}/q/{pickup id}` and is drawn as inline
//! SVG by the `qrcode` crate. The order page long-polls
//! `/console/orders/{id}/status?since=STATE` and updates the state in
//! place; `data-rendered-state` keeps the state the page was served
//! with, so a test can tell a live update from a reload.

use axum::Json;
use std::time::Duration;

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{Router, get, post};
use maud::{Markup, PreEscaped, html};
use palmbid_core::api::pickup::{OrderState, SealKind};
use serde::Deserialize;

use super::{RejectForm, cross_site, cross_site_refused, form_field, page, time_text};
use crate::AppState;
use crate::ca::attestation::Attestation;
use crate::ca::attestation::key_description::SecurityLevel;
use crate::ca::orders::{self, NewOrder, Order, OrderError};
use crate::error::Failure;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/orders", get(list).post(create))
        .route("/console/orders/{id}", get(detail))
        .route("/console/orders/{id}/status", get(status))
        .route("/console/orders/{id}/approve", post(approve))
        .route("/console/orders/{id}/reject", post(reject))
        .route("/console/registry", get(registry).post(register))
}

fn state_label(state: OrderState) -> &'static str {
    match state {
        OrderState::Pending => "待审核 pending",
        OrderState::Approved => "待领取 approved",
        OrderState::Rejected => "已驳回 rejected",
        OrderState::PickedUp => "已领取，待下载 picked up",
        OrderState::Issued => "已签发 issued",
    }
}

fn seal_label(kind: SealKind) -> &'static str {
    match kind {
        SealKind::Personal => "个人章 personal",
        SealKind::LegalRepresentative => "法人章 legal representative",
        SealKind::Company => "公章 company",
    }
}

fn security_level_label(level: SecurityLevel) -> &'static str {
    match level {
        SecurityLevel::Software => "软件密钥库（无硬件保护） Software",
        SecurityLevel::TrustedEnvironment => "可信执行环境 TEE (TrustedEnvironment)",
        SecurityLevel::StrongBox => "安全芯片 StrongBox",
    }
}

/// Renders the order's device attestation: what the phone sent with its
/// pickup and the platform's judgement.
fn attestation_cell(attestation: Option<&Attestation>) -> Markup {
    match attestation {
        None => html! {
            span id="attestation" data-result="pending" { "尚未领取 not picked up yet" }
        },
        Some(Attestation::Absent) => html! {
            span id="attestation" data-result="absent" { "未提供设备证明 none sent" }
        },
        Some(Attestation::Invalid { fault }) => html! {
            span id="attestation" data-result="invalid" {
                "无效，已拒绝 invalid, refused：" (fault.message_zh()) " / " (fault.to_string())
            }
        },
        Some(Attestation::Verified {
            attestation_version,
            security_level,
            root_fingerprint,
            root_trusted,
        }) => html! {
            span id="attestation" data-result="verified"
                data-security-level=(security_level.as_str())
                data-root-trusted=(root_trusted) {
                "证书链已验证 chain verified；"
                "安全级别 security level：" (security_level_label(*security_level)) "；"
                @if *root_trusted { "根证书受信任 root trusted" } @else { "根证书不受信任 root not trusted" }
                "（SHA-256 " code { (root_fingerprint) } "）；"
                "证明版本 attestation version " (attestation_version)
            }
        },
    }
}

async fn list(State(state): State<AppState>) -> Result<Markup, Failure> {
    let all = state.db.call(|conn| orders::list(conn)).await?;
    Ok(list_page(&all, None))
}

fn list_page(all: &[Order], error: Option<&str>) -> Markup {
    page(
        "证书订单 Certificate orders",
        &html! {
            h2 { "新订单 New order" }
            @if let Some(error) = error { p class="error" id="error" { (error) } }
            form method="post" action="/console/orders" id="new-order" {
                p { label { "姓名 Name " input type="text" name="name" required maxlength="50"; } }
                p { label { "手机号 Phone " input type="text" name="phone" required maxlength="11"; } }
                p { label { "单位 Company " input type="text" name="company" required maxlength="100"; } }
                p { label { "统一社会信用代码 Credit code " input type="text" name="credit_code" required maxlength="18"; } }
                p {
                    "印章 Seals: "
                    @for kind in [SealKind::Personal, SealKind::LegalRepresentative, SealKind::Company] {
                        label { input type="checkbox" name={ "seal_" (kind.as_str()) } value="on"; (seal_label(kind)) } " "
                    }
                }
                button type="submit" { "提交 Enter" }
            }
            h2 { "订单 Orders" }
            table {
                tr { th { "时间 Entered" } th { "姓名 Name" } th { "手机号 Phone" } th { "单位 Company" } th { "状态 State" } }
                @for order in all {
                    tr {
                        td { (time_text(order.created_at)) }
                        td { a href={ "/console/orders/" (order.id) } { (order.name) } }
                        td { (order.phone) }
                        td { (order.company) }
                        td { (state_label(order.state)) }
                    }
                }
            }
        },
    )
}

async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, Failure> {
    if cross_site(&headers) {
        return Ok(cross_site_refused());
    }
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| form_field(v))
            .unwrap_or_default()
    };
    let seals = [
        SealKind::Personal,
        SealKind::LegalRepresentative,
        SealKind::Company,
    ]
    .into_iter()
    .filter(|kind| {
        form.iter()
            .any(|(k, _)| k.strip_prefix("seal_") == Some(kind.as_str()))
    })
    .collect();
    let new = NewOrder {
        name: field("name"),
        phone: field("phone"),
        company: field("company"),
        credit_code: field("credit_code"),
        seals,
    };
    let now = state.clock.now();
    let created = state
        .db
        .call(move |conn| orders::create(conn, &new, now))
        .await;
    match created {
        Ok(id) => Ok(Redirect::to(&format!("/console/orders/{id}")).into_response()),
        Err(err @ OrderError::InvalidOrder { .. }) => {
            let message = format!(
                "{} / {}",
                palmbid_core::error::Localized::message_zh(&err),
                err
            );
            let all = state.db.call(|conn| orders::list(conn)).await?;
            Ok((StatusCode::BAD_REQUEST, list_page(&all, Some(&message))).into_response())
        }
        Err(err) => Err(err.into()),
    }
}

async fn detail(State(state): State<AppState>, Path(id): Path<String>) -> Result<Markup, Failure> {
    let order = state.db.call(move |conn| orders::by_id(conn, &id)).await?;
    let pickup_url = format!("{}q/{}", state.public_base, order.pickup_id);
    let show_qr = matches!(
        order.state,
        OrderState::Approved | OrderState::PickedUp | OrderState::Issued
    );
    let qr = if show_qr {
        Some(qr_svg(&pickup_url)?)
    } else {
        None
    };

    Ok(page(
        "证书订单 Certificate order",
        &html! {
            table {
                tr { th { "姓名 Name" } td { (order.name) } }
                tr { th { "手机号 Phone" } td { (order.phone) } }
                tr { th { "单位 Company" } td { (order.company) } }
                tr { th { "统一社会信用代码 Credit code" } td { (order.credit_code) } }
                tr { th { "印章 Seals" } td { @for kind in &order.seals { (seal_label(*kind)) "；" } } }
                tr { th { "状态 State" } td { span id="status" data-state=(order.state.as_str()) data-rendered-state=(order.state.as_str()) { (state_label(order.state)) } } }
                @if let Some(reason) = &order.reason { tr { th { "原因 Reason" } td { (reason) } } }
                tr { th { "设备证明 Device attestation" } td { (attestation_cell(order.attestation.as_ref())) } }
            }
            @if order.state == OrderState::Pending {
                p {
                    form method="post" action={ "/console/orders/" (order.id) "/approve" } {
                        button type="submit" id="approve" { "通过 Approve" }
                    }
                    " "
                    form method="post" action={ "/console/orders/" (order.id) "/reject" } {
                        input type="text" name="reason" placeholder="原因 reason" required maxlength="200";
                        button type="submit" { "驳回 Reject" }
                    }
                }
            }
            @if let Some(qr) = qr {
                h2 { "扫码领取 Scan to pick up" }
                div id="qr" { (PreEscaped(qr)) }
                p { code id="pickup-url" { (pickup_url) } }
            }
            script { (PreEscaped(poll_script(&order.id))) }
        },
    ))
}

/// The page's live state: long-poll `status?since=STATE`, update
/// `#status` in place, stop at a final state (issued, rejected).
fn poll_script(id: &str) -> String {
    // `id` is 32 hex characters from the database, safe inside a string.
    format!(
        "(function(){{var s=document.getElementById('status');\
function done(){{return s.dataset.state==='issued'||s.dataset.state==='rejected';}}\
function poll(){{if(done())return;\
fetch('/console/orders/{id}/status?since='+s.dataset.state).then(function(r){{return r.json();}})\
.then(function(j){{if(j.state!==s.dataset.state){{s.dataset.state=j.state;s.textContent=j.label;}}poll();}})\
.catch(function(){{setTimeout(poll,2000);}});}}\
poll();}})();"
    )
}

fn qr_svg(url: &str) -> Result<String, Failure> {
    let code = qrcode::QrCode::new(url.as_bytes()).map_err(|e| Failure::internal(&e))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(280, 280)
        .quiet_zone(true)
        .build())
}

/// Longest time a status request with `since` is held, in seconds.
const LONG_POLL_SECS: u64 = 25;

#[derive(Deserialize)]
struct StatusQuery {
    since: Option<String>,
}

/// The order's state. With `since`, the answer waits (up to
/// [`LONG_POLL_SECS`]) until the state differs from it.
async fn status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<StatusQuery>,
) -> Result<Json<serde_json::Value>, Failure> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(LONG_POLL_SECS);
    loop {
        let id = id.clone();
        let order = state.db.call(move |conn| orders::by_id(conn, &id)).await?;
        let changed = query.since.as_deref() != Some(order.state.as_str());
        if changed || tokio::time::Instant::now() >= deadline {
            return Ok(Json(serde_json::json!({
                "state": order.state.as_str(),
                "label": state_label(order.state),
            })));
        }
        // NOTE: polling the database keeps this simple; a busy console
        // would wake waiters from the code that changes the order.
        tokio::time::sleep(Duration::from_millis(250)).await;
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
    let target = format!("/console/orders/{id}");
    state
        .db
        .call(move |conn| orders::decide(conn, &id, approve, reason.as_deref(), now))
        .await?;
    Ok(Redirect::to(&target).into_response())
}

async fn registry(State(state): State<AppState>) -> Result<Markup, Failure> {
    let rows = state.db.call(|conn| orders::registry(conn)).await?;
    Ok(page(
        "主体库 Entity registry",
        &html! {
            form method="post" action="/console/registry" {
                label { "单位 Company " input type="text" name="company" required maxlength="100"; } " "
                label { "统一社会信用代码 Credit code " input type="text" name="credit_code" required maxlength="18"; } " "
                button type="submit" { "登记 Register" }
            }
            table {
                tr { th { "统一社会信用代码 Credit code" } th { "单位 Company" } }
                @for (code, company) in &rows { tr { td { (code) } td { (company) } } }
            }
        },
    ))
}

#[derive(Deserialize)]
struct RegistryForm {
    company: String,
    credit_code: String,
}

async fn register(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<RegistryForm>,
) -> Result<Response, Failure> {
    if cross_site(&headers) {
        return Ok(cross_site_refused());
    }
    let now = state.clock.now();
    state
        .db
        .call(move |conn| orders::register_company(conn, &form.company, &form.credit_code, now))
        .await?;
    Ok(Redirect::to("/console/registry").into_response())
}
