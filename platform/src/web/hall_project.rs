//! `/console/hall/{id}`: one project on the agent's console: its details
//! (tenderer, agent, code, place, notes, sections with bidder counts),
//! the quote table from the quote reading on with who confirmed and when,
//! and the challenges with their attachments (downloadable) and a form to
//! answer each once. An answer records an event that names only the
//! challenge id.

use axum::body::Body;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{Router, get, post};
use maud::{Markup, html};
use palmbid_core::api::hall::Phase;
use palmbid_core::api::hall::challenges::ChallengeRecord;
use palmbid_core::api::hall::quotes::{QuoteConfirmation, QuoteTable};
use palmbid_core::error::Localized;
use serde::Deserialize;

use super::{cross_site, cross_site_refused, page, time_text};
use crate::AppState;
use crate::error::Failure;
use crate::hall::details::{self, Details};
use crate::hall::store::{self, Project};
use crate::hall::{HallError, challenges, notify, quotes};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/hall/{id}", get(show))
        .route(
            "/console/hall/{id}/challenges/{challenge}/answer",
            post(answer),
        )
        .route(
            "/console/hall/{id}/challenges/{challenge}/attachments/{index}",
            get(download),
        )
}

/// The values of the project page, read in one database call.
struct View {
    project: Project,
    details: Details,
    quotes: Option<QuoteTable>,
    confirmations: Vec<QuoteConfirmation>,
    challenges: Vec<ChallengeRecord>,
}

async fn show(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, Failure> {
    project_page(&state, &id, None).await
}

async fn project_page(
    state: &AppState,
    id: &str,
    error: Option<(axum::http::StatusCode, String)>,
) -> Result<Response, Failure> {
    let now = state.clock.now();
    let project_id = id.to_owned();
    let view = state
        .db
        .call(move |conn| {
            let project = store::load(conn, &project_id, now)?;
            let quotes = if project.phase >= Phase::QuoteReading {
                Some(quotes::table(conn, &project_id, project.phase)?)
            } else {
                None
            };
            Ok::<_, HallError>(View {
                details: details::get(conn, &project_id)?,
                quotes,
                confirmations: quotes::confirmations(conn, &project_id)?,
                challenges: challenges::all(conn, &project_id)?,
                project,
            })
        })
        .await
        .map_err(Failure::from)?;
    let status = error
        .as_ref()
        .map_or(axum::http::StatusCode::OK, |(status, _)| *status);
    let body = page(
        &format!("项目 Project: {}", view.project.name),
        &html! {
            @if let Some((_, message)) = &error { p class="error" id="error" { (message) } }
            p { a href="/console/hall" { "← 开标大厅 Bid-opening hall" } }
            (details_table(&view))
            (quote_table(&view))
            (challenge_list(&view))
        },
    );
    Ok((status, body).into_response())
}

fn optional(value: Option<&String>) -> &str {
    value.map_or("—", String::as_str)
}

fn details_table(view: &View) -> Markup {
    let details = &view.details;
    html! {
        h2 { "项目详情 Details" }
        table id="details" {
            tr { th { "项目编号 Code" } td { (optional(details.code.as_ref())) } }
            tr { th { "招标人 Tenderer" } td { (optional(details.tenderer.as_ref())) } }
            tr { th { "招标代理 Agent" } td { (optional(details.agent.as_ref())) } }
            tr { th { "开标时间 Opening (UTC)" } td { (time_text(view.project.opening_at)) } }
            tr { th { "开标地点 Place" } td { (optional(details.place.as_ref())) } }
            tr { th { "备注 Notes" } td { (optional(details.notes.as_ref())) } }
            tr { th { "阶段 Phase" } td { (view.project.phase.as_str()) } }
        }
    }
}

fn quote_table(view: &View) -> Markup {
    html! {
        h2 { "唱标 Quotes" }
        @match &view.quotes {
            None => p id="quotes-sealed" { "唱标开始前报价保持密封 The quotes stay sealed until the quote reading." },
            Some(table) => table id="quotes" {
                tr {
                    th { "标段 Section" } th { "投标单位 Company" } th { "报价（元） Quote (yuan)" }
                    th { "已解密 Decrypted" } th { "已确认 Confirmed" } th { "确认时间 Confirmed at" }
                }
                @for entry in &table.quotes {
                    tr data-bidder=(entry.credit_code) {
                        td { (entry.section_name) }
                        td { (entry.company) "（" (entry.credit_code) "）" }
                        td class="quote" { (optional(entry.amount.as_ref())) }
                        td { (if entry.decrypted { "是 yes" } else { "否 no" }) }
                        td class="confirmed" {
                            @match entry.confirmed {
                                Some(true) => "是 yes",
                                Some(false) => "否 no",
                                None => "—",
                            }
                        }
                        td { (entry.confirmed_at.map(time_text).unwrap_or_default()) }
                    }
                }
            },
        }
        @if !view.confirmations.is_empty() {
            h3 { "确认记录 Confirmations" }
            ul id="confirmations" {
                @for c in &view.confirmations {
                    li { (c.company) "（" (c.credit_code) "）" " " (c.amount) " 元, "
                         (time_text(c.confirmed_at)) ", 证书 certificate " (c.certificate_serial) }
                }
            }
        }
    }
}

fn challenge_list(view: &View) -> Markup {
    let id = &view.project.id;
    html! {
        h2 { "质疑 Challenges" }
        @if view.challenges.is_empty() { p { "暂无质疑 No challenges." } }
        @for challenge in &view.challenges {
            div class="challenge" data-challenge=(challenge.id) {
                h3 { (challenge.company) "（" (challenge.credit_code) "） " (time_text(challenge.submitted_at)) }
                p class="challenge-text" { (challenge.text) }
                ul {
                    @for (n, attachment) in challenge.attachments.iter().enumerate() {
                        li {
                            a href={ "/console/hall/" (id) "/challenges/" (challenge.id) "/attachments/" (n + 1) } {
                                (attachment.name)
                            }
                            " (" (attachment.kind.extension()) ", " (attachment.size) " bytes, SHA-256 " (attachment.sha256) ")"
                        }
                    }
                }
                @match &challenge.answer {
                    Some(answer) => p class="answer" {
                        "答复 Answer (" (time_text(answer.answered_at)) "): " (answer.text)
                    },
                    None => form method="post" action={ "/console/hall/" (id) "/challenges/" (challenge.id) "/answer" } {
                        textarea name="answer" rows="3" cols="60" required maxlength="2000" {}
                        button type="submit" { "答复 Answer" }
                    },
                }
            }
        }
    }
}

/// The answer form.
#[derive(Deserialize)]
struct AnswerForm {
    answer: String,
}

async fn answer(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, challenge)): Path<(String, String)>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, Failure> {
    if cross_site(&headers) {
        return Ok(cross_site_refused());
    }
    let now = state.clock.now();
    let project_id = id.clone();
    let result = state
        .db
        .call(move |conn| challenges::answer(conn, &project_id, &challenge, &form.answer, now))
        .await;
    match result {
        Ok(_) => {
            notify(&state);
            Ok(Redirect::to(&format!("/console/hall/{id}")).into_response())
        }
        Err(err) => {
            let Some((status, _)) = err.wire() else {
                return Err(err.into());
            };
            tracing::info!(code = err.code(), "challenge answer rejected");
            let message = format!("{} / {}", err.message_zh(), err);
            project_page(&state, &id, Some((status, message))).await
        }
    }
}

async fn download(
    State(state): State<AppState>,
    Path((id, challenge, index)): Path<(String, String, usize)>,
) -> Result<Response, Failure> {
    let lookup = state.clone();
    let (attachment, file) = state
        .db
        .call(move |conn| challenges::attachment(conn, &lookup, &id, &challenge, index))
        .await
        .map_err(Failure::from)?;
    let bytes = tokio::fs::read(&file)
        .await
        .map_err(|e| Failure::internal(&e))?;
    // The stored name is the bidder's text: the header gets a fixed name
    // so that no bidder input reaches it.
    let name = format!("attachment-{index}.{}", attachment.kind.extension());
    Ok((
        [
            (
                header::CONTENT_TYPE,
                attachment.kind.media_type().to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        Body::from(bytes),
    )
        .into_response())
}
