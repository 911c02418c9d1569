//! Certificate pickup from `palmbid scan URL` (扫一扫) and `palmbid
//! download` (下载证书).

use std::path::Path;

use palmbid_core::account::{self, AccountStore, PickupState, ScannedPickup};
use palmbid_core::api::pickup::SealKind;
use palmbid_core::keystore::{Keystore, Pin};

use super::platform::{block_on, open_store};
use crate::Context;
use crate::error::{CliError, CliResult, core};

/// The pickup half of `palmbid scan URL`: shows the order, asks a new PIN
/// twice (unless resuming an interrupted pickup), picks up the
/// certificates.
pub(crate) fn pick_up_scanned(
    ctx: &Context,
    store: &AccountStore,
    keystore: &Keystore,
    scanned: &ScannedPickup,
) -> CliResult<()> {
    let offer = &scanned.offer;

    println!(
        "{} {}",
        ctx.tr("平台：", "Platform:"),
        scanned.platform.name
    );
    println!("{} {}", ctx.tr("证书持有人：", "Holder:"), offer.name);
    println!(
        "{} {} ({})",
        ctx.tr("单位：", "Company:"),
        offer.company,
        offer.credit_code
    );
    let seals: Vec<&str> = offer.seals.iter().map(|s| seal_text(ctx, *s)).collect();
    println!("{} {}", ctx.tr("印章：", "Seals:"), seals.join(", "));

    let resuming = account::pickups(store)
        .map_err(core)?
        .iter()
        .any(|r| r.platform == scanned.platform.name && r.pickup_id == offer.pickup_id);
    let pin = if resuming {
        eprintln!(
            "{}",
            ctx.tr(
                "继续上次中断的领取，沿用已生成的密钥。",
                "Resuming the interrupted pickup with the keys made then."
            )
        );
        Pin::entered(String::new())
    } else {
        let text = ctx.secrets.new_pin()?;
        Pin::chosen(text.as_str().to_owned()).map_err(core)?
    };

    block_on(account::pick_up(store, keystore, scanned, &pin, &[]))?;
    println!(
        "{}",
        ctx.tr(
            "证书已领取，尚不能使用；请运行 `palmbid download` 下载证书。",
            "Certificates picked up but not yet usable; run `palmbid download` to install them."
        )
    );
    Ok(())
}

fn seal_text(ctx: &Context, kind: SealKind) -> &'static str {
    match kind {
        SealKind::Personal => ctx.tr("个人章", "personal"),
        SealKind::LegalRepresentative => ctx.tr("法人章", "legal representative"),
        SealKind::Company => ctx.tr("公章", "company"),
    }
}

/// Runs `palmbid download [--platform NAME] [--pickup ID]`.
pub(crate) fn download(
    ctx: &Context,
    home: &Path,
    keystore: &Keystore,
    platform: Option<&str>,
    pickup: Option<&str>,
) -> CliResult<()> {
    let store = open_store(home)?;
    let waiting: Vec<_> = account::pickups(&store)
        .map_err(core)?
        .into_iter()
        .filter(|r| r.state == PickupState::Received)
        .filter(|r| platform.is_none_or(|p| r.platform == p))
        .filter(|r| pickup.is_none_or(|id| r.pickup_id == id))
        .collect();
    let record = match waiting.as_slice() {
        [one] => one,
        [] => {
            return Err(CliError::failed(
                "account.nothing_picked_up",
                "没有已领取待下载的证书；请先用 `palmbid scan URL` 扫码领取",
                "no picked-up certificate waits for download; scan a pickup code with `palmbid scan URL` first",
            ));
        }
        _ => {
            return Err(CliError::usage(
                "cli.pickup_ambiguous",
                "有多个待下载的领取；请用 --pickup ID 指定",
                "several pickups wait for download; choose one with --pickup ID",
            ));
        }
    };

    let pin = ctx.secrets.pin()?;
    let matched = block_on(account::download(
        &store,
        keystore,
        &record.platform,
        &record.pickup_id,
        &pin,
    ))?;
    println!(
        "{} {} ({})",
        ctx.tr(
            "证书已下载并安装，主体库匹配：",
            "Certificates downloaded and installed; registry match:"
        ),
        matched.company,
        matched.credit_code
    );
    Ok(())
}
