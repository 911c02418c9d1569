//! Challenges (质疑) against a real platform on loopback: a signed
//! submission with attachments judged by content, the agent's answer on
//! the console, the event that names only the challenge id, and every
//! refusal.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;
mod hall_support;
mod qr_support;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use palmbid_core::api::hall::challenges::{
    AttachmentKind, ChallengeList, ChallengeRecord, MAX_ATTACHMENT_BYTES, challenge_payload,
    check_challenge,
};
use palmbid_core::api::hall::{ActionPayload, HallEventKind, Phase};
use palmbid_core::api::{ErrorCode, paths};

use common::{CREDIT, TestPlatform, console};
use hall_support::{OTHER, all_events, base, create_project, get, move_to, now, proof, signed};
use qr_support::{Refused, TestPhone, code, holder, holder_for, post};

const PDF: &[u8] = b"%PDF-1.7\n% objection evidence\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR";

/// Submits a challenge of `text` and `files` with a proof over them.
async fn challenge(
    platform: &TestPlatform,
    phone: &TestPhone,
    id: &str,
    text: &str,
    files: &[(&str, &[u8])],
) -> Result<ChallengeRecord, Refused> {
    // Sign what the rules would record; for files the rules refuse, sign
    // the raw digests so the refusal comes from the platform.
    let payload = match check_challenge(text, files) {
        Ok((text, records)) => challenge_payload(&text, &records),
        Err(_) => ActionPayload::Challenge {
            text_sha256: String::new(),
            attachments: Vec::new(),
        },
    };
    send(platform, phone, id, text, files, &payload).await
}

async fn send(
    platform: &TestPlatform,
    phone: &TestPhone,
    id: &str,
    text: &str,
    files: &[(&str, &[u8])],
    payload: &ActionPayload,
) -> Result<ChallengeRecord, Refused> {
    let attachments: Vec<serde_json::Value> = files
        .iter()
        .map(|(name, content)| {
            serde_json::json!({ "name": name, "content": STANDARD.encode(content) })
        })
        .collect();
    let body = serde_json::json!({
        "text": text,
        "attachments": attachments,
        "proof": proof(platform, phone, id, payload).await,
    });
    post(
        platform,
        &paths::hall_project_path(id, "challenges"),
        Some(&phone.token),
        &body,
    )
    .await
}

async fn list(platform: &TestPlatform, phone: &TestPhone, id: &str) -> ChallengeList {
    get(
        platform,
        &paths::hall_project_path(id, "challenges"),
        &phone.token,
    )
    .await
    .unwrap()
}

async fn answer(
    platform: &TestPlatform,
    id: &str,
    challenge: &str,
    text: &str,
) -> reqwest::Response {
    console()
        .post(platform.url(&format!("/console/hall/{id}/challenges/{challenge}/answer")))
        .form(&[("answer", text)])
        .send()
        .await
        .unwrap()
}

/// Downloads attachment `n` of `challenge` from the console.
async fn download(
    platform: &TestPlatform,
    id: &str,
    challenge: &str,
    n: usize,
) -> reqwest::Result<reqwest::Response> {
    console()
        .get(platform.url(&format!(
            "/console/hall/{id}/challenges/{challenge}/attachments/{n}"
        )))
        .send()
        .await
}

#[tokio::test]
async fn challenge_answer_event_names_only_id() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, "13800138051").await;
    let rival = holder_for(&platform, "13800138052", "另一家建设有限公司", OTHER, true).await;
    let id = create_project(&platform, "污水处理厂工程", 1800, &[CREDIT, OTHER]).await;

    let text = "第二标段评分办法与招标公告不一致，请澄清。";
    let record = challenge(
        &platform,
        &phone,
        &id,
        &format!("  {text}\n"),
        &[("说明.pdf", PDF), ("截图.png", PNG)],
    )
    .await
    .unwrap();
    assert_eq!(record.text, text, "the text is trimmed");
    assert_eq!(record.credit_code, CREDIT);
    assert_eq!(record.attachments.len(), 2);
    assert_eq!(record.attachments[0].kind, AttachmentKind::Pdf);
    assert_eq!(record.attachments[1].kind, AttachmentKind::Png);
    assert_eq!(record.certificate_serial, phone.signing.serial_hex());
    assert!(record.answer.is_none());

    // Only the challenger lists it.
    assert_eq!(
        list(&platform, &phone, &id).await.challenges,
        std::slice::from_ref(&record)
    );
    assert!(list(&platform, &rival, &id).await.challenges.is_empty());

    // The console shows it and serves the attachments as sent.
    let page = console()
        .get(platform.url(&format!("/console/hall/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(text), "{page}");
    assert!(page.contains("说明.pdf"), "{page}");
    let download = |n: usize| download(&platform, &id, &record.id, n);
    let pdf = download(1).await.unwrap();
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert_eq!(pdf.bytes().await.unwrap().as_ref(), PDF);
    let png = download(2).await.unwrap();
    assert_eq!(png.headers()["content-type"], "image/png");
    assert_eq!(png.bytes().await.unwrap().as_ref(), PNG);
    assert_eq!(download(3).await.unwrap().status(), 404);
    let stored = platform
        .data
        .path()
        .join("challenges")
        .join(&record.id)
        .join("1.pdf");
    assert_eq!(std::fs::read(stored).unwrap(), PDF);

    // An empty answer is refused; the answer is given once.
    assert_eq!(answer(&platform, &id, &record.id, "  ").await.status(), 400);
    let reply = "评分办法以招标文件为准，公告将更正。";
    assert_eq!(
        answer(&platform, &id, &record.id, reply).await.status(),
        303
    );
    let twice = answer(&platform, &id, &record.id, "再次答复").await;
    assert_eq!(twice.status(), 409);
    assert!(twice.text().await.unwrap().contains("已答复"));
    assert_eq!(
        answer(&platform, &id, &"0".repeat(32), reply)
            .await
            .status(),
        404
    );

    let mine = list(&platform, &phone, &id).await.challenges;
    let answered = mine[0].answer.as_ref().unwrap();
    assert_eq!(answered.text, reply);

    // Every bidder sees the event, and it names only the id.
    move_to(&platform, &id, Phase::Decryption).await;
    for phase in [
        Phase::QuoteReading,
        Phase::QuoteConfirmation,
        Phase::Evaluation,
    ] {
        move_to(&platform, &id, phase).await;
    }
    move_to(&platform, &id, Phase::Closed).await;
    let events = all_events(&platform, &rival, &id).await;
    let event = events
        .iter()
        .find(|e| matches!(e.kind, HallEventKind::ChallengeAnswered { .. }))
        .unwrap();
    assert_eq!(
        event.kind,
        HallEventKind::ChallengeAnswered {
            challenge_id: record.id.clone()
        }
    );
    let raw = serde_json::to_string(&events).unwrap();
    assert!(!raw.contains(CREDIT), "{raw}");
    assert!(!raw.contains("评分"), "{raw}");

    // Closed: no more challenges.
    let closed = challenge(&platform, &phone, &id, "结束后质疑", &[]).await;
    assert_eq!(code(closed), ErrorCode::HallProjectClosed);
}

#[tokio::test]
async fn challenge_rule_breaks_rejected() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, "13800138053").await;
    let id = create_project(&platform, "学校改扩建工程", 7200, &[CREDIT]).await;

    let refused = |result: Result<ChallengeRecord, Refused>| {
        let refused = result.unwrap_err();
        (refused.status, refused.code)
    };
    assert_eq!(
        refused(challenge(&platform, &phone, &id, " \n ", &[]).await),
        (400, ErrorCode::HallChallengeEmpty)
    );
    let long = "字".repeat(2001);
    assert_eq!(
        refused(challenge(&platform, &phone, &id, &long, &[]).await),
        (400, ErrorCode::HallChallengeTextTooLong)
    );
    // A ZIP archive named like a PDF: judged by content.
    assert_eq!(
        refused(
            challenge(
                &platform,
                &phone,
                &id,
                "附件",
                &[("证据.pdf", b"PK\x03\x04zip")]
            )
            .await
        ),
        (415, ErrorCode::HallAttachmentType)
    );
    let six = vec![("a.pdf", PDF); 6];
    assert_eq!(
        refused(challenge(&platform, &phone, &id, "附件", &six).await),
        (400, ErrorCode::HallTooManyAttachments)
    );

    // One file over the limit of a file.
    let mut big = PDF.to_vec();
    big.resize(MAX_ATTACHMENT_BYTES + 1, b' ');
    assert_eq!(
        refused(challenge(&platform, &phone, &id, "附件", &[("big.pdf", &big)]).await),
        (413, ErrorCode::HallAttachmentTooLarge)
    );
    // Files within the limit each, over the total together.
    big.truncate(MAX_ATTACHMENT_BYTES);
    let files: [(&str, &[u8]); 3] = [("1.pdf", &big), ("2.pdf", &big), ("3.pdf", PDF)];
    assert_eq!(
        refused(challenge(&platform, &phone, &id, "附件", &files).await),
        (413, ErrorCode::HallChallengeTooLarge)
    );

    // A proof over other content than the one sent.
    let (_, original) = check_challenge("原文", &[("a.pdf", PDF)]).unwrap();
    let payload = challenge_payload("原文", &original);
    let swapped = send(
        &platform,
        &phone,
        &id,
        "原文",
        &[("a.pdf", b"%PDF-swapped")],
        &payload,
    )
    .await;
    assert_eq!(code(swapped), ErrorCode::HallProofInvalid);
    let payload = challenge_payload("原文", &original);
    let edited = send(
        &platform,
        &phone,
        &id,
        "改过的文",
        &[("a.pdf", PDF)],
        &payload,
    )
    .await;
    assert_eq!(code(edited), ErrorCode::HallProofInvalid);

    // Nothing refused was stored.
    assert!(list(&platform, &phone, &id).await.challenges.is_empty());
    assert!(!platform.data.path().join("challenges").exists());

    // A company that does not bid in the project.
    // It gets no nonce, so the proof carries a made-up one.
    let foreign = create_project(&platform, "桥梁工程", 7200, &[OTHER]).await;
    let (text, records) = check_challenge("质疑", &[]).unwrap();
    let proof = signed(
        &phone,
        &base(&platform),
        &foreign,
        &"0".repeat(32),
        &challenge_payload(&text, &records),
        now(&platform),
    );
    let refused: Result<ChallengeRecord, Refused> = post(
        &platform,
        &paths::hall_project_path(&foreign, "challenges"),
        Some(&phone.token),
        &serde_json::json!({ "text": text, "attachments": [], "proof": proof }),
    )
    .await;
    assert_eq!(code(refused), ErrorCode::HallNotABidder);
}
