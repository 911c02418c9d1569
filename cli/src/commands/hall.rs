//! `palmbid hall`: the bid-opening hall (掌上开标) from the command line.
//! `list` shows the company's projects; `watch` follows one project and
//! prints each state change, notice and reconnection as it comes; the
//! other subcommands are the bidder's actions (sign-in and its receipt,
//! the bid list, the decryption check, the decryption); quote reading,
//! confirmation, project details and challenges are in `hall_quotes`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use palmbid_core::account::AccountStore;
use palmbid_core::api::hall::{BidState, BidView, Phase, ProjectSummary};
use palmbid_core::hall::{self, HallError, HallListener, HallNotice, ProjectState, StreamStatus};

use super::hall_evaluation;
use super::hall_quotes;
use super::platform::{block_on, block_on_raw, open_store, pick};
use crate::error::CliResult;
use crate::output::{Existing, Staging, check_target};
use crate::{Context, time_text};

/// `palmbid hall` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum HallAction {
    /// List the company's bid openings (手机开标), by opening time.
    List {
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },

    /// Follow a project's opening and print its state changes as they
    /// come, until it closes or Ctrl-C.
    Watch {
        /// The project id (from `palmbid hall list`).
        project: String,
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
        /// Print one JSON object a line instead of text.
        #[arg(long)]
        json: bool,
    },

    /// Sign in to a project (签到), from one hour before the opening;
    /// asks for the PIN.
    SignIn {
        /// The project id.
        project: String,
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
    },

    /// Save the sign-in receipt (签到凭证) of a project as a PDF.
    Receipt {
        /// The project id.
        project: String,
        /// Where to write the PDF; an existing file is replaced.
        #[arg(long, short, value_name = "FILE")]
        out: std::path::PathBuf,
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
    },

    /// List the company's bid files in a project, with their decryption
    /// check and decryption state.
    Bids {
        /// The project id.
        project: String,
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },

    /// Check before the opening that this phone opens a bid file (解密检测),
    /// without releasing anything; asks for the PIN.
    Check {
        /// The project id.
        project: String,
        /// The bid id (from `palmbid hall bids`).
        bid: String,
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
    },

    /// Decrypt a bid file at the opening (解密): release its key to the
    /// hall; asks for the PIN.
    Decrypt {
        /// The project id.
        project: String,
        /// The bid id (from `palmbid hall bids`).
        bid: String,
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
    },

    /// Show every bidder's quote (唱标), from the quote reading on.
    Quotes {
        /// The project id.
        project: String,
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },

    /// Confirm the quote read for the company's bid (确认报价); asks for
    /// the PIN.
    Confirm {
        /// The project id.
        project: String,
        /// The bid id (from `palmbid hall quotes`).
        bid: String,
        /// The amount in yuan, as `palmbid hall quotes` shows it.
        #[arg(long, value_name = "YUAN")]
        amount: String,
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
    },

    /// Show a project's details (项目详情): tenderer, agent, code,
    /// sections, opening time, place, notes, phase and progress.
    Details {
        /// The project id.
        project: String,
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },

    /// Submit a challenge (质疑) with optional PDF, PNG or JPEG
    /// attachments; asks for the PIN.
    Challenge {
        /// The project id.
        project: String,
        /// The challenge's text.
        #[arg(long, value_name = "TEXT")]
        text: String,
        /// A file to attach; repeat for more (up to 5).
        #[arg(long, value_name = "FILE")]
        attach: Vec<PathBuf>,
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
    },

    /// List the company's challenges in a project with the agent's answers.
    Challenges {
        /// The project id.
        project: String,
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },

    /// List the quote rounds of a project (多轮报价): the company's own
    /// quote while a round is open, every quote once it closed.
    Rounds {
        /// The project id.
        project: String,
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },

    /// Quote in an open round; a new quote in the same round replaces the
    /// last. Asks for the PIN.
    Quote {
        /// The project id.
        project: String,
        /// The round, from 1 (from `palmbid hall rounds`).
        #[arg(long)]
        round: u32,
        /// The amount in yuan, at most two decimals, such as 1234567.89.
        #[arg(long)]
        amount: String,
        /// The section, from 1.
        #[arg(long, default_value_t = 1)]
        section: u32,
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },

    /// Take part in the coefficient draw (抽系数): contribute while it is
    /// open (asks for the PIN), verify the result once it is revealed.
    Draw {
        /// The project id.
        project: String,
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

impl HallAction {
    /// The trusted platform the action names, if any.
    fn platform(&self) -> Option<&str> {
        match self {
            HallAction::List { platform, .. }
            | HallAction::Watch { platform, .. }
            | HallAction::SignIn { platform, .. }
            | HallAction::Receipt { platform, .. }
            | HallAction::Bids { platform, .. }
            | HallAction::Check { platform, .. }
            | HallAction::Decrypt { platform, .. }
            | HallAction::Quotes { platform, .. }
            | HallAction::Confirm { platform, .. }
            | HallAction::Details { platform, .. }
            | HallAction::Challenge { platform, .. }
            | HallAction::Challenges { platform, .. }
            | HallAction::Rounds { platform, .. }
            | HallAction::Quote { platform, .. }
            | HallAction::Draw { platform, .. } => platform.as_deref(),
        }
    }
}

/// Runs `palmbid hall ACTION`.
pub(crate) fn run(ctx: &Context, home: &Path, action: &HallAction) -> CliResult<()> {
    let store = open_store(home)?;
    let platform = pick(&store, action.platform())?;
    let platform = platform.name.as_str();
    match action {
        HallAction::List { json, .. } => {
            let projects = block_on(hall::projects(&store, platform))?;
            // Each project with the company's bids, so the list shows
            // every bid's decryption check.
            let mut listed = Vec::with_capacity(projects.len());
            for project in projects {
                let bids = block_on(hall::bids(&store, platform, &project.id))?;
                listed.push((project, bids));
            }
            print_list(ctx, &listed, *json);
            Ok(())
        }
        HallAction::Watch { project, json, .. } => watch(ctx, &store, platform, project, *json),
        HallAction::SignIn { project, .. } => sign_in(ctx, home, &store, platform, project),
        HallAction::Receipt { project, out, .. } => receipt(ctx, &store, platform, project, out),
        HallAction::Bids { project, json, .. } => {
            let bids = block_on(hall::bids(&store, platform, project))?;
            print_bids(ctx, &bids, *json);
            Ok(())
        }
        HallAction::Check { project, bid, .. } => check(ctx, home, &store, platform, project, bid),
        HallAction::Decrypt { project, bid, .. } => {
            decrypt(ctx, home, &store, platform, project, bid)
        }
        HallAction::Quotes { project, json, .. } => {
            hall_quotes::quotes(ctx, &store, platform, project, *json)
        }
        HallAction::Confirm {
            project,
            bid,
            amount,
            ..
        } => hall_quotes::confirm(ctx, home, &store, platform, project, bid, amount),
        HallAction::Details { project, json, .. } => {
            hall_quotes::details(ctx, &store, platform, project, *json)
        }
        HallAction::Challenge {
            project,
            text,
            attach,
            ..
        } => hall_quotes::challenge(ctx, home, &store, platform, project, text, attach),
        HallAction::Challenges { project, json, .. } => {
            hall_quotes::challenges(ctx, &store, platform, project, *json)
        }
        HallAction::Rounds { project, json, .. } => {
            hall_evaluation::rounds(ctx, &store, platform, project, *json)
        }
        HallAction::Quote {
            project,
            round,
            amount,
            section,
            json,
            ..
        } => hall_evaluation::quote(
            ctx, home, &store, platform, project, *section, *round, amount, *json,
        ),
        HallAction::Draw { project, json, .. } => {
            hall_evaluation::draw(ctx, home, &store, platform, project, *json)
        }
    }
}

fn watch(
    ctx: &Context,
    store: &AccountStore,
    platform: &str,
    project: &str,
    json: bool,
) -> CliResult<()> {
    let printer = Printer { ctx, json };
    let state = block_on(hall::watch_project(
        store,
        platform,
        project,
        None,
        &printer,
        std::future::pending::<()>(),
    ))?;
    if !json {
        println!(
            "{} {}",
            ctx.tr("开标已结束：", "opening closed:"),
            state.project.name
        );
    }
    Ok(())
}

fn sign_in(
    ctx: &Context,
    home: &Path,
    store: &AccountStore,
    platform: &str,
    project: &str,
) -> CliResult<()> {
    let keystore = crate::home::open(home)?;
    let pin = ctx.secrets.pin()?;
    let record = block_on(hall::sign_in(store, &keystore, platform, project, &pin))?;
    println!(
        "{} {} ({})",
        ctx.tr("已签到：", "signed in:"),
        record.company,
        record.credit_code
    );
    println!(
        "{} {}  {} {}",
        ctx.tr("签到时间：", "at:"),
        time_text(record.signed_in_at),
        ctx.tr("凭证编号：", "receipt:"),
        record.receipt_id
    );
    Ok(())
}

fn receipt(
    ctx: &Context,
    store: &AccountStore,
    platform: &str,
    project: &str,
    out: &Path,
) -> CliResult<()> {
    check_target(out, &[], Existing::Replace)?;
    let pdf = block_on(hall::sign_in_receipt(store, platform, project))?;
    let staging = Staging::beside(out)?;
    staging.write(&pdf)?;
    staging.commit(Existing::Replace)?;
    println!(
        "{} {}",
        ctx.tr("签到凭证已保存：", "sign-in receipt saved:"),
        out.display()
    );
    Ok(())
}

fn check(
    ctx: &Context,
    home: &Path,
    store: &AccountStore,
    platform: &str,
    project: &str,
    bid: &str,
) -> CliResult<()> {
    let keystore = crate::home::open(home)?;
    let pin = ctx.secrets.pin()?;
    let check = match block_on_raw(hall::check_bid(
        store, &keystore, platform, project, bid, &pin, None,
    ))? {
        // Refused before any PIN was used: ask for the signer's and retry.
        Err(HallError::SignerPinNeeded { signer, .. }) => {
            let signer_pin = ctx.secrets.signer_pin(&signer)?;
            block_on(hall::check_bid(
                store,
                &keystore,
                platform,
                project,
                bid,
                &pin,
                Some(&signer_pin),
            ))?
        }
        other => other.map_err(crate::error::core)?,
    };
    println!(
        "{} {}",
        ctx.tr(
            "解密检测通过，本机可以解开投标文件",
            "decryption check passed for bid"
        ),
        check.bid_id
    );
    println!("  {} {}", ctx.tr("密钥：", "opened by:"), check.recipient);
    Ok(())
}

fn decrypt(
    ctx: &Context,
    home: &Path,
    store: &AccountStore,
    platform: &str,
    project: &str,
    bid: &str,
) -> CliResult<()> {
    let keystore = crate::home::open(home)?;
    let pin = ctx.secrets.pin()?;
    let result = match block_on_raw(hall::release_bid(
        store, &keystore, platform, project, bid, &pin, None,
    ))? {
        // Refused before any PIN was used: ask for the signer's and retry.
        Err(HallError::SignerPinNeeded { signer, .. }) => {
            let signer_pin = ctx.secrets.signer_pin(&signer)?;
            block_on(hall::release_bid(
                store,
                &keystore,
                platform,
                project,
                bid,
                &pin,
                Some(&signer_pin),
            ))?
        }
        other => other.map_err(crate::error::core)?,
    };
    println!(
        "{} {}  {} {} {}",
        ctx.tr("解密成功：", "decrypted:"),
        bid,
        ctx.tr("报价：", "quote:"),
        result.quote.amount,
        ctx.tr("元", "yuan")
    );
    Ok(())
}

fn print_bids(ctx: &Context, bids: &[BidView], json: bool) {
    if json {
        let rows: Vec<serde_json::Value> = bids
            .iter()
            .map(|bid| {
                serde_json::json!({
                    "bid_id": bid.bid_id,
                    "section": bid.section,
                    "sha256": bid.sha256,
                    "size": bid.size,
                    "uploaded_at": bid.uploaded_at,
                    "recipients": bid.recipients,
                    "checked_at": bid.check.as_ref().map(|c| c.checked_at),
                    "state": bid.state,
                    "quote": bid.quote.as_ref().map(|q| q.amount.clone()),
                })
            })
            .collect();
        println!("{}", serde_json::Value::Array(rows));
        return;
    }
    if bids.is_empty() {
        println!(
            "{}",
            ctx.tr(
                "本单位在该项目中没有投标文件。",
                "No bid files of this company."
            )
        );
        return;
    }
    for bid in bids {
        println!(
            "{}  {} {}  {} {}",
            bid.bid_id,
            ctx.tr("标段", "section"),
            bid.section,
            ctx.tr("大小", "size"),
            bid.size
        );
        println!("  {}", bid_status(ctx, bid));
    }
}

/// A bid's decryption check and state, as one line of text.
fn bid_status(ctx: &Context, bid: &BidView) -> String {
    let check = bid.check.as_ref().map_or_else(
        || ctx.tr("未检测", "not checked").to_owned(),
        |c| {
            format!(
                "{} {}",
                ctx.tr("已检测", "checked"),
                time_text(c.checked_at)
            )
        },
    );
    let state = match bid.state {
        BidState::Uploaded => ctx.tr("未解密", "encrypted"),
        BidState::Decrypted => ctx.tr("已解密", "decrypted"),
    };
    format!("{check}  {state}")
}

fn print_list(ctx: &Context, projects: &[(ProjectSummary, Vec<BidView>)], json: bool) {
    if json {
        let rows: Vec<serde_json::Value> = projects
            .iter()
            .map(|(project, bids)| listed_project_json(project, bids))
            .collect();
        println!("{}", serde_json::Value::Array(rows));
        return;
    }
    if projects.is_empty() {
        println!("{}", ctx.tr("没有需要参加的开标项目。", "No bid openings."));
        return;
    }
    for (project, bids) in projects {
        println!("{}  {}", project.id, project.name);
        println!(
            "  {} {}  {} {}",
            ctx.tr("开标时间：", "opening:"),
            time_text(project.opening_at),
            ctx.tr("阶段：", "phase:"),
            phase_text(ctx, project.phase)
        );
        println!(
            "  {} {}",
            ctx.tr("标段：", "sections:"),
            project.sections.join("、")
        );
        for bid in bids {
            println!(
                "  {} {}  {}",
                ctx.tr("投标文件", "bid"),
                bid.bid_id,
                bid_status(ctx, bid)
            );
        }
    }
}

fn project_json(project: &ProjectSummary) -> serde_json::Value {
    serde_json::json!({
        "id": project.id,
        "name": project.name,
        "sections": project.sections,
        "opening_at": project.opening_at,
        "phase": project.phase,
    })
}

/// A project of the list with its bids' decryption checks and states.
fn listed_project_json(project: &ProjectSummary, bids: &[BidView]) -> serde_json::Value {
    let bids: Vec<serde_json::Value> = bids
        .iter()
        .map(|bid| {
            serde_json::json!({
                "bid_id": bid.bid_id,
                "section": bid.section,
                "checked_at": bid.check.as_ref().map(|c| c.checked_at),
                "state": bid.state,
            })
        })
        .collect();
    let mut row = project_json(project);
    row["bids"] = serde_json::Value::Array(bids);
    row
}

/// The phase as the app names it.
pub(crate) fn phase_text(ctx: &Context, phase: Phase) -> &'static str {
    match phase {
        Phase::NotOpen => ctx.tr("未开始", "not open"),
        Phase::SignIn => ctx.tr("签到", "sign-in"),
        Phase::Decryption => ctx.tr("解密", "decryption"),
        Phase::QuoteReading => ctx.tr("唱标", "quote reading"),
        Phase::QuoteConfirmation => ctx.tr("确认报价", "quote confirmation"),
        Phase::Evaluation => ctx.tr("评标", "evaluation"),
        Phase::Closed => ctx.tr("已结束", "closed"),
    }
}

/// Prints what the watch reports, as text or JSON lines.
struct Printer<'a> {
    ctx: &'a Context,
    json: bool,
}

impl HallListener for Printer<'_> {
    fn state_changed(&self, state: &ProjectState) {
        if self.json {
            let progress = state.progress.map(|p| {
                serde_json::json!({
                    "bidders": p.bidders,
                    "signed_in": p.signed_in,
                    "decrypted": p.decrypted,
                    "confirmed": p.confirmed,
                })
            });
            let line = serde_json::json!({
                "type": "state",
                "project": project_json(&state.project),
                "progress": progress,
                "last_seq": state.last_seq,
            });
            println!("{line}");
            return;
        }
        let ctx = self.ctx;
        let mut line = format!(
            "[{}] {} {}",
            state.last_seq,
            ctx.tr("阶段：", "phase:"),
            phase_text(ctx, state.phase())
        );
        if let Some(p) = state.progress {
            let _ = write!(
                line,
                "  {} {}/{}  {} {}/{}",
                ctx.tr("已签到", "signed in"),
                p.signed_in,
                p.bidders,
                ctx.tr("已解密", "decrypted"),
                p.decrypted,
                p.bidders
            );
            if p.confirmed > 0 {
                let _ = write!(
                    line,
                    "  {} {}/{}",
                    ctx.tr("已确认", "confirmed"),
                    p.confirmed,
                    p.bidders
                );
            }
        }
        println!("{line}");
    }

    fn notice(&self, _state: &ProjectState, notice: &HallNotice) {
        let ctx = self.ctx;
        if self.json {
            let line = match notice {
                HallNotice::OpeningSoon { minutes } => {
                    serde_json::json!({ "type": "notice", "opening_in_minutes": minutes })
                }
                HallNotice::PhaseStarted { phase } => {
                    serde_json::json!({ "type": "notice", "phase_started": phase })
                }
                HallNotice::ChallengeAnswered { challenge_id } => {
                    serde_json::json!({ "type": "notice", "challenge_answered": challenge_id })
                }
                other => evaluation_notice_json(other),
            };
            println!("{line}");
            return;
        }
        match notice {
            HallNotice::OpeningSoon { minutes } => println!(
                "{} {minutes} {}",
                ctx.tr("提醒：距开标还有", "reminder: the opening starts in"),
                ctx.tr("分钟", "minutes")
            ),
            HallNotice::PhaseStarted { phase } => println!(
                "{} {}",
                ctx.tr("提醒：已进入", "notice: now in"),
                phase_text(ctx, *phase)
            ),
            HallNotice::ChallengeAnswered { challenge_id } => println!(
                "{} {challenge_id}",
                ctx.tr("提醒：质疑已答复", "notice: challenge answered:")
            ),
            other => println!("{}", evaluation_notice_text(ctx, other)),
        }
    }

    fn stream_status(&self, status: &StreamStatus) {
        match status {
            // Connecting is the normal case; only breaks are worth a line.
            StreamStatus::Connected { .. } => {}
            StreamStatus::Reconnecting { breaks, reason } => {
                if self.json {
                    let line = serde_json::json!({
                        "type": "reconnecting", "breaks": breaks, "reason": reason,
                    });
                    println!("{line}");
                } else {
                    eprintln!(
                        "{} ({breaks}): {reason}",
                        self.ctx
                            .tr("连接中断，正在重连", "connection lost, reconnecting")
                    );
                }
            }
        }
    }
}

/// Formats a notice of the evaluation phase as a JSON line.
fn evaluation_notice_json(notice: &HallNotice) -> serde_json::Value {
    match notice {
        HallNotice::RoundOpened {
            section,
            round,
            deadline,
        } => serde_json::json!({
            "type": "notice", "round_opened": round, "section": section, "deadline": deadline,
        }),
        HallNotice::RoundClosed { section, round } => {
            serde_json::json!({ "type": "notice", "round_closed": round, "section": section })
        }
        HallNotice::DrawOpened { draw } => {
            serde_json::json!({ "type": "notice", "draw_opened": draw })
        }
        HallNotice::DrawRevealed { draw, coefficient } => serde_json::json!({
            "type": "notice", "draw_revealed": draw, "coefficient": coefficient,
        }),
        HallNotice::OpeningSoon { .. }
        | HallNotice::PhaseStarted { .. }
        | HallNotice::ChallengeAnswered { .. } => {
            serde_json::json!({ "type": "notice" })
        }
    }
}

/// Formats a notice of the evaluation phase as a line of text.
fn evaluation_notice_text(ctx: &Context, notice: &HallNotice) -> String {
    match notice {
        HallNotice::RoundOpened { section, round, .. } => format!(
            "{} {section} {} {round}",
            ctx.tr(
                "提醒：报价轮次已开启，标段",
                "notice: quote round opened, section"
            ),
            ctx.tr("第几轮", "round")
        ),
        HallNotice::RoundClosed { section, round } => format!(
            "{} {section} {} {round}",
            ctx.tr(
                "提醒：报价轮次已结束，标段",
                "notice: quote round closed, section"
            ),
            ctx.tr("第几轮", "round")
        ),
        HallNotice::DrawOpened { draw } => format!(
            "{} {draw}",
            ctx.tr("提醒：抽系数已开始，第", "notice: coefficient draw opened:")
        ),
        HallNotice::DrawRevealed { draw, coefficient } => format!(
            "{} {draw}  {} {coefficient}",
            ctx.tr(
                "提醒：抽系数已公布，第",
                "notice: coefficient draw revealed:"
            ),
            ctx.tr("系数", "coefficient")
        ),
        HallNotice::OpeningSoon { .. }
        | HallNotice::PhaseStarted { .. }
        | HallNotice::ChallengeAnswered { .. } => String::new(),
    }
}
