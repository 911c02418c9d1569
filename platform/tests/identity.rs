//! Identity verification against a real platform on loopback: the phone's
//! calls, the operator console's decisions, and each refusal.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use common::TestPlatform;
use palmbid_core::account::{self, AccountError};
use palmbid_core::api::identity::{IDENTITY_CODE_TTL_SECS, IdentityState, MAX_VIDEO_BYTES};
use palmbid_core::api::{ErrorBody, ErrorCode, paths};
use palmbid_platform::accounts::identity::{IdentityError, require_approved};

const PHONE: &str = "13800138000";
const ID: &str = "11010519491231002X";
const VIDEO: &[u8] = b"\x00\x00\x00\x18ftypmp42 a short test video";

fn refused(err: AccountError) -> ErrorCode {
    match err {
        AccountError::Api(api) => api.server_code().unwrap(),
        other => panic!("{other:?}"),
    }
}

/// `require_approved` on the platform's own database file.
fn gate(platform: &TestPlatform) -> Result<(), IdentityError> {
    let conn = rusqlite::Connection::open(platform.data.path().join("platform.sqlite3")).unwrap();
    require_approved(&conn, PHONE)
}

/// Posts a console form; returns the status.
async fn console_post(
    platform: &TestPlatform,
    path: &str,
    form: &str,
    origin: Option<&str>,
) -> u16 {
    palmbid_core::api::client::install_ring_provider();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut request = client
        .post(platform.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_owned());
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    request.send().await.unwrap().status().as_u16()
}

async fn console_page(platform: &TestPlatform) -> String {
    common::raw_http()
        .get(platform.url("/console/identity"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn pending_case_is_approved_on_the_console() {
    let platform = TestPlatform::start().await;
    let (_home, store) = platform.phone_home(PHONE).await;

    let before = gate(&platform).unwrap_err();
    let code = account::request_identity_code(&store, "dev").await.unwrap();
    let submitted = account::submit_identity(&store, "dev", "张三", ID, &code.code, VIDEO)
        .await
        .unwrap();
    let pending = gate(&platform).unwrap_err();
    let page = console_page(&platform).await;
    let case = submitted.case_id.clone().unwrap();
    let approve_path = format!("/console/identity/{case}/approve");
    let status = console_post(&platform, &approve_path, "", None).await;
    let approved = account::identity_status(&store, "dev").await.unwrap();

    assert_eq!(code.code.len(), 4);
    assert!(
        before.to_string().contains("has not been submitted"),
        "{before}"
    );
    assert_eq!(submitted.state, IdentityState::Pending);
    assert!(
        pending.to_string().contains("still pending review"),
        "{pending}"
    );
    assert!(
        page.contains("张三") && page.contains(ID) && page.contains(&approve_path),
        "{page}"
    );
    assert_eq!(status, 303);
    assert_eq!(approved.state, IdentityState::Approved);
    assert_eq!(approved.name.as_deref(), Some("张三"));
    gate(&platform).unwrap();
    let video = platform.data.path().join(format!("identity/{case}.video"));
    assert_eq!(std::fs::read(video).unwrap(), VIDEO);
}

#[tokio::test]
async fn rejected_case_says_why_and_may_be_resubmitted() {
    let platform = TestPlatform::start().await;
    let (_home, store) = platform.phone_home(PHONE).await;
    let code = account::request_identity_code(&store, "dev").await.unwrap();
    let case = account::submit_identity(&store, "dev", "张三", ID, &code.code, VIDEO)
        .await
        .unwrap()
        .case_id
        .unwrap();

    let path = format!("/console/identity/{case}/reject");
    let status = console_post(
        &platform,
        &path,
        "reason=%E8%A7%86%E9%A2%91%E6%A8%A1%E7%B3%8A",
        None,
    )
    .await;
    let rejected = account::identity_status(&store, "dev").await.unwrap();
    let gate_error = gate(&platform).unwrap_err();
    let again = console_post(&platform, &path, "reason=x", None).await;
    let code = account::request_identity_code(&store, "dev").await.unwrap();
    let second = account::submit_identity(&store, "dev", "张三", ID, &code.code, VIDEO)
        .await
        .unwrap();

    assert_eq!(status, 303);
    assert_eq!(rejected.state, IdentityState::Rejected);
    assert_eq!(rejected.reason.as_deref(), Some("视频模糊"));
    assert!(
        gate_error.to_string().contains("rejected (视频模糊)"),
        "{gate_error}"
    );
    assert_eq!(again, 404, "a decided case cannot be decided again");
    assert_eq!(second.state, IdentityState::Pending);
    assert_ne!(second.case_id.unwrap(), case);
}

#[tokio::test]
async fn auto_approve_flag_approves_at_once() {
    let platform = TestPlatform::start_with(true).await;
    let (_home, store) = platform.phone_home(PHONE).await;
    let code = account::request_identity_code(&store, "dev").await.unwrap();

    let status = account::submit_identity(&store, "dev", "张三", ID, &code.code, VIDEO)
        .await
        .unwrap();

    assert_eq!(status.state, IdentityState::Approved);
    gate(&platform).unwrap();
    let more = account::request_identity_code(&store, "dev")
        .await
        .unwrap_err();
    assert_eq!(refused(more), ErrorCode::IdentityCaseOpen);
}

#[tokio::test]
async fn wrong_used_and_expired_codes_are_refused() {
    let platform = TestPlatform::start().await;
    let (_home, store) = platform.phone_home(PHONE).await;

    let none = account::submit_identity(&store, "dev", "张三", ID, "1234", VIDEO).await;
    let code = account::request_identity_code(&store, "dev").await.unwrap();
    let wrong_code = format!("{:04}", (code.code.parse::<u32>().unwrap() + 1) % 10_000);
    let wrong = account::submit_identity(&store, "dev", "张三", ID, &wrong_code, VIDEO).await;
    let used = account::submit_identity(&store, "dev", "张三", ID, &code.code, VIDEO).await;
    let code = account::request_identity_code(&store, "dev").await.unwrap();
    platform.server.clock().advance(IDENTITY_CODE_TTL_SECS);
    let expired = account::submit_identity(&store, "dev", "张三", ID, &code.code, VIDEO).await;

    for result in [none, wrong, used, expired] {
        assert_eq!(refused(result.unwrap_err()), ErrorCode::IdentityCodeInvalid);
    }
    assert!(console_page(&platform).await.contains("No cases"));
}

#[tokio::test]
async fn second_case_while_pending_is_refused() {
    let platform = TestPlatform::start().await;
    let (_home, store) = platform.phone_home(PHONE).await;
    let code = account::request_identity_code(&store, "dev").await.unwrap();
    account::submit_identity(&store, "dev", "张三", ID, &code.code, VIDEO)
        .await
        .unwrap();

    let more = account::request_identity_code(&store, "dev")
        .await
        .unwrap_err();

    assert_eq!(refused(more), ErrorCode::IdentityCaseOpen);
}

#[tokio::test]
async fn bad_fields_are_refused_each_with_its_code() {
    let platform = TestPlatform::start().await;
    let (_home, store) = platform.phone_home(PHONE).await;
    let client = palmbid_core::account::client_for(&store, "dev").unwrap();
    let code = account::request_identity_code(&store, "dev").await.unwrap();
    let submission =
        |name: &str, id: &str, video: &str| palmbid_core::api::identity::IdentitySubmission {
            name: name.to_owned(),
            id_number: id.to_owned(),
            code: code.code.clone(),
            video_base64: video.to_owned(),
        };
    let video = "AAAAGGZ0eXBtcDQy";

    let cases = [
        (submission("", ID, video), ErrorCode::IdentityInvalidName),
        (
            submission("张\u{7}三", ID, video),
            ErrorCode::IdentityInvalidName,
        ),
        (
            submission("张三", "110105194912310021", video),
            ErrorCode::IdentityInvalidIdNumber,
        ),
        (
            submission("张三", ID, "not base64!"),
            ErrorCode::IdentityInvalidVideo,
        ),
        (submission("张三", ID, ""), ErrorCode::IdentityInvalidVideo),
    ];
    for (body, expected) in cases {
        let err = client.submit_identity(&body).await.unwrap_err();
        assert_eq!(err.server_code(), Some(expected), "{body:?}");
    }

    // The phone checks the ID number and the size before uploading.
    let local_id =
        account::submit_identity(&store, "dev", "张三", "110105194912310021", "1234", VIDEO).await;
    let local_empty = account::submit_identity(&store, "dev", "张三", ID, "1234", b"").await;
    assert!(
        matches!(local_id, Err(AccountError::InvalidIdNumber)),
        "{local_id:?}"
    );
    assert!(
        matches!(local_empty, Err(AccountError::VideoSize { bytes: 0 })),
        "{local_empty:?}"
    );
}

#[tokio::test]
async fn oversized_videos_are_refused() {
    use base64::Engine;
    let platform = TestPlatform::start().await;
    let (_home, store) = platform.phone_home(PHONE).await;
    let client = palmbid_core::account::client_for(&store, "dev").unwrap();
    let code = account::request_identity_code(&store, "dev").await.unwrap();
    let encode = |n: usize| base64::engine::general_purpose::STANDARD.encode(vec![7_u8; n]);

    // One byte over the video limit: the body fits, the video does not.
    let over_video = palmbid_core::api::identity::IdentitySubmission {
        name: "张三".into(),
        id_number: ID.into(),
        code: code.code.clone(),
        video_base64: encode(MAX_VIDEO_BYTES + 1),
    };
    let video_err = client.submit_identity(&over_video).await.unwrap_err();
    // Far over: the body limit stops it before it is parsed.
    let body = format!(
        "{{\"pad\": \"{}\"}}",
        "A".repeat(palmbid_platform::accounts::identity::SUBMISSION_BODY_LIMIT)
    );
    let response = common::raw_http()
        .post(platform.url(paths::IDENTITY))
        .bearer_auth(store.session("dev").unwrap().unwrap().token.as_str())
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let error: ErrorBody = response.json().await.unwrap();
    let local = account::submit_identity(
        &store,
        "dev",
        "张三",
        ID,
        &code.code,
        &vec![0; MAX_VIDEO_BYTES + 1],
    )
    .await;

    assert_eq!(
        video_err.server_code(),
        Some(ErrorCode::IdentityInvalidVideo)
    );
    assert_eq!(status, 413);
    assert_eq!(error.code, ErrorCode::TooLarge);
    assert!(
        matches!(local, Err(AccountError::VideoSize { .. })),
        "{local:?}"
    );
}

#[tokio::test]
async fn cross_site_console_post_is_refused() {
    let platform = TestPlatform::start().await;
    let (_home, store) = platform.phone_home(PHONE).await;
    let code = account::request_identity_code(&store, "dev").await.unwrap();
    let case = account::submit_identity(&store, "dev", "张三", ID, &code.code, VIDEO)
        .await
        .unwrap()
        .case_id
        .unwrap();
    let path = format!("/console/identity/{case}/approve");
    let own_origin = format!("http://{}", platform.server.local_addr());

    let foreign = console_post(&platform, &path, "", Some("http://evil.example")).await;
    let still = account::identity_status(&store, "dev").await.unwrap();
    let own = console_post(&platform, &path, "", Some(&own_origin)).await;

    assert_eq!(foreign, 403);
    assert_eq!(still.state, IdentityState::Pending);
    assert_eq!(own, 303);
}

#[tokio::test]
async fn identity_calls_need_a_session() {
    let platform = TestPlatform::start().await;

    let response = common::raw_http()
        .post(platform.url(paths::IDENTITY_CODE))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 401);
    let error: ErrorBody = response.json().await.unwrap();
    assert_eq!(error.code, ErrorCode::Unauthorized);
}

#[tokio::test]
async fn console_escapes_what_users_typed() {
    let platform = TestPlatform::start().await;
    let (_home, store) = platform.phone_home(PHONE).await;
    let code = account::request_identity_code(&store, "dev").await.unwrap();
    account::submit_identity(
        &store,
        "dev",
        "<script>alert(1)</script>",
        ID,
        &code.code,
        VIDEO,
    )
    .await
    .unwrap();

    let page = console_page(&platform).await;

    assert!(!page.contains("<script>alert"), "{page}");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{page}"
    );
}
