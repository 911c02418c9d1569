//! The agent's hall console against a real platform on loopback: projects
//! entered through the form, phases moved by the buttons in their fixed
//! order only, sign-in started by the server clock, cross-site posts
//! refused.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use common::{CREDIT, TestPlatform, console};

/// A second valid credit code (check character per GB 32100-2015).
const OTHER: &str = "91310000132200821H";

/// `YYYY-MM-DDTHH:MM` in UTC, as a `datetime-local` input sends it.
fn form_time(unix: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    time::OffsetDateTime::from_unix_timestamp(unix)
        .unwrap()
        .format(&format)
        .unwrap()
}

/// Enters a project opening `in_secs` from the server's now (rounded
/// down to the minute); returns its id.
async fn create_project(
    platform: &TestPlatform,
    name: &str,
    in_secs: i64,
    bidders: &str,
) -> String {
    let opening = form_time(platform.server.clock().now() + in_secs);
    let response = console()
        .post(platform.url("/console/hall"))
        .form(&[
            ("name", name),
            ("opening", opening.as_str()),
            ("section", "第一标段"),
            ("bidders", bidders),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    rows(platform)
        .await
        .into_iter()
        .find(|(_, _, row)| row.contains(name))
        .map(|(id, _, _)| id)
        .expect("the new project is listed")
}

/// `(id, phase, row html)` of every project row on the console.
async fn rows(platform: &TestPlatform) -> Vec<(String, String, String)> {
    let page = console()
        .get(platform.url("/console/hall"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    page.split("<tr data-project=\"")
        .skip(1)
        .map(|part| {
            let id = part[..part.find('"').unwrap()].to_owned();
            let phase_at = part.find("data-phase=\"").unwrap() + "data-phase=\"".len();
            let phase = part[phase_at..phase_at + part[phase_at..].find('"').unwrap()].to_owned();
            let row = part[..part.find("</tr>").unwrap()].to_owned();
            (id, phase, row)
        })
        .collect()
}

async fn phase_of(platform: &TestPlatform, id: &str) -> String {
    rows(platform)
        .await
        .into_iter()
        .find(|(row_id, _, _)| row_id == id)
        .unwrap()
        .1
}

/// Posts the phase form; returns the status and the page's text.
async fn move_to(platform: &TestPlatform, id: &str, phase: &str) -> (u16, String) {
    let response = console()
        .post(platform.url(&format!("/console/hall/{id}/phase")))
        .form(&[("phase", phase)])
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn phases_move_forward_one_at_a_time() {
    let platform = TestPlatform::start().await;
    let bidders = format!("{CREDIT} 示例科技有限公司\n{OTHER} 另一家公司");
    let id = create_project(&platform, "办公楼工程", 2 * 3600, &bidders).await;
    assert_eq!(phase_of(&platform, &id).await, "not_open");

    // Sign-in has no button and cannot be set by hand, nor can
    // decryption come before it.
    for phase in ["sign_in", "decryption"] {
        let (status, page) = move_to(&platform, &id, phase).await;
        assert_eq!(status, 409, "{phase}");
        assert!(page.contains("hall.phase_order") || page.contains("cannot move to"));
    }
    assert_eq!(phase_of(&platform, &id).await, "not_open");

    platform.server.clock().advance(3600 + 60);
    assert_eq!(phase_of(&platform, &id).await, "sign_in");

    // A skip is refused.
    let (status, _) = move_to(&platform, &id, "quote_reading").await;
    assert_eq!(status, 409);

    for phase in [
        "decryption",
        "quote_reading",
        "quote_confirmation",
        "evaluation",
        "closed",
    ] {
        let (status, _) = move_to(&platform, &id, phase).await;
        assert_eq!(status, 303, "{phase}");
        assert_eq!(phase_of(&platform, &id).await, phase);
    }

    // Going back, even one step, and going on after closed are refused.
    for phase in ["evaluation", "not_open", "closed"] {
        let (status, _) = move_to(&platform, &id, phase).await;
        assert_eq!(status, 409, "{phase}");
    }
    assert_eq!(phase_of(&platform, &id).await, "closed");

    let (status, _) = move_to(&platform, &id, "opened").await;
    assert_eq!(status, 400);
    let (status, _) = move_to(&platform, "00112233445566778899aabbccddeeff", "decryption").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn sign_in_starts_one_hour_before_opening_by_the_server_clock() {
    let platform = TestPlatform::start().await;
    // Opening is 2 h ahead, rounded down to the minute: sign-in begins
    // between 3541 s and 3600 s from now.
    let id = create_project(&platform, "道路工程", 2 * 3600, &format!("{CREDIT} 示例")).await;

    platform.server.clock().advance(3500);
    assert_eq!(phase_of(&platform, &id).await, "not_open");

    platform.server.clock().advance(101);
    assert_eq!(phase_of(&platform, &id).await, "sign_in");
}

#[tokio::test]
async fn bad_projects_are_refused_each_with_its_reason() {
    let platform = TestPlatform::start().await;
    let opening = form_time(platform.server.clock().now() + 7200);
    let cases = [
        (
            "",
            opening.as_str(),
            "第一标段",
            "91110000802100433B 示例",
            "name",
        ),
        (
            "工程",
            "tomorrow",
            "第一标段",
            "91110000802100433B 示例",
            "opening",
        ),
        (
            "工程",
            opening.as_str(),
            " ",
            "91110000802100433B 示例",
            "section",
        ),
        ("工程", opening.as_str(), "第一标段", "", "bidders"),
        (
            "工程",
            opening.as_str(),
            "第一标段",
            "91110000802100433A 示例",
            "check character",
        ),
        (
            "工程",
            opening.as_str(),
            "第一标段",
            "91110000802100433B",
            "bidders",
        ),
        (
            "工程",
            opening.as_str(),
            "第一标段",
            "91110000802100433B 示例\n91110000802100433B 示例",
            "listed twice",
        ),
    ];
    for (name, opening, section, bidders, expected) in cases {
        let response = console()
            .post(platform.url("/console/hall"))
            .form(&[
                ("name", name),
                ("opening", opening),
                ("section", section),
                ("bidders", bidders),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{expected}");
        let page = response.text().await.unwrap();
        assert!(page.contains("id=\"error\""), "{expected}");
        assert!(page.contains(expected), "{expected}: {page}");
    }
    assert!(rows(&platform).await.is_empty());
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let platform = TestPlatform::start().await;
    let id = create_project(&platform, "桥梁工程", 600, &format!("{CREDIT} 示例")).await;
    assert_eq!(phase_of(&platform, &id).await, "sign_in");

    let response = console()
        .post(platform.url(&format!("/console/hall/{id}/phase")))
        .header("Origin", "http://evil.example")
        .form(&[("phase", "decryption")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(phase_of(&platform, &id).await, "sign_in");

    let response = console()
        .post(platform.url("/console/hall"))
        .header("Origin", "http://evil.example")
        .form(&[
            ("name", "伪造项目"),
            ("opening", "2030-01-01T09:00"),
            ("section", "第一标段"),
            ("bidders", &format!("{CREDIT} 示例")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(rows(&platform).await.len(), 1);

    // The same post from the console's own origin goes through.
    let origin = platform.server.base_url().trim_end_matches('/').to_owned();
    let response = console()
        .post(platform.url(&format!("/console/hall/{id}/phase")))
        .header("Origin", origin)
        .form(&[("phase", "decryption")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(phase_of(&platform, &id).await, "decryption");
}
