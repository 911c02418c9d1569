//! `palmbid-platform`: runs the reference platform server.
//!
//! `palmbid-platform serve [--listen ADDR] [--data DIR]
//! [--attestation-root FILE.pem]... [--require-attestation]
//! [--android-app PACKAGE:SHA256_FINGERPRINT]... [--ios-app TEAMID.BUNDLEID]...`. The first line of
//! standard output is the bound address (`listening on http://ADDR/`), so
//! a caller that asked for port 0 learns the port. Logs go to standard
//! error (`RUST_LOG` filters). SIGINT or SIGTERM stops it gracefully.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use palmbid_platform::{Config, Platform};

/// palmbid reference platform (palmbid 参考平台).
#[derive(Debug, Parser)]
#[command(name = "palmbid-platform", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the platform API and consoles.
    Serve {
        /// Address to listen on; port 0 picks a free port.
        #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
        listen: SocketAddr,

        /// Folder for the database and development files.
        #[arg(long, default_value = "palmbid-platform-data", value_name = "DIR")]
        data: PathBuf,

        /// Development only: approve identity verification at once.
        #[arg(long)]
        dev_auto_approve: bool,

        /// Address phones reach this platform at, put in pickup QR codes
        /// (`https://ca.example.cn/`) [default: `http://{bound address}/`].
        #[arg(long, value_name = "URL")]
        public_url: Option<String>,

        /// CJK font (TTF, OTF or TTC) for seal images [default: the first
        /// of Debian's fonts-wqy-zenhei or fonts-noto-cjk found].
        #[arg(long, value_name = "FILE")]
        font: Option<PathBuf>,

        /// PEM file of device attestation roots to trust (Google's
        /// hardware attestation roots); repeatable. Without one, every
        /// verified attestation is recorded as "root not trusted".
        #[arg(long = "attestation-root", value_name = "FILE.pem")]
        attestation_roots: Vec<PathBuf>,

        /// Refuse certificate pickups that send no device attestation
        /// chain (iOS and phones without a hardware key send none).
        #[arg(long)]
        require_attestation: bool,

        /// Android app that opens the platform's `/q/` links (App Links),
        /// as its package and the SHA-256 fingerprint of its signing
        /// certificate (`palmbid.app:14:6D:...:9A`, 32 bytes); repeatable.
        /// Served in `/.well-known/assetlinks.json`.
        #[arg(long = "android-app", value_name = "PACKAGE:SHA256_FINGERPRINT")]
        android_apps: Vec<String>,

        /// iOS app that opens the platform's `/q/` links (universal links),
        /// as `TEAMID.BUNDLEID`; repeatable. Served in
        /// `/.well-known/apple-app-site-association`.
        #[arg(long = "ios-app", value_name = "TEAMID.BUNDLEID")]
        ios_apps: Vec<String>,
    },
}

fn main() -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();

    let Command::Serve {
        listen,
        data,
        dev_auto_approve,
        public_url,
        font,
        attestation_roots,
        require_attestation,
        android_apps,
        ios_apps,
    } = Cli::parse().command;
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("palmbid-platform: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let config = Config {
        dev_auto_approve,
        public_url,
        font_path: font,
        attestation_roots,
        require_attestation,
        android_apps,
        ios_apps,
        ..Config::new(listen, data)
    };
    match runtime.block_on(run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("palmbid-platform: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), palmbid_platform::PlatformError> {
    let platform = Platform::bind(config).await?;
    println!("listening on http://{}/", platform.local_addr());
    platform.serve(shutdown_signal()).await
}

/// Completes on SIGINT (Ctrl-C) or, on Unix, SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = interrupt => tracing::info!("SIGINT, shutting down"),
        () = terminate => tracing::info!("SIGTERM, shutting down"),
    }
}
