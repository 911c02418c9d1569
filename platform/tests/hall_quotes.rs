//! Quote reading (唱标), quote confirmation (确认报价) and project details
//! against a real platform on loopback, with two bidding companies whose
//! phones sign with certificates the platform issued.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;
mod hall_support;
mod qr_support;

use palmbid_core::api::hall::details::ProjectDetails;
use palmbid_core::api::hall::quotes::{QuoteConfirmation, QuoteTable};
use palmbid_core::api::hall::{ActionPayload, HallEventKind, Phase, SignInRecord, UploadedBid};
use palmbid_core::api::{ErrorCode, paths};

use common::{CREDIT, TestPlatform, console};
use hall_support::{
    OTHER, all_events, create_project_with, get, move_to, proof, release_bid, sign_in, upload_bid,
};
use qr_support::{Refused, TestPhone, code, holder, holder_for, post};

async fn quotes(
    platform: &TestPlatform,
    phone: &TestPhone,
    id: &str,
) -> Result<QuoteTable, Refused> {
    get(
        platform,
        &paths::hall_project_path(id, "quotes"),
        &phone.token,
    )
    .await
}

async fn confirm(
    platform: &TestPlatform,
    phone: &TestPhone,
    id: &str,
    bid: &str,
    amount: &str,
) -> Result<QuoteConfirmation, Refused> {
    let payload = ActionPayload::ConfirmQuote {
        bid_id: bid.to_owned(),
        amount: amount.to_owned(),
    };
    let body = serde_json::json!({
        "amount": amount,
        "proof": proof(platform, phone, id, &payload).await,
    });
    post(
        platform,
        &paths::hall_bid_path(id, bid, "confirm"),
        Some(&phone.token),
        &body,
    )
    .await
}

async fn project_page(platform: &TestPlatform, id: &str) -> String {
    console()
        .get(platform.url(&format!("/console/hall/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Creates a project of `ours` and `theirs` with details, signs both in
/// and decrypts their bids, checking along the way: the details read in
/// sign-in and the quotes stay sealed until the quote reading. Returns
/// the project and the two bids.
async fn decrypted_project(
    platform: &TestPlatform,
    ours: &TestPhone,
    theirs: &TestPhone,
) -> (String, UploadedBid, UploadedBid) {
    let details = [
        ("code", "JSGC-2026-0042"),
        ("tenderer", "某市城市建设投资集团"),
        ("agent", "某招标代理有限公司"),
        ("place", "第三开标室"),
        ("notes", "请提前签到"),
    ];
    let id = create_project_with(platform, "综合楼工程", 1800, &[CREDIT, OTHER], &details).await;

    // Details at any phase, with what the console entered.
    let read: ProjectDetails = get(
        platform,
        &paths::hall_project_path(&id, "details"),
        &ours.token,
    )
    .await
    .unwrap();
    assert_eq!(read.code.as_deref(), Some("JSGC-2026-0042"));
    assert_eq!(read.tenderer.as_deref(), Some("某市城市建设投资集团"));
    assert_eq!(read.agent.as_deref(), Some("某招标代理有限公司"));
    assert_eq!(read.place.as_deref(), Some("第三开标室"));
    assert_eq!(read.notes.as_deref(), Some("请提前签到"));
    assert_eq!(read.phase, Phase::SignIn);
    assert_eq!(read.sections.len(), 1);
    assert_eq!(read.sections[0].bidders, 2);
    assert_eq!(read.progress.bidders, 2);
    assert_eq!(read.progress.signed_in, 0);

    let _: SignInRecord = sign_in(platform, ours, &id).await.unwrap();
    let _: SignInRecord = sign_in(platform, theirs, &id).await.unwrap();
    let our_bid = upload_bid(platform, ours, &id, CREDIT, "1234567.89").await;
    let their_bid = upload_bid(platform, theirs, &id, OTHER, "1200000").await;

    // Sealed before the quote reading, during the decryption too.
    assert_eq!(
        code(quotes(platform, ours, &id).await),
        ErrorCode::HallQuotesSealed
    );
    move_to(platform, &id, Phase::Decryption).await;
    release_bid(platform, ours, &id, &our_bid.bid_id)
        .await
        .unwrap();
    release_bid(platform, theirs, &id, &their_bid.bid_id)
        .await
        .unwrap();
    let sealed = quotes(platform, theirs, &id).await.unwrap_err();
    assert_eq!(
        (sealed.status, sealed.code),
        (409, ErrorCode::HallQuotesSealed)
    );
    assert!(project_page(platform, &id).await.contains("quotes-sealed"));

    (id, our_bid, their_bid)
}

#[tokio::test]
async fn quotes_sealed_then_read_and_confirmed() {
    let platform = TestPlatform::start().await;
    let ours = holder(&platform, "13800138041").await;
    let theirs = holder_for(&platform, "13800138042", "另一家建设有限公司", OTHER, true).await;
    let (id, our_bid, their_bid) = decrypted_project(&platform, &ours, &theirs).await;

    move_to(&platform, &id, Phase::QuoteReading).await;
    let table = quotes(&platform, &theirs, &id).await.unwrap();
    assert_eq!(table.phase, Phase::QuoteReading);
    assert_eq!(table.quotes.len(), 2);
    let ours_row = table
        .quotes
        .iter()
        .find(|q| q.credit_code == CREDIT)
        .unwrap();
    assert_eq!(ours_row.amount.as_deref(), Some("1234567.89"));
    assert_eq!(ours_row.bid_id.as_deref(), Some(our_bid.bid_id.as_str()));
    assert!(ours_row.decrypted);
    assert_eq!(ours_row.confirmed, None, "no confirmation before its phase");
    let page = project_page(&platform, &id).await;
    assert!(
        page.contains("1234567.89") && page.contains("1200000"),
        "{page}"
    );

    // Not yet the confirmation phase.
    let early = confirm(&platform, &ours, &id, &our_bid.bid_id, "1234567.89").await;
    assert_eq!(code(early), ErrorCode::HallWrongPhase);
    move_to(&platform, &id, Phase::QuoteConfirmation).await;

    // Another company's quote.
    let foreign = confirm(&platform, &ours, &id, &their_bid.bid_id, "1200000")
        .await
        .unwrap_err();
    assert_eq!(
        (foreign.status, foreign.code),
        (403, ErrorCode::HallNotYourBid)
    );
    // An amount that is not the recorded one, even the same number written
    // otherwise.
    for wrong in ["1234567.80", "1234567.890"] {
        let refused = confirm(&platform, &ours, &id, &our_bid.bid_id, wrong).await;
        assert_eq!(code(refused), ErrorCode::HallAmountMismatch, "{wrong}");
    }
    // A proof over another amount than the one sent.
    let payload = ActionPayload::ConfirmQuote {
        bid_id: our_bid.bid_id.clone(),
        amount: "1".into(),
    };
    let moved: Result<QuoteConfirmation, Refused> = post(
        &platform,
        &paths::hall_bid_path(&id, &our_bid.bid_id, "confirm"),
        Some(&ours.token),
        &serde_json::json!({
            "amount": "1234567.89",
            "proof": proof(&platform, &ours, &id, &payload).await,
        }),
    )
    .await;
    assert_eq!(code(moved), ErrorCode::HallProofInvalid);
    let unknown = confirm(&platform, &ours, &id, &"0".repeat(32), "1").await;
    assert_eq!(code(unknown), ErrorCode::HallBidNotFound);

    let first = confirm(&platform, &ours, &id, &our_bid.bid_id, "1234567.89")
        .await
        .unwrap();
    assert_eq!(first.credit_code, CREDIT);
    assert_eq!(first.amount, "1234567.89");
    assert_eq!(first.certificate_serial, ours.signing.serial_hex());
    let again = confirm(&platform, &ours, &id, &our_bid.bid_id, "1234567.89")
        .await
        .unwrap();
    assert_eq!(again, first, "a second confirmation returns the first");

    let table = quotes(&platform, &theirs, &id).await.unwrap();
    let row = |code: &str| table.quotes.iter().find(|q| q.credit_code == code).unwrap();
    assert_eq!(row(CREDIT).confirmed, Some(true));
    assert_eq!(row(CREDIT).confirmed_at, Some(first.confirmed_at));
    assert_eq!(row(OTHER).confirmed, Some(false));
    let page = project_page(&platform, &id).await;
    assert!(page.contains("id=\"confirmations\""), "{page}");
    assert!(page.contains(&first.certificate_serial), "{page}");

    let read: ProjectDetails = get(
        &platform,
        &paths::hall_project_path(&id, "details"),
        &theirs.token,
    )
    .await
    .unwrap();
    assert_eq!(read.progress.confirmed, 1);
    assert_eq!(read.progress.decrypted, 2);

    move_to(&platform, &id, Phase::Evaluation).await;
    move_to(&platform, &id, Phase::Closed).await;
    let events = all_events(&platform, &ours, &id).await;
    let confirmed: Vec<u32> = events
        .iter()
        .filter_map(|e| match e.kind {
            HallEventKind::Progress { confirmed, .. } => Some(confirmed),
            _ => None,
        })
        .collect();
    // Two sign-ins, two decryptions, then one first confirmation; the
    // repeated confirmation adds no event.
    assert_eq!(confirmed, [0, 0, 0, 0, 1]);
}

#[tokio::test]
async fn details_refuse_strangers_and_limits_hold() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, "13800138043").await;
    let foreign = create_project_with(&platform, "桥梁工程", 7200, &[OTHER], &[]).await;
    let refused: Result<ProjectDetails, Refused> = get(
        &platform,
        &paths::hall_project_path(&foreign, "details"),
        &phone.token,
    )
    .await;
    assert_eq!(code(refused), ErrorCode::HallNotABidder);

    // A project without details reads them as absent.
    let id = create_project_with(&platform, "道路工程", 7200, &[CREDIT], &[]).await;
    let read: ProjectDetails = get(
        &platform,
        &paths::hall_project_path(&id, "details"),
        &phone.token,
    )
    .await
    .unwrap();
    assert_eq!((read.code, read.tenderer, read.notes), (None, None, None));
    assert_eq!(read.phase, Phase::NotOpen);

    // A code over its limit is refused by the console.
    let long = "X".repeat(101);
    let response = console()
        .post(platform.url("/console/hall"))
        .form(&[
            ("name", "超长编号"),
            ("opening", "2030-01-01T08:00"),
            ("section", "一标段"),
            ("bidders", &format!("{CREDIT} 示例科技有限公司")),
            ("code", &long),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("code"));
}
