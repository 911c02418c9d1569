//! `/console/experts`: the evaluation experts' console (评标专家), beside the
//! agent's (`web::hall`). For a project in phase evaluation it opens and
//! closes quote rounds per section (an optional deadline in minutes from
//! the server's now) and starts and closes coefficient draws from a
//! candidate list. It shows every round with its quotes once closed (a
//! count while open) and every draw with its commitment and result.

use axum::extract::{Form, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{Router, get, post};
use maud::{Markup, html};
use palmbid_core::api::hall::{DrawView, Phase, RoundState, RoundView};
use palmbid_core::error::Localized;
use serde::Deserialize;

use super::{cross_site, cross_site_refused, page, time_text};
use crate::AppState;
use crate::error::Failure;
use crate::hall::store::{self, Project};
use crate::hall::{HallError, draws, notify, rounds};

/// Maximum deadline of a round, in minutes: one day.
const MAX_DEADLINE_MINUTES: i64 = 24 * 60;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/experts", get(list))
        .route("/console/experts/{id}/rounds/open", post(open_round))
        .route("/console/experts/{id}/rounds/close", post(close_round))
        .route("/console/experts/{id}/draws/open", post(open_draw))
        .route("/console/experts/{id}/draws/close", post(close_draw))
}

async fn list(State(state): State<AppState>) -> Result<Markup, Failure> {
    list_page(&state, None).await
}

/// One project with its rounds and draws, for the page.
struct ProjectRow {
    project: Project,
    rounds: Vec<RoundView>,
    draws: Vec<DrawView>,
}

async fn list_page(state: &AppState, error: Option<&str>) -> Result<Markup, Failure> {
    let now = state.clock.now();
    let rows = state
        .db
        .call(move |conn| {
            let projects = store::all(conn, now)?;
            projects
                .into_iter()
                .map(|project| {
                    rounds::settle(conn, &project.id, now)?;
                    Ok(ProjectRow {
                        rounds: rounds::list(conn, &project.id, None)?,
                        draws: draws::list(conn, &project.id, None)?,
                        project,
                    })
                })
                .collect::<Result<Vec<_>, HallError>>()
        })
        .await
        .map_err(Failure::from)?;
    Ok(page(
        "评标专家 Evaluation experts",
        &html! {
            @if let Some(error) = error { p class="error" id="error" { (error) } }
            p { "服务器时间 Server time: " (time_text(now)) }
            @for row in &rows {
                (project_section(row))
            }
        },
    ))
}

fn project_section(row: &ProjectRow) -> Markup {
    let project = &row.project;
    let evaluation = project.phase == Phase::Evaluation;
    html! {
        section data-experts=(project.id) data-phase=(project.phase.as_str()) {
            h2 { (project.name) }
            @if !evaluation {
                p { "评标阶段才能报价和抽系数 Rounds and draws need phase evaluation." }
            }
            h3 { "多轮报价 Quote rounds" }
            table data-rounds=(project.id) {
                tr {
                    th { "标段 Section" } th { "轮次 Round" } th { "状态 State" }
                    th { "截止 Deadline" } th { "报价 Quotes" }
                }
                @for round in &row.rounds {
                    tr data-round={ (round.section) "-" (round.round) } data-state=(round.state.as_str()) {
                        td { (round.section) }
                        td { (round.round) }
                        td { (round.state.as_str()) }
                        td { (round.deadline.map(time_text).unwrap_or_default()) }
                        td {
                            @if round.state == RoundState::Closed {
                                @for quote in &round.quotes {
                                    (quote.company) "（" (quote.credit_code) "）: " (quote.amount) br;
                                }
                            } @else {
                                (round.quotes.len()) " 家已报价 quoted"
                            }
                        }
                    }
                }
            }
            @if evaluation {
                @for (position, name) in project.sections.iter().enumerate() {
                    @let section = position + 1;
                    form method="post" action={ "/console/experts/" (project.id) "/rounds/open" } {
                        input type="hidden" name="section" value=(section);
                        (name) " "
                        label { "截止（分钟，可空）Deadline in minutes, optional "
                            input type="number" name="deadline_minutes" min="1" max=(MAX_DEADLINE_MINUTES); }
                        button type="submit" { "开启下一轮 Open next round" }
                    }
                    form method="post" action={ "/console/experts/" (project.id) "/rounds/close" } {
                        input type="hidden" name="section" value=(section);
                        button type="submit" { "结束本轮 Close round" }
                    }
                }
            }
            h3 { "抽系数 Coefficient draws" }
            table data-draws=(project.id) {
                tr {
                    th { "次 Draw" } th { "候选 Candidates" } th { "承诺 Commitment" }
                    th { "贡献 Contributions" } th { "结果 Result" }
                }
                @for draw in &row.draws {
                    tr data-draw=(draw.draw) data-state=(draw.state.as_str()) {
                        td { (draw.draw) }
                        td { (draw.candidates.join(", ")) }
                        td { code { (hex::encode(draw.commitment.commitment)) } }
                        td { (draw.contributions.len()) }
                        td class="result" {
                            @if let Some(index) = draw.index {
                                (draw.candidates.get(index as usize).map_or("", String::as_str))
                            }
                        }
                    }
                }
            }
            @if evaluation {
                form method="post" action={ "/console/experts/" (project.id) "/draws/open" } {
                    label { "候选系数 Candidates "
                        input type="text" name="candidates" required placeholder="0.95,0.96,0.97,0.98"; }
                    button type="submit" { "发起抽取 Start draw" }
                }
                form method="post" action={ "/console/experts/" (project.id) "/draws/close" } {
                    button type="submit" { "结束并公布 Close and reveal" }
                }
            }
        }
    }
}

/// The form that opens a round.
#[derive(Deserialize)]
struct OpenRoundForm {
    section: u32,
    /// Empty for a round without deadline.
    #[serde(default)]
    deadline_minutes: String,
}

/// The form that closes a round.
#[derive(Deserialize)]
struct SectionForm {
    section: u32,
}

/// The form that starts a draw.
#[derive(Deserialize)]
struct DrawForm {
    candidates: String,
}

/// Minutes from the form as a deadline after `now`, Unix seconds.
fn deadline(text: &str, now: i64) -> Result<Option<i64>, HallError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(minutes) if (1..=MAX_DEADLINE_MINUTES).contains(&minutes) => {
            Ok(Some(now + minutes * 60))
        }
        _ => Err(HallError::InvalidProject {
            field: "deadline",
            reason: format!("whole minutes from 1 to {MAX_DEADLINE_MINUTES}, or empty"),
        }),
    }
}

async fn open_round(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<OpenRoundForm>,
) -> Result<Response, Failure> {
    if cross_site(&headers) {
        return Ok(cross_site_refused());
    }
    let now = state.clock.now();
    let result = match deadline(&form.deadline_minutes, now) {
        Ok(deadline) => {
            state
                .db
                .call(move |conn| rounds::open(conn, &id, form.section, deadline, now))
                .await
        }
        Err(err) => Err(err),
    };
    answer(&state, result.map(|_| ())).await
}

async fn close_round(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<SectionForm>,
) -> Result<Response, Failure> {
    if cross_site(&headers) {
        return Ok(cross_site_refused());
    }
    let now = state.clock.now();
    let result = state
        .db
        .call(move |conn| rounds::close(conn, &id, form.section, now))
        .await;
    answer(&state, result.map(|_| ())).await
}

async fn open_draw(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<DrawForm>,
) -> Result<Response, Failure> {
    if cross_site(&headers) {
        return Ok(cross_site_refused());
    }
    let now = state.clock.now();
    let result = match draws::parse_candidates(&form.candidates) {
        Ok(candidates) => {
            state
                .db
                .call(move |conn| draws::open(conn, &id, &candidates, now))
                .await
        }
        Err(err) => Err(err),
    };
    answer(&state, result.map(|_| ())).await
}

async fn close_draw(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Failure> {
    if cross_site(&headers) {
        return Ok(cross_site_refused());
    }
    let now = state.clock.now();
    let result = state
        .db
        .call(move |conn| draws::close(conn, &id, now))
        .await;
    answer(&state, result.map(|_| ())).await
}

/// Wakes the event streams and redirects to the page after a change;
/// shows a refusal on the page with its status.
async fn answer(state: &AppState, result: Result<(), HallError>) -> Result<Response, Failure> {
    match result {
        Ok(()) => {
            notify(state);
            Ok(Redirect::to("/console/experts").into_response())
        }
        Err(err) => {
            let Some((status, _)) = err.wire() else {
                return Err(err.into());
            };
            tracing::info!(code = err.code(), "experts console change rejected");
            let message = format!("{} / {}", err.message_zh(), err);
            let body = list_page(state, Some(&message)).await?;
            Ok((status, body).into_response())
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn deadlines_are_minutes_ahead() {
        assert_eq!(deadline("", 100).unwrap(), None);
        assert_eq!(deadline(" 5 ", 100).unwrap(), Some(400));
        for bad in ["0", "-3", "1441", "five", "1.5"] {
            assert!(deadline(bad, 100).is_err(), "{bad}");
        }
    }

    #[test]
    fn candidate_lists_are_checked() {
        assert_eq!(
            draws::parse_candidates("0.95,0.96， 0.97\n0.98").unwrap(),
            ["0.95", "0.96", "0.97", "0.98"]
        );
        for bad in ["", " , ", "0.95,0.95", &"1,".repeat(65), &"9".repeat(33)] {
            assert!(draws::parse_candidates(bad).is_err(), "{bad}");
        }
    }
}
