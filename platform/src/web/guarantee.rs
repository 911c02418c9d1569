//! Guarantee pages: the operator's console (`/console/guarantee`: which
//! projects require a bid guarantee, extra sections, the catalogue, the
//! codes and their states) and the development institution's pages
//! (`/dev/guarantee-institution/...`, 开发测试机构): the application page
//! the phone opens, which checks the bidder's statement and issues or
//! refuses, and a cancel button for an issued guarantee. Each decision is
//! reported through the platform's callback check, as a real
//! institution's would be.

use axum::extract::{Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{Router, get, post};
use maud::{Markup, html};
use palmbid_core::api::guarantee::{CallbackEvent, GuaranteeState};
use palmbid_core::error::Localized;
use serde::Deserialize;

use super::{cross_site, cross_site_refused, form_field, page, time_text};
use crate::AppState;
use crate::error::Failure;
use crate::guarantee::dev::{DEV_INSTITUTION_ID, DEV_INSTITUTION_NAME};
use crate::guarantee::store::{self, CodeRow};
use crate::guarantee::{GuaranteeError, accept_callback};
use crate::hall::store::Bidder;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/guarantee", get(console))
        .route("/console/guarantee/{id}/require", post(require))
        .route("/console/guarantee/{id}/sections", post(add_section))
        .route(
            "/dev/guarantee-institution/apply",
            get(apply_page).post(decide),
        )
        .route("/dev/guarantee-institution/cancel", post(cancel))
}

/// Renders the development institution's warning, shown on each of its
/// pages.
fn dev_banner() -> Markup {
    html! {
        p class="error" id="dev-institution" {
            strong { "开发测试机构" }
            "：本机构仅供开发测试，出具的保函不具法律效力。"
            br;
            strong { "Development institution" }
            ": for development and tests only; its guarantees are not real."
        }
    }
}

fn state_label(state: GuaranteeState) -> &'static str {
    match state {
        GuaranteeState::None => "未申请 none",
        GuaranteeState::Applied => "已申请 applied",
        GuaranteeState::Issued => "已出函 issued",
        GuaranteeState::Rejected => "已拒绝 rejected",
        GuaranteeState::Cancelled => "已撤销 cancelled",
    }
}

/// A guarantee code row, as the console lists it.
struct CodeLine {
    code: String,
    project: String,
    section: u32,
    credit_code: String,
    state: GuaranteeState,
    institution: Option<String>,
}

async fn console(State(state): State<AppState>) -> Result<Markup, Failure> {
    console_page(&state, None).await
}

async fn console_page(state: &AppState, error: Option<&str>) -> Result<Markup, Failure> {
    let now = state.clock.now();
    let (projects, institutions, codes) = state
        .db
        .call(move |conn| {
            let projects = crate::hall::store::all(conn, now)?
                .into_iter()
                .map(|p| {
                    let required = store::requires_guarantee(conn, &p.id)?;
                    Ok((p, required))
                })
                .collect::<Result<Vec<_>, GuaranteeError>>()?;
            let institutions = store::institutions(conn)?;
            let codes = conn
                .prepare(
                    "SELECT code, project_id, section, credit_code, state, institution
                     FROM guarantee_codes ORDER BY created_at, code",
                )?
                .query_map([], |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, u32>(2)?,
                        row.get::<_, String>(3)?,
                        row.get::<_, String>(4)?,
                        row.get::<_, Option<String>>(5)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .map(
                    |(code, project, section, credit_code, state, institution)| CodeLine {
                        code,
                        project,
                        section,
                        credit_code,
                        state: GuaranteeState::parse(&state).unwrap_or(GuaranteeState::None),
                        institution,
                    },
                )
                .collect::<Vec<_>>();
            Ok::<_, GuaranteeError>((projects, institutions, codes))
        })
        .await
        .map_err(Failure::from)?;
    Ok(page(
        "电子保函 Bid guarantees",
        &html! {
            @if let Some(error) = error { p class="error" id="error" { (error) } }
            h2 { "项目 Projects" }
            table {
                tr { th { "项目 Project" } th { "标段 Sections" } th { "需要保函 Requires guarantee" } th { "" } }
                @for (project, required) in &projects {
                    tr data-project=(project.id) data-required=(required) {
                        td { (project.name) br; small { (project.id) } }
                        td { @for (i, name) in project.sections.iter().enumerate() { (i + 1) ". " (name) br; } }
                        td { @if *required { "是 yes" } @else { "否 no" } }
                        td {
                            form method="post" action={ "/console/guarantee/" (project.id) "/require" } {
                                input type="hidden" name="required" value=(if *required { "0" } else { "1" });
                                button type="submit" { @if *required { "取消要求 Not required" } @else { "要求保函 Require" } }
                            }
                            form method="post" action={ "/console/guarantee/" (project.id) "/sections" } {
                                input type="text" name="name" placeholder="新标段 New section" required maxlength="200";
                                textarea name="bidders" rows="2" cols="40" placeholder="统一社会信用代码 单位名称" required {}
                                button type="submit" { "添加标段 Add section" }
                            }
                        }
                    }
                }
            }
            h2 { "保函机构目录 Institution catalogue" }
            table {
                tr { th { "编号 Id" } th { "名称 Name" } th { "类型 Kind" } th { "费率 Fee" } th { "申请地址 Apply at" } }
                @for institution in &institutions {
                    tr {
                        td { (institution.id) }
                        td { (institution.name) @if institution.development { " （开发测试机构 development）" } }
                        td { (institution.kind.as_str()) }
                        td { (format!("{:.2}%", f64::from(institution.fee_rate_bp) / 100.0)) }
                        td { (institution.apply_url) }
                    }
                }
            }
            h2 { "保函编码 Guarantee codes" }
            table {
                tr { th { "编码 Code" } th { "项目 Project" } th { "标段 Section" } th { "投标人 Bidder" } th { "状态 State" } th { "机构 Institution" } }
                @for line in &codes {
                    tr data-code=(line.code) data-state=(line.state.as_str()) {
                        td { (line.code) } td { (line.project) } td { (line.section) }
                        td { (line.credit_code) } td { (state_label(line.state)) }
                        td { (line.institution.as_deref().unwrap_or("")) }
                    }
                }
            }
        },
    ))
}

#[derive(Deserialize)]
struct RequireForm {
    required: String,
}

async fn require(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<RequireForm>,
) -> Result<Response, Failure> {
    if cross_site(&headers) {
        return Ok(cross_site_refused());
    }
    let required = form.required == "1";
    let result = state
        .db
        .call(move |conn| store::set_requires_guarantee(conn, &id, required))
        .await;
    console_answer(&state, result).await
}

#[derive(Deserialize)]
struct SectionForm {
    name: String,
    bidders: String,
}

fn parse_bidders(text: &str) -> Result<Vec<Bidder>, String> {
    let bidders = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| {
            let (code, company) = line.split_once(char::is_whitespace).ok_or_else(|| {
                format!(
                    "“{}” is not a credit code and a company name",
                    form_field(line)
                )
            })?;
            palmbid_core::pki::validate_credit_code(code.trim()).map_err(|e| e.to_string())?;
            Ok(Bidder {
                credit_code: code.trim().to_owned(),
                company: form_field(company.trim()),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    if bidders.is_empty() {
        return Err("at least one bidder".to_owned());
    }
    Ok(bidders)
}

async fn add_section(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<SectionForm>,
) -> Result<Response, Failure> {
    if cross_site(&headers) {
        return Ok(cross_site_refused());
    }
    let name = form_field(form.name.trim());
    let bidders = match parse_bidders(&form.bidders) {
        Ok(bidders) if !name.is_empty() => bidders,
        Ok(_) => {
            return Ok(
                console_page(&state, Some("标段名称为空 / the section name is empty"))
                    .await?
                    .into_response(),
            );
        }
        Err(reason) => {
            let message = format!("投标人格式不正确 / bidders: {reason}");
            return Ok(console_page(&state, Some(&message)).await?.into_response());
        }
    };
    let result = state
        .db
        .call(move |conn| store::add_section(conn, &id, &name, &bidders).map(|_| ()))
        .await;
    console_answer(&state, result).await
}

async fn console_answer(
    state: &AppState,
    result: Result<(), GuaranteeError>,
) -> Result<Response, Failure> {
    match result {
        Ok(()) => Ok(Redirect::to("/console/guarantee").into_response()),
        Err(err) => {
            let Some((status, _)) = err.wire() else {
                return Err(err.into());
            };
            let message = format!("{} / {}", err.message_zh(), err);
            Ok((status, console_page(state, Some(&message)).await?).into_response())
        }
    }
}

/// The application address's query, and the decision form's fields.
#[derive(Deserialize)]
struct ApplyQuery {
    code: String,
    statement: String,
}

/// Checks the statement of an application for the development
/// institution.
async fn checked(
    state: &AppState,
    code: String,
    statement: String,
) -> Result<CodeRow, GuaranteeError> {
    let now = state.clock.now();
    let institution = std::sync::Arc::clone(&state.dev_institution);
    let base = state.public_base.to_string();
    state
        .db
        .call(move |conn| {
            institution
                .check_statement(conn, &code, &statement, &base, now)
                .map(|(_, row)| row)
        })
        .await
}

fn refusal_page(err: &GuaranteeError) -> Response {
    let status = err
        .wire()
        .map_or(axum::http::StatusCode::INTERNAL_SERVER_ERROR, |(s, _)| s);
    tracing::info!(
        code = err.code(),
        "development institution rejected the request"
    );
    let body = page(
        "开发测试机构 Development institution",
        &html! {
            (dev_banner())
            p class="error" id="error" data-code=(err.code()) { (err.message_zh()) br; (err.to_string()) }
        },
    );
    (status, body).into_response()
}

/// `GET /dev/guarantee-institution/apply?code=...&statement=...`.
async fn apply_page(State(state): State<AppState>, Query(query): Query<ApplyQuery>) -> Response {
    let statement = query.statement.clone();
    let row = match checked(&state, query.code, query.statement).await {
        Ok(row) => row,
        Err(err) => return refusal_page(&err),
    };
    let code = &row.code;
    page(
        "电子保函申请 Bid guarantee application",
        &html! {
            (dev_banner())
            p { "机构 Institution: " (DEV_INSTITUTION_NAME) }
            table id="application" {
                tr { th { "保函编码 Guarantee code" } td id="code" { (code.code) } }
                tr { th { "项目 Project" } td { (code.project_name) } }
                tr { th { "标段 Section" } td { (code.section) ". " (code.section_name) } }
                tr { th { "投标人 Bidder" } td { (code.company) "（" (code.credit_code) "）" } }
                tr { th { "状态 State" } td { (state_label(row.state)) } }
            }
            p { "投标人身份已由手机证书签名确认，无需再次填写。 The bidder's identity is confirmed by the phone certificate's signature." }
            form method="post" action="/dev/guarantee-institution/apply" {
                input type="hidden" name="code" value=(code.code);
                input type="hidden" name="statement" value=(statement);
                button type="submit" name="decision" value="issue" id="issue" { "出具保函 Issue" }
                " "
                button type="submit" name="decision" value="reject" id="reject" { "拒绝 Reject" }
            }
        },
    )
    .into_response()
}

#[derive(Deserialize)]
struct DecisionForm {
    code: String,
    statement: String,
    decision: String,
}

/// `POST /dev/guarantee-institution/apply`: issue or refuse, then call
/// back.
async fn decide(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<DecisionForm>,
) -> Response {
    if cross_site(&headers) {
        return cross_site_refused();
    }
    let row = match checked(&state, form.code, form.statement).await {
        Ok(row) => row,
        Err(err) => return refusal_page(&err),
    };
    let now = state.clock.now();
    let institution = std::sync::Arc::clone(&state.dev_institution);
    let root = state.ca.certificate().clone();
    let issue = form.decision == "issue";
    let result = state
        .db
        .call(move |conn| {
            let callback = if issue {
                let (guarantee_no, pdf) = institution.issue(&row, now)?;
                institution.callback(
                    &row.code.code,
                    CallbackEvent::Issued,
                    Some(guarantee_no),
                    None,
                    Some(&pdf),
                    now,
                )
            } else {
                institution.callback(
                    &row.code.code,
                    CallbackEvent::Rejected,
                    None,
                    Some("开发测试机构按申请人选择拒绝 rejected on request".to_owned()),
                    None,
                    now,
                )
            };
            accept_callback(conn, &callback, &root, now)?;
            store::code_row(conn, &row.code.code)
        })
        .await;
    match result {
        Ok(row) => result_page(&row),
        Err(err) => refusal_page(&err),
    }
}

fn result_page(row: &CodeRow) -> Response {
    page(
        "电子保函申请结果 Bid guarantee result",
        &html! {
            (dev_banner())
            p id="result" data-state=(row.state.as_str()) { "保函编码 " (row.code.code) "：" (state_label(row.state)) }
            @if let Some(no) = &row.guarantee_no { p { "保函编号 Guarantee no.: " span id="guarantee-no" { (no) } } }
            @if let Some(at) = row.updated_at { p { "时间 Time: " (time_text(at)) } }
            p { "请回到手机查看保函状态。 Check the guarantee's state on the phone." }
            @if row.state == GuaranteeState::Issued && row.institution.as_deref() == Some(DEV_INSTITUTION_ID) {
                form method="post" action="/dev/guarantee-institution/cancel" {
                    input type="hidden" name="code" value=(row.code.code);
                    button type="submit" id="cancel" { "撤销保函 Cancel guarantee" }
                }
            }
        },
    )
    .into_response()
}

#[derive(Deserialize)]
struct CancelForm {
    code: String,
}

/// `POST /dev/guarantee-institution/cancel`: the institution cancels an
/// issued guarantee and calls back.
async fn cancel(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CancelForm>,
) -> Response {
    if cross_site(&headers) {
        return cross_site_refused();
    }
    let now = state.clock.now();
    let institution = std::sync::Arc::clone(&state.dev_institution);
    let root = state.ca.certificate().clone();
    let result = state
        .db
        .call(move |conn| {
            let callback = institution.callback(
                &form.code,
                CallbackEvent::Cancelled,
                None,
                Some("开发测试机构撤销 cancelled by the development institution".to_owned()),
                None,
                now,
            );
            accept_callback(conn, &callback, &root, now)?;
            store::code_row(conn, &form.code)
        })
        .await;
    match result {
        Ok(row) => result_page(&row),
        Err(err) => refusal_page(&err),
    }
}
