//! `palmbid`: the desktop host of the phone-certificate core.
//!
//! Exit status: 0 success, 1 the operation failed, 2 usage error. Messages
//! are in Chinese where `LANG` starts with `zh`, else in English.

mod args;
mod commands;
mod error;
mod home;
mod prompt;
mod select;

use std::process::ExitCode;

use clap::Parser;
use palmbid_core::error::Lang;

use crate::args::{Cli, Command, PinAction};
use crate::error::CliResult;
use crate::prompt::SecretSource;

/// What every command needs: the language and where secrets come from.
pub(crate) struct Context {
    pub lang: Lang,
    pub secrets: SecretSource,
}

impl Context {
    /// Chooses the text of the user's language.
    pub(crate) fn tr<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::ZhCn => zh,
            Lang::En => en,
        }
    }
}

/// Formats Unix seconds as UTC, `2026-12-04 20:30:00 UTC`.
pub(crate) fn time_text(unix: i64) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| unix.to_string())
}

fn main() -> ExitCode {
    let lang = std::env::var("LC_ALL")
        .or_else(|_| std::env::var("LANG"))
        .map_or(Lang::En, |locale| Lang::from_locale(&locale));

    let cli = Cli::parse();
    init_logging(cli.verbose);

    let ctx = Context {
        lang,
        secrets: SecretSource::new(cli.pin_stdin, lang),
    };
    match run(&ctx, cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            let label = ctx.tr("错误", "error");
            eprintln!("palmbid: {label} [{}]: {}", err.code, err.message(lang));
            ExitCode::from(err.exit)
        }
    }
}

/// Sends `tracing` events to standard error: off by default, `-v` for
/// operations and outcomes, `-vv` for details; `RUST_LOG` overrides.
fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "off",
        1 => "palmbid_core=info,palmbid=info",
        _ => "palmbid_core=debug,palmbid=debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn run(ctx: &Context, cli: Cli) -> CliResult<()> {
    // Commands that need no keystore run without creating a home.
    match &cli.command {
        Command::Demo { out } => return commands::demo::run(ctx, out),
        Command::Verify { input, sig, ca } => return commands::sign::verify(ctx, input, sig, ca),
        Command::Encrypt { to, input, out } => {
            return commands::envelope::encrypt(ctx, to, input, out);
        }
        _ => {}
    }

    let home = home::resolve(cli.home.as_deref())?;
    // Platform commands use the account tables only.
    match &cli.command {
        Command::Platform { action } => return commands::platform::run(ctx, &home, action),
        Command::Login(args) => return commands::login::login(ctx, &home, args),
        Command::VerifyIdentity { action } => {
            return commands::identity::run(ctx, &home, action);
        }
        Command::Logout { platform } => {
            return commands::login::logout(ctx, &home, platform.as_deref());
        }
        _ => {}
    }

    let keystore = home::open(&home)?;
    match cli.command {
        Command::Demo { .. }
        | Command::Verify { .. }
        | Command::Encrypt { .. }
        | Command::Platform { .. }
        | Command::Login(_)
        | Command::VerifyIdentity { .. }
        | Command::Logout { .. } => Ok(()),
        Command::Scan { url } => commands::pickup::scan(ctx, &home, &keystore, &url),
        Command::Download { platform, pickup } => commands::pickup::download(
            ctx,
            &home,
            &keystore,
            platform.as_deref(),
            pickup.as_deref(),
        ),
        Command::Import(args) => commands::import::run(ctx, &keystore, &args),
        Command::Certs { json } => commands::certs::run(ctx, &keystore, json),
        Command::Request(args) => commands::request::run(ctx, &keystore, &args),
        Command::Install { certs, chain } => {
            commands::request::install(ctx, &keystore, &certs, chain.as_deref())
        }
        Command::Sign { cert, input, out } => {
            commands::sign::sign(ctx, &keystore, cert.as_deref(), &input, &out)
        }
        Command::Decrypt { cert, input, out } => {
            commands::envelope::decrypt(ctx, &keystore, cert.as_deref(), &input, &out)
        }
        Command::Pin {
            action: PinAction::Status,
        } => commands::pin::status(ctx, &keystore),
        Command::Pin {
            action: PinAction::Change { cert },
        } => commands::pin::change(ctx, &keystore, cert.as_deref()),
    }
}

/// The current time in seconds since the Unix epoch.
pub(crate) fn unix_now() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(now.as_secs()).unwrap_or(i64::MAX)
}
