//! `palmbid login PHONE` and `palmbid logout`: SMS code login to a
//! trusted platform (短信验证码登录) and logout (退出登录).

use std::path::Path;

use clap::Args;
use palmbid_core::account::{self, LogoutOutcome};

use super::platform::{block_on, open_store, pick};
use crate::Context;
use crate::error::CliResult;

/// `palmbid login`.
#[derive(Debug, Args)]
pub(crate) struct LoginArgs {
    /// Mainland mobile number, 11 digits.
    pub phone: String,

    /// The trusted platform; optional when there is one.
    #[arg(long, value_name = "NAME")]
    pub platform: Option<String>,

    /// Log in with this code, sent earlier (`--send-only`), instead of
    /// sending one and reading it from the terminal.
    #[arg(long, value_name = "CODE", conflicts_with = "send_only")]
    pub code: Option<String>,

    /// Only send the SMS code; log in later with `--code`.
    #[arg(long)]
    pub send_only: bool,
}

/// Runs `palmbid login`.
pub(crate) fn login(ctx: &Context, home: &Path, args: &LoginArgs) -> CliResult<()> {
    let store = open_store(home)?;
    let platform = pick(&store, args.platform.as_deref())?;
    let name = platform.name.as_str();

    let (terms, code) = if let Some(code) = &args.code {
        (
            block_on(account::current_terms(&store, name))?,
            zeroize::Zeroizing::new(code.clone()),
        )
    } else {
        let sent = block_on(account::request_login_code(&store, name, &args.phone))?;
        eprintln!(
            "{} {}",
            ctx.tr("验证码已发送，有效期至", "Code sent; valid until"),
            crate::time_text(sent.expires_at)
        );
        if args.send_only {
            return Ok(());
        }
        let code = ctx.secrets.read("短信验证码", "SMS code")?;
        ((&sent).into(), code)
    };

    println!(
        "{} {} / {}",
        ctx.tr(
            "登录即表示同意用户协议与隐私政策，版本：",
            "Logging in accepts the user agreement and privacy policy, versions:"
        ),
        terms.agreement_version,
        terms.privacy_version
    );
    let session = block_on(account::login(&store, name, &args.phone, &code, &terms))?;
    println!(
        "{} {} @ {} ({} {})",
        ctx.tr("已登录", "Logged in:"),
        session.phone,
        name,
        ctx.tr("有效期至", "until"),
        crate::time_text(session.expires_at)
    );
    Ok(())
}

/// Runs `palmbid logout [--platform NAME]`.
pub(crate) fn logout(ctx: &Context, home: &Path, platform: Option<&str>) -> CliResult<()> {
    let store = open_store(home)?;
    let platform = pick(&store, platform)?;

    let outcome = block_on(account::logout(&store, &platform.name))?;
    match outcome {
        LogoutOutcome::Ended => println!(
            "{} {}",
            ctx.tr("已退出登录", "Logged out of"),
            platform.name
        ),
        LogoutOutcome::AlreadyEnded => println!(
            "{} {}",
            ctx.tr(
                "登录已失效，本机记录已清除：",
                "The session had ended; forgot it for"
            ),
            platform.name
        ),
    }
    Ok(())
}
