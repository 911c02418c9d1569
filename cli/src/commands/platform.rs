//! `palmbid platform add|list|remove`: the trusted platforms (可信平台),
//! and the runtime and platform choice shared by the commands that talk
//! to a platform.

use std::path::Path;

use clap::Subcommand;
use palmbid_core::account::{self, AccountStore, TrustedPlatform};

use crate::Context;
use crate::error::{CliError, CliResult, core};

/// `palmbid platform ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum PlatformAction {
    /// Trust a platform: fetch its CA trust anchor and keep it with its
    /// address (development platforms serve their anchor).
    Add {
        /// Your name for the platform, e.g. 本地平台.
        name: String,
        /// Its base address, `https://...` (`http://` on loopback only).
        url: String,
    },
    /// List trusted platforms and the sessions held with them.
    List {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Stop trusting a platform and forget its session.
    Remove {
        /// The platform's name.
        name: String,
    },
}

/// Runs `palmbid platform ACTION` on the home `home`.
pub(crate) fn run(ctx: &Context, home: &Path, action: &PlatformAction) -> CliResult<()> {
    let store = open_store(home)?;
    match action {
        PlatformAction::Add { name, url } => {
            let platform = block_on(account::add_platform(&store, name, url, crate::unix_now()))?;
            println!(
                "{} {} ({})",
                ctx.tr("已添加可信平台", "Trusted platform added:"),
                platform.name,
                platform.base_url
            );
            println!(
                "  {} {}",
                ctx.tr("信任根指纹 SHA-256：", "trust anchor SHA-256:"),
                platform.anchor.fingerprint
            );
            Ok(())
        }
        PlatformAction::List { json } => list(ctx, &store, *json),
        PlatformAction::Remove { name } => {
            store.remove_platform(name).map_err(core)?;
            println!(
                "{} {name}",
                ctx.tr("已删除可信平台", "Trusted platform removed:")
            );
            Ok(())
        }
    }
}

fn list(ctx: &Context, store: &AccountStore, json: bool) -> CliResult<()> {
    let platforms = store.platforms().map_err(core)?;
    let mut rows = Vec::new();
    for platform in &platforms {
        let phone = store
            .session(&platform.name)
            .map_err(core)?
            .map(|s| s.phone);
        rows.push((platform, phone));
    }

    if json {
        let list: Vec<serde_json::Value> = rows
            .iter()
            .map(|(p, phone)| {
                serde_json::json!({
                    "name": p.name,
                    "base_url": p.base_url.as_str(),
                    "anchor_fingerprint_sha256": p.anchor.fingerprint,
                    "anchor_subject": p.anchor.subject,
                    "logged_in_phone": phone,
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".to_owned());
        println!("{text}");
        return Ok(());
    }

    if rows.is_empty() {
        println!("{}", ctx.tr("没有可信平台。", "No trusted platform."));
        return Ok(());
    }
    for (platform, phone) in rows {
        println!("{}  {}", platform.name, platform.base_url);
        println!(
            "  {} {}",
            ctx.tr("信任根：", "trust anchor:"),
            platform.anchor.subject
        );
        println!("  SHA-256 {}", platform.anchor.fingerprint);
        match phone {
            Some(phone) => println!("  {} {phone}", ctx.tr("已登录：", "logged in:")),
            None => println!("  {}", ctx.tr("未登录", "not logged in")),
        }
    }
    Ok(())
}

/// Opens the account tables of the home.
pub(crate) fn open_store(home: &Path) -> CliResult<AccountStore> {
    std::fs::create_dir_all(home).map_err(|e| CliError::io(home, &e))?;
    AccountStore::open(home).map_err(core)
}

/// The platform named `name`, or the only one when `name` is `None`.
pub(crate) fn pick(store: &AccountStore, name: Option<&str>) -> CliResult<TrustedPlatform> {
    if let Some(name) = name {
        return store.platform(name).map_err(core);
    }
    let mut platforms = store.platforms().map_err(core)?;
    match platforms.len() {
        1 => Ok(platforms.remove(0)),
        0 => Err(CliError::usage(
            "cli.no_platform",
            "没有可信平台；请先用 `palmbid platform add NAME URL` 添加",
            "no trusted platform; add one with `palmbid platform add NAME URL`",
        )),
        _ => Err(CliError::usage(
            "cli.platform_ambiguous",
            "有多个可信平台；请用 --platform NAME 指定",
            "several trusted platforms; choose one with --platform NAME",
        )),
    }
}

/// Runs a platform call to completion on a small runtime of its own.
pub(crate) fn block_on<T, E: palmbid_core::error::Localized>(
    work: impl Future<Output = Result<T, E>>,
) -> CliResult<T> {
    block_on_raw(work)?.map_err(core)
}

/// As [`block_on`], handing the call's own error back for the caller to
/// inspect.
pub(crate) fn block_on_raw<T, E>(
    work: impl Future<Output = Result<T, E>>,
) -> CliResult<Result<T, E>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            CliError::failed(
                "cli.runtime",
                format!("无法启动网络运行时：{e}"),
                format!("cannot start the network runtime: {e}"),
            )
        })?;
    Ok(runtime.block_on(work))
}
