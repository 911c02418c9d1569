//! Sign-in (签到) against a real platform on loopback: the window by the
//! server clock, the signed proof and its one-use nonce, idempotence, the
//! progress event, and the receipt PDF judged by poppler's pdftotext,
//! pdfinfo and pdffonts.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;
mod hall_support;
mod qr_support;

use std::process::Command;

use palmbid_core::api::hall::{ActionPayload, HallEventKind, Phase, SignInRecord};
use palmbid_core::api::{ErrorCode, paths};

use common::{CREDIT, TestPlatform, raw_http};
use hall_support::{OTHER, base, create_project, get, move_to, nonce, now, sign_in, signed};
use qr_support::{code, holder, post};

#[tokio::test]
async fn sign_in_window_follows_the_server_clock() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, "13800138011").await;
    let id = create_project(&platform, "办公楼工程", 2 * 3600, &[CREDIT]).await;

    let early = sign_in::<SignInRecord>(&platform, &phone, &id)
        .await
        .unwrap_err();
    assert_eq!(
        (early.status, early.code),
        (409, ErrorCode::HallSignInNotOpen)
    );
    assert!(early.message.contains("opens at"), "{}", early.message);

    platform.server.clock().advance(3600 + 60);
    let first: SignInRecord = sign_in(&platform, &phone, &id).await.unwrap();
    assert_eq!(first.project_id, id);
    assert_eq!(first.credit_code, CREDIT);
    assert_eq!(first.company, "示例科技有限公司");
    assert_eq!(first.certificate_serial, phone.signing.serial_hex());
    assert!(first.receipt_id.starts_with("QD-"), "{}", first.receipt_id);
    assert!((first.signed_in_at - now(&platform)).abs() <= 2);

    platform.server.clock().advance(30);
    let again: SignInRecord = sign_in(&platform, &phone, &id).await.unwrap();
    assert_eq!(again, first, "a second sign-in returns the first record");

    // One progress event after the sign-in phase change, none for the repeat.
    let events: Vec<palmbid_core::api::hall::HallEvent> = {
        let response = raw_http()
            .get(platform.url(&paths::hall_project_path(&id, "events")))
            .bearer_auth(&phone.token)
            .send()
            .await
            .unwrap();
        move_to(&platform, &id, Phase::Decryption).await;
        move_to(&platform, &id, Phase::QuoteReading).await;
        move_to(&platform, &id, Phase::QuoteConfirmation).await;
        move_to(&platform, &id, Phase::Evaluation).await;
        move_to(&platform, &id, Phase::Closed).await;
        let text = tokio::time::timeout(std::time::Duration::from_secs(10), response.text())
            .await
            .unwrap()
            .unwrap();
        text.lines()
            .filter_map(|line| line.strip_prefix("data:"))
            .map(|data| serde_json::from_str(data.trim()).unwrap())
            .collect()
    };
    let progress: Vec<&HallEventKind> = events
        .iter()
        .map(|e| &e.kind)
        .filter(|k| matches!(k, HallEventKind::Progress { .. }))
        .collect();
    assert_eq!(
        progress,
        [&HallEventKind::Progress {
            bidders: 1,
            signed_in: 1,
            decrypted: 0,
            confirmed: 0,
        }]
    );
    assert_eq!(
        events[1].seq, 2,
        "the progress follows the sign-in phase change"
    );
}

#[tokio::test]
async fn sign_in_closes_at_the_opening_time() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, "13800138012").await;
    let id = create_project(&platform, "道路工程", 1800, &[CREDIT]).await;

    platform.server.clock().advance(1800);
    let late = sign_in::<SignInRecord>(&platform, &phone, &id)
        .await
        .unwrap_err();
    assert_eq!((late.status, late.code), (409, ErrorCode::HallSignInClosed));
    assert!(late.message.contains("was open from"), "{}", late.message);

    // Another phase before the opening time is closed too.
    let other = create_project(&platform, "桥梁工程", 1800, &[CREDIT]).await;
    move_to(&platform, &other, Phase::Decryption).await;
    let moved = sign_in::<SignInRecord>(&platform, &phone, &other).await;
    assert_eq!(code(moved), ErrorCode::HallSignInClosed);
}

#[tokio::test]
async fn proofs_are_bound_and_nonces_single_use() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, "13800138013").await;
    let id = create_project(&platform, "办公楼工程", 1800, &[CREDIT]).await;
    let other = create_project(&platform, "道路工程", 1800, &[CREDIT]).await;
    let path = paths::hall_project_path(&id, "sign-in");
    let send = async |proof| {
        post::<_, SignInRecord>(
            &platform,
            &path,
            Some(&phone.token),
            &serde_json::json!({ "proof": proof }),
        )
        .await
    };

    // Signed for another project, or another action.
    let fresh = nonce(&platform, &phone, &id).await;
    let proof = signed(
        &phone,
        &base(&platform),
        &other,
        &fresh.nonce,
        &ActionPayload::SignIn,
        now(&platform),
    );
    assert_eq!(code(send(proof).await), ErrorCode::HallProofInvalid);
    let fresh = nonce(&platform, &phone, &id).await;
    let check = ActionPayload::Check {
        bid_id: "b".into(),
        envelope_sha256: "00".repeat(32),
        recipient: "r".into(),
    };
    let proof = signed(
        &phone,
        &base(&platform),
        &id,
        &fresh.nonce,
        &check,
        now(&platform),
    );
    assert_eq!(code(send(proof).await), ErrorCode::HallProofInvalid);

    // A signing time far from the nonce's life.
    let fresh = nonce(&platform, &phone, &id).await;
    let proof = signed(
        &phone,
        &base(&platform),
        &id,
        &fresh.nonce,
        &ActionPayload::SignIn,
        now(&platform) - 3600,
    );
    assert_eq!(code(send(proof).await), ErrorCode::HallProofInvalid);

    // A good proof once; its nonce a second time; a nonce of another project.
    let fresh = nonce(&platform, &phone, &id).await;
    let proof = signed(
        &phone,
        &base(&platform),
        &id,
        &fresh.nonce,
        &ActionPayload::SignIn,
        now(&platform),
    );
    send(proof.clone()).await.unwrap();
    assert_eq!(code(send(proof).await), ErrorCode::HallNonceInvalid);
    let foreign = nonce(&platform, &phone, &other).await;
    let proof = signed(
        &phone,
        &base(&platform),
        &id,
        &foreign.nonce,
        &ActionPayload::SignIn,
        now(&platform),
    );
    assert_eq!(code(send(proof).await), ErrorCode::HallNonceInvalid);

    // An expired nonce.
    let stale = nonce(&platform, &phone, &id).await;
    platform.server.clock().advance(121);
    let proof = signed(
        &phone,
        &base(&platform),
        &id,
        &stale.nonce,
        &ActionPayload::SignIn,
        now(&platform),
    );
    assert_eq!(code(send(proof).await), ErrorCode::HallNonceInvalid);

    // A company that does not bid gets no nonce.
    let foreign_project = create_project(&platform, "桥梁工程", 1800, &[OTHER]).await;
    let refused = post::<_, serde_json::Value>(
        &platform,
        &paths::hall_project_path(&foreign_project, "nonce"),
        Some(&phone.token),
        &serde_json::json!({}),
    )
    .await;
    assert_eq!(code(refused), ErrorCode::HallNotABidder);
}

#[tokio::test]
async fn receipt_pdf_carries_real_chinese_text() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, "13800138014").await;
    let id = create_project(&platform, "办公楼工程", 1800, &[CREDIT]).await;
    let receipt_path = paths::hall_project_path(&id, "sign-in/receipt");

    let before = get::<serde_json::Value>(&platform, &receipt_path, &phone.token).await;
    assert_eq!(code(before), ErrorCode::HallNotSignedIn);

    let record: SignInRecord = sign_in(&platform, &phone, &id).await.unwrap();
    let response = raw_http()
        .get(platform.url(&receipt_path))
        .bearer_auth(&phone.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let pdf = response.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(
        pdf.len() < 200 * 1024,
        "the font is subset: {} bytes",
        pdf.len()
    );

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("receipt.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let text = run("pdftotext", &["-enc", "UTF-8", file.to_str().unwrap(), "-"]);
    let beijing = time::OffsetDateTime::from_unix_timestamp(record.signed_in_at)
        .unwrap()
        .to_offset(time::macros::offset!(+8))
        .format(time::macros::format_description!(
            "[year]-[month]-[day] [hour]:[minute]:[second]"
        ))
        .unwrap();
    for expected in [
        "签到凭证",
        "办公楼工程",
        "第一标段",
        "示例科技有限公司",
        CREDIT,
        record.certificate_serial.as_str(),
        record.receipt_id.as_str(),
        id.as_str(),
        beijing.as_str(),
        "北京时间",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }

    let info = run("pdfinfo", &[file.to_str().unwrap()]);
    let field = |name: &str| {
        info.lines()
            .find_map(|line| line.strip_prefix(name))
            .map(str::trim)
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(field("Pages:"), "1", "{info}");
    assert!(field("Page size:").contains("(A4)"), "{info}");
    assert!(field("Title:").contains(&record.receipt_id), "{info}");
    let fonts = run("pdffonts", &[file.to_str().unwrap()]);
    let embedded = fonts.lines().skip(2).all(|line| {
        // Columns end with: emb sub uni object-number generation.
        let mut columns = line.split_whitespace().rev().skip(3);
        let (sub, emb) = (columns.next(), columns.next());
        emb == Some("yes") && sub == Some("yes")
    });
    assert!(embedded && fonts.lines().count() > 2, "{fonts}");
}

fn run(program: &str, args: &[&str]) -> String {
    let output = Command::new(program).args(args).output().unwrap();
    assert!(
        output.status.success(),
        "{program}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}
