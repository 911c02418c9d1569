//! `/console/hall`: the agent's bid-opening console. Lists the projects
//! with their phase, enters a project with one section and its bidders
//! (one a line: credit code, then company name), and moves a project to
//! its next phase. Sign-in has no button: it starts by the server clock
//! one hour before opening. Opening times are entered and shown in UTC.
//! Per project, a table shows each bidder's progress (signed in, bid
//! uploaded, decryption checked, decrypted) and, once every bidder's bids
//! are decrypted, the quotes. The create form also takes the optional
//! details (code, tenderer, agent, place, notes); each project's name
//! links to its page (`web::hall_project`).

use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{Router, get, post};
use maud::{Markup, html};
use palmbid_core::api::hall::{BidState, BidView, Phase};
use palmbid_core::error::Localized;
use serde::Deserialize;

use super::{cross_site, cross_site_refused, form_field, page, time_text};
use crate::AppState;
use crate::error::Failure;
use crate::hall::details::{self, Details};
use crate::hall::store::{self, Bidder, NewProject, Project};
use crate::hall::{self, HallError, notify};

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/hall", get(list).post(create))
        .route("/console/hall/{id}/phase", post(advance))
}

/// The phase's label on the console.
fn phase_label(phase: Phase) -> &'static str {
    match phase {
        Phase::NotOpen => "未开始 not open",
        Phase::SignIn => "签到 sign-in",
        Phase::Decryption => "解密 decryption",
        Phase::QuoteReading => "唱标 quote reading",
        Phase::QuoteConfirmation => "确认 quote confirmation",
        Phase::Evaluation => "评标 evaluation",
        Phase::Closed => "已结束 closed",
    }
}

/// The button that moves a project into `phase`.
fn button_label(phase: Phase) -> &'static str {
    match phase {
        Phase::Decryption => "开始解密 Start decryption",
        Phase::QuoteReading => "开始唱标 Start quote reading",
        Phase::QuoteConfirmation => "开始确认 Start confirmation",
        Phase::Evaluation => "开始评标 Start evaluation",
        Phase::Closed => "结束 Close",
        Phase::NotOpen | Phase::SignIn => "",
    }
}

async fn list(State(state): State<AppState>) -> Result<Markup, Failure> {
    list_page(&state, None).await
}

async fn list_page(state: &AppState, error: Option<&str>) -> Result<Markup, Failure> {
    let now = state.clock.now();
    let rows = state
        .db
        .call(move |conn| {
            store::all(conn, now)?
                .into_iter()
                .map(|project| {
                    let bidders = store::bidders(conn, &project.id)?;
                    let bids = hall::all_bids(conn, &project.id)?;
                    let rows = bidders
                        .into_iter()
                        .map(|bidder| {
                            let signed_in =
                                hall::sign_in_record(conn, &project.id, &bidder.credit_code)?
                                    .is_some();
                            let own: Vec<BidView> = bids
                                .iter()
                                .filter(|(code, _)| *code == bidder.credit_code)
                                .map(|(_, view)| view.clone())
                                .collect();
                            Ok(BidderRow {
                                bidder,
                                signed_in,
                                bids: own,
                            })
                        })
                        .collect::<Result<Vec<_>, HallError>>()?;
                    Ok((project, rows))
                })
                .collect::<Result<Vec<(Project, Vec<BidderRow>)>, HallError>>()
        })
        .await
        .map_err(Failure::from)?;
    Ok(page(
        "开标大厅 Bid-opening hall",
        &html! {
            @if let Some(error) = error { p class="error" id="error" { (error) } }
            p { "服务器时间 Server time: " (time_text(now)) }
            table {
                tr {
                    th { "项目 Project" } th { "开标时间 Opening (UTC)" } th { "标段 Sections" }
                    th { "投标人 Bidders" } th { "阶段 Phase" } th { "" }
                }
                @for (project, bidders) in &rows {
                    tr data-project=(project.id) data-phase=(project.phase.as_str()) {
                        td { a href={ "/console/hall/" (project.id) } { (project.name) } }
                        td { (time_text(project.opening_at)) }
                        td { (project.sections.join("，")) }
                        td {
                            @for row in bidders {
                                (row.bidder.company) "（" (row.bidder.credit_code) "）" br;
                            }
                        }
                        td { (phase_label(project.phase)) }
                        td {
                            @if let Some(next) = project.phase.next().filter(|p| *p != Phase::SignIn) {
                                form method="post" action={ "/console/hall/" (project.id) "/phase" } {
                                    input type="hidden" name="phase" value=(next.as_str());
                                    button type="submit" { (button_label(next)) }
                                }
                            }
                        }
                    }
                }
            }
            (progress_tables(&rows))
            h2 { "新项目 New project" }
            form method="post" action="/console/hall" {
                p { label { "项目名称 Name " input type="text" name="name" required maxlength="200"; } }
                p { label { "开标时间 Opening (UTC) " input type="datetime-local" name="opening" required; } }
                p { label { "标段 Section " input type="text" name="section" required maxlength="200"; } }
                p { label { "投标人 Bidders（每行：统一社会信用代码 单位名称 / one a line: credit code, company）"
                    br; textarea name="bidders" rows="5" cols="60" required {} } }
                p { label { "项目编号 Code（选填 optional） " input type="text" name="code" maxlength="100"; } }
                p { label { "招标人 Tenderer（选填 optional） " input type="text" name="tenderer" maxlength="200"; } }
                p { label { "招标代理 Agent（选填 optional） " input type="text" name="agent" maxlength="200"; } }
                p { label { "开标地点 Place（选填 optional） " input type="text" name="place" maxlength="200"; } }
                p { label { "备注 Notes（选填 optional）" br; textarea name="notes" rows="3" cols="60" maxlength="2000" {} } }
                button type="submit" { "创建 Create" }
            }
        },
    ))
}

/// Renders, per project, each bidder's progress and, once every bidder's
/// bids are decrypted, the quotes.
fn progress_tables(rows: &[(Project, Vec<BidderRow>)]) -> Markup {
    html! {
        @for (project, bidders) in rows {
            @let all_decrypted = bidders.iter().all(|r| {
                !r.bids.is_empty() && r.bids.iter().all(|b| b.state == BidState::Decrypted)
            });
            h2 { "投标人进度 Bidders: " (project.name) }
            table data-progress=(project.id) {
                tr {
                    th { "投标单位 Company" } th { "签到 Signed in" } th { "已上传 Bid uploaded" }
                    th { "已校验 Checked" } th { "已解密 Decrypted" }
                    @if all_decrypted { th { "报价（元） Quote (yuan)" } }
                }
                @for row in bidders {
                    tr data-bidder=(row.bidder.credit_code) {
                        td { (row.bidder.company) "（" (row.bidder.credit_code) "）" }
                        td { (yes_no(row.signed_in)) }
                        td { (yes_no(!row.bids.is_empty())) }
                        td { (yes_no(!row.bids.is_empty() && row.bids.iter().all(|b| b.check.is_some()))) }
                        td { (yes_no(!row.bids.is_empty() && row.bids.iter().all(|b| b.state == BidState::Decrypted))) }
                        @if all_decrypted {
                            td class="quote" {
                                @for bid in &row.bids {
                                    @if let Some(quote) = &bid.quote { (quote.amount) br; }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One bidder of a project with its progress, for the console.
struct BidderRow {
    bidder: Bidder,
    signed_in: bool,
    bids: Vec<BidView>,
}

fn yes_no(value: bool) -> &'static str {
    if value { "是 yes" } else { "否 no" }
}

/// The new-project form.
#[derive(Deserialize)]
struct ProjectForm {
    name: String,
    /// `YYYY-MM-DDTHH:MM`, UTC, as a `datetime-local` input sends it.
    opening: String,
    section: String,
    bidders: String,
    /// The optional details ([`Details::from_form`]); absent fields are
    /// empty.
    #[serde(default)]
    code: String,
    #[serde(default)]
    tenderer: String,
    #[serde(default)]
    agent: String,
    #[serde(default)]
    place: String,
    #[serde(default)]
    notes: String,
}

/// Unix seconds of a `YYYY-MM-DDTHH:MM` (or with `:SS`, or a space for
/// the `T`) time in UTC.
fn parse_opening(text: &str) -> Result<i64, HallError> {
    let invalid = || HallError::InvalidProject {
        field: "opening",
        reason: "a time as YYYY-MM-DDTHH:MM, UTC".to_owned(),
    };
    let numbers = |part: &str, sep: char| -> Option<Vec<i32>> {
        part.split(sep).map(|n| n.parse::<i32>().ok()).collect()
    };

    let (date, clock) = text.trim().split_once(['T', ' ']).ok_or_else(invalid)?;
    let date = numbers(date, '-').ok_or_else(invalid)?;
    let clock = numbers(clock, ':').ok_or_else(invalid)?;
    let ([year, month, day], [hour, minute, second @ ..]) = (date.as_slice(), clock.as_slice())
    else {
        return Err(invalid());
    };
    let second = match second {
        [] => 0,
        [second] => *second,
        _ => return Err(invalid()),
    };

    let month = u8::try_from(*month)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .ok_or_else(invalid)?;
    let small = |n: i32| u8::try_from(n).map_err(|_| invalid());
    let date = time::Date::from_calendar_date(*year, month, small(*day)?).map_err(|_| invalid())?;
    let clock = time::Time::from_hms(small(*hour)?, small(*minute)?, small(second)?)
        .map_err(|_| invalid())?;
    Ok(time::PrimitiveDateTime::new(date, clock)
        .assume_utc()
        .unix_timestamp())
}

/// Bidders from the text area: each non-empty line is a credit code, then
/// the company name after white space.
fn parse_bidders(text: &str) -> Result<Vec<Bidder>, HallError> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| {
            let (code, company) =
                line.split_once(char::is_whitespace)
                    .ok_or_else(|| HallError::InvalidProject {
                        field: "bidders",
                        reason: format!(
                            "“{}” is not a credit code and a company name",
                            form_field(line)
                        ),
                    })?;
            Ok(Bidder {
                credit_code: code.trim().to_owned(),
                company: form_field(company.trim()),
            })
        })
        .collect()
}

async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<ProjectForm>,
) -> Result<Response, Failure> {
    if cross_site(&headers) {
        return Ok(cross_site_refused());
    }
    let now = state.clock.now();
    let parsed = parse_opening(&form.opening).and_then(|opening_at| {
        let new = NewProject {
            name: form_field(&form.name),
            opening_at,
            section: form_field(&form.section),
            bidders: parse_bidders(&form.bidders)?,
        };
        let details = Details::from_form(
            &form.code,
            &form.tenderer,
            &form.agent,
            &form.place,
            &form.notes,
        )?;
        Ok((new, details))
    });
    let result = match parsed {
        Ok((new, details)) => {
            let ca = state.ca.clone();
            state
                .db
                .call(move |conn| {
                    let opening = store::opening_key_pair(&ca, now)?;
                    let id = store::create(conn, &new, &opening, now)?;
                    details::set(conn, &id, &details)?;
                    Ok(id)
                })
                .await
        }
        Err(err) => Err(err),
    };
    answer(&state, result.map(|_| ())).await
}

/// The phase form: the phase to move to.
#[derive(Deserialize)]
struct PhaseForm {
    phase: String,
}

async fn advance(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<PhaseForm>,
) -> Result<Response, Failure> {
    if cross_site(&headers) {
        return Ok(cross_site_refused());
    }
    let Some(to) = Phase::parse(&form.phase) else {
        let message = format!("unknown phase {}", form_field(&form.phase));
        let body = list_page(&state, Some(&message)).await?;
        return Ok((StatusCode::BAD_REQUEST, body).into_response());
    };
    let now = state.clock.now();
    let result = state
        .db
        .call(move |conn| store::advance(conn, &id, to, now))
        .await;
    if result.is_ok() {
        notify(&state);
    }
    answer(&state, result.map(|_| ())).await
}

/// Redirects to the list after a change; shows a refusal on the list with
/// its status.
async fn answer(state: &AppState, result: Result<(), HallError>) -> Result<Response, Failure> {
    match result {
        Ok(()) => Ok(Redirect::to("/console/hall").into_response()),
        Err(err) => {
            let Some((status, _)) = err.wire() else {
                return Err(err.into());
            };
            tracing::info!(code = err.code(), "hall console change rejected");
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
    fn openings_parse_as_utc() {
        assert_eq!(parse_opening("2026-12-04T20:30").unwrap(), 1_796_416_200);
        assert_eq!(parse_opening("2026-12-04 20:30:00").unwrap(), 1_796_416_200);
        for bad in [
            "04/12/2026 20:30",
            "2026-12-04",
            "2026-13-04T20:30",
            "2026-12-04T24:00",
            "2026-12-04T20:30:00:00",
            "tomorrow",
        ] {
            assert!(
                matches!(
                    parse_opening(bad),
                    Err(HallError::InvalidProject {
                        field: "opening",
                        ..
                    })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn bidder_lines_split_code_and_company() {
        let bidders = parse_bidders("\n 91110000802100433B  示例科技有限公司 \n\n").unwrap();
        assert_eq!(
            bidders,
            [Bidder {
                credit_code: "91110000802100433B".into(),
                company: "示例科技有限公司".into()
            }]
        );
        assert!(matches!(
            parse_bidders("91110000802100433B"),
            Err(HallError::InvalidProject {
                field: "bidders",
                ..
            })
        ));
    }
}
