//! `palmbid hall quotes|confirm|details|challenge|challenges`: quote
//! reading (唱标), quote confirmation (确认报价), project details (项目详情)
//! and challenges (质疑) from the command line.

use std::path::{Path, PathBuf};

use palmbid_core::account::AccountStore;
use palmbid_core::api::hall::challenges::{
    ChallengeRecord, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, check_challenge,
};
use palmbid_core::api::hall::details::ProjectDetails;
use palmbid_core::api::hall::is_amount;
use palmbid_core::api::hall::quotes::QuoteTable;
use palmbid_core::hall::{self, Attachment};

use super::hall::phase_text;
use super::platform::block_on;
use crate::error::{CliError, CliResult};
use crate::{Context, time_text};

/// `palmbid hall quotes`.
pub(crate) fn quotes(
    ctx: &Context,
    store: &AccountStore,
    platform: &str,
    project: &str,
    json: bool,
) -> CliResult<()> {
    let table = block_on(hall::quotes(store, platform, project))?;
    print_quotes(ctx, &table, json);
    Ok(())
}

fn print_quotes(ctx: &Context, table: &QuoteTable, json: bool) {
    if json {
        println!("{}", serde_json::to_value(table).unwrap_or_default());
        return;
    }
    println!(
        "{} {}",
        ctx.tr("阶段：", "phase:"),
        phase_text(ctx, table.phase)
    );
    for entry in &table.quotes {
        let amount = entry.amount.as_deref().map_or_else(
            || ctx.tr("未解密", "not decrypted").to_owned(),
            |a| format!("{a} {}", ctx.tr("元", "yuan")),
        );
        let confirmed = match entry.confirmed {
            Some(true) => ctx.tr("已确认", "confirmed"),
            Some(false) => ctx.tr("未确认", "not confirmed"),
            None => "",
        };
        println!(
            "{}  {} ({})  {amount}  {confirmed}",
            entry.section_name, entry.company, entry.credit_code
        );
        if let Some(bid) = &entry.bid_id {
            println!("  {} {bid}", ctx.tr("投标文件：", "bid:"));
        }
    }
}

/// `palmbid hall confirm`: checks the amount's form before anything is
/// asked.
#[allow(
    clippy::too_many_arguments,
    reason = "one value a command-line argument"
)]
pub(crate) fn confirm(
    ctx: &Context,
    home: &Path,
    store: &AccountStore,
    platform: &str,
    project: &str,
    bid: &str,
    amount: &str,
) -> CliResult<()> {
    if !is_amount(amount) {
        return Err(CliError::usage(
            "cli.bad_amount",
            format!(
                "金额 {amount} 格式不对；请按唱标结果填写，如 1234567.89（最多两位小数，不带逗号）"
            ),
            format!(
                "the amount {amount} is not a yuan amount; give it as the quote table shows it, such as 1234567.89 (at most 2 decimals, no commas)"
            ),
        ));
    }
    block_on(hall::check_confirmation(
        store, platform, project, bid, amount,
    ))?;
    let keystore = crate::home::open(home)?;
    let pin = ctx.secrets.pin()?;
    let record = block_on(hall::confirm_quote(
        store, &keystore, platform, project, bid, amount, &pin,
    ))?;
    println!(
        "{} {} {}  {} {}",
        ctx.tr("已确认报价：", "quote confirmed:"),
        record.amount,
        ctx.tr("元", "yuan"),
        ctx.tr("时间：", "at:"),
        time_text(record.confirmed_at)
    );
    Ok(())
}

/// `palmbid hall details`.
pub(crate) fn details(
    ctx: &Context,
    store: &AccountStore,
    platform: &str,
    project: &str,
    json: bool,
) -> CliResult<()> {
    let details = block_on(hall::project_details(store, platform, project))?;
    print_details(ctx, &details, json);
    Ok(())
}

fn print_details(ctx: &Context, details: &ProjectDetails, json: bool) {
    if json {
        println!("{}", serde_json::to_value(details).unwrap_or_default());
        return;
    }
    let none = ctx.tr("（未填写）", "(not given)");
    let shown = |value: &Option<String>| value.clone().unwrap_or_else(|| none.to_owned());

    println!("{}  {}", details.id, details.name);
    println!(
        "  {} {}",
        ctx.tr("项目编号：", "code:"),
        shown(&details.code)
    );
    println!(
        "  {} {}",
        ctx.tr("招标人：", "tenderer:"),
        shown(&details.tenderer)
    );
    println!(
        "  {} {}",
        ctx.tr("招标代理：", "agent:"),
        shown(&details.agent)
    );
    println!(
        "  {} {}",
        ctx.tr("开标时间：", "opening:"),
        time_text(details.opening_at)
    );
    println!(
        "  {} {}",
        ctx.tr("开标地点：", "place:"),
        shown(&details.place)
    );
    println!("  {} {}", ctx.tr("备注：", "notes:"), shown(&details.notes));

    for section in &details.sections {
        println!(
            "  {} {}  {} {}",
            ctx.tr("标段：", "section:"),
            section.name,
            ctx.tr("投标人数：", "bidders:"),
            section.bidders
        );
    }

    let p = details.progress;
    println!(
        "  {} {}  {} {}/{}  {} {}/{}  {} {}/{}",
        ctx.tr("阶段：", "phase:"),
        phase_text(ctx, details.phase),
        ctx.tr("已签到", "signed in"),
        p.signed_in,
        p.bidders,
        ctx.tr("已解密", "decrypted"),
        p.decrypted,
        p.bidders,
        ctx.tr("已确认", "confirmed"),
        p.confirmed,
        p.bidders
    );
}

/// Reads the files to attach, refusing before the PIN what cannot be
/// sent: too many, missing, or over the size of one attachment.
fn read_attachments(paths: &[PathBuf]) -> CliResult<Vec<Attachment>> {
    if paths.len() > MAX_ATTACHMENTS {
        return Err(CliError::usage(
            "cli.too_many_attachments",
            format!("最多附 {MAX_ATTACHMENTS} 个文件；请合并为一个 PDF"),
            format!("attach at most {MAX_ATTACHMENTS} files; combine them into one PDF"),
        ));
    }
    paths
        .iter()
        .map(|path| {
            let size = std::fs::metadata(path)
                .map_err(|e| CliError::io(path, &e))?
                .len();
            if size > MAX_ATTACHMENT_BYTES as u64 {
                return Err(CliError::usage(
                    "hall.attachment_too_large",
                    format!(
                        "{} 有 {size} 字节，超过 {MAX_ATTACHMENT_BYTES} 字节；请压缩或拆分",
                        path.display()
                    ),
                    format!(
                        "{} has {size} bytes, more than {MAX_ATTACHMENT_BYTES}; compress or split it",
                        path.display()
                    ),
                ));
            }
            let content = std::fs::read(path).map_err(|e| CliError::io(path, &e))?;
            let name = path
                .file_name()
                .map_or_else(|| "attachment".to_owned(), |n| n.to_string_lossy().into_owned());
            Ok(Attachment { name, content })
        })
        .collect()
}

/// `palmbid hall challenge`.
#[allow(
    clippy::too_many_arguments,
    reason = "one value a command-line argument"
)]
pub(crate) fn challenge(
    ctx: &Context,
    home: &Path,
    store: &AccountStore,
    platform: &str,
    project: &str,
    text: &str,
    attach: &[PathBuf],
) -> CliResult<()> {
    let attachments = read_attachments(attach)?;
    // The rules run again in core; here they run before the PIN is asked.
    let pairs: Vec<(&str, &[u8])> = attachments
        .iter()
        .map(|a| (a.name.as_str(), a.content.as_slice()))
        .collect();
    check_challenge(text, &pairs).map_err(crate::error::core)?;
    let keystore = crate::home::open(home)?;
    let pin = ctx.secrets.pin()?;
    let record = block_on(hall::submit_challenge(
        store,
        &keystore,
        platform,
        project,
        text,
        &attachments,
        &pin,
    ))?;
    println!(
        "{} {}  {} {}",
        ctx.tr("质疑已提交：", "challenge submitted:"),
        record.id,
        ctx.tr("附件：", "attachments:"),
        record.attachments.len()
    );
    Ok(())
}

/// `palmbid hall challenges`.
pub(crate) fn challenges(
    ctx: &Context,
    store: &AccountStore,
    platform: &str,
    project: &str,
    json: bool,
) -> CliResult<()> {
    let list = block_on(hall::challenges(store, platform, project))?;
    print_challenges(ctx, &list, json);
    Ok(())
}

fn print_challenges(ctx: &Context, list: &[ChallengeRecord], json: bool) {
    if json {
        println!("{}", serde_json::to_value(list).unwrap_or_default());
        return;
    }
    if list.is_empty() {
        println!(
            "{}",
            ctx.tr(
                "本单位在该项目中没有质疑。",
                "No challenges of this company."
            )
        );
        return;
    }
    for challenge in list {
        println!("{}  {}", challenge.id, time_text(challenge.submitted_at));
        println!("  {}", challenge.text);
        for attachment in &challenge.attachments {
            println!(
                "  {} {} ({} bytes)",
                ctx.tr("附件：", "attachment:"),
                attachment.name,
                attachment.size
            );
        }
        match &challenge.answer {
            Some(answer) => println!(
                "  {} {}  {}",
                ctx.tr("答复：", "answer:"),
                time_text(answer.answered_at),
                answer.text
            ),
            None => println!("  {}", ctx.tr("尚未答复", "not answered yet")),
        }
    }
}
