//! The phone's hall endpoints against a real platform on loopback: a phone
//! holding certificates picked up through the real pickup flow sees the
//! projects its company bids in, is refused others, and follows a
//! project's event log as server-sent events, resuming after
//! `Last-Event-ID`.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;
mod hall_support;
mod qr_support;

use std::time::Duration;

use palmbid_core::api::hall::{HallEvent, HallEventKind, Phase, ProjectList, ProjectSummary};
use palmbid_core::api::{ErrorBody, ErrorCode, paths};

use common::{CREDIT, TestPlatform, raw_http};
use hall_support::{OTHER, create_project, move_to};
use qr_support::{holder, log_in};

/// GETs `path` with the bearer token: the body, or the status and code.
async fn get<T: serde::de::DeserializeOwned>(
    platform: &TestPlatform,
    path: &str,
    token: &str,
) -> Result<T, (u16, ErrorCode)> {
    let response = raw_http()
        .get(platform.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    if status == 200 {
        return Ok(serde_json::from_str(&text).unwrap());
    }
    let body: ErrorBody = serde_json::from_str(&text).unwrap();
    Err((status, body.code))
}

/// A project's event stream as the phone reads it.
struct Stream {
    response: reqwest::Response,
    buffer: String,
}

impl Stream {
    async fn open(platform: &TestPlatform, id: &str, token: &str, last: Option<&str>) -> Self {
        let mut request = raw_http()
            .get(platform.url(&paths::hall_project_path(id, "events")))
            .bearer_auth(token);
        if let Some(last) = last {
            request = request.header("Last-Event-ID", last);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        Stream {
            response,
            buffer: String::new(),
        }
    }

    /// The next event, checked against its SSE id and name; `None` when
    /// the stream ended. Fails after 10 s.
    async fn next(&mut self) -> Option<HallEvent> {
        tokio::time::timeout(Duration::from_secs(10), self.next_inner())
            .await
            .expect("no hall event within 10 s")
    }

    async fn next_inner(&mut self) -> Option<HallEvent> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut name, mut id, mut data) = (None, None, String::new());
                for line in block.lines() {
                    if let Some(value) = line.strip_prefix("event:") {
                        name = Some(value.trim().to_owned());
                    } else if let Some(value) = line.strip_prefix("id:") {
                        id = Some(value.trim().to_owned());
                    } else if let Some(value) = line.strip_prefix("data:") {
                        data.push_str(value.trim());
                    }
                }
                // Keep-alive comments carry no event.
                if let Some(name) = name {
                    let event: HallEvent = serde_json::from_str(&data).unwrap();
                    assert_eq!(name, event.kind.name());
                    assert_eq!(id.unwrap(), event.seq.to_string());
                    return Some(event);
                }
                continue;
            }
            let chunk = self.response.chunk().await.unwrap()?;
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    /// The next event's sequence number and phase.
    async fn next_phase(&mut self) -> (u64, Phase) {
        let event = self.next().await.expect("the stream ended early");
        match event.kind {
            HallEventKind::PhaseChanged { phase } => (event.seq, phase),
            other => panic!("unexpected {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_bidder_sees_its_projects_and_only_those() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, "13800138001").await;
    let own = create_project(&platform, "办公楼工程", 2 * 3600, &[CREDIT]).await;
    let later = create_project(&platform, "道路工程", 30 * 3600, &[CREDIT]).await;
    let foreign = create_project(&platform, "桥梁工程", 600, &[OTHER]).await;

    let list: ProjectList = get(&platform, paths::HALL_PROJECTS, &phone.token)
        .await
        .unwrap();
    let ids: Vec<&str> = list.projects.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, [own.as_str(), later.as_str()]);
    assert_eq!(list.projects[0].name, "办公楼工程");
    assert_eq!(list.projects[0].sections, ["第一标段"]);
    assert_eq!(list.projects[0].phase, Phase::NotOpen);

    // The phase is the server clock's.
    platform.server.clock().advance(3600 + 60);
    let project: ProjectSummary = get(&platform, &paths::hall_project_path(&own, ""), &phone.token)
        .await
        .unwrap();
    assert_eq!(project.phase, Phase::SignIn);
    assert_eq!(project.id, own);

    for action in ["", "events"] {
        let refused = get::<serde_json::Value>(
            &platform,
            &paths::hall_project_path(&foreign, action),
            &phone.token,
        )
        .await
        .unwrap_err();
        assert_eq!(refused, (403, ErrorCode::HallNotABidder), "{action}");

        let refused = get::<serde_json::Value>(
            &platform,
            &paths::hall_project_path("00112233445566778899aabbccddeeff", action),
            &phone.token,
        )
        .await
        .unwrap_err();
        assert_eq!(refused, (404, ErrorCode::HallNotFound), "{action}");
    }

    // A logged-in phone without certificates bids nowhere.
    let bare = log_in(&platform, "13800138002").await;
    let list: ProjectList = get(&platform, paths::HALL_PROJECTS, &bare).await.unwrap();
    assert!(list.projects.is_empty());
    let refused = get::<serde_json::Value>(&platform, &paths::hall_project_path(&own, ""), &bare)
        .await
        .unwrap_err();
    assert_eq!(refused, (403, ErrorCode::HallNotABidder));

    // No session at all.
    let response = raw_http()
        .get(platform.url(paths::HALL_PROJECTS))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn events_come_in_order_and_resume_after_the_last_id() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, "13800138003").await;
    let id = create_project(&platform, "办公楼工程", 2 * 3600, &[CREDIT]).await;

    // Live: sign-in by the clock, then the agent's change.
    let mut live = Stream::open(&platform, &id, &phone.token, None).await;
    platform.server.clock().advance(3600 + 60);
    assert_eq!(live.next_phase().await, (1, Phase::SignIn));
    move_to(&platform, &id, Phase::Decryption).await;
    assert_eq!(live.next_phase().await, (2, Phase::Decryption));
    drop(live);

    // Missed while away.
    move_to(&platform, &id, Phase::QuoteReading).await;
    move_to(&platform, &id, Phase::QuoteConfirmation).await;

    let mut resumed = Stream::open(&platform, &id, &phone.token, Some("2")).await;
    assert_eq!(resumed.next_phase().await, (3, Phase::QuoteReading));
    assert_eq!(resumed.next_phase().await, (4, Phase::QuoteConfirmation));
    move_to(&platform, &id, Phase::Evaluation).await;
    assert_eq!(resumed.next_phase().await, (5, Phase::Evaluation));
    move_to(&platform, &id, Phase::Closed).await;
    let closed = resumed.next().await.unwrap();
    assert_eq!(closed.seq, 6);
    assert_eq!(
        closed.kind,
        HallEventKind::PhaseChanged {
            phase: Phase::Closed
        }
    );
    assert!(closed.at >= platform.server.clock().now() - 5);
    assert!(
        resumed.next().await.is_none(),
        "the stream ends after closed"
    );

    // From the start, and with an id that is not a number, the whole log.
    for last in [None, Some("not-a-number")] {
        let mut all = Stream::open(&platform, &id, &phone.token, last).await;
        let mut phases = Vec::new();
        while let Some(event) = all.next().await {
            phases.push(event);
        }
        let seqs: Vec<u64> = phases.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, [1, 2, 3, 4, 5, 6], "{last:?}");
        let kinds: Vec<HallEventKind> = phases.into_iter().map(|e| e.kind).collect();
        let expected: Vec<HallEventKind> = Phase::ALL[1..]
            .iter()
            .map(|&phase| HallEventKind::PhaseChanged { phase })
            .collect();
        assert_eq!(kinds, expected);
    }

    // Resumed after the last event of a closed project: nothing, and the
    // stream ends.
    let mut done = Stream::open(&platform, &id, &phone.token, Some("6")).await;
    assert!(done.next().await.is_none());
}
