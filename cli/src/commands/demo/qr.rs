//! The QR half of the demo: the bid toolbox (投标工具) and the phone meet
//! through the platform's relay, in one process. The toolbox runs on a
//! task and "shows" each frame on a channel; the phone scans the newest
//! frame, matches the login number, and answers with the PIN, exactly as
//! `palmbid toolbox` and `palmbid scan` do in two processes.

use std::future::Future;
use std::time::Duration;

use palmbid_core::account::AccountStore;
use palmbid_core::api::pickup::SealKind;
use palmbid_core::api::qr::{DesktopEvent, QrState};
use palmbid_core::keystore::{Keystore, Pin};
use palmbid_core::qr::{self, AnswerChoice, Scanned};
use palmbid_toolbox::relay::Screen;
use tokio::sync::watch;

use crate::error::{CliError, CliResult, core};

/// The phone's side of the demo's QR steps.
pub(super) struct Phone<'a> {
    pub(super) store: &'a AccountStore,
    pub(super) keystore: &'a Keystore,
    pub(super) pin: &'a str,
}

/// A desktop screen whose frames go to a channel.
pub(super) struct ChannelScreen(watch::Sender<Option<(String, Option<u8>)>>);

impl Screen for ChannelScreen {
    fn frame(&mut self, url: &str, match_number: Option<u8>, _seconds_left: i64) {
        let _ = self.0.send(Some((url.to_owned(), match_number)));
    }

    fn state(&mut self, _state: QrState) {}
}

/// Runs the desktop side `desktop` (given the screen to show frames on)
/// while the phone scans and answers; returns what the desktop returns.
pub(super) async fn exchange<T, F>(
    phone: &Phone<'_>,
    seal: Option<SealKind>,
    desktop: impl FnOnce(ChannelScreen) -> F,
) -> CliResult<T>
where
    F: Future<Output = CliResult<T>> + Send + 'static,
    T: Send + 'static,
{
    let (sender, mut frames) = watch::channel(None);
    let task = tokio::spawn(desktop(ChannelScreen(sender)));

    let frame = tokio::time::timeout(Duration::from_secs(20), frames.wait_for(Option::is_some))
        .await
        .ok()
        .and_then(Result::ok)
        .and_then(|frame| frame.clone());
    let Some((url, number)) = frame else {
        task.abort();
        return Err(CliError::failed(
            "demo.no_frame",
            "投标工具没有显示二维码",
            "the toolbox showed no QR code",
        ));
    };

    let scanned = match qr::scan(phone.store, phone.keystore, &url)
        .await
        .map_err(core)?
    {
        Scanned::Request(request) => request,
        Scanned::Pickup(_) => {
            return Err(CliError::failed(
                "demo.unexpected_code",
                "扫到的是证书领取码",
                "the code read is a pickup code",
            ));
        }
    };
    if let Some(number) = number {
        qr::choose_number(phone.store, &scanned, number)
            .await
            .map_err(core)?;
    }
    qr::answer(
        phone.store,
        phone.keystore,
        &scanned,
        AnswerChoice { seal },
        &Pin::entered(phone.pin.to_owned()),
    )
    .await
    .map_err(core)?;

    task.await.map_err(|e| {
        CliError::failed(
            "demo.toolbox",
            format!("投标工具任务失败：{e}"),
            format!("the toolbox task failed: {e}"),
        )
    })?
}

/// Plays a browser on the portal's QR login page (交易平台门户扫码登录):
/// opens the page with a cookie jar, reads the frame from the request's
/// event stream (authenticated by the page's cookie, as the page's own
/// script is), lets the phone scan it, match the number and answer, then
/// completes the login and returns who the portal says is logged in.
pub(super) async fn portal_login(base_url: &str, phone: &Phone<'_>) -> CliResult<String> {
    use futures_util::StreamExt;

    let failed = |what: &str, err: &dyn std::fmt::Display| {
        CliError::failed(
            "demo.portal",
            format!("门户登录步骤“{what}”失败：{err}"),
            format!("portal login step \"{what}\" failed: {err}"),
        )
    };
    palmbid_core::api::client::install_ring_provider();
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .map_err(|e| failed("browser", &e))?;
    let page = browser
        .get(format!("{base_url}portal/login"))
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| failed("/portal/login", &e))?
        .text()
        .await
        .map_err(|e| failed("/portal/login", &e))?;
    let id = between(&page, "/portal/login/", "/qr")
        .ok_or_else(|| failed("/portal/login", &"no QR image on the page"))?;
    let number: u8 = between(&page, "id=\"match-number\">", "<")
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| failed("/portal/login", &"no number to match on the page"))?;

    // The first frame of the event stream.
    let events = browser
        .get(format!("{base_url}api/v1/qr/requests/{id}/events"))
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| failed("events", &e))?;
    let mut stream = events.bytes_stream();
    let mut text = String::new();
    let url = loop {
        let chunk = tokio::time::timeout(Duration::from_secs(10), stream.next())
            .await
            .ok()
            .flatten()
            .ok_or_else(|| failed("events", &"no frame within 10 s"))?
            .map_err(|e| failed("events", &e))?;
        text.push_str(&String::from_utf8_lossy(&chunk));
        let frame = text
            .lines()
            .filter_map(|line| line.strip_prefix("data:"))
            .filter_map(|data| serde_json::from_str::<DesktopEvent>(data.trim()).ok())
            .find_map(|event| match event {
                DesktopEvent::Frame { url, .. } => Some(url),
                _ => None,
            });
        if let Some(url) = frame {
            break url;
        }
    };
    drop(stream);

    let scanned = match qr::scan(phone.store, phone.keystore, &url)
        .await
        .map_err(core)?
    {
        Scanned::Request(request) => request,
        Scanned::Pickup(_) => return Err(failed("scan", &"the code read is a pickup code")),
    };
    qr::choose_number(phone.store, &scanned, number)
        .await
        .map_err(core)?;
    qr::answer(
        phone.store,
        phone.keystore,
        &scanned,
        AnswerChoice::default(),
        &Pin::entered(phone.pin.to_owned()),
    )
    .await
    .map_err(core)?;

    let home = browser
        .get(format!("{base_url}portal/login/{id}/complete"))
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| failed("complete", &e))?
        .text()
        .await
        .map_err(|e| failed("complete", &e))?;
    between(&home, "id=\"portal-user\">", "</p>")
        .map(|who| who.trim().to_owned())
        .ok_or_else(|| failed("/portal", &"the portal shows nobody logged in"))
}

/// The text between the first `start` and the `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let to = from + text[from..].find(end)?;
    Some(&text[from..to])
}
