//! `palmbid scan URL` (扫一扫): a pickup code goes to certificate pickup;
//! a code of the portal or the bid toolbox shows the confirm screen, asks
//! the login number and the seal when needed, then the PIN, and answers.

use std::io::BufRead;
use std::path::Path;

use palmbid_core::api::pickup::SealKind;
use palmbid_core::api::qr::{QrKind, RequesterKind};
use palmbid_core::keystore::Keystore;
use palmbid_core::qr::{self, AnswerChoice, Scanned, ScannedRequest};

use super::platform::{block_on, open_store};
use crate::Context;
use crate::error::{CliError, CliResult};

/// What the command line adds to `palmbid scan`.
#[derive(Debug, Default)]
pub(crate) struct ScanOptions {
    /// Login: the number shown on the desktop (else asked).
    pub number: Option<u8>,
    /// Seal: the seal to apply (else asked when several are held).
    pub seal: Option<SealKind>,
}

/// Runs `palmbid scan URL`.
pub(crate) fn scan(
    ctx: &Context,
    home: &Path,
    keystore: &Keystore,
    url: &str,
    options: &ScanOptions,
) -> CliResult<()> {
    let store = open_store(home)?;
    let scanned = match block_on(qr::scan(&store, keystore, url))? {
        Scanned::Pickup(pickup) => {
            return super::pickup::pick_up_scanned(ctx, &store, keystore, &pickup);
        }
        Scanned::Request(request) => request,
    };
    show(ctx, &scanned);

    if scanned.view.kind == QrKind::Login {
        let number = match options.number {
            Some(number) => number,
            None => ask_number(ctx, &scanned)?,
        };
        block_on(qr::choose_number(&store, &scanned, number))?;
    }
    let seal = if scanned.view.kind == QrKind::Seal {
        Some(choose_seal(ctx, &scanned, options.seal)?)
    } else {
        None
    };

    let pin = ctx.secrets.pin()?;
    block_on(qr::answer(
        &store,
        keystore,
        &scanned,
        AnswerChoice { seal },
        &pin,
    ))?;
    println!(
        "{}",
        ctx.tr(
            "已确认，电脑端将收到结果。",
            "Confirmed; the desktop receives the answer."
        )
    );
    Ok(())
}

/// The confirm screen, as text.
fn show(ctx: &Context, scanned: &ScannedRequest) {
    let view = &scanned.view;
    let what = match view.kind {
        QrKind::Login => ctx.tr("扫码登录", "log in"),
        QrKind::Sign => ctx.tr("扫码签名", "sign"),
        QrKind::Seal => ctx.tr("扫码盖章", "seal"),
        QrKind::EncryptionCertificate => {
            ctx.tr("获取加密证书", "hand over the encryption certificate")
        }
        QrKind::Decrypt => ctx.tr("扫码解密", "decrypt"),
    };
    let who = match view.requester.kind {
        RequesterKind::Portal => ctx.tr("交易平台门户", "portal"),
        RequesterKind::Toolbox => ctx.tr("投标工具", "bid toolbox"),
    };
    println!("{} {what}", ctx.tr("请求：", "Request:"));
    println!(
        "{} {who}: {} — {} {} ({})",
        ctx.tr("请求方：", "From:"),
        view.requester.name,
        ctx.tr("计算机", "machine"),
        view.requester.machine,
        view.requester.address
    );
    if let Some(document) = &view.document {
        println!(
            "{} {} ({} {})",
            ctx.tr("文件：", "Document:"),
            document.name,
            document.size,
            ctx.tr("字节", "bytes")
        );
        println!(
            "{} {}",
            ctx.tr("摘要 SHA-256：", "SHA-256:"),
            document.sha256
        );
    }
    println!(
        "{} {} [{}]",
        ctx.tr("使用证书：", "Certificate:"),
        scanned.signer.cert.subject,
        &scanned.signer.cert.fingerprint[..16.min(scanned.signer.cert.fingerprint.len())]
    );
    println!(
        "{} {} {}",
        ctx.tr("剩余时间：", "Time left:"),
        scanned.seconds_left(),
        ctx.tr("秒", "s")
    );
    if scanned.clock_warning() {
        println!(
            "{}",
            ctx.tr(
                "注意：本机时钟与平台相差超过 10 秒，时间以平台为准。",
                "Note: this device's clock differs from the platform's by more than 10 s; the platform's time is used."
            )
        );
    }
}

/// Asks which of the three numbers the desktop shows.
fn ask_number(ctx: &Context, scanned: &ScannedRequest) -> CliResult<u8> {
    let choices = scanned.view.number_choices.clone().unwrap_or_default();
    let listed = choices
        .iter()
        .map(u8::to_string)
        .collect::<Vec<_>>()
        .join(" / ");
    eprintln!(
        "{} {listed}",
        ctx.tr(
            "请选择电脑屏幕上显示的数字：",
            "Choose the number shown on the computer:"
        )
    );
    let line = read_line()?;
    line.trim().parse::<u8>().map_err(|_| {
        CliError::usage(
            "cli.number_invalid",
            format!("{:?} 不是数字；请输入 {listed} 之一", line.trim()),
            format!("{:?} is not a number; enter one of {listed}", line.trim()),
        )
    })
}

/// The seal to apply: the one given, the only one held, or asked.
fn choose_seal(
    ctx: &Context,
    scanned: &ScannedRequest,
    given: Option<SealKind>,
) -> CliResult<SealKind> {
    if let Some(seal) = given {
        return Ok(seal);
    }
    match scanned.seals.as_slice() {
        [only] => Ok(only.kind),
        seals => {
            let listed = seals
                .iter()
                .map(|s| s.kind.as_str())
                .collect::<Vec<_>>()
                .join(" / ");
            eprintln!("{} {listed}", ctx.tr("请选择印章：", "Choose the seal:"));
            let line = read_line()?;
            SealKind::parse(line.trim()).ok_or_else(|| {
                CliError::usage(
                    "cli.seal_invalid",
                    format!("{:?} 不是印章；请输入 {listed} 之一", line.trim()),
                    format!("{:?} is not a seal; enter one of {listed}", line.trim()),
                )
            })
        }
    }
}

fn read_line() -> CliResult<String> {
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line).map_err(|e| {
        CliError::failed(
            "cli.stdin",
            format!("读取标准输入失败：{e}"),
            format!("reading standard input failed: {e}"),
        )
    })?;
    if read == 0 {
        return Err(CliError::usage(
            "cli.input_missing",
            "标准输入已结束；请输入所需的选择",
            "standard input ended before the choice was given",
        ));
    }
    Ok(line)
}
