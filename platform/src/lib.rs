//! palmbid-platform: the reference platform server the phone talks to.
//!
//! axum on tokio, SQLite through rusqlite. One module a concern:
//!
//! - [`db`]: the database and its migrations;
//! - [`app_links`]: the App Links and universal links association files;
//! - [`accounts`]: SMS code login and sessions;
//! - [`ca`]: the platform's certificate authority and revocation;
//! - [`hall`]: the bid-opening hall: projects, phases and event log;
//! - [`guarantee`]: electronic bid guarantees: codes, the institution
//!   catalogue, callbacks and the development institution;
//! - [`qr`]: the QR request relay between a desktop and the phone;
//! - [`portal`]: the portal's browser sessions from QR logins;
//! - `web`: the operator console pages and the portal's QR login page;
//! - [`sms`]: the [`sms::SmsGateway`] trait and the development gateway;
//! - [`clock`]: the server clock, the source of every time that matters;
//! - [`error`]: startup errors and the JSON error answers.
//!
//! Every answer carries a request id and the server time (see
//! `palmbid_core::api`), every request outcome is logged with its id, and
//! every body is size-limited. [`Platform::bind`] then [`Platform::serve`]
//! runs it; [`Platform::spawn`] starts it in-process for tests and the
//! demo.

pub mod accounts;
pub mod app_links;
pub mod ca;
pub mod clock;
pub mod db;
pub mod error;
pub mod guarantee;
pub mod hall;
mod http;
pub mod portal;
pub mod qr;
pub mod sms;
pub(crate) mod web;

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::db::Db;
pub use crate::error::PlatformError;
use crate::sms::{DevSmsGateway, SmsGateway};

/// Largest request body of the JSON endpoints, in bytes.
pub const JSON_BODY_LIMIT: usize = 64 * 1024;

/// How the platform runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on; port 0 picks a free one.
    pub listen: SocketAddr,
    /// Folder for the database and development files.
    pub data_dir: PathBuf,
    /// Development only: approve identity verification cases at once.
    pub dev_auto_approve: bool,
    /// Base address the phone reaches the platform at, for pickup QR
    /// codes (`https://{host}/`); default `http://{bound address}/`.
    pub public_url: Option<String>,
    /// CJK font for seal images; default: the first Debian CJK font found
    /// (see [`ca::seals::DEBIAN_FONTS`]).
    pub font_path: Option<PathBuf>,
    /// PEM files of the device attestation roots the operator trusts
    /// (see [`ca::attestation`]); none: every root is "not trusted".
    pub attestation_roots: Vec<PathBuf>,
    /// Refuse pickups that carry no device attestation chain.
    pub require_attestation: bool,
    /// Android apps for App Links, `PACKAGE:SHA256_FINGERPRINT` each
    /// (see [`app_links::AndroidApp::parse`]); checked at startup.
    pub android_apps: Vec<String>,
    /// iOS apps for universal links, `TEAMID.BUNDLEID` each (see
    /// [`app_links::IosApp::parse`]); checked at startup.
    pub ios_apps: Vec<String>,
}

impl Config {
    /// Listen on `listen`, keep data in `data_dir`, no development
    /// shortcuts.
    pub fn new(listen: SocketAddr, data_dir: PathBuf) -> Self {
        Config {
            listen,
            data_dir,
            dev_auto_approve: false,
            public_url: None,
            font_path: None,
            attestation_roots: Vec::new(),
            require_attestation: false,
            android_apps: Vec::new(),
            ios_apps: Vec::new(),
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The server clock.
    pub clock: Clock,
    /// Where SMS codes go.
    pub sms: Arc<dyn SmsGateway>,
    /// The configuration.
    pub config: Arc<Config>,
    /// The platform's issuing CA.
    pub ca: Arc<palmbid_core::pki::IssuingCa>,
    /// Base address in pickup QR codes, ending in `/`.
    pub public_base: Arc<str>,
    /// Font of the seal images; `None` when none was found (pickups of
    /// orders with seals then fail with an internal error, logged).
    pub seal_font: Option<Arc<ca::seals::SealFont>>,
    /// Bumped whenever a QR request changes, to wake its event streams.
    pub qr_changes: Arc<tokio::sync::watch::Sender<u64>>,
    /// Bumped whenever a hall project changes, to wake its event streams.
    pub hall_changes: Arc<tokio::sync::watch::Sender<u64>>,
    /// The development guarantee institution, issued by the platform CA.
    pub dev_institution: Arc<guarantee::dev::DevInstitution>,
    /// The policy that judges the device attestation chains of pickups.
    pub attestation: Arc<ca::attestation::AttestationPolicy>,
    /// The association files for the apps' links.
    pub app_links: Arc<app_links::AppLinks>,
    /// Serializes the key releases of each hall bid.
    pub release_locks: Arc<hall::ReleaseLocks>,
}

/// A platform bound to its address, not yet serving.
pub struct Platform {
    listener: TcpListener,
    router: Router,
    addr: SocketAddr,
    clock: Clock,
}

impl Platform {
    /// Opens the data folder and database and binds the listening socket.
    /// SMS codes go to the development gateway under `{data}/sms`.
    ///
    /// # Errors
    /// [`PlatformError`] when the folder, the database or the address fails.
    pub async fn bind(config: Config) -> Result<Self, PlatformError> {
        let sms = Arc::new(DevSmsGateway::new(config.data_dir.join("sms")));
        Self::bind_with(config, sms).await
    }

    /// As [`Platform::bind`] with another SMS gateway.
    ///
    /// # Errors
    /// As [`Platform::bind`].
    pub async fn bind_with(
        config: Config,
        sms: Arc<dyn SmsGateway>,
    ) -> Result<Self, PlatformError> {
        // Checked first: a typo in an app value must not leave a data
        // folder or a bound port behind.
        let app_links = Arc::new(app_links::AppLinks::from_config(
            &config.android_apps,
            &config.ios_apps,
        )?);
        std::fs::create_dir_all(&config.data_dir).map_err(|source| PlatformError::DataDir {
            path: config.data_dir.clone(),
            source,
        })?;
        let clock = Clock::default();
        let db_path = config.data_dir.join(db::DATABASE_FILE);
        let ca_dir = config.data_dir.join("ca");
        let now = clock.now();
        let institution_dir = config.data_dir.join("guarantee");
        let (db, ca, dev_institution) = tokio::task::spawn_blocking(move || {
            let ca = ca::load_or_create(&ca_dir, now)?;
            let institution =
                guarantee::dev::DevInstitution::load_or_create(&institution_dir, &ca, now)?;
            Ok::<_, PlatformError>((Db::open(&db_path)?, ca, Arc::new(institution)))
        })
        .await
        .map_err(|e| PlatformError::Db(db::DbError::Task(e.to_string())))??;

        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| PlatformError::Bind {
                    addr: config.listen,
                    source,
                })?;
        let addr = listener.local_addr().map_err(PlatformError::Serve)?;

        let seal_font = match ca::seals::SealFont::find(config.font_path.as_deref()) {
            Ok(font) => Some(Arc::new(font)),
            Err(err) if config.font_path.is_some() => return Err(PlatformError::Font(err)),
            Err(err) => {
                tracing::warn!(%err, "no seal font; orders with seals cannot be picked up");
                None
            }
        };
        let attestation = Arc::new(ca::attestation::AttestationPolicy::load(
            &config.attestation_roots,
            config.require_attestation,
        )?);
        let public_base: Arc<str> = match &config.public_url {
            Some(url) if url.ends_with('/') => url.as_str().into(),
            Some(url) => format!("{url}/").into(),
            None => format!("http://{addr}/").into(),
        };
        let registered = Arc::clone(&dev_institution);
        let base = Arc::clone(&public_base);
        db.call(move |conn| registered.register(conn, &base))
            .await?;
        let state = AppState {
            db,
            clock: clock.clone(),
            sms,
            config: Arc::new(config),
            ca,
            public_base,
            seal_font,
            qr_changes: Arc::new(tokio::sync::watch::Sender::new(0)),
            hall_changes: Arc::new(tokio::sync::watch::Sender::new(0)),
            dev_institution,
            attestation,
            app_links,
            release_locks: Arc::new(hall::ReleaseLocks::new()),
        };
        let router = router(state);
        tracing::info!(%addr, "platform listening");
        Ok(Platform {
            listener,
            router,
            addr,
            clock,
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The server clock (shared with the running server).
    pub fn clock(&self) -> Clock {
        self.clock.clone()
    }

    /// Serves until `shutdown` completes, then finishes the requests in
    /// flight and returns.
    ///
    /// # Errors
    /// [`PlatformError::Serve`] when the listener fails.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), PlatformError> {
        // The peer address is the QR requests' network address.
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, service)
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(PlatformError::Serve)?;
        tracing::info!("platform stopped");
        Ok(())
    }

    /// Binds and serves on a tokio task of the current runtime.
    ///
    /// # Errors
    /// As [`Platform::bind`].
    pub async fn spawn(config: Config) -> Result<RunningPlatform, PlatformError> {
        let platform = Platform::bind(config).await?;
        let addr = platform.local_addr();
        let clock = platform.clock();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(platform.serve(async move {
            let _ = stopped.await;
        }));
        Ok(RunningPlatform {
            addr,
            clock,
            stop: Some(stop),
            task,
        })
    }
}

/// A platform serving on a background task; stops when shut down or
/// dropped.
pub struct RunningPlatform {
    addr: SocketAddr,
    clock: Clock,
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<Result<(), PlatformError>>,
}

impl RunningPlatform {
    /// The bound address.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://{addr}/`.
    pub fn base_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// The server clock; [`Clock::advance`] moves it for the server too.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Stops accepting, waits for requests in flight, and returns.
    ///
    /// # Errors
    /// The error the server stopped with.
    pub async fn shutdown(mut self) -> Result<(), PlatformError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        (&mut self.task)
            .await
            .map_err(|e| PlatformError::Serve(std::io::Error::other(e.to_string())))?
    }
}

impl Drop for RunningPlatform {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn router(state: AppState) -> Router {
    Router::new()
        .route(palmbid_core::api::paths::HEALTH, axum::routing::get(health))
        .route(
            palmbid_core::api::paths::DEV_CA,
            axum::routing::get(ca::trust_anchor),
        )
        .merge(accounts::routes())
        .merge(web::routes())
        .merge(ca::routes())
        .merge(qr::routes())
        .merge(hall::routes())
        .merge(guarantee::routes())
        .merge(app_links::routes())
        .fallback(http::not_found)
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::observe,
        ))
        .with_state(state)
}

async fn health(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::Json<palmbid_core::api::health::HealthResponse> {
    axum::Json(palmbid_core::api::health::HealthResponse {
        status: "ok".to_owned(),
        server_time_ms: state.clock.now_ms(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    })
}
