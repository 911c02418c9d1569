//! `palmbid`: the desktop host of the phone-certificate core.
//!
//! Exit status: 0 success, 1 the operation failed, 2 usage error. Messages
//! are in Chinese where `LANG` starts with `zh`, else in English.

/// `println!` for results on standard output. A closed output (a pipe
/// whose reader left, as in `palmbid certs | head -1`) ends the process
/// with status 1 instead of a panic.
macro_rules! outln {
    () => {
        $crate::print_line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::print_line(format_args!($($arg)*))
    };
}

mod args;
mod commands;
mod error;
mod home;
mod output;
mod prompt;
mod select;
mod unlock;

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

/// Writes one line to standard output; see [`outln!`].
pub(crate) fn print_line(args: std::fmt::Arguments<'_>) {
    use std::io::Write;

    let mut out = std::io::stdout().lock();
    let written = out
        .write_fmt(args)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    if let Err(e) = written {
        // Nobody reads a closed pipe: leave quietly. Any other failure
        // (a full disk behind a redirection) is reported.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!(
                "palmbid: error [cli.stdout]: 写入标准输出失败 / writing standard output failed: {e}"
            );
        }
        std::process::exit(i32::from(error::EXIT_FAILED));
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
    let lang = message_lang();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(&err, lang),
    };
    init_logging(cli.verbose);
    output::install_interrupt_handler(lang);

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

/// The language of messages, from the first of `LC_ALL`, `LC_MESSAGES`
/// and `LANG` that is set and not empty, as POSIX orders them.
fn message_lang() -> Lang {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|locale| !locale.is_empty())
        .map_or(Lang::En, |locale| Lang::from_locale(&locale))
}

/// Prints clap's usage error (English only) with a Chinese summary under
/// a Chinese locale, and exits with status 2; help and version exit 0.
fn usage_error(err: &clap::Error, lang: Lang) -> ExitCode {
    use clap::error::ErrorKind;

    // A failed print of help or of the error has no better place to be
    // reported.
    let _ = err.print();
    if err.exit_code() == 0 {
        return ExitCode::SUCCESS;
    }

    if lang == Lang::ZhCn {
        let what = match err.kind() {
            ErrorKind::MissingRequiredArgument => "缺少必需的参数",
            ErrorKind::UnknownArgument => "有无法识别的参数",
            ErrorKind::InvalidSubcommand => "没有这个子命令",
            ErrorKind::ArgumentConflict => "有相互冲突的参数",
            ErrorKind::InvalidValue | ErrorKind::ValueValidation => "参数值无效",
            ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues => "参数值的个数不对",
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => "缺少子命令",
            _ => "命令行有误",
        };
        eprintln!(
            "palmbid: 错误 [cli.usage]: 用法错误：{what}（详见上方英文说明）；运行 palmbid --help 或 palmbid 子命令 --help 查看用法"
        );
    }
    ExitCode::from(error::EXIT_USAGE)
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
        Command::Toolbox(args) => return commands::toolbox::run(ctx, args),
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
        Command::Hall { action } => return commands::hall::run(ctx, &home, action),
        _ => {}
    }

    let keystore = home::open(&home)?;
    match cli.command {
        Command::Demo { .. }
        | Command::Verify { .. }
        | Command::Encrypt { .. }
        | Command::Toolbox(_)
        | Command::Platform { .. }
        | Command::Login(_)
        | Command::VerifyIdentity { .. }
        | Command::Logout { .. }
        | Command::Hall { .. } => Ok(()),
        Command::Guarantee { action } => commands::guarantee::run(ctx, &home, &keystore, &action),
        Command::Scan { url, number, seal } => commands::qr::scan(
            ctx,
            &home,
            &keystore,
            &url,
            &commands::qr::ScanOptions { number, seal },
        ),
        Command::Download { platform, pickup } => commands::pickup::download(
            ctx,
            &home,
            &keystore,
            platform.as_deref(),
            pickup.as_deref(),
        ),
        Command::Import(args) => commands::import::run(ctx, &keystore, &args),
        Command::Certs { json } => commands::certs::run(ctx, &keystore, json),
        Command::Log {
            limit,
            before,
            json,
        } => commands::log::run(ctx, &keystore, limit, before, json),
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
