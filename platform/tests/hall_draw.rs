//! The coefficient draw (抽系数) against a real platform on loopback: the
//! experts start a draw, two bidders contribute signed random values, the
//! experts close it, and the phone's check (core's `verify_revealed`)
//! accepts the reveal, then refuses it once the stored reveal is altered.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;
mod hall_support;
mod qr_support;

use palmbid_core::api::ErrorCode;
use palmbid_core::api::hall::{DrawView, HallEventKind, RoundState};
use palmbid_core::error::Localized;
use palmbid_core::hall::{OwnContribution, verify_revealed};

use common::{CREDIT, TestPlatform};
use hall_support::evaluation::{
    closed_log, contribute, draws, evaluation_project, experts, experts_ok,
};
use hall_support::{OTHER, create_project};
use qr_support::{code, holder_for};

const CANDIDATES: &str = "0.95,0.96，0.97 0.98";

/// Builds what the phone keeps after contributing `value` to `opened`.
fn own(opened: &DrawView, answer: &DrawView, value: &str) -> OwnContribution {
    let contribution = answer
        .contributions
        .iter()
        .find(|c| hex::encode(c.value) == value)
        .unwrap()
        .clone();
    OwnContribution {
        draw: opened.draw,
        candidates: opened.candidates.clone(),
        commitment: opened.commitment.clone(),
        contribution,
    }
}

fn database(platform: &TestPlatform) -> rusqlite::Connection {
    rusqlite::Connection::open(platform.data.path().join("platform.sqlite3")).unwrap()
}

#[tokio::test]
async fn draw_reveal_verifies_until_tampered() {
    let platform = TestPlatform::start().await;
    let first = holder_for(&platform, "13800138061", "示例科技有限公司", CREDIT, true).await;
    let second = holder_for(&platform, "13800138062", "另一家建设有限公司", OTHER, true).await;
    let id = evaluation_project(
        &platform,
        "市政道路工程",
        &[CREDIT, OTHER],
        &[&first, &second],
    )
    .await;

    experts_ok(&platform, &id, "draws/open", &[("candidates", CANDIDATES)]).await;
    let (status, _) = experts(&platform, &id, "draws/open", &[("candidates", "1,2")]).await;
    assert_eq!(status, 409, "one draw open at a time");

    let opened = draws(&platform, &first, &id).await.draws.remove(0);
    assert_eq!((opened.draw, opened.state), (1, RoundState::Open));
    assert_eq!(opened.candidates, ["0.95", "0.96", "0.97", "0.98"]);
    assert_eq!((&opened.seed, opened.index), (&None, None));
    assert_eq!(opened.commitment.project_id, id);
    assert_eq!(opened.commitment.draw_id, "1");

    let first_value = "11".repeat(32);
    let answer = contribute(&platform, &first, &id, 1, &first_value)
        .await
        .unwrap();
    let kept = own(&opened, &answer, &first_value);
    assert_eq!(kept.contribution.bidder_id, CREDIT);
    let again = contribute(&platform, &first, &id, 1, &first_value)
        .await
        .unwrap();
    assert_eq!(
        again.contributions, answer.contributions,
        "a retry is accepted"
    );
    let other = contribute(&platform, &first, &id, 1, &"22".repeat(32)).await;
    assert_eq!(code(other), ErrorCode::HallAlreadyContributed);
    let bad = contribute(&platform, &first, &id, 1, "abcd")
        .await
        .unwrap_err();
    assert_eq!((bad.status, bad.code), (400, ErrorCode::HallInvalidDraw));
    let unknown = contribute(&platform, &first, &id, 9, &first_value).await;
    assert_eq!(code(unknown), ErrorCode::HallDrawNotFound);

    let second_value = "33".repeat(32);
    contribute(&platform, &second, &id, 1, &second_value)
        .await
        .unwrap();
    let hidden = draws(&platform, &first, &id).await.draws.remove(0);
    assert_eq!(hidden.contributions.len(), 1, "others' values are hidden");

    // Not revealed yet.
    let early = verify_revealed(&hidden, &kept).unwrap_err();
    assert_eq!(early.code(), "hall.draw_not_revealed");

    experts_ok(&platform, &id, "draws/close", &[]).await;
    let late = contribute(&platform, &second, &id, 1, &second_value).await;
    assert_eq!(code(late), ErrorCode::HallDrawClosed);

    let revealed = draws(&platform, &first, &id).await.draws.remove(0);
    assert_eq!(revealed.state, RoundState::Closed);
    assert_eq!(revealed.contributions.len(), 2);
    let verified = verify_revealed(&revealed, &kept).unwrap();
    assert_eq!(Some(verified.index), revealed.index);

    assert_tampering_caught(&platform, &first, &id, &kept, &revealed, &first_value).await;

    // The log carries the commitment before any contribution, then the result.
    let log = closed_log(&platform, &first, &id).await;
    let opened_at = log
        .iter()
        .position(|kind| matches!(kind, HallEventKind::DrawOpened { commitment, .. } if *commitment == opened.commitment))
        .unwrap();
    let revealed_at = log
        .iter()
        .position(|kind| {
            matches!(kind, HallEventKind::DrawRevealed { draw: 1, index, coefficient }
                if Some(*index) == revealed.index
                    && *coefficient == revealed.candidates[*index as usize])
        })
        .unwrap();
    assert!(opened_at < revealed_at);
}

#[tokio::test]
async fn draw_requires_evaluation_and_signed_in_bidder() {
    let platform = TestPlatform::start().await;
    let first = holder_for(&platform, "13800138063", "示例科技有限公司", CREDIT, true).await;
    let second = holder_for(&platform, "13800138064", "另一家建设有限公司", OTHER, true).await;

    let early = create_project(&platform, "桥梁工程", 1800, &[CREDIT]).await;
    let (status, _) = experts(
        &platform,
        &early,
        "draws/open",
        &[("candidates", CANDIDATES)],
    )
    .await;
    assert_eq!(status, 409, "not in evaluation");

    let id = evaluation_project(&platform, "隧道工程", &[CREDIT, OTHER], &[&first]).await;
    for bad in ["", "0.95,0.95", &"9".repeat(33)] {
        let (status, page) = experts(&platform, &id, "draws/open", &[("candidates", bad)]).await;
        assert_eq!(status, 400, "{bad}: {page}");
    }
    let (status, _) = experts(&platform, &id, "draws/close", &[]).await;
    assert_eq!(status, 404, "no draw open");

    experts_ok(&platform, &id, "draws/open", &[("candidates", "1.00")]).await;
    let absent = contribute(&platform, &second, &id, 1, &"55".repeat(32)).await;
    assert_eq!(code(absent), ErrorCode::HallNotSignedIn);

    // A draw without contributions still reveals, on the seed alone.
    experts_ok(&platform, &id, "draws/close", &[]).await;
    let view = draws(&platform, &first, &id).await.draws.remove(0);
    assert_eq!((view.index, view.contributions.len()), (Some(0), 0));
}

/// Alters the stored reveal of draw 1 of project `id` one way at a time
/// (seed, own contribution, index) and checks that the phone's check names
/// each; restores the seed and the contribution after their cases.
async fn assert_tampering_caught(
    platform: &TestPlatform,
    first: &qr_support::TestPhone,
    id: &str,
    kept: &OwnContribution,
    revealed: &DrawView,
    first_value: &str,
) {
    let conn = database(platform);
    let tampered = |sql: &str| {
        conn.execute(sql, [id]).unwrap();
    };
    tampered("UPDATE hall_draws SET seed = zeroblob(32) WHERE project_id = ?1");
    let view = draws(platform, first, id).await.draws.remove(0);
    let err = verify_revealed(&view, kept).unwrap_err();
    assert_eq!(err.code(), "hall.draw_seed_mismatch");

    let seed = hex::decode(revealed.seed.as_ref().unwrap()).unwrap();
    conn.execute(
        "UPDATE hall_draws SET seed = ?2 WHERE project_id = ?1",
        rusqlite::params![id, seed],
    )
    .unwrap();
    assert!(verify_revealed(&draws(platform, first, id).await.draws[0], kept).is_ok());

    tampered(&format!(
        "UPDATE hall_draw_contributions SET value = '{}' WHERE project_id = ?1 AND credit_code = '{CREDIT}'",
        "44".repeat(32)
    ));
    let view = draws(platform, first, id).await.draws.remove(0);
    let err = verify_revealed(&view, kept).unwrap_err();
    assert_eq!(err.code(), "hall.draw_own_contribution_altered");
    conn.execute(
        "UPDATE hall_draw_contributions SET value = ?2 WHERE project_id = ?1 AND credit_code = ?3",
        rusqlite::params![id, first_value, CREDIT],
    )
    .unwrap();

    tampered("UPDATE hall_draws SET result = (result + 1) % 4 WHERE project_id = ?1");
    let view = draws(platform, first, id).await.draws.remove(0);
    let err = verify_revealed(&view, kept).unwrap_err();
    assert_eq!(err.code(), "hall.draw_index_mismatch");
    assert!(
        err.to_string().contains("report it to the platform"),
        "{err}"
    );
}
