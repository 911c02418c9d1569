//! Bid upload from the toolbox and the phone's bid list with decryption
//! check receipts, against a real platform on loopback. Bid files are real
//! envelopes from core's encryption; the phone's side of the check is
//! core's `check_decryption` on the header the platform lists.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;
mod hall_support;
mod qr_support;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use palmbid_core::api::hall::{ActionPayload, BidList, BidState, DecryptionCheck, MAX_BID_BYTES};
use palmbid_core::api::{ErrorCode, paths};
use palmbid_core::pki::{IssuingCa, KeyRole, Subject, Validity};
use sha2::{Digest, Sha256};

use common::{CREDIT, TestPlatform};
use hall_support::{
    OTHER, create_project, envelope, get, now, package, proof, toolbox_login, upload,
};
use qr_support::{Refused, TestPhone, code, holder, post};

/// A "hardware" encryption certificate from a CA of its own, with its key.
fn hardware() -> palmbid_core::pki::IssuedWithKey {
    let ca = IssuingCa::new_root(
        "USB-KEY CA",
        Validity {
            not_before: 0,
            days: 36500,
        },
    )
    .unwrap();
    let subject = Subject {
        name: "张三".into(),
        company: "示例科技有限公司".into(),
        credit_code: CREDIT.into(),
    };
    let validity = Validity {
        not_before: 1_700_000_000,
        days: 3650,
    };
    ca.issue_with_new_key(&subject, KeyRole::Encryption, validity)
        .unwrap()
}

#[tokio::test]
async fn uploads_are_checked_and_replace_the_bid() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, "13800138021").await;
    let id = create_project(&platform, "办公楼工程", 2 * 3600, &[CREDIT]).await;
    let foreign = create_project(&platform, "桥梁工程", 2 * 3600, &[OTHER]).await;
    let bid = envelope(
        &serde_json::to_vec(&package(&id, CREDIT, "1234567.89")).unwrap(),
        std::slice::from_ref(&phone.encryption),
    );

    // Without a toolbox login.
    let refused = upload(&platform, &id, 1, None, bid.clone())
        .await
        .unwrap_err();
    assert_eq!(
        (refused.status, refused.code),
        (401, ErrorCode::HallDesktopUnauthorized)
    );
    let refused = upload(&platform, &id, 1, Some(&"ab".repeat(32)), bid.clone()).await;
    assert_eq!(code(refused), ErrorCode::HallDesktopUnauthorized);

    let desktop = toolbox_login(&platform, &phone).await;
    let refused = upload(
        &platform,
        &id,
        1,
        Some(&desktop),
        b"not an envelope".to_vec(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        (refused.status, refused.code),
        (422, ErrorCode::HallNotAnEnvelope)
    );
    let refused = upload(&platform, &foreign, 1, Some(&desktop), bid.clone()).await;
    assert_eq!(code(refused), ErrorCode::HallNotABidder);
    let refused = upload(&platform, &id, 2, Some(&desktop), bid.clone()).await;
    assert_eq!(
        code(refused),
        ErrorCode::HallNotABidder,
        "no section 2 bidder"
    );

    let first = upload(&platform, &id, 1, Some(&desktop), bid.clone())
        .await
        .unwrap();
    assert_eq!(first.section, 1);
    assert_eq!(first.sha256, hex::encode(Sha256::digest(&bid)));
    assert_eq!(first.size, bid.len() as u64);
    assert_eq!(first.recipients.len(), 1);
    let stored = platform
        .data
        .path()
        .join("bids")
        .join(format!("{}.p7m", first.bid_id));
    assert_eq!(std::fs::read(&stored).unwrap(), bid);

    // A new upload replaces the bid and its file.
    let second_bid = envelope(
        &serde_json::to_vec(&package(&id, CREDIT, "1000000")).unwrap(),
        &[phone.encryption.clone(), hardware().cert],
    );
    let second = upload(&platform, &id, 1, Some(&desktop), second_bid.clone())
        .await
        .unwrap();
    assert_ne!(second.bid_id, first.bid_id);
    assert_eq!(second.recipients.len(), 2);
    assert!(!stored.exists(), "the replaced file is removed");
    let list: BidList = get(
        &platform,
        &paths::hall_project_path(&id, "bids"),
        &phone.token,
    )
    .await
    .unwrap();
    assert_eq!(list.bids.len(), 1);
    let listed = &list.bids[0];
    assert_eq!(listed.bid_id, second.bid_id);
    assert_eq!(listed.sha256, second.sha256);
    assert_eq!(listed.state, BidState::Uploaded);
    assert_eq!(listed.quote, None);
    assert_eq!(listed.check, None);
    assert_eq!(listed.recipients, second.recipients);
    let header = STANDARD.decode(&listed.envelope_header).unwrap();
    assert!(second_bid.starts_with(&header));
    assert_eq!(
        palmbid_core::cms::inspect_header(&header)
            .unwrap()
            .recipients
            .len(),
        2
    );
}

#[tokio::test]
async fn uploads_close_at_the_opening_or_the_decryption() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, "13800138024").await;
    let id = create_project(&platform, "办公楼工程", 2 * 3600, &[CREDIT]).await;
    let bid = envelope(
        &serde_json::to_vec(&package(&id, CREDIT, "1")).unwrap(),
        std::slice::from_ref(&phone.encryption),
    );
    let desktop = toolbox_login(&platform, &phone).await;

    // Once the decryption has started, even before the opening time,
    // uploads are closed.
    let early = create_project(&platform, "道路工程", 1800, &[CREDIT]).await;
    hall_support::move_to(
        &platform,
        &early,
        palmbid_core::api::hall::Phase::Decryption,
    )
    .await;
    let refused = upload(&platform, &early, 1, Some(&desktop), bid.clone()).await;
    assert_eq!(code(refused), ErrorCode::HallUploadClosed);

    // At the opening time uploads close.
    platform.server.clock().advance(2 * 3600);
    let refused = upload(&platform, &id, 1, Some(&desktop), bid)
        .await
        .unwrap_err();
    assert_eq!(
        (refused.status, refused.code),
        (409, ErrorCode::HallUploadClosed)
    );
}

#[tokio::test]
async fn oversized_uploads_are_refused_with_their_limit() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, "13800138023").await;
    let id = create_project(&platform, "办公楼工程", 2 * 3600, &[CREDIT]).await;
    let desktop = toolbox_login(&platform, &phone).await;

    let refused = upload(
        &platform,
        &id,
        1,
        Some(&desktop),
        vec![0x30; MAX_BID_BYTES + 1],
    )
    .await
    .unwrap_err();

    assert_eq!(
        (refused.status, refused.code),
        (413, ErrorCode::HallBidTooLarge)
    );
    assert!(
        refused.message.contains(&MAX_BID_BYTES.to_string()),
        "{}",
        refused.message
    );
}

#[tokio::test]
async fn check_receipts_need_the_stored_file() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, "13800138022").await;
    let id = create_project(&platform, "办公楼工程", 2 * 3600, &[CREDIT]).await;
    let desktop = toolbox_login(&platform, &phone).await;
    let plaintext = serde_json::to_vec(&package(&id, CREDIT, "88.8")).unwrap();
    let usb = hardware();

    // A bid encrypted to another key only: the phone's check fails, so
    // it has nothing to report.
    let foreign_bid = envelope(&plaintext, std::slice::from_ref(&usb.cert));
    let uploaded = upload(&platform, &id, 1, Some(&desktop), foreign_bid)
        .await
        .unwrap();
    let list: BidList = get(
        &platform,
        &paths::hall_project_path(&id, "bids"),
        &phone.token,
    )
    .await
    .unwrap();
    let header = STANDARD.decode(&list.bids[0].envelope_header).unwrap();
    assert!(
        palmbid_core::cms::check_decryption(&header, &phone.encryption, &phone.encryption_key)
            .is_err()
    );
    assert_eq!(list.bids[0].bid_id, uploaded.bid_id);

    // Encrypted to the phone: the check passes and is recorded.
    let own_bid = envelope(&plaintext, &[usb.cert.clone(), phone.encryption.clone()]);
    let uploaded = upload(&platform, &id, 1, Some(&desktop), own_bid)
        .await
        .unwrap();
    let list: BidList = get(
        &platform,
        &paths::hall_project_path(&id, "bids"),
        &phone.token,
    )
    .await
    .unwrap();
    let header = STANDARD.decode(&list.bids[0].envelope_header).unwrap();
    let report =
        palmbid_core::cms::check_decryption(&header, &phone.encryption, &phone.encryption_key)
            .unwrap();
    let recipient = report.recipient.to_string();

    let check = async |sha256: &str, recipient: &str, signed_recipient: &str| {
        send_check(
            &platform,
            &phone,
            &id,
            &uploaded.bid_id,
            sha256,
            recipient,
            signed_recipient,
        )
        .await
    };

    let refused = check(&"00".repeat(32), &recipient, &recipient).await;
    assert_eq!(code(refused), ErrorCode::HallCheckMismatch);

    let recorded = check(&uploaded.sha256, &recipient, &recipient)
        .await
        .unwrap();
    assert_eq!(recorded.bid_id, uploaded.bid_id);
    assert_eq!(recorded.certificate_serial, phone.signing.serial_hex());
    assert_eq!(recorded.recipient, recipient);
    assert!((recorded.checked_at - now(&platform)).abs() <= 2);

    let list: BidList = get(
        &platform,
        &paths::hall_project_path(&id, "bids"),
        &phone.token,
    )
    .await
    .unwrap();
    assert_eq!(list.bids[0].check.as_ref(), Some(&recorded));

    // An entry that is not a recipient of the stored file.
    let refused = check(&uploaded.sha256, "key id 00", "key id 00").await;
    assert_eq!(code(refused), ErrorCode::HallCheckMismatch);

    // A proof for one recipient text does not cover another.
    let refused = check(&uploaded.sha256, "key id 00", &recipient).await;
    assert_eq!(code(refused), ErrorCode::HallProofInvalid);
}

/// Sends a decryption check of `bid` reporting `sha256` and `recipient`,
/// with a proof signed over `signed_recipient`.
async fn send_check(
    platform: &TestPlatform,
    phone: &TestPhone,
    id: &str,
    bid: &str,
    sha256: &str,
    recipient: &str,
    signed_recipient: &str,
) -> Result<DecryptionCheck, Refused> {
    let payload = ActionPayload::Check {
        bid_id: bid.to_owned(),
        envelope_sha256: sha256.to_owned(),
        recipient: signed_recipient.to_owned(),
    };
    let body = serde_json::json!({
        "envelope_sha256": sha256,
        "recipient": recipient,
        "proof": proof(platform, phone, id, &payload).await,
    });
    post(
        platform,
        &paths::hall_bid_path(id, bid, "check"),
        Some(&phone.token),
        &body,
    )
    .await
}
