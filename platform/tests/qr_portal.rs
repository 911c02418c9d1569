//! The portal's QR login (交易平台门户扫码登录) against a real platform:
//! the login page and its cookie, the QR image, the event stream through
//! the cookie, the phone's answer, the completion that makes the portal
//! session, `/portal` naming the company, and logout.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;
mod qr_support;

use common::{CREDIT, PHONE, TestPlatform, console};
use palmbid_core::api::ErrorCode;
use palmbid_core::api::paths;
use palmbid_core::api::qr::{AnswerPayload, QrState, RequesterKind};
use qr_support::{Events, holder, read_refusal};

const CHROME: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                      HeadlessChrome/120.0.0.0 Safari/537.36";

/// What the login page gave the browser.
struct LoginPage {
    id: String,
    cookie: String,
    number: u8,
    html: String,
    set_cookie: String,
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start} in {text}"))
        + start.len();
    let to = from + text[from..].find(end).unwrap();
    &text[from..to]
}

async fn open_login(platform: &TestPlatform) -> LoginPage {
    let response = console()
        .get(platform.url("/portal/login"))
        .header("User-Agent", CHROME)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = response.text().await.unwrap();
    let cookie = between(&set_cookie, "palmbid_qr=", ";").to_owned();
    let id = between(&html, "/portal/login/", "/qr").to_owned();
    let number = between(&html, "<strong id=\"match-number\">", "</strong>")
        .parse()
        .unwrap();
    LoginPage {
        id,
        cookie,
        number,
        html,
        set_cookie,
    }
}

async fn cookie_get(platform: &TestPlatform, path: &str, cookie: &str) -> reqwest::Response {
    console()
        .get(platform.url(path))
        .header("Cookie", cookie)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn login_page_sets_the_cookie_and_draws_the_code() {
    let platform = TestPlatform::start().await;
    let page = open_login(&platform).await;
    let qr_cookie = format!("palmbid_qr={}", page.cookie);

    let image = cookie_get(
        &platform,
        &format!("/portal/login/{}/qr", page.id),
        &qr_cookie,
    )
    .await;
    let image_type = image.headers()["content-type"].to_str().unwrap().to_owned();
    let svg = image.text().await.unwrap();
    let no_cookie = console()
        .get(platform.url(&format!("/portal/login/{}/qr", page.id)))
        .send()
        .await
        .unwrap();
    let early = cookie_get(
        &platform,
        &format!("/portal/login/{}/complete", page.id),
        &qr_cookie,
    )
    .await;
    let anonymous = cookie_get(&platform, "/portal", "palmbid_portal=unknown")
        .await
        .text()
        .await
        .unwrap();

    assert!(page.set_cookie.contains("HttpOnly"), "{}", page.set_cookie);
    assert!(
        page.set_cookie.contains("SameSite=Strict"),
        "{}",
        page.set_cookie
    );
    assert!(page.html.contains("id=\"qr\""));
    assert!(page.html.contains("data-state=\"waiting\""));
    assert!(page.html.contains("扫码登录"));
    assert!((10..=99).contains(&page.number));
    assert!(image_type.starts_with("image/svg+xml"), "{image_type}");
    assert!(svg.contains("<svg"), "{svg}");
    assert_eq!(
        read_refusal(no_cookie).await,
        ErrorCode::QrDesktopUnauthorized
    );
    assert_eq!(early.status(), 403);
    assert!(early.text().await.unwrap().contains("尚未确认"));
    assert!(anonymous.contains("未登录"), "{anonymous}");
    assert!(!anonymous.contains("portal-user"));
}

#[tokio::test]
async fn qr_login_makes_a_portal_session_for_the_registered_company() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, PHONE).await;
    let page = open_login(&platform).await;
    let qr_cookie = format!("palmbid_qr={}", page.cookie);

    let events = cookie_get(
        &platform,
        &paths::qr_desktop_path(&page.id, "events"),
        &qr_cookie,
    )
    .await;
    let mut events = Events::from_response(events);
    let (url, _) = events.next_frame().await;
    let view = phone.scan(&platform, &url).await.unwrap();
    phone
        .choose(&platform, &page.id, page.number)
        .await
        .unwrap();
    let signed_at = platform.server.clock().now();
    let answer = phone.signed(
        &platform.server.base_url(),
        &view,
        AnswerPayload::Login,
        signed_at,
    );
    phone.answer(&platform, &answer, &page.id).await.unwrap();
    assert_eq!(events.next_state().await.0, QrState::Scanned);
    assert_eq!(events.next_state().await.0, QrState::Matched);
    assert_eq!(events.next_state().await.0, QrState::Answered);
    let complete = cookie_get(
        &platform,
        &format!("/portal/login/{}/complete", page.id),
        &qr_cookie,
    )
    .await;
    let complete_status = complete.status();
    let location = complete.headers()["location"].to_str().unwrap().to_owned();
    let cookies: Vec<String> = complete
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("palmbid_portal="))
        .unwrap();
    let session_cookie = session.split(';').next().unwrap().to_owned();
    let home = cookie_get(&platform, "/portal", &session_cookie)
        .await
        .text()
        .await
        .unwrap();
    let replay = cookie_get(
        &platform,
        &format!("/portal/login/{}/complete", page.id),
        &qr_cookie,
    )
    .await
    .status();
    let logout = console()
        .post(platform.url("/portal/logout"))
        .header("Cookie", &session_cookie)
        .send()
        .await
        .unwrap()
        .status();
    let after = cookie_get(&platform, "/portal", &session_cookie)
        .await
        .text()
        .await
        .unwrap();

    assert_eq!(view.requester.kind, RequesterKind::Portal);
    assert_eq!(view.requester.name, "公共资源交易平台（参考实现）");
    assert_eq!(view.requester.machine, "Chrome · Linux");
    assert!(view.number_choices.unwrap().contains(&page.number));
    assert_eq!(complete_status, 303);
    assert_eq!(location, "/portal");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Strict"));
    assert!(
        home.contains(&format!(
            "已登录：示例科技有限公司（{CREDIT}），经办人 张三"
        )),
        "{home}"
    );
    assert!(home.contains("id=\"portal-user\""));
    assert_eq!(replay, 403, "one login makes one session");
    assert_eq!(logout, 303);
    assert!(!after.contains("portal-user"), "{after}");
}

#[tokio::test]
async fn a_cancelled_login_page_offers_a_new_code() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, PHONE).await;
    let page = open_login(&platform).await;
    let qr_cookie = format!("palmbid_qr={}", page.cookie);
    let events = cookie_get(
        &platform,
        &paths::qr_desktop_path(&page.id, "events"),
        &qr_cookie,
    )
    .await;
    let mut events = Events::from_response(events);
    let (url, _) = events.next_frame().await;

    let status_path = format!("/portal/login/{}/status?since=waiting", page.id);
    let held = tokio::spawn({
        let request = console()
            .get(platform.url(&status_path))
            .header("Cookie", qr_cookie.clone());
        async move { request.send().await.unwrap().text().await.unwrap() }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let held_before_scan = held.is_finished();
    phone.scan(&platform, &url).await.unwrap();
    let after_scan: serde_json::Value = serde_json::from_str(&held.await.unwrap()).unwrap();
    phone.cancel(&platform, &page.id).await.unwrap();
    let cancelled: serde_json::Value = serde_json::from_str(
        &cookie_get(&platform, &status_path, &qr_cookie)
            .await
            .text()
            .await
            .unwrap(),
    )
    .unwrap();
    let image = cookie_get(
        &platform,
        &format!("/portal/login/{}/qr", page.id),
        &qr_cookie,
    )
    .await;
    let complete = cookie_get(
        &platform,
        &format!("/portal/login/{}/complete", page.id),
        &qr_cookie,
    )
    .await;

    assert_eq!(events.next_state().await.0, QrState::Scanned);
    assert_eq!(events.next_state().await.0, QrState::Cancelled);
    assert!(!held_before_scan, "the status waits for a change");
    assert_eq!(after_scan["state"], "scanned");
    assert_eq!(cancelled["state"], "cancelled");
    assert_eq!(cancelled["reason_zh"], "已在手机上取消");
    assert_eq!(image.status(), 410);
    assert_eq!(complete.status(), 403);
    let text = complete.text().await.unwrap();
    assert!(
        text.contains("已取消") && text.contains("/portal/login"),
        "{text}"
    );
    assert!(page.html.contains("id=\"new-code\""));
}
