//! `palmbid hall rounds|quote|draw`: the bidder's side of the evaluation
//! phase. `rounds` lists the quote rounds (own quote while open, every
//! quote once closed); `quote` submits a signed quote in an open round;
//! `draw` contributes to the open coefficient draw, or verifies the
//! revealed one against what this phone kept when it contributed.
//!
//! The kept contribution is a JSON file in the home folder,
//! `hall-draws/{project}-{draw}.json`; it holds nothing secret.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use palmbid_core::account::AccountStore;
use palmbid_core::api::hall::{DrawView, RoundState, RoundView};
use palmbid_core::hall::{self, HallError, OwnContribution};

use super::platform::block_on;
use crate::error::{CliError, CliResult, core};
use crate::output::{Existing, Staging};
use crate::{Context, time_text};

/// `palmbid hall rounds PROJECT`.
pub(crate) fn rounds(
    ctx: &Context,
    store: &AccountStore,
    platform: &str,
    project: &str,
    json: bool,
) -> CliResult<()> {
    let rounds = block_on(hall::rounds(store, platform, project))?;
    if json {
        println!("{}", serde_json::to_value(&rounds).map_err(json_error)?);
        return Ok(());
    }
    if rounds.is_empty() {
        println!("{}", ctx.tr("尚无报价轮次", "no quote round yet"));
    }
    for round in &rounds {
        print_round(ctx, round);
    }
    Ok(())
}

fn print_round(ctx: &Context, round: &RoundView) {
    let state = match round.state {
        RoundState::Open => ctx.tr("进行中", "open"),
        RoundState::Closed => ctx.tr("已结束", "closed"),
    };
    let mut line = format!(
        "{} {}  {} {}  {state}",
        ctx.tr("标段", "section"),
        round.section,
        ctx.tr("第几轮", "round"),
        round.round
    );
    if let Some(deadline) = round.deadline {
        let _ = write!(
            line,
            "  {} {}",
            ctx.tr("截止", "deadline"),
            time_text(deadline)
        );
    }
    println!("{line}");
    for quote in &round.quotes {
        println!(
            "  {} ({})  {} {}",
            quote.company,
            quote.credit_code,
            quote.amount,
            ctx.tr("元", "yuan")
        );
    }
}

/// `palmbid hall quote PROJECT --round N --amount X`.
#[allow(
    clippy::too_many_arguments,
    reason = "one value per command-line option"
)]
pub(crate) fn quote(
    ctx: &Context,
    home: &Path,
    store: &AccountStore,
    platform: &str,
    project: &str,
    section: u32,
    round: u32,
    amount: &str,
    json: bool,
) -> CliResult<()> {
    if !palmbid_core::api::hall::is_amount(amount) {
        // Checked before the PIN is asked for.
        return Err(core(HallError::InvalidAmount {
            amount: amount.to_owned(),
        }));
    }
    let keystore = crate::home::open(home)?;
    let pin = ctx.secrets.pin()?;
    let quote = block_on(hall::submit_round_quote(
        store, &keystore, platform, project, section, round, amount, &pin,
    ))?;
    if json {
        println!("{}", serde_json::to_value(&quote).map_err(json_error)?);
        return Ok(());
    }
    println!(
        "{} {} {}  {} {}  {} {}",
        ctx.tr("已报价：", "quoted:"),
        quote.amount,
        ctx.tr("元", "yuan"),
        ctx.tr("标段", "section"),
        section,
        ctx.tr("第几轮", "round"),
        round
    );
    Ok(())
}

/// `palmbid hall draw PROJECT`: contributes while the latest draw is open
/// and this phone has not, verifies once it is revealed.
pub(crate) fn draw(
    ctx: &Context,
    home: &Path,
    store: &AccountStore,
    platform: &str,
    project: &str,
    json: bool,
) -> CliResult<()> {
    let latest = block_on(hall::draws(store, platform, project))?
        .pop()
        .ok_or_else(|| {
            core(HallError::NoDrawOpen {
                project: project.to_owned(),
            })
        })?;
    let kept_path = kept_file(home, project, latest.draw);
    let kept = read_kept(&kept_path)?;

    match (latest.state, kept) {
        (RoundState::Open, None) => {
            let keystore = crate::home::open(home)?;
            let pin = ctx.secrets.pin()?;
            let own = block_on(hall::contribute(store, &keystore, platform, project, &pin))?;
            write_kept(&kept_file(home, project, own.draw), &own)?;
            print_contributed(ctx, &own, json);
            Ok(())
        }
        (RoundState::Open, Some(own)) => {
            print_contributed(ctx, &own, json);
            Ok(())
        }
        (RoundState::Closed, Some(own)) => {
            let verified = hall::verify_revealed(&latest, &own).map_err(core)?;
            if json {
                let line = serde_json::json!({
                    "draw": verified.draw, "state": "verified",
                    "index": verified.index, "coefficient": verified.coefficient,
                });
                println!("{line}");
            } else {
                println!(
                    "{} {}  {} {}",
                    ctx.tr("抽系数结果已验证：第", "draw verified: draw"),
                    verified.draw,
                    ctx.tr("系数", "coefficient"),
                    verified.coefficient
                );
            }
            Ok(())
        }
        (RoundState::Closed, None) => {
            print_unverified(ctx, &latest, json);
            Ok(())
        }
    }
}

fn print_contributed(ctx: &Context, own: &OwnContribution, json: bool) {
    if json {
        let line = serde_json::json!({
            "draw": own.draw, "state": "contributed",
            "candidates": own.candidates,
            "commitment": hex::encode(own.commitment.commitment),
        });
        println!("{line}");
        return;
    }
    println!(
        "{} {}  {} {}",
        ctx.tr("已提交随机数：第", "contributed to draw"),
        own.draw,
        ctx.tr("候选系数", "candidates"),
        own.candidates.join(", ")
    );
    println!(
        "  {} {}",
        ctx.tr("承诺值：", "commitment:"),
        hex::encode(own.commitment.commitment)
    );
    println!(
        "  {}",
        ctx.tr(
            "结果公布后再次运行本命令以验证",
            "run this command again after the reveal to verify it"
        )
    );
}

/// A revealed draw this phone did not contribute to: the announced result,
/// marked as not verified (the check needs the phone's own contribution).
fn print_unverified(ctx: &Context, view: &DrawView, json: bool) {
    let coefficient = view
        .index
        .and_then(|i| view.candidates.get(i as usize))
        .cloned()
        .unwrap_or_default();
    if json {
        let line = serde_json::json!({
            "draw": view.draw, "state": "not_contributed",
            "index": view.index, "coefficient": coefficient,
        });
        println!("{line}");
    } else {
        println!(
            "{} {}  {} {}  ({})",
            ctx.tr("抽系数已公布：第", "draw revealed: draw"),
            view.draw,
            ctx.tr("系数", "coefficient"),
            coefficient,
            ctx.tr(
                "本机未参与，无法验证",
                "this phone did not contribute, so it cannot verify it"
            )
        );
    }
}

fn kept_file(home: &Path, project: &str, draw: u32) -> PathBuf {
    // Project ids are hex from the platform; anything else is refused by it
    // before a draw is found, so the name stays inside the folder.
    let safe: String = project
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    home.join("hall-draws").join(format!("{safe}-{draw}.json"))
}

fn read_kept(path: &Path) -> CliResult<Option<OwnContribution>> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            CliError::failed(
                "cli.draw_record_unreadable",
                format!("无法读取本机保存的抽系数记录 {}：{e}；删除该文件后无法再验证本次抽取", path.display()),
                format!(
                    "cannot read the kept draw record {}: {e}; without it this draw cannot be verified",
                    path.display()
                ),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CliError::io(path, &e)),
    }
}

fn write_kept(path: &Path, own: &OwnContribution) -> CliResult<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| CliError::io(dir, &e))?;
    }
    let bytes = serde_json::to_vec_pretty(own).map_err(json_error)?;
    let staging = Staging::beside(path)?;
    staging.write(&bytes)?;
    staging.commit(Existing::Replace)?;
    Ok(())
}

/// Takes the error by value so it reads `.map_err(json_error)`.
#[allow(clippy::needless_pass_by_value)]
fn json_error(err: serde_json::Error) -> CliError {
    CliError::failed(
        "cli.json",
        format!("无法生成 JSON：{err}"),
        format!("cannot write JSON: {err}"),
    )
}
