//! The phone core's quote reading, confirmation, details and challenges
//! (`palmbid_core::hall`) against a real platform on loopback: a keystore
//! with a picked-up certificate pair signs in, releases its bid key,
//! confirms the quote read and submits a challenge that the agent answers.
//! The toolbox upload is made by a second phone of the same company.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;
mod hall_support;
mod qr_support;

use palmbid_core::account;
use palmbid_core::api::hall::{Phase, UploadedBid};
use palmbid_core::error::Localized;
use palmbid_core::hall::{self, Attachment};
use palmbid_core::keystore::{KeyOperation, KeyUseOutcome};
use palmbid_core::pki::KeyRole;

use common::{
    CREDIT, PHONE, Phone, TestPlatform, approve_identity, approved_order, console, phone, pin,
};
use hall_support::{create_project, envelope, move_to, package, toolbox_login, upload};
use qr_support::holder;

/// A core phone with a picked-up certificate pair, signed in to a new
/// project whose bid of `amount` (uploaded through a colleague's toolbox
/// login) it released in the decryption. Returns the phone, the project
/// and the bid.
async fn decrypted_bid(platform: &TestPlatform, amount: &str) -> (Phone, String, UploadedBid) {
    // A colleague's phone of the same company logs the toolbox in.
    let colleague = holder(platform, "13800138061").await;
    let phone = phone(platform, PHONE).await;
    approve_identity(platform).await;
    let (_, url) = approved_order(platform, PHONE).await;
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
    let encryption = phone
        .keystore
        .certificates()
        .unwrap()
        .into_iter()
        .find(|c| c.role == KeyRole::Encryption)
        .unwrap()
        .cert;

    let id = create_project(platform, "城市绿道工程", 1800, &[CREDIT]).await;
    let plaintext = serde_json::to_vec(&package(&id, CREDIT, amount)).unwrap();
    let desktop = toolbox_login(platform, &colleague).await;
    let bid = upload(
        platform,
        &id,
        1,
        Some(&desktop),
        envelope(&plaintext, &[encryption]),
    )
    .await
    .unwrap();
    let (store, keystore) = (&phone.store, &phone.keystore);
    hall::sign_in(store, keystore, "dev", &id, &pin())
        .await
        .unwrap();
    move_to(platform, &id, Phase::Decryption).await;
    hall::release_bid(store, keystore, "dev", &id, &bid.bid_id, &pin(), None)
        .await
        .unwrap();

    // The signature log: the sign-in's signature, then the release's
    // unwrap with the encryption key and its signed proof.
    let log = keystore.signature_log(3, None).unwrap();
    let seen: Vec<(KeyOperation, Option<KeyRole>)> =
        log.iter().map(|e| (e.operation, e.role)).collect();
    assert_eq!(
        seen,
        [
            (KeyOperation::HallKeyRelease, Some(KeyRole::Signing)),
            (KeyOperation::HallKeyRelease, Some(KeyRole::Encryption)),
            (KeyOperation::HallSignIn, Some(KeyRole::Signing)),
        ]
    );
    assert_eq!(log[1].document_name.as_deref(), Some(bid.bid_id.as_str()));
    for entry in &log {
        assert_eq!(entry.platform.as_deref(), Some("dev"));
        assert_eq!(entry.project.as_deref(), Some(id.as_str()));
        assert_eq!(entry.outcome, KeyUseOutcome::Used);
    }

    (phone, id, bid)
}

#[tokio::test]
async fn phone_confirms_its_quote_and_reads_an_answer() {
    let platform = TestPlatform::start().await;
    let (phone, id, bid) = decrypted_bid(&platform, "888888.88").await;
    let (store, keystore) = (&phone.store, &phone.keystore);

    let sealed = hall::quotes(store, "dev", &id).await.unwrap_err();
    assert_eq!(sealed.code(), "hall.quotes_sealed");
    move_to(&platform, &id, Phase::QuoteReading).await;
    let table = hall::quotes(store, "dev", &id).await.unwrap();
    assert_eq!(table.quotes[0].amount.as_deref(), Some("888888.88"));
    let early = hall::check_confirmation(store, "dev", &id, &bid.bid_id, "888888.88")
        .await
        .unwrap_err();
    assert_eq!(early.code(), "hall.not_confirmation_phase");

    move_to(&platform, &id, Phase::QuoteConfirmation).await;
    let wrong = hall::confirm_quote(store, keystore, "dev", &id, &bid.bid_id, "888888.8", &pin())
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), "hall.amount_mismatch");
    let confirmed = hall::confirm_quote(
        store,
        keystore,
        "dev",
        &id,
        &bid.bid_id,
        "888888.88",
        &pin(),
    )
    .await
    .unwrap();
    assert_eq!(confirmed.amount, "888888.88");
    let newest = keystore.signature_log(2, None).unwrap();
    assert_eq!(newest[0].operation, KeyOperation::HallQuoteConfirmation);
    assert_eq!(newest[0].project.as_deref(), Some(id.as_str()));
    assert_eq!(
        newest[1].operation,
        KeyOperation::HallKeyRelease,
        "the refused amount never reached the PIN"
    );
    let again = hall::confirm_quote(
        store,
        keystore,
        "dev",
        &id,
        &bid.bid_id,
        "888888.88",
        &pin(),
    )
    .await
    .unwrap();
    assert_eq!(again, confirmed);
    let details = hall::project_details(store, "dev", &id).await.unwrap();
    assert_eq!(details.progress.confirmed, 1);

    // A challenge that breaks a rule costs no PIN try and sends nothing.
    let zip = Attachment {
        name: "证据.pdf".into(),
        content: b"PK\x03\x04".to_vec(),
    };
    let refused = hall::submit_challenge(store, keystore, "dev", &id, "质疑", &[zip], &pin())
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "hall.attachment_type");
    let pdf = Attachment {
        name: "说明.pdf".into(),
        content: b"%PDF-1.7\n".to_vec(),
    };
    let record =
        hall::submit_challenge(store, keystore, "dev", &id, "唱标金额有误", &[pdf], &pin())
            .await
            .unwrap();
    let response = console()
        .post(platform.url(&format!(
            "/console/hall/{id}/challenges/{}/answer",
            record.id
        )))
        .form(&[("answer", "已核对，金额无误。")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let mine = hall::challenges(store, "dev", &id).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].answer.as_ref().unwrap().text, "已核对，金额无误。");

    move_to(&platform, &id, Phase::Evaluation).await;
    move_to(&platform, &id, Phase::Closed).await;
    let closed = hall::submit_challenge(store, keystore, "dev", &id, "结束后", &[], &pin())
        .await
        .unwrap_err();
    assert_eq!(closed.code(), "hall.project_closed");
}
