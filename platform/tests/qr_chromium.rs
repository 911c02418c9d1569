//! The portal's QR login page in a real browser (Debian's headless
//! Chromium): the QR code of a screenshot, read back with `zbarimg`, is a
//! frame whose MAC verifies under the request's key; and an open page
//! follows the phone's scan, match and answer by long polling, completes
//! the login and shows who is logged in, without a reload.
//! `scripts/test` installs both tools.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;
mod qr_support;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use common::{CREDIT, PHONE, TestPlatform};
use hmac::{Hmac, Mac};
use palmbid_core::api::qr::{AnswerPayload, frame_mac_input};
use qr_support::holder;
use sha2::Sha256;

fn chromium(profile: &Path, extra: &[&str]) -> Output {
    // `timeout` bounds a browser that would wait forever.
    Command::new("timeout")
        .args(["120", "chromium"])
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .output()
        .unwrap_or_else(|e| panic!("chromium does not run ({e}); scripts/test installs it"))
}

/// The newest portal request: id, frame key, match number, creation.
fn newest_portal_request(platform: &TestPlatform) -> Option<(String, Vec<u8>, u8, i64)> {
    let db = rusqlite::Connection::open(platform.data.path().join("platform.sqlite3")).unwrap();
    db.query_row(
        "SELECT id, frame_key, match_number, created_at FROM qr_requests
         WHERE requester_kind = 'portal' ORDER BY created_at DESC, rowid DESC LIMIT 1",
        [],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
    )
    .ok()
}

/// The frame MAC of second `t`, as the phone's camera would read it.
fn frame_mac(key: &[u8], id: &str, t: i64) -> String {
    use base64::Engine;
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(&frame_mac_input(id, t));
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_login_page_works_in_chromium() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, PHONE).await;
    let login_url = platform.url("/portal/login");
    let scratch = tempfile::tempdir().unwrap();

    // 1. The QR code in a screenshot is a valid frame of the page's request.
    let shot = scratch.path().join("login.png");
    let profile = scratch.path().join("profile-1");
    let out = tokio::task::spawn_blocking({
        let (shot, login_url) = (shot.clone(), login_url.clone());
        move || {
            chromium(
                &profile,
                &[
                    &format!("--screenshot={}", shot.display()),
                    "--window-size=900,1200",
                    &login_url,
                ],
            )
        }
    })
    .await
    .unwrap();
    assert!(
        shot.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let decoded = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(&shot)
        .output()
        .unwrap_or_else(|e| panic!("zbarimg does not run ({e}); scripts/test installs zbar-tools"));
    let decoded = String::from_utf8_lossy(&decoded.stdout).trim().to_owned();
    let (id, key, _, _) = newest_portal_request(&platform).unwrap();
    let (t, h) = qr_support::frame_parts(&decoded);
    assert!(
        decoded.starts_with(&format!("{}q/{id}?t=", platform.server.base_url())),
        "{decoded}"
    );
    assert_eq!(h, frame_mac(&key, &id, t));

    // 2. Open the page, let the phone finish, read the page's DOM later.
    // Virtual time stands still while the page's long poll is pending, so
    // the browser waits for the phone in real time.
    let profile = scratch.path().join("profile-2");
    let browser = tokio::task::spawn_blocking({
        let login_url = login_url.clone();
        move || {
            chromium(
                &profile,
                &["--dump-dom", "--virtual-time-budget=5000", &login_url],
            )
        }
    });
    let mut request = None;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        request = newest_portal_request(&platform).filter(|r| r.0 != id);
        if request.is_some() {
            break;
        }
    }
    let (id, key, number, created_at) = request.expect("the page made no request");
    let t = platform.server.clock().now() - created_at;
    let view = phone
        .scan_parts(&platform, &id, t, &frame_mac(&key, &id, t))
        .await
        .unwrap();
    phone.choose(&platform, &id, number).await.unwrap();
    let answer = phone.signed(
        &platform.server.base_url(),
        &view,
        AnswerPayload::Login,
        platform.server.clock().now(),
    );
    phone.answer(&platform, &answer, &id).await.unwrap();
    let dom = browser.await.unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);

    assert!(dom.contains("id=\"portal-user\""), "{dom}");
    assert!(!dom.contains("id=\"qr\""), "the login page is replaced");
    assert!(
        dom.contains(&format!(
            "已登录：示例科技有限公司（{CREDIT}），经办人 张三"
        )),
        "{dom}"
    );
}
