//! The platform half of the demo: the reference platform started in
//! process on a free loopback port, and the phone's first day with it
//! (SMS login, identity verification, certificate pickup and download).
//!
//! The operator's actions (entering and approving the CA order, adding the
//! company to the entity registry) go through the console's web forms, as
//! an operator's browser would send them.

use std::path::{Path, PathBuf};

use palmbid_core::account::{self, AccountStore};
use palmbid_core::api::hall::Phase;
use palmbid_core::keystore::{Keystore, Pin};
use palmbid_platform::{Config, Platform, RunningPlatform};

use crate::error::{CliError, CliResult, core};

/// Name under which the phone trusts the demo platform.
pub(super) const PLATFORM: &str = "demo";
/// The demo bidder's phone number.
const PHONE: &str = "13800138000";
/// A GB 11643 identity card number with a valid check character.
const ID_NUMBER: &str = "11010519491231002X";

/// The running platform and the runtime that serves it.
pub(super) struct DemoPlatform {
    runtime: tokio::runtime::Runtime,
    running: Option<RunningPlatform>,
    /// The platform's data folder.
    pub(super) data: PathBuf,
    /// Its base URL, `http://127.0.0.1:PORT/`.
    pub(super) base_url: String,
}

/// An HTTP client for the consoles: redirects are answers, not followed.
fn console_client() -> CliResult<reqwest::Client> {
    palmbid_core::api::client::install_ring_provider();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| failed("HTTP client", e))
}

fn failed(what: &str, err: impl std::fmt::Display) -> CliError {
    CliError::failed(
        "demo.platform",
        format!("演示平台步骤“{what}”失败：{err}"),
        format!("demo platform step \"{what}\" failed: {err}"),
    )
}

impl DemoPlatform {
    /// Starts the platform with its data in `data`, identity checks
    /// approved at once (a development setting).
    pub(super) fn start(data: &Path) -> CliResult<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| failed("runtime", e))?;
        let listen = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let mut config = Config::new(listen, data.to_path_buf());
        config.dev_auto_approve = true;
        let running = runtime
            .block_on(Platform::spawn(config))
            .map_err(|e| failed("start", e))?;
        let base_url = running.base_url();
        Ok(DemoPlatform {
            runtime,
            running: Some(running),
            data: data.to_path_buf(),
            base_url,
        })
    }

    /// Trusts the platform and logs in as the demo's phone number with the
    /// SMS code the development gateway wrote to `{data}/sms/{phone}.txt`.
    pub(super) fn login(&self, store: &AccountStore, now: i64) -> CliResult<()> {
        self.login_as(store, PHONE, now)
    }

    /// As [`DemoPlatform::login`], for phone number `phone`.
    pub(super) fn login_as(&self, store: &AccountStore, phone: &str, now: i64) -> CliResult<()> {
        self.runtime
            .block_on(account::add_platform(store, PLATFORM, &self.base_url, now))
            .map_err(core)?;
        self.runtime
            .block_on(account::request_login_code(store, PLATFORM, phone))
            .map_err(core)?;
        let file = self.data.join("sms").join(format!("{phone}.txt"));
        let code = std::fs::read_to_string(&file).map_err(|e| CliError::io(&file, &e))?;
        let terms = self
            .runtime
            .block_on(account::current_terms(store, PLATFORM))
            .map_err(core)?;
        self.runtime
            .block_on(account::login(store, PLATFORM, phone, code.trim(), &terms))
            .map_err(core)?;
        Ok(())
    }

    /// Submits the identity video (a stand-in byte string) with the code
    /// the platform gave.
    pub(super) fn verify_identity(&self, store: &AccountStore, name: &str) -> CliResult<()> {
        let code = self
            .runtime
            .block_on(account::request_identity_code(store, PLATFORM))
            .map_err(core)?;
        self.runtime
            .block_on(account::submit_identity(
                store,
                PLATFORM,
                name,
                ID_NUMBER,
                &code.code,
                b"demo identity video",
            ))
            .map_err(core)?;
        Ok(())
    }

    /// Acts as the CA operator: enters the order, approves it, registers
    /// the company, and returns the pickup URL shown on the order page.
    pub(super) fn order(&self, name: &str, company: &str, credit_code: &str) -> CliResult<String> {
        self.order_for(name, PHONE, company, credit_code)
    }

    /// As [`DemoPlatform::order`], for phone number `phone`.
    pub(super) fn order_for(
        &self,
        name: &str,
        phone: &str,
        company: &str,
        credit_code: &str,
    ) -> CliResult<String> {
        palmbid_core::api::client::install_ring_provider();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| failed("HTTP client", e))?;
        let post = |path: String, form: Vec<(&'static str, String)>| {
            let client = client.clone();
            let url = format!("{}{}", self.base_url, path.trim_start_matches('/'));
            async move {
                let response = client
                    .post(&url)
                    .form(&form)
                    .send()
                    .await
                    .map_err(|e| failed(&url, e))?;
                let location = response
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                location.ok_or_else(|| failed(&url, format!("status {}", response.status())))
            }
        };

        let order = self.runtime.block_on(post(
            "/console/orders".to_owned(),
            vec![
                ("name", name.to_owned()),
                ("phone", phone.to_owned()),
                ("company", company.to_owned()),
                ("credit_code", credit_code.to_owned()),
                ("seal_personal", "on".to_owned()),
                ("seal_company", "on".to_owned()),
            ],
        ))?;
        self.runtime
            .block_on(post(format!("{order}/approve"), Vec::new()))?;
        self.runtime.block_on(post(
            "/console/registry".to_owned(),
            vec![
                ("company", company.to_owned()),
                ("credit_code", credit_code.to_owned()),
            ],
        ))?;

        let page_url = format!("{}{}", self.base_url, order.trim_start_matches('/'));
        let page = self
            .runtime
            .block_on(async { client.get(&page_url).send().await?.text().await })
            .map_err(|e| failed(&page_url, e))?;
        let marker = "<code id=\"pickup-url\">";
        let start = page.find(marker).map(|i| i + marker.len());
        let url = start.and_then(|s| page[s..].find('<').map(|end| page[s..s + end].to_owned()));
        url.ok_or_else(|| failed(&page_url, "no pickup URL on the order page"))
    }

    /// Scans the pickup URL, picks up both certificates under `pin`, and
    /// downloads (installs) them after the entity-registry match.
    pub(super) fn pick_up(
        &self,
        store: &AccountStore,
        keystore: &Keystore,
        url: &str,
        pin: &Pin,
    ) -> CliResult<()> {
        let scanned = self
            .runtime
            .block_on(account::scan(store, url))
            .map_err(core)?;
        self.runtime
            .block_on(account::pick_up(store, keystore, &scanned, pin, &[]))
            .map_err(core)?;
        self.runtime
            .block_on(account::download(
                store,
                keystore,
                PLATFORM,
                &scanned.offer.pickup_id,
                pin,
            ))
            .map_err(core)?;
        Ok(())
    }

    /// Acts as the hall agent and the platform operator: enters a project
    /// opening tomorrow with one section whose bidder is `credit_code`,
    /// marks it as requiring a bid guarantee, and returns its id.
    pub(super) fn guarantee_project(&self, credit_code: &str) -> CliResult<String> {
        let id = self.hall_project(
            "演示市政道路工程（需要投标保函）",
            24 * 3600,
            &[(credit_code, "示范建设有限公司")],
        )?;
        let client = console_client()?;
        let require = format!("{}console/guarantee/{id}/require", self.base_url);
        let status = self
            .runtime
            .block_on(client.post(&require).form(&[("required", "1")]).send())
            .map_err(|e| failed(&require, e))?
            .status();
        if !status.is_redirection() {
            return Err(failed(&require, format!("status {status}")));
        }
        Ok(id)
    }

    /// Acts as the hall agent: enters project `name` opening `in_secs` from
    /// now (to the minute) with one section whose bidders are `bidders`
    /// (credit code, company), and returns its id.
    pub(super) fn hall_project(
        &self,
        name: &str,
        in_secs: i64,
        bidders: &[(&str, &str)],
    ) -> CliResult<String> {
        let client = console_client()?;
        let opening = time::OffsetDateTime::now_utc() + time::Duration::seconds(in_secs);
        let opening = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}",
            opening.year(),
            u8::from(opening.month()),
            opening.day(),
            opening.hour(),
            opening.minute()
        );
        let bidders: Vec<String> = bidders
            .iter()
            .map(|(code, company)| format!("{code} {company}"))
            .collect();
        let hall = format!("{}console/hall", self.base_url);
        let page = self
            .runtime
            .block_on(async {
                client
                    .post(&hall)
                    .form(&[
                        ("name", name),
                        ("opening", opening.as_str()),
                        ("section", "第一标段"),
                        ("bidders", &bidders.join("\n")),
                    ])
                    .send()
                    .await?
                    .error_for_status()?;
                client.get(&hall).send().await?.text().await
            })
            .map_err(|e| failed(&hall, e))?;
        page.split("<tr data-project=\"")
            .skip(1)
            .find(|row| row.split("</tr>").next().is_some_and(|r| r.contains(name)))
            .and_then(|row| row.split('"').next())
            .map(str::to_owned)
            .ok_or_else(|| failed(&hall, "the new project is not listed"))
    }

    /// Acts as the hall agent: moves project `id` to `phase`.
    pub(super) fn move_hall(&self, id: &str, phase: Phase) -> CliResult<()> {
        self.console(
            &format!("console/hall/{id}/phase"),
            &[("phase", phase.as_str())],
        )
    }

    /// Posts `form` to the console page `path` (relative to the base
    /// address), as the agent's or the experts' browser would.
    pub(super) fn console(&self, path: &str, form: &[(&str, &str)]) -> CliResult<()> {
        let client = console_client()?;
        let url = format!("{}{path}", self.base_url);
        let status = self
            .runtime
            .block_on(client.post(&url).form(form).send())
            .map_err(|e| failed(&url, e))?
            .status();
        if status.is_redirection() {
            Ok(())
        } else {
            Err(failed(&url, format!("status {status}")))
        }
    }

    /// Runs `work` on the platform's runtime, where the toolbox and the
    /// phone of the QR steps meet.
    pub(super) fn block_on<F: std::future::Future>(&self, work: F) -> F::Output {
        self.runtime.block_on(work)
    }

    /// Stops the platform after the requests in flight.
    pub(super) fn stop(mut self) -> CliResult<()> {
        if let Some(running) = self.running.take() {
            self.runtime
                .block_on(running.shutdown())
                .map_err(|e| failed("stop", e))?;
        }
        Ok(())
    }
}
