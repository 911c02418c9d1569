//! `palmbid toolbox login|sign|seal|encrypt|pack|upload|decrypt`: the bid
//! toolbox (投标工具) role. `pack` only writes a bid package locally. Every
//! other action creates a QR request on the platform, shows the rotating
//! code (drawn in the terminal when standard output is one, one
//! `qr: URL` line a frame otherwise, for scripts), waits for the phone,
//! and uses the answer once the toolbox has checked it against the CA.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use palmbid_core::api::hall::{BID_PACKAGE_FORMAT, BidDocument, BidPackage, Quote};
use palmbid_core::api::qr::{MAX_MACHINE_NAME_CHARS, QrState};
use palmbid_core::pki::CertInfo;
use palmbid_toolbox::pades::Placement;
use palmbid_toolbox::relay::{Relay, Screen};
use palmbid_toolbox::tasks::Toolbox;

use super::platform::block_on;
use crate::Context;
use crate::commands::import::one_certificate;
use crate::error::{CliError, CliResult, core};
use crate::output::{self, Existing, Staging};

/// `palmbid toolbox ...`.
#[derive(Debug, Args)]
pub(crate) struct ToolboxArgs {
    /// The platform's address, `https://...` (`http://` on loopback);
    /// every action but `pack` needs it.
    #[arg(long, env = "PALMBID_PLATFORM_URL", value_name = "URL")]
    pub platform: Option<String>,

    /// The platform CA's root certificate (PEM or DER) that phone
    /// certificates must chain to [default: fetch the development
    /// platform's anchor, for development only].
    #[arg(long, value_name = "FILE")]
    pub ca: Option<PathBuf>,

    /// Machine name shown on the phone [default: this host's name].
    #[arg(long, value_name = "NAME")]
    pub machine: Option<String>,

    #[command(subcommand)]
    pub action: ToolboxAction,
}

/// What the toolbox asks the phone for.
#[derive(Debug, Subcommand)]
pub(crate) enum ToolboxAction {
    /// Log in with the phone certificate (扫码登录).
    Login,
    /// Have the phone sign a file: detached CMS signature (扫码签名).
    Sign {
        /// File to sign.
        #[arg(long = "in", value_name = "FILE")]
        input: PathBuf,
        /// Signature to write (DER .p7s).
        #[arg(long, value_name = "FILE.p7s")]
        out: PathBuf,
    },
    /// Seal a PDF with a seal chosen on the phone: PAdES B-B signature with
    /// the seal as its visible appearance (扫码盖章).
    Seal {
        /// PDF to seal.
        #[arg(long = "in", value_name = "FILE.pdf")]
        input: PathBuf,
        /// Sealed PDF to write (the original plus one incremental update).
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
        /// Page, counted from 1.
        #[arg(long, default_value_t = 1)]
        page: u32,
        /// Lower-left corner of the seal, in PDF points from the page's
        /// lower-left corner.
        #[arg(long, value_name = "X,Y", value_parser = parse_point)]
        at: (f32, f32),
        /// Width of the seal in points; the height follows the image.
        #[arg(long, value_name = "POINTS", default_value_t = 120.0)]
        width: f32,
    },
    /// Encrypt a bid file to the phone's encryption certificate, fetched
    /// by QR (获取加密证书), and optionally to a hardware certificate too.
    Encrypt {
        /// File to encrypt.
        #[arg(long = "in", value_name = "FILE")]
        input: PathBuf,
        /// Envelope to write (DER .p7m).
        #[arg(long, value_name = "FILE.p7m")]
        out: PathBuf,
        /// Also encrypt to this USB-KEY certificate, so either opens it.
        #[arg(long, value_name = "CERT.pem")]
        to_hardware: Option<PathBuf>,
    },
    /// Pack a bid (投标文件包): the quote and documents as the JSON bid
    /// package that `encrypt` then encrypts. Does not contact the
    /// platform.
    Pack {
        /// The hall project's id.
        #[arg(long, value_name = "ID")]
        project: String,
        /// The section, counted from 1.
        #[arg(long, default_value_t = 1)]
        section: u32,
        /// The quote in yuan: digits with at most 2 decimals.
        #[arg(long, value_name = "AMOUNT")]
        quote: String,
        /// The bidder's unified social credit code.
        #[arg(long, value_name = "CODE")]
        credit_code: String,
        /// Bid documents to include.
        #[arg(value_name = "DOC", required = true)]
        documents: Vec<PathBuf>,
        /// Package to write (JSON).
        #[arg(short = 'o', long, value_name = "FILE.json")]
        out: PathBuf,
    },
    /// Upload an encrypted bid file to a hall project, after a QR login
    /// (扫码登录) of the bidding company.
    Upload {
        /// The hall project's id.
        #[arg(long, value_name = "ID")]
        project: String,
        /// The section, counted from 1.
        #[arg(long, default_value_t = 1)]
        section: u32,
        /// The envelope to upload (from `encrypt`).
        #[arg(value_name = "FILE.p7m")]
        file: PathBuf,
    },
    /// Decrypt a bid file by key release from the phone (扫码解密).
    Decrypt {
        /// Envelope (DER, BER, PEM or S/MIME).
        #[arg(long = "in", value_name = "FILE.p7m")]
        input: PathBuf,
        /// Plaintext to write; written only once authenticated.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

/// Runs `palmbid toolbox ...`.
pub(crate) fn run(ctx: &Context, args: &ToolboxArgs) -> CliResult<()> {
    // Files are checked before a code is shown, so the phone is never
    // asked for something that cannot be used.
    match &args.action {
        ToolboxAction::Login => {}
        ToolboxAction::Sign { input, out } => {
            output::check_input(input)?;
            output::check_target(out, &[input], Existing::Replace)?;
        }
        ToolboxAction::Encrypt {
            input,
            out,
            to_hardware,
        } => {
            output::check_input(input)?;
            let mut inputs = vec![input.as_path()];
            inputs.extend(to_hardware.as_deref());
            output::check_target(out, &inputs, Existing::Refuse)?;
        }
        ToolboxAction::Seal { input, out, .. } | ToolboxAction::Decrypt { input, out } => {
            output::check_input(input)?;
            output::check_target(out, &[input], Existing::Refuse)?;
        }
        ToolboxAction::Pack {
            project,
            section,
            quote,
            credit_code,
            documents,
            out,
        } => {
            for document in documents {
                output::check_input(document)?;
            }
            let inputs: Vec<&Path> = documents.iter().map(PathBuf::as_path).collect();
            output::check_target(out, &inputs, Existing::Refuse)?;
            return pack(ctx, project, *section, quote, credit_code, documents, out);
        }
        ToolboxAction::Upload { file, .. } => output::check_input(file)?,
    }
    let hardware = match &args.action {
        ToolboxAction::Encrypt {
            to_hardware: Some(file),
            ..
        } => Some(one_certificate(file)?),
        _ => None,
    };

    let platform = args.platform.as_deref().ok_or_else(|| {
        CliError::usage(
            "cli.platform_missing",
            "请用 --platform 或 PALMBID_PLATFORM_URL 给出平台地址",
            "give the platform's address with --platform or PALMBID_PLATFORM_URL",
        )
    })?;
    let relay = Relay::new(platform).map_err(core)?;
    let anchors = anchors(ctx, &relay, args.ca.as_deref())?;
    let machine = args.machine.clone().unwrap_or_else(host_name);
    let toolbox = Toolbox::new(relay, anchors, &machine);
    perform(ctx, &toolbox, &args.action, hardware.as_ref())
}

/// Runs the action once its files are checked.
fn perform(
    ctx: &Context,
    toolbox: &Toolbox,
    action: &ToolboxAction,
    hardware: Option<&CertInfo>,
) -> CliResult<()> {
    let mut screen = TerminalScreen::new(ctx);
    match action {
        ToolboxAction::Login => {
            let outcome = block_on(toolbox.login(&mut screen))?;
            outln!(
                "{} {}",
                ctx.tr("已登录：", "Logged in as:"),
                outcome.subject
            );
        }
        ToolboxAction::Sign { input, out } => {
            let staging = Staging::beside(out)?;
            let outcome = block_on(toolbox.sign(input, &mut screen))?;
            staging.write(&outcome.cms)?;
            staging.commit(Existing::Replace)?;
            outln!(
                "{} {} ({} {})",
                ctx.tr("签名已验证并写入", "signature verified and written to"),
                out.display(),
                ctx.tr("签名者", "signer"),
                outcome.verified.signer.subject
            );
        }
        ToolboxAction::Seal {
            input,
            out,
            page,
            at,
            width,
        } => {
            let placement = Placement {
                page: *page,
                x: at.0,
                y: at.1,
                width: *width,
            };
            let staging = Staging::beside(out)?;
            let outcome = block_on(toolbox.seal(input, &placement, &mut screen))?;
            staging.write(&outcome.pdf)?;
            staging.commit(Existing::Refuse)?;
            outln!(
                "{} {} ({} {}, {} {})",
                ctx.tr("已盖章并写入", "sealed and written to"),
                out.display(),
                ctx.tr("印章", "seal"),
                outcome.seal.as_str(),
                ctx.tr("签名者", "signer"),
                outcome.signer.subject
            );
        }
        ToolboxAction::Encrypt { input, out, .. } => {
            let staging = Staging::beside(out)?;
            let (phone, report) =
                block_on(toolbox.encrypt(input, &staging.file(), hardware, &mut screen))?;
            staging.commit(Existing::Refuse)?;
            outln!(
                "{} {} ({} {}; {} {})",
                ctx.tr("信封已写入", "envelope written to"),
                out.display(),
                report.recipients,
                ctx.tr("个接收者", "recipient(s)"),
                ctx.tr("手机加密证书", "phone encryption certificate"),
                phone.subject
            );
        }
        ToolboxAction::Upload {
            project,
            section,
            file,
        } => {
            let uploaded = block_on(toolbox.upload(project, *section, file, &mut screen))?;
            outln!("bid: {}", uploaded.bid_id);
            outln!("sha256: {}", uploaded.sha256);
            outln!(
                "{} {} {}",
                ctx.tr("已上传", "uploaded"),
                uploaded.size,
                ctx.tr("字节", "bytes")
            );
        }
        ToolboxAction::Pack { .. } => {}
        ToolboxAction::Decrypt { input, out } => {
            let staging = Staging::beside(out)?;
            let report = block_on(toolbox.decrypt(input, &staging.file(), &mut screen))?;
            staging.commit(Existing::Refuse)?;
            outln!(
                "{} {} ({} {})",
                ctx.tr("已解密到", "decrypted to"),
                out.display(),
                report.plaintext_len,
                ctx.tr("字节", "bytes")
            );
        }
    }
    Ok(())
}

/// Writes the bid package of `documents` to `out`.
fn pack(
    ctx: &Context,
    project: &str,
    section: u32,
    quote: &str,
    credit_code: &str,
    documents: &[PathBuf],
    out: &Path,
) -> CliResult<()> {
    let package = bid_package(project, section, quote, credit_code, documents)?;
    let json = serde_json::to_vec_pretty(&package).map_err(|e| {
        CliError::failed(
            "cli.io",
            format!("无法生成投标文件包：{e}"),
            format!("cannot write the bid package: {e}"),
        )
    })?;
    let staging = Staging::beside(out)?;
    staging.write(&json)?;
    staging.commit(Existing::Refuse)?;
    outln!(
        "{} {} ({} {})",
        ctx.tr("投标文件包已写入", "bid package written to"),
        out.display(),
        package.documents.len(),
        ctx.tr("个文件", "document(s)")
    );
    Ok(())
}

/// Builds the checked bid package of `documents` with `quote` for section
/// `section` of hall project `project`.
pub(crate) fn bid_package(
    project: &str,
    section: u32,
    quote: &str,
    credit_code: &str,
    documents: &[PathBuf],
) -> CliResult<BidPackage> {
    use base64::Engine;
    use sha2::Digest;

    let mut files = Vec::with_capacity(documents.len());
    for path in documents {
        let content = std::fs::read(path).map_err(|e| {
            CliError::failed(
                "cli.io",
                format!("无法读取 {}：{e}", path.display()),
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
        files.push(BidDocument {
            name: palmbid_toolbox::tasks::file_name(path),
            sha256: hex::encode(sha2::Sha256::digest(&content)),
            content: base64::engine::general_purpose::STANDARD.encode(&content),
        });
    }
    let package = BidPackage {
        format: BID_PACKAGE_FORMAT.to_owned(),
        project_id: project.to_owned(),
        section,
        credit_code: credit_code.to_owned(),
        quote: Quote {
            amount: quote.to_owned(),
        },
        documents: files,
    };
    package.check().map_err(core)?;
    Ok(package)
}

/// The CA the phone's certificates must chain to.
fn anchors(ctx: &Context, relay: &Relay, ca: Option<&Path>) -> CliResult<Vec<CertInfo>> {
    if let Some(file) = ca {
        return Ok(vec![one_certificate(file)?]);
    }
    eprintln!(
        "{}",
        ctx.tr(
            "注意：未给出 --ca，使用开发平台提供的根证书（仅限开发）。",
            "Note: no --ca given; trusting the development platform's own root (development only)."
        )
    );
    let client =
        palmbid_core::api::client::PlatformClient::new(relay.base_url().as_str()).map_err(core)?;
    let anchor = block_on(client.trust_anchor())?;
    let cert = CertInfo::from_pem_or_der(anchor.certificate_pem.as_bytes(), "platform root")
        .map_err(core)?;
    if !cert.is_ca {
        return Err(CliError::failed(
            "cli.anchor_not_ca",
            "平台提供的根证书不是 CA 证书；请用 --ca 指定平台 CA 根证书",
            "the platform's root is not a CA certificate; give the platform CA root with --ca",
        ));
    }
    Ok(vec![cert])
}

/// Parses `X,Y` in points.
fn parse_point(text: &str) -> Result<(f32, f32), String> {
    let (x, y) = text
        .split_once(',')
        .ok_or_else(|| "use X,Y, for example 400,120".to_owned())?;
    let number = |part: &str| {
        part.trim()
            .parse::<f32>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| format!("{part:?} is not a number of points (0 or more)"))
    };
    Ok((number(x)?, number(y)?))
}

/// This host's name, for the phone's confirm screen.
fn host_name() -> String {
    let name = std::fs::read_to_string("/etc/hostname")
        .ok()
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default();
    let name: String = name
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_MACHINE_NAME_CHARS)
        .collect();
    if name.is_empty() {
        "palmbid-toolbox".to_owned()
    } else {
        name
    }
}

/// Draws frames in a terminal, or prints them a line each.
struct TerminalScreen {
    terminal: bool,
    zh: bool,
    number_shown: bool,
}

impl TerminalScreen {
    fn new(ctx: &Context) -> Self {
        TerminalScreen {
            terminal: std::io::stdout().is_terminal(),
            zh: ctx.tr("zh", "en") == "zh",
            number_shown: false,
        }
    }

    fn tr<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        if self.zh { zh } else { en }
    }
}

impl Screen for TerminalScreen {
    fn frame(&mut self, url: &str, match_number: Option<u8>, seconds_left: i64) {
        let mut out = std::io::stdout().lock();
        if self.terminal {
            let drawn = qrcode::QrCode::new(url.as_bytes()).map(|code| {
                code.render::<qrcode::render::unicode::Dense1x2>()
                    .quiet_zone(true)
                    .build()
            });
            // Clear the screen and draw from the top left.
            let _ = write!(out, "\x1b[2J\x1b[H");
            if let Ok(drawn) = drawn {
                let _ = writeln!(out, "{drawn}");
            }
            let _ = writeln!(out, "{url}");
            if let Some(number) = match_number {
                let _ = writeln!(
                    out,
                    "{} {number}",
                    self.tr("请在手机上选择数字：", "Choose this number on the phone:")
                );
            }
            let _ = writeln!(
                out,
                "{} {seconds_left} {}",
                self.tr("剩余时间：", "Time left:"),
                self.tr("秒", "s")
            );
        } else {
            if let (Some(number), false) = (match_number, self.number_shown) {
                let _ = writeln!(out, "number: {number}");
                self.number_shown = true;
            }
            let _ = writeln!(out, "qr: {url}");
        }
        let _ = out.flush();
    }

    fn state(&mut self, state: QrState) {
        let text = match state {
            QrState::Waiting => return,
            QrState::Scanned => self.tr("手机已扫码，等待确认…", "Scanned; waiting for the phone…"),
            QrState::Matched => self.tr(
                "数字匹配成功，等待 PIN…",
                "Number matched; waiting for the PIN…",
            ),
            QrState::Answered => self.tr("手机已确认。", "The phone answered."),
            QrState::Cancelled => self.tr("请求已取消。", "The request was cancelled."),
            QrState::Expired => self.tr("请求已过期。", "The request expired."),
        };
        eprintln!("{text}");
    }
}
