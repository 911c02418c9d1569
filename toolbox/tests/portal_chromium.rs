//! The portal's QR login in a real browser: headless Chromium shows the
//! login page; the QR code is read from a screenshot (pixels, decoded by
//! zbarimg), handed to the phone core, answered with number matching and
//! the PIN, and the same page turns to logged in as the certificate's
//! company.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod support;

use std::time::Duration;

use palmbid_core::api::qr::RequesterKind;
use palmbid_core::qr::{self, AnswerChoice, Scanned};
use support::cdp::{Browser, decode_qr};
use support::{Bench, COMPANY, CREDIT, PHONE, pin};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_login_from_a_screenshot() {
    let bench = Bench::start().await;
    let phone = bench.phone(PHONE).await;
    let mut browser = Browser::launch().await;

    browser.navigate(&bench.url("/portal/login")).await;
    browser
        .wait_for(
            "!!document.querySelector('#qr') && document.querySelector('#match-number') !== null",
            Duration::from_secs(15),
        )
        .await;
    // Let the page draw a frame of its own after load.
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let url = decode_qr(&browser.screenshot().await);
    assert!(
        url.starts_with(&format!("{}q/", bench.base_url())),
        "{url:?}"
    );
    let number: u8 = browser
        .eval("document.querySelector('#match-number').textContent.trim()")
        .await
        .as_str()
        .unwrap()
        .parse()
        .unwrap();

    let Scanned::Request(request) = qr::scan(&phone.store, &phone.keystore, &url).await.unwrap()
    else {
        panic!("the login page's code read as a pickup code");
    };
    assert_eq!(request.view.requester.kind, RequesterKind::Portal);
    assert!(
        request
            .view
            .number_choices
            .as_ref()
            .unwrap()
            .contains(&number)
    );
    qr::choose_number(&phone.store, &request, number)
        .await
        .unwrap();
    qr::answer(
        &phone.store,
        &phone.keystore,
        &request,
        AnswerChoice::default(),
        &pin(),
    )
    .await
    .unwrap();

    browser
        .wait_for(
            "!!document.querySelector('#portal-user')",
            Duration::from_secs(20),
        )
        .await;
    let who = browser
        .eval("document.querySelector('#portal-user').textContent")
        .await;
    let who = who.as_str().unwrap();
    assert!(who.contains(COMPANY), "{who}");
    assert!(who.contains(CREDIT), "{who}");
    let location = browser.eval("location.pathname").await;
    assert_eq!(location.as_str(), Some("/portal"));
}
