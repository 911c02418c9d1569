//! Decryption (解密) against a real platform on loopback: the phone
//! releases its content key to the project's opening certificate with
//! core's `release_key_from_header`, and the platform decrypts the stored
//! bid file, reads the package and records the quote.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;
mod hall_support;
mod qr_support;

use palmbid_core::api::hall::{BidList, BidState, HallEventKind, Phase, SignInRecord, UploadedBid};
use palmbid_core::api::{ErrorCode, paths};
use palmbid_core::pki::{CertInfo, IssuingCa, KeyRole, Subject, Validity};

use common::{CREDIT, TestPlatform, raw_http};
use hall_support::{
    OTHER, console_page, create_project, envelope, get, header, move_to, opening, package, release,
    released_to, sign_in, toolbox_login, upload,
};
use qr_support::{TestPhone, code, holder};

/// A project in sign-in with `phone` signed in and a bid of `plaintext`
/// uploaded, encrypted to a hardware certificate and the phone's.
async fn ready(
    platform: &TestPlatform,
    phone: &TestPhone,
    name: &str,
    amount: &str,
    signed_in: bool,
) -> (String, UploadedBid) {
    let id = create_project(platform, name, 1800, &[CREDIT]).await;
    if signed_in {
        let _: SignInRecord = sign_in(platform, phone, &id).await.unwrap();
    }
    let usb = IssuingCa::new_root(
        "USB-KEY CA",
        Validity {
            not_before: 0,
            days: 36500,
        },
    )
    .unwrap()
    .issue_with_new_key(
        &Subject {
            name: "张三".into(),
            company: "示例科技有限公司".into(),
            credit_code: CREDIT.into(),
        },
        KeyRole::Encryption,
        Validity {
            not_before: 1_700_000_000,
            days: 3650,
        },
    )
    .unwrap();
    let plaintext = serde_json::to_vec(&package(&id, CREDIT, amount)).unwrap();
    let bid = envelope(&plaintext, &[usb.cert, phone.encryption.clone()]);
    let desktop = toolbox_login(platform, phone).await;
    let uploaded = upload(platform, &id, 1, Some(&desktop), bid).await.unwrap();
    (id, uploaded)
}

#[tokio::test]
async fn release_decrypts_once_and_reports_the_quote() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, "13800138031").await;
    let (id, bid) = ready(&platform, &phone, "办公楼工程", "1234567.89", true).await;
    let opening_cert = opening(&platform, &phone, &id).await;
    assert!(opening_cert.key_usage.key_agreement);
    assert!(
        palmbid_core::pki::is_signed_by(&opening_cert, platform_root(&platform).await.as_ref())
            .unwrap()
    );
    let header = header(&platform, &phone, &id, &bid.bid_id).await;
    let good = released_to(&phone, &header, &opening_cert);

    // Before the decryption phase.
    let early = release(&platform, &phone, &id, &bid.bid_id, &good).await;
    assert_eq!(code(early), ErrorCode::HallWrongPhase);
    move_to(&platform, &id, Phase::Decryption).await;

    // Released to a key that is not the opening certificate's.
    let stranger = IssuingCa::new_root(
        "x",
        Validity {
            not_before: 0,
            days: 36500,
        },
    )
    .unwrap()
    .issue_with_new_key(
        &Subject {
            name: "李四".into(),
            company: "其他公司".into(),
            credit_code: OTHER.into(),
        },
        KeyRole::Encryption,
        Validity {
            not_before: 1_700_000_000,
            days: 3650,
        },
    )
    .unwrap();
    let wrong = released_to(&phone, &header, &stranger.cert);
    let refused = release(&platform, &phone, &id, &bid.bid_id, &wrong)
        .await
        .unwrap_err();
    assert_eq!(
        (refused.status, refused.code),
        (422, ErrorCode::HallWrongKey)
    );

    let table = progress_table(&platform, &id).await;
    assert!(
        !table.contains("报价"),
        "no quotes before every bid is decrypted: {table}"
    );
    assert!(table.contains("签到 Signed in"), "{table}");

    let result = release(&platform, &phone, &id, &bid.bid_id, &good)
        .await
        .unwrap();
    assert_eq!(result.state, BidState::Decrypted);
    assert_eq!(result.quote.amount, "1234567.89");
    let again = release(&platform, &phone, &id, &bid.bid_id, &good)
        .await
        .unwrap();
    assert_eq!(again, result, "a repeated release returns the result");

    let list: BidList = get(
        &platform,
        &paths::hall_project_path(&id, "bids"),
        &phone.token,
    )
    .await
    .unwrap();
    assert_eq!(list.bids[0].state, BidState::Decrypted);
    assert_eq!(list.bids[0].quote.as_ref().unwrap().amount, "1234567.89");

    // Another certificate of the same company after success.
    let colleague = holder(&platform, "13800138032").await;
    let refused = release(&platform, &colleague, &id, &bid.bid_id, &good).await;
    assert_eq!(code(refused), ErrorCode::HallAlreadyDecrypted);

    // The progress event counts the decryption; the console shows the quote.
    let progress = progress_events(&platform, &phone, &id).await;
    assert_eq!(
        progress.last(),
        Some(&HallEventKind::Progress {
            bidders: 1,
            signed_in: 1,
            decrypted: 1,
            confirmed: 0,
        })
    );
    let table = progress_table(&platform, &id).await;
    assert!(table.contains("1234567.89"), "{table}");
    assert!(table.contains("报价"), "{table}");
}

#[tokio::test]
async fn simultaneous_releases_by_two_certificates_decrypt_once() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, "13800138033").await;
    let colleague = holder(&platform, "13800138034").await;
    let (id, bid) = ready(&platform, &phone, "综合楼工程", "7654321.00", true).await;
    let _: SignInRecord = sign_in(&platform, &colleague, &id).await.unwrap();
    move_to(&platform, &id, Phase::Decryption).await;
    let opening_cert = opening(&platform, &phone, &id).await;
    let header = header(&platform, &phone, &id, &bid.bid_id).await;
    let good = released_to(&phone, &header, &opening_cert);

    // Two certificates of one company release the same bid at once.
    let (first, second) = tokio::join!(
        release(&platform, &phone, &id, &bid.bid_id, &good),
        release(&platform, &colleague, &id, &bid.bid_id, &good),
    );

    let outcomes = [first, second];
    let decrypted: Vec<_> = outcomes.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(
        decrypted.len(),
        1,
        "exactly one release decrypts: {outcomes:?}"
    );
    assert_eq!(decrypted[0].quote.amount, "7654321.00");
    let refused: Vec<ErrorCode> = outcomes
        .iter()
        .filter_map(|r| r.as_ref().err().map(|e| e.code))
        .collect();
    assert_eq!(refused, [ErrorCode::HallAlreadyDecrypted]);

    // One decryption in the progress, counted once.
    let progress = progress_events(&platform, &phone, &id).await;
    let decryptions = progress
        .iter()
        .filter(|e| matches!(e, HallEventKind::Progress { decrypted: 1, .. }))
        .count();
    assert_eq!(decryptions, 1, "{progress:?}");
}

/// The console's progress table of project `id`.
async fn progress_table(platform: &TestPlatform, id: &str) -> String {
    let page = console_page(platform).await;
    let table = &page[page.find(&format!("data-progress=\"{id}\"")).unwrap()..];
    table[..table.find("</table>").unwrap()].to_owned()
}

async fn platform_root(platform: &TestPlatform) -> Box<CertInfo> {
    let anchor: serde_json::Value = raw_http()
        .get(platform.url(paths::DEV_CA))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let pem = anchor["certificate_pem"].as_str().unwrap();
    Box::new(CertInfo::from_pem_or_der(pem.as_bytes(), "root").unwrap())
}

async fn progress_events(
    platform: &TestPlatform,
    phone: &TestPhone,
    id: &str,
) -> Vec<HallEventKind> {
    move_to(platform, id, Phase::QuoteReading).await;
    move_to(platform, id, Phase::QuoteConfirmation).await;
    move_to(platform, id, Phase::Evaluation).await;
    move_to(platform, id, Phase::Closed).await;
    let text = raw_http()
        .get(platform.url(&paths::hall_project_path(id, "events")))
        .bearer_auth(&phone.token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .map(|data| {
            serde_json::from_str::<palmbid_core::api::hall::HallEvent>(data.trim())
                .unwrap()
                .kind
        })
        .filter(|kind| matches!(kind, HallEventKind::Progress { .. }))
        .collect()
}

#[tokio::test]
async fn damaged_and_foreign_packages_are_refused() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, "13800138033").await;

    // Damaged content: one byte of the stored file flipped near its end.
    let (id, bid) = ready(&platform, &phone, "办公楼工程", "10", true).await;
    let stored = platform
        .data
        .path()
        .join("bids")
        .join(format!("{}.p7m", bid.bid_id));
    let mut bytes = std::fs::read(&stored).unwrap();
    let at = bytes.len() - 40;
    bytes[at] ^= 0x01;
    std::fs::write(&stored, bytes).unwrap();
    move_to(&platform, &id, Phase::Decryption).await;
    let opening_cert = opening(&platform, &phone, &id).await;
    let released = released_to(
        &phone,
        &header(&platform, &phone, &id, &bid.bid_id).await,
        &opening_cert,
    );
    let refused = release(&platform, &phone, &id, &bid.bid_id, &released)
        .await
        .unwrap_err();
    assert_eq!(
        (refused.status, refused.code),
        (422, ErrorCode::HallDamagedBid)
    );

    // A package that names another company.
    let id = create_project(&platform, "道路工程", 1800, &[CREDIT]).await;
    let _: SignInRecord = sign_in(&platform, &phone, &id).await.unwrap();
    let plaintext = serde_json::to_vec(&package(&id, OTHER, "10")).unwrap();
    let desktop = toolbox_login(&platform, &phone).await;
    let bid = upload(
        &platform,
        &id,
        1,
        Some(&desktop),
        envelope(&plaintext, std::slice::from_ref(&phone.encryption)),
    )
    .await
    .unwrap();
    move_to(&platform, &id, Phase::Decryption).await;
    let opening_cert = opening(&platform, &phone, &id).await;
    let released = released_to(
        &phone,
        &header(&platform, &phone, &id, &bid.bid_id).await,
        &opening_cert,
    );
    let refused = release(&platform, &phone, &id, &bid.bid_id, &released).await;
    assert_eq!(code(refused), ErrorCode::HallDamagedBid);

    // Not a package at all.
    let id = create_project(&platform, "桥梁工程", 1800, &[CREDIT]).await;
    let _: SignInRecord = sign_in(&platform, &phone, &id).await.unwrap();
    let bid = upload(
        &platform,
        &id,
        1,
        Some(&desktop),
        envelope(b"just text", std::slice::from_ref(&phone.encryption)),
    )
    .await
    .unwrap();
    move_to(&platform, &id, Phase::Decryption).await;
    let opening_cert = opening(&platform, &phone, &id).await;
    let released = released_to(
        &phone,
        &header(&platform, &phone, &id, &bid.bid_id).await,
        &opening_cert,
    );
    let refused = release(&platform, &phone, &id, &bid.bid_id, &released).await;
    assert_eq!(code(refused), ErrorCode::HallDamagedBid);
}

#[tokio::test]
async fn release_needs_a_signed_in_bidder() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, "13800138034").await;
    let (id, bid) = ready(&platform, &phone, "办公楼工程", "10", false).await;
    move_to(&platform, &id, Phase::Decryption).await;
    let opening_cert = opening(&platform, &phone, &id).await;
    let released = released_to(
        &phone,
        &header(&platform, &phone, &id, &bid.bid_id).await,
        &opening_cert,
    );
    let refused = release(&platform, &phone, &id, &bid.bid_id, &released)
        .await
        .unwrap_err();
    assert_eq!(
        (refused.status, refused.code),
        (409, ErrorCode::HallNotSignedIn)
    );

    let unknown = release(&platform, &phone, &id, &"ff".repeat(16), &released).await;
    assert_eq!(code(unknown), ErrorCode::HallBidNotFound);
}
