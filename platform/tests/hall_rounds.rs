//! Multi-round quotes (多轮报价) against a real platform on loopback: the
//! experts open and close rounds on their console, two bidders of
//! different companies quote with signed actions, and each sees only its
//! own quote until the round closes.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;
mod hall_support;
mod qr_support;

use palmbid_core::api::ErrorCode;
use palmbid_core::api::hall::{HallEventKind, Phase, RoundState};

use common::{CREDIT, TestPlatform};
use hall_support::evaluation::{
    closed_log, evaluation_project, experts, experts_ok, quote, rounds,
};
use hall_support::{OTHER, create_project, move_to, now, sign_in};
use qr_support::{TestPhone, code, holder_for};

async fn two_bidders(platform: &TestPlatform) -> (TestPhone, TestPhone) {
    let first = holder_for(platform, "13800138051", "示例科技有限公司", CREDIT, true).await;
    let second = holder_for(platform, "13800138052", "另一家建设有限公司", OTHER, true).await;
    (first, second)
}

#[tokio::test]
async fn round_quotes_hidden_until_close() {
    let platform = TestPlatform::start().await;
    let (first, second) = two_bidders(&platform).await;
    let id = evaluation_project(
        &platform,
        "市政道路工程",
        &[CREDIT, OTHER],
        &[&first, &second],
    )
    .await;

    let early = quote(&platform, &first, &id, 1, 1, "1000").await;
    assert_eq!(code(early), ErrorCode::HallNoRoundOpen);

    experts_ok(&platform, &id, "rounds/open", &[("section", "1")]).await;
    let (status, page) = experts(&platform, &id, "rounds/open", &[("section", "1")]).await;
    assert_eq!(status, 409, "a second open round: {page}");
    assert!(page.contains("still open"), "{page}");

    quote(&platform, &first, &id, 1, 1, "1000.00")
        .await
        .unwrap();
    let replaced = quote(&platform, &first, &id, 1, 1, "990.50").await.unwrap();
    assert_eq!(replaced.amount, "990.50");
    assert_eq!(replaced.credit_code, CREDIT);
    quote(&platform, &second, &id, 1, 1, "1200").await.unwrap();

    // While open each bidder sees its own quote only.
    let own = rounds(&platform, &first, &id).await.rounds;
    assert_eq!(own.len(), 1);
    assert_eq!((own[0].round, own[0].state), (1, RoundState::Open));
    let amounts: Vec<&str> = own[0].quotes.iter().map(|q| q.amount.as_str()).collect();
    assert_eq!(amounts, ["990.50"]);
    let theirs = rounds(&platform, &second, &id).await.rounds;
    assert_eq!(theirs[0].quotes.len(), 1);
    assert_eq!(theirs[0].quotes[0].credit_code, OTHER);

    let bad = quote(&platform, &first, &id, 1, 1, "12.345")
        .await
        .unwrap_err();
    assert_eq!((bad.status, bad.code), (400, ErrorCode::HallInvalidAmount));
    let wrong_round = quote(&platform, &first, &id, 1, 2, "900").await;
    assert_eq!(code(wrong_round), ErrorCode::HallNoRoundOpen);

    experts_ok(&platform, &id, "rounds/close", &[("section", "1")]).await;
    let late = quote(&platform, &second, &id, 1, 1, "1100")
        .await
        .unwrap_err();
    assert_eq!((late.status, late.code), (409, ErrorCode::HallRoundClosed));

    // Once closed every quote shows, the replaced one as replaced.
    for phone in [&first, &second] {
        let all = rounds(&platform, phone, &id).await.rounds;
        assert_eq!(all[0].state, RoundState::Closed);
        let mut shown: Vec<(&str, &str)> = all[0]
            .quotes
            .iter()
            .map(|q| (q.credit_code.as_str(), q.amount.as_str()))
            .collect();
        shown.sort_unstable();
        let mut expected = [(CREDIT, "990.50"), (OTHER, "1200")];
        expected.sort_unstable();
        assert_eq!(shown, expected);
    }

    // The next round counts on; the experts' page shows the closed quotes.
    experts_ok(&platform, &id, "rounds/open", &[("section", "1")]).await;
    quote(&platform, &second, &id, 1, 2, "1150").await.unwrap();
    let page = common::console()
        .get(platform.url("/console/experts"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("990.50"), "{page}");
    assert!(
        !page.contains("1150"),
        "an open round's quote is not shown: {page}"
    );

    let log = closed_log(&platform, &first, &id).await;
    let evaluation: Vec<&HallEventKind> = log
        .iter()
        .filter(|kind| {
            matches!(
                kind,
                HallEventKind::RoundOpened { .. } | HallEventKind::RoundClosed { .. }
            )
        })
        .collect();
    assert_eq!(
        evaluation,
        [
            &HallEventKind::RoundOpened {
                section: 1,
                round: 1,
                deadline: None
            },
            &HallEventKind::RoundClosed {
                section: 1,
                round: 1,
                quotes: 2
            },
            &HallEventKind::RoundOpened {
                section: 1,
                round: 2,
                deadline: None
            },
        ]
    );
}

#[tokio::test]
async fn round_quote_requires_signed_in_section_bidder() {
    let platform = TestPlatform::start().await;
    let (first, second) = two_bidders(&platform).await;

    // Before the evaluation neither the experts nor a bidder can start.
    let id = create_project(&platform, "桥梁工程", 1800, &[CREDIT, OTHER]).await;
    let _: palmbid_core::api::hall::SignInRecord = sign_in(&platform, &first, &id).await.unwrap();
    let (status, _) = experts(&platform, &id, "rounds/open", &[("section", "1")]).await;
    assert_eq!(status, 409);
    let early = quote(&platform, &first, &id, 1, 1, "10").await;
    assert_eq!(code(early), ErrorCode::HallWrongPhase);
    for phase in [
        Phase::Decryption,
        Phase::QuoteReading,
        Phase::QuoteConfirmation,
        Phase::Evaluation,
    ] {
        move_to(&platform, &id, phase).await;
    }
    let (status, _) = experts(&platform, &id, "rounds/open", &[("section", "2")]).await;
    assert_eq!(status, 400, "the project has one section");
    let (status, _) = experts(&platform, &id, "rounds/close", &[("section", "1")]).await;
    assert_eq!(status, 409, "nothing to close");
    experts_ok(&platform, &id, "rounds/open", &[("section", "1")]).await;

    // The second company never signed in.
    let absent = quote(&platform, &second, &id, 1, 1, "10")
        .await
        .unwrap_err();
    assert_eq!(
        (absent.status, absent.code),
        (409, ErrorCode::HallNotSignedIn)
    );

    // A section the company does not bid in.
    let elsewhere = quote(&platform, &first, &id, 2, 1, "10").await.unwrap_err();
    assert_eq!(
        (elsewhere.status, elsewhere.code),
        (403, ErrorCode::HallNotASectionBidder)
    );
    quote(&platform, &first, &id, 1, 1, "10").await.unwrap();
}

#[tokio::test]
async fn round_closes_at_deadline() {
    let platform = TestPlatform::start().await;
    let first = holder_for(&platform, "13800138053", "示例科技有限公司", CREDIT, true).await;
    let id = evaluation_project(&platform, "隧道工程", &[CREDIT], &[&first]).await;

    let (status, _) = experts(
        &platform,
        &id,
        "rounds/open",
        &[("section", "1"), ("deadline_minutes", "0")],
    )
    .await;
    assert_eq!(status, 400);
    experts_ok(
        &platform,
        &id,
        "rounds/open",
        &[("section", "1"), ("deadline_minutes", "1")],
    )
    .await;
    let deadline = now(&platform) + 60;
    quote(&platform, &first, &id, 1, 1, "500").await.unwrap();

    platform.server.clock().advance(61);
    let late = quote(&platform, &first, &id, 1, 1, "400").await;
    assert_eq!(code(late), ErrorCode::HallRoundClosed);
    let view = rounds(&platform, &first, &id).await.rounds;
    assert_eq!(view[0].state, RoundState::Closed);
    assert_eq!(view[0].closed_at, Some(deadline));
    assert_eq!(view[0].quotes[0].amount, "500");

    let log = closed_log(&platform, &first, &id).await;
    assert!(log.contains(&HallEventKind::RoundClosed {
        section: 1,
        round: 1,
        quotes: 1
    }));
}
