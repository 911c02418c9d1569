//! The order page in a real browser (Debian's headless Chromium): its QR
//! code, read back from a screenshot with `zbarimg` (zbar-tools), is the
//! pickup URL; and the state on the open page turns to issued once the
//! phone finishes, without a reload. `scripts/test` installs both tools.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use common::{PHONE, TestPlatform, approve_identity, approved_order, phone, pin, register_company};
use palmbid_core::account;

/// Runs headless Chromium with the flags the project requires, a fresh
/// profile, and `extra` arguments.
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn order_page_qr_decodes_to_pickup_url_and_state_goes_live() {
    let platform = TestPlatform::start().await;
    let phone = phone(&platform, PHONE).await;
    approve_identity(&platform).await;
    register_company(&platform).await;
    let (page, url) = approved_order(&platform, PHONE).await;
    let page_url = platform.url(&page);
    let scratch = tempfile::tempdir().unwrap();

    // 1. The QR code in a screenshot decodes to the pickup URL.
    let shot = scratch.path().join("order.png");
    let profile = scratch.path().join("profile-1");
    let out = tokio::task::spawn_blocking({
        let (shot, page_url) = (shot.clone(), page_url.clone());
        move || {
            chromium(
                &profile,
                &[
                    &format!("--screenshot={}", shot.display()),
                    "--window-size=900,1400",
                    &page_url,
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
    assert_eq!(String::from_utf8_lossy(&decoded.stdout).trim(), url);

    // 2. Open the page, let the phone finish, read the page's DOM later.
    // Virtual time stands still while the page's long poll is pending, so
    // the browser waits for the phone in real time.
    let profile = scratch.path().join("profile-2");
    let browser = tokio::task::spawn_blocking({
        let page_url = page_url.clone();
        move || {
            chromium(
                &profile,
                &["--dump-dom", "--virtual-time-budget=5000", &page_url],
            )
        }
    });
    tokio::time::sleep(Duration::from_secs(5)).await;
    let scanned = account::scan(&phone.store, &url).await.unwrap();
    account::pick_up(&phone.store, &phone.keystore, &scanned, &pin(), &[])
        .await
        .unwrap();
    account::download(
        &phone.store,
        &phone.keystore,
        "dev",
        &scanned.offer.pickup_id,
        &pin(),
    )
    .await
    .unwrap();
    let dom = browser.await.unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);

    assert!(dom.contains("data-rendered-state=\"approved\""), "{dom}");
    assert!(dom.contains("data-state=\"issued\""), "{dom}");
    assert!(dom.contains("已签发 issued"), "{dom}");
}
