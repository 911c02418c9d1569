//! The demo's bid opening (掌上开标) with three bidders: the demo phone and
//! two more companies, each with its own phone home and certificates. Each
//! bidder's toolbox packs, encrypts and uploads its bid by QR login (the
//! demo bidder's to its phone and hardware certificates, so either opens
//! it); each phone runs the decryption check, signs in and saves its
//! receipt; the agent starts the decryption and each phone releases its
//! key to the project's opening certificate; then quote reading,
//! confirmation, a challenge, a quote round and the coefficient draw
//! (`evaluation`); the agent closes the opening and the final state,
//! replayed from the event log, is written out.
//!
//! Everything goes to `{out}/hall/`: the other bidders' homes under
//! `bidders/`, the packages and envelopes, the receipts and `state.json`.

use std::path::{Path, PathBuf};

use palmbid_core::account::{self, AccountStore};
use palmbid_core::api::hall::{BidView, Phase};
use palmbid_core::cms;
use palmbid_core::hall::{self, HallListener, HallNotice, ProjectState, StreamStatus};
use palmbid_core::keystore::{Keystore, Pin};
use palmbid_core::pki::{CertInfo, KeyRole};
use palmbid_toolbox::tasks::Toolbox;

use super::platform::{DemoPlatform, PLATFORM};
use super::{DEMO_PIN, Steps, find_role, qr};
use crate::commands::request::write_atomic;
use crate::commands::toolbox::bid_package;
use crate::error::{CliError, CliResult, core};

/// The two other bidders: holder, phone number, company, credit code.
const OTHERS: [(&str, &str, &str, &str); 2] = [
    (
        "李四",
        "13800138001",
        "华东路桥集团有限公司",
        "91310000132200821H",
    ),
    (
        "王五",
        "13800138002",
        "北方市政工程有限公司",
        "91110000802100433B",
    ),
];

/// Each bidder's quote in yuan, in bidder order.
const QUOTES: [&str; 3] = ["12345678.00", "12888000.00", "11990000.50"];

/// The opening's project name.
const PROJECT: &str = "演示城市供水管网改造工程（掌上开标）";

/// One bidder: its company and its phone.
pub(super) struct Bidder<'a> {
    pub(super) company: &'a str,
    pub(super) credit_code: &'a str,
    pub(super) store: &'a AccountStore,
    pub(super) keystore: &'a Keystore,
}

/// A bidder's own phone home, for the two bidders besides the demo's.
struct OtherPhone {
    store: AccountStore,
    keystore: Keystore,
}

pub(super) fn failed(what: &str, detail: impl std::fmt::Display) -> CliError {
    CliError::failed(
        "demo.hall",
        format!("演示开标步骤“{what}”失败：{detail}"),
        format!("demo bid-opening step \"{what}\" failed: {detail}"),
    )
}

pub(super) fn pin() -> Pin {
    Pin::entered(DEMO_PIN.to_owned())
}

/// Runs the bid opening; the demo's own bidder is `company`
/// (`credit_code`) with `store` and `keystore`, and its bid is also
/// encrypted to `hardware`.
#[allow(
    clippy::too_many_arguments,
    reason = "the demo's shared state, passed as is"
)]
pub(super) fn hall_steps(
    steps: &mut Steps<'_>,
    out: &Path,
    platform: &DemoPlatform,
    toolbox: &Toolbox,
    (company, credit_code): (&str, &str),
    store: &AccountStore,
    keystore: &Keystore,
    hardware: &CertInfo,
) -> CliResult<()> {
    let folder = out.join("hall");
    std::fs::create_dir_all(&folder).map_err(|e| CliError::io(&folder, &e))?;
    let others = steps.run(
        "另外两家投标单位登录、实名认证并领取手机证书",
        "two more bidding companies log in, verify identity and pick up phone certificates",
        || enrol_others(&folder, platform),
    )?;
    let mut bidders = vec![Bidder {
        company,
        credit_code,
        store,
        keystore,
    }];
    for (phone, (_, _, company, credit_code)) in others.iter().zip(OTHERS) {
        bidders.push(Bidder {
            company,
            credit_code,
            store: &phone.store,
            keystore: &phone.keystore,
        });
    }

    let project = steps.run(
        "代理机构录入开标项目：30 分钟后开标，三家投标单位",
        "the agent enters the opening: in 30 minutes, three bidders",
        || {
            let listed: Vec<(&str, &str)> =
                bidders.iter().map(|b| (b.credit_code, b.company)).collect();
            platform.hall_project(PROJECT, 1800, &listed)
        },
    )?;
    outln!("    {project}");

    steps.run(
        "各投标工具打包报价、加密（演示单位同时加密给实体证书）并扫码登录上传",
        "each toolbox packs the quote, encrypts it (the demo bidder's also to the hardware certificate) and uploads it after a QR login",
        || {
            for (n, bidder) in bidders.iter().enumerate() {
                let extra = (n == 0).then_some(hardware);
                upload_bid(&folder, platform, toolbox, &project, n, bidder, extra)?;
            }
            Ok(())
        },
    )?;

    opening_steps(steps, &folder, platform, &bidders, &project)
}

/// Runs the opening itself once the bids are uploaded: the decryption
/// check, sign-in, decryption, the steps of `evaluation` and the close.
fn opening_steps(
    steps: &mut Steps<'_>,
    folder: &Path,
    platform: &DemoPlatform,
    bidders: &[Bidder<'_>],
    project: &str,
) -> CliResult<()> {
    steps.run(
        "各手机开标前解密检测（不释放密钥，平台记录签名回执）",
        "each phone checks before the opening that it opens its bid (nothing released; signed receipt recorded)",
        || {
            for bidder in bidders {
                let bid = own_bid(platform, bidder, project)?;
                let check = platform
                    .block_on(hall::check_bid(
                        bidder.store,
                        bidder.keystore,
                        PLATFORM,
                        project,
                        &bid.bid_id,
                        &pin(),
                        None,
                    ))
                    .map_err(core)?;
                outln!("    {} {}", bidder.company, check.recipient);
            }
            Ok(())
        },
    )?;

    steps.run(
        "各手机签到（签名）并下载签到凭证 PDF",
        "each phone signs in (signed) and downloads its sign-in receipt PDF",
        || {
            for (n, bidder) in bidders.iter().enumerate() {
                platform
                    .block_on(hall::sign_in(
                        bidder.store,
                        bidder.keystore,
                        PLATFORM,
                        project,
                        &pin(),
                    ))
                    .map_err(core)?;
                let receipt = platform
                    .block_on(hall::sign_in_receipt(bidder.store, PLATFORM, project))
                    .map_err(core)?;
                write_atomic(&folder.join(format!("receipt-{}.pdf", n + 1)), &receipt)?;
            }
            Ok(())
        },
    )?;

    steps.run(
        "代理机构开始解密；各手机把密钥释放给开标证书，平台解密并读出报价",
        "the agent starts the decryption; each phone releases its key to the opening certificate and the platform decrypts and reads the quote",
        || {
            platform.move_hall(project, Phase::Decryption)?;
            for bidder in bidders {
                let bid = own_bid(platform, bidder, project)?;
                let result = platform
                    .block_on(hall::release_bid(
                        bidder.store,
                        bidder.keystore,
                        PLATFORM,
                        project,
                        &bid.bid_id,
                        &pin(),
                        None,
                    ))
                    .map_err(core)?;
                outln!("    {} {} 元", bidder.company, result.quote.amount);
            }
            Ok(())
        },
    )?;

    super::evaluation::evaluation_steps(steps, platform, bidders, project)?;

    steps.run(
        "代理机构结束开标；从事件日志重放最终状态并写入 state.json",
        "the agent closes the opening; the final state is replayed from the event log and written to state.json",
        || {
            platform.move_hall(project, Phase::Closed)?;
            write_state(folder, platform, bidders, project)
        },
    )
}

/// Enrols the two other bidders, each in its own home under
/// `{folder}/bidders/`.
fn enrol_others(folder: &Path, platform: &DemoPlatform) -> CliResult<Vec<OtherPhone>> {
    let now = crate::unix_now();
    let mut phones = Vec::new();
    for (n, (name, number, company, credit_code)) in OTHERS.iter().enumerate() {
        let home = folder.join("bidders").join((n + 2).to_string());
        let keystore = crate::home::open(&home)?;
        let store = AccountStore::open(&home).map_err(core)?;
        platform.login_as(&store, number, now)?;
        platform.verify_identity(&store, name)?;
        let url = platform.order_for(name, number, company, credit_code)?;
        let chosen = Pin::chosen(DEMO_PIN.to_owned()).map_err(core)?;
        platform.pick_up(&store, &keystore, &url, &chosen)?;
        phones.push(OtherPhone { store, keystore });
    }
    Ok(phones)
}

/// Packs bidder `n`'s quote with a bid document, encrypts it to its phone
/// encryption certificate (and `hardware`), and uploads it through the
/// toolbox after a QR login the phone confirms.
fn upload_bid(
    folder: &Path,
    platform: &DemoPlatform,
    toolbox: &Toolbox,
    project: &str,
    n: usize,
    bidder: &Bidder<'_>,
    hardware: Option<&CertInfo>,
) -> CliResult<()> {
    let number = n + 1;
    let document = folder.join(format!("bid-{number}.txt"));
    let text = format!(
        "投标文件（演示）\n项目：{PROJECT}\n投标人：{}\n投标报价：人民币 {} 元\n",
        bidder.company, QUOTES[n]
    );
    write_atomic(&document, text.as_bytes())?;
    let package = bid_package(project, 1, QUOTES[n], bidder.credit_code, &[document])?;
    let json = serde_json::to_vec_pretty(&package).map_err(|e| failed("package", e))?;
    let packed = folder.join(format!("bid-{number}.json"));
    write_atomic(&packed, &json)?;

    let records = bidder.keystore.certificates().map_err(core)?;
    let mut recipients = vec![find_role(&records, KeyRole::Encryption)?.cert];
    recipients.extend(hardware.cloned());
    let envelope = folder.join(format!("bid-{number}.p7m"));
    cms::encrypt_to_file(&packed, &envelope, &recipients).map_err(core)?;

    let phone = qr::Phone {
        store: bidder.store,
        keystore: bidder.keystore,
        pin: DEMO_PIN,
    };
    let project = project.to_owned();
    let uploaded = platform.block_on(qr::exchange(&phone, None, |mut screen| {
        let toolbox = toolbox.clone();
        async move {
            toolbox
                .upload(&project, 1, &envelope, &mut screen)
                .await
                .map_err(core)
        }
    }))?;
    outln!(
        "    {} {} ({} {})",
        bidder.company,
        uploaded.bid_id,
        recipients.len(),
        if recipients.len() == 1 {
            "recipient"
        } else {
            "recipients"
        }
    );
    Ok(())
}

/// Returns the bidder's bid in the project, as its phone lists it.
pub(super) fn own_bid(
    platform: &DemoPlatform,
    bidder: &Bidder<'_>,
    project: &str,
) -> CliResult<BidView> {
    let bids = platform
        .block_on(hall::bids(bidder.store, PLATFORM, project))
        .map_err(core)?;
    bids.into_iter()
        .next()
        .ok_or_else(|| failed("bids", format!("{} has no bid", bidder.company)))
}

/// A listener that keeps nothing: the final state is what the watch
/// returns.
struct Quiet;

impl HallListener for Quiet {
    fn state_changed(&self, _: &ProjectState) {}
    fn notice(&self, _: &ProjectState, _: &HallNotice) {}
    fn stream_status(&self, _: &StreamStatus) {}
}

/// Replays the closed project's event log on the demo phone and writes the
/// final state with every bidder's bid to `{folder}/state.json`.
fn write_state(
    folder: &Path,
    platform: &DemoPlatform,
    bidders: &[Bidder<'_>],
    project: &str,
) -> CliResult<()> {
    let client = account::client_for(bidders[0].store, PLATFORM).map_err(core)?;
    let state = platform
        .block_on(hall::watch(
            &client,
            project,
            None,
            &Quiet,
            std::future::pending(),
        ))
        .map_err(core)?;
    let mut bids = Vec::new();
    for bidder in bidders {
        let bid = own_bid(platform, bidder, project)?;
        bids.push(serde_json::json!({
            "company": bidder.company,
            "credit_code": bidder.credit_code,
            "bid_id": bid.bid_id,
            "sha256": bid.sha256,
            "state": bid.state.as_str(),
            "quote": bid.quote.map(|q| q.amount),
            "checked": bid.check.is_some(),
        }));
    }
    let progress = state.progress.as_ref().map(|p| {
        serde_json::json!({
            "bidders": p.bidders,
            "signed_in": p.signed_in,
            "decrypted": p.decrypted,
            "confirmed": p.confirmed,
        })
    });
    let coefficient = state
        .draw
        .as_ref()
        .and_then(|d| d.revealed.as_ref())
        .map(|(_, coefficient)| coefficient.clone());
    let json = serde_json::json!({
        "project": state.project.id,
        "name": state.project.name,
        "opening_at": state.project.opening_at,
        "phase": state.phase().as_str(),
        "last_event": state.last_seq,
        "progress": progress,
        "coefficient": coefficient,
        "bids": bids,
    });
    let text = serde_json::to_vec_pretty(&json).map_err(|e| failed("state", e))?;
    let path: PathBuf = folder.join("state.json");
    write_atomic(&path, &text)?;
    outln!("    {} ({})", path.display(), state.phase());
    Ok(())
}
