//! The platform portal (交易平台门户) and its QR login page (扫码登录).
//!
//! - `GET /portal/login` makes a login request (requester kind portal, the
//!   browser as its User-Agent names it, the peer address), keeps its
//!   desktop token in an `HttpOnly`, `SameSite=Strict` cookie and shows the QR
//!   code, the number to match, the time left and the state. A small
//!   script reloads the QR image every second while the request waits and
//!   long-polls the request's state; on `answered` it loads the completion
//!   page, follows its redirect to `/portal` and shows that page in place
//!   (its address included, through the history API), and cancelled and
//!   expired show the reason and a button for a new code. In place, not
//!   by navigating: headless Chromium's `--dump-dom --virtual-time-budget`
//!   (Chromium 156) never finishes once a page navigates after loading, and
//!   browser tests read this page that way. It long-polls rather than
//!   opening the event stream so that virtual time stands still while the
//!   page waits for the phone.
//! - `GET /portal/login/{id}/qr` draws the current frame as SVG (`qrcode`);
//!   `GET /portal/login/{id}/status?since=STATE` answers the state once it
//!   differs from `since`, or after [`LONG_POLL_SECS`]. Both need the
//!   page's cookie.
//! - `GET /portal/login/{id}/complete` makes the portal session
//!   ([`crate::portal`]) from the accepted answer and redirects to
//!   `/portal`, which says who is logged in. `POST /portal/logout` ends it.
//!
//! Element ids for browser tests: `qr`, `match-number`, `state` (with
//! `data-state`), `portal-user`.

use std::net::SocketAddr;
use std::time::Duration;

use axum::Json;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{Router, get, post};
use base64::Engine;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use palmbid_core::api::qr::{MAX_MACHINE_NAME_CHARS, QrKind, RequesterKind};
use palmbid_core::error::Localized;
use palmbid_core::pki::CertInfo;
use serde::Deserialize;

use super::{cross_site, cross_site_refused};
use crate::AppState;
use crate::error::Failure;
use crate::portal::{self, PortalError, PortalUser};
use crate::qr::{self, DESKTOP_COOKIE, frame};

/// The portal's name, shown on the phone as the requester.
pub(crate) const PORTAL_NAME: &str = "公共资源交易平台（参考实现）";

/// Cookie of a portal session.
pub(crate) const SESSION_COOKIE: &str = "palmbid_portal";

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/portal", get(home))
        .route("/portal/login", get(login))
        .route("/portal/login/{id}/qr", get(qr_image))
        .route("/portal/login/{id}/status", get(status))
        .route("/portal/login/{id}/complete", get(complete))
        .route("/portal/logout", post(logout))
}

fn portal_page(title: &str, body: &Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (PORTAL_NAME) }
                style { (STYLE) }
            }
            body {
                header { a href="/portal" { (PORTAL_NAME) " Public resource trading portal" } }
                h1 { (title) }
                (body)
            }
        }
    }
}

const STYLE: &str = "body{font-family:sans-serif;margin:2em;max-width:50em}\
#qr{width:280px;height:280px;display:block}#match-number{font-size:2.5em;letter-spacing:.1em}\
[data-state=cancelled],[data-state=expired]{color:#a00}.en{color:#666}";

/// Names the browser as its User-Agent does, short enough for the phone:
/// `Chrome · Linux`, or the first characters of an unknown agent.
fn browser_name(headers: &HeaderMap) -> String {
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(token, _)| agent.contains(token))
    .map(|(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(token, _)| agent.contains(token))
    .map(|(_, name)| name);
    match (browser, system) {
        (Some(browser), Some(system)) => format!("{browser} · {system}"),
        (Some(name), None) | (None, Some(name)) => name.to_owned(),
        (None, None) => {
            let cleaned: String = agent
                .chars()
                .filter(|c| !c.is_control())
                .take(MAX_MACHINE_NAME_CHARS)
                .collect();
            let cleaned = cleaned.trim().to_owned();
            if cleaned.is_empty() {
                "浏览器 browser".to_owned()
            } else {
                cleaned
            }
        }
    }
}

fn set_cookie(response: &mut Response, name: &str, value: &str, max_age: i64) {
    let text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}");
    if let Ok(value) = HeaderValue::from_str(&text) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

fn no_store(response: &mut Response) {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// `GET /portal/login`: a new QR login.
async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let created = qr::new_portal_login(
        &state,
        PORTAL_NAME,
        browser_name(&headers),
        peer.ip().to_string(),
    )
    .await?;
    let record = &created.record;
    let id = &record.id;
    let number = record
        .match_number
        .map(|n| format!("{n:02}"))
        .unwrap_or_default();

    let body = html! {
        p { "请用 palmbid 手机应用扫描二维码，在手机上选择与下方相同的数字并确认。" }
        p class="en" { "Scan the code with the palmbid app, choose the number shown below on the phone and confirm." }
        img id="qr" src={ "/portal/login/" (id) "/qr?t=0" } width="280" height="280" alt="登录二维码 login QR code";
        p { "核对数字 Number to match: " strong id="match-number" { (number) } }
        p { "剩余时间 Time left: " span id="time-left" data-now=(state.clock.now())
            data-scan-by=(record.scan_by()) data-answer-by=(record.answer_by()) { "60 秒 s" } }
        p id="state" data-state="waiting" { "等待扫码 Waiting for the scan" }
        p id="reason" hidden {}
        p { a id="new-code" href="/portal/login" hidden { button type="button" { "获取新二维码 New code" } } }
        script { (PreEscaped(login_script(id))) }
    };
    let mut response = portal_page("扫码登录 QR login", &body).into_response();
    set_cookie(
        &mut response,
        DESKTOP_COOKIE,
        &created.desktop_token,
        palmbid_core::api::qr::ANSWER_WITHIN_SECS + 60,
    );
    no_store(&mut response);
    Ok(response)
}

/// The login page's script: reload the image each second while waiting,
/// long-poll the state, count down, show the portal in place once
/// answered, and the reason and a new-code button when cancelled or
/// expired.
fn login_script(id: &str) -> String {
    // `id` is 32 hex characters made by the platform, safe inside a string.
    format!(
        "(function(){{var id='{id}',base='/portal/login/'+id;\
var img=document.getElementById('qr'),st=document.getElementById('state'),\
left=document.getElementById('time-left'),reason=document.getElementById('reason'),\
again=document.getElementById('new-code');\
var labels={{waiting:'等待扫码 Waiting for the scan',\
scanned:'已扫码，请在手机上选择数字并确认 Scanned: choose the number and confirm on the phone',\
matched:'数字已核对，请在手机上确认 Number matched: confirm on the phone',\
answered:'已确认，正在登录 Confirmed, logging in',cancelled:'已取消 Cancelled',expired:'已过期 Expired'}};\
var skew=Number(left.dataset.now)*1000-Date.now(),frame=0;\
function count(){{var now=(Date.now()+skew)/1000;\
var until=st.dataset.state==='waiting'?Number(left.dataset.scanBy):Number(left.dataset.answerBy);\
left.textContent=Math.max(0,Math.ceil(until-now))+' 秒 s';}}\
function tick(){{count();\
if(st.dataset.state==='waiting'){{frame+=1;img.src=base+'/qr?n='+frame;}}}}\
var timer=setInterval(tick,1000);count();\
function show(d){{st.dataset.state=d.state;st.textContent=labels[d.state]||d.state;\
if(d.state==='answered'){{clearInterval(timer);complete();return true;}}\
if(d.state==='cancelled'||d.state==='expired'){{clearInterval(timer);\
img.hidden=true;left.textContent='0 秒 s';\
reason.textContent=d.reason?(d.reason_zh||'')+' / '+d.reason:'';\
reason.hidden=false;again.hidden=false;return true;}}return false;}}\
function complete(){{fetch(base+'/complete',{{cache:'no-store'}})\
.then(function(r){{return r.text().then(function(h){{return [r.url,h];}});}})\
.then(function(x){{var doc=new DOMParser().parseFromString(x[1],'text/html');\
document.title=doc.title;document.body.replaceWith(document.adoptNode(doc.body));\
history.replaceState(null,'',new URL(x[0]).pathname);}})\
.catch(function(){{location.href=base+'/complete';}});}}\
function poll(){{fetch(base+'/status?since='+st.dataset.state,{{cache:'no-store'}})\
.then(function(r){{return r.json();}})\
.then(function(d){{if(!show(d))poll();}})\
.catch(function(){{setTimeout(poll,2000);}});}}\
poll();}})();"
    )
}

/// `GET /portal/login/{id}/qr`: the current frame as SVG, for the page's
/// cookie only, until the request is final.
async fn qr_image(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let record = qr::desktop_record(&state, id, &headers).await?;
    if record.state.is_final() {
        return Ok((StatusCode::GONE, "二维码已失效 the code is no longer shown").into_response());
    }
    let t = state.clock.now() - record.created_at;
    let url = frame::frame_url(&state.public_base, &record.frame_key, &record.id, t);
    let svg = qrcode::QrCode::new(url.as_bytes())
        .map_err(|e| Failure::internal(&e))?
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(280, 280)
        .quiet_zone(true)
        .build();
    let mut response = (
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        svg,
    )
        .into_response();
    no_store(&mut response);
    Ok(response)
}

/// Maximum time a status request with `since` is held, in seconds.
pub(crate) const LONG_POLL_SECS: u64 = 25;

#[derive(Deserialize)]
struct StatusQuery {
    since: Option<String>,
}

/// `GET /portal/login/{id}/status`: the request's state. With `since`,
/// the answer waits until the state differs from it (woken by every change
/// and once a second, for lazy expiry), at most [`LONG_POLL_SECS`].
async fn status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<StatusQuery>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, Failure> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(LONG_POLL_SECS);
    let mut changes = state.qr_changes.subscribe();
    loop {
        let record = qr::desktop_record(&state, id.clone(), &headers).await?;
        let changed = query.since.as_deref() != Some(record.state.as_str());
        if changed || tokio::time::Instant::now() >= deadline {
            return Ok(Json(serde_json::json!({
                "state": record.state.as_str(),
                "reason": record.reason,
                "reason_zh": record.reason_zh,
            })));
        }

        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
            woken = changes.changed() => if woken.is_err() {
                return Err(Failure::internal(&"the QR change channel closed"));
            },
        }
    }
}

/// `GET /portal/login/{id}/complete`: the portal session from the
/// accepted answer.
async fn complete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Failure> {
    let record = qr::desktop_record(&state, id, &headers).await?;
    if record.requester.kind != RequesterKind::Portal || record.kind != QrKind::Login {
        return Err(qr::QrError::NotFound.into());
    }
    let answer = match record.accepted_answer() {
        Ok(answer) => answer,
        Err(err) => return Ok(refusal_page(&err.message_zh(), &err.to_string())),
    };
    let certificate = base64::engine::general_purpose::STANDARD
        .decode(&answer.certificate)
        .ok()
        .and_then(|der| CertInfo::from_der(&der, "answering certificate").ok())
        .ok_or_else(|| Failure::internal(&"an accepted answer's certificate does not parse"))?;

    let now = state.clock.now();
    let request_id = record.id.clone();
    let started = state
        .db
        .call(move |conn| {
            Ok::<_, PortalError>(portal::start_session(
                conn,
                &request_id,
                &certificate.fingerprint,
                now,
            ))
        })
        .await;
    let (token, user) = match started {
        Ok(Ok(session)) => session,
        Ok(Err(err)) | Err(err) => {
            if let PortalError::Db(db) = err {
                return Err(Failure::internal(&db));
            }
            tracing::info!(request = %record.id, code = err.code(), "portal login rejected");
            return Ok(refusal_page(&err.message_zh(), &err.to_string()));
        }
    };

    tracing::info!(request = %record.id, credit_code = %user.credit_code, "portal login");
    let mut response = Redirect::to("/portal").into_response();
    set_cookie(&mut response, SESSION_COOKIE, &token, portal::SESSION_SECS);
    set_cookie(&mut response, DESKTOP_COOKIE, "", 0);
    Ok(response)
}

fn refusal_page(zh: &str, en: &str) -> Response {
    let body = html! {
        p id="state" data-state="refused" { (zh) }
        p class="en" { (en) }
        p { a href="/portal/login" { button type="button" { "获取新二维码 New code" } } }
    };
    (
        StatusCode::FORBIDDEN,
        portal_page("登录失败 Login failed", &body),
    )
        .into_response()
}

async fn current_user(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<PortalUser>, Failure> {
    let Some(token) = qr::cookie(headers, SESSION_COOKIE).map(str::to_owned) else {
        return Ok(None);
    };
    let now = state.clock.now();
    Ok(state
        .db
        .call(move |conn| portal::user(conn, &token, now))
        .await?)
}

/// `GET /portal`: who is logged in.
async fn home(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, Failure> {
    let user = current_user(&state, &headers).await?;
    let body = if let Some(user) = &user {
        html! {
            p id="portal-user" {
                "已登录：" (user.company) "（" (user.credit_code) "），经办人 " (user.holder)
            }
            p class="en" { "Logged in: " (user.company) " (" (user.credit_code) "), holder " (user.holder) }
            form method="post" action="/portal/logout" {
                button type="submit" id="logout" { "退出登录 Log out" }
            }
        }
    } else {
        html! {
            p id="portal-anonymous" { "未登录 Not logged in" }
            p { a href="/portal/login" id="login" { "扫码登录 Log in with the app" } }
        }
    };
    let mut response = portal_page("交易平台门户 Portal", &body).into_response();
    no_store(&mut response);
    Ok(response)
}

/// `POST /portal/logout`.
async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, Failure> {
    if cross_site(&headers) {
        return Ok(cross_site_refused());
    }
    if let Some(token) = qr::cookie(&headers, SESSION_COOKIE).map(str::to_owned) {
        let now = state.clock.now();
        state
            .db
            .call(move |conn| portal::end_session(conn, &token, now))
            .await?;
        tracing::info!("portal logout");
    }
    let mut response = Redirect::to("/portal").into_response();
    set_cookie(&mut response, SESSION_COOKIE, "", 0);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(text: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Ok(value) = HeaderValue::from_str(text) {
            headers.insert(header::USER_AGENT, value);
        }
        headers
    }

    #[test]
    fn browser_names_are_short() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                      HeadlessChrome/120.0.0.0 Safari/537.36";
        assert_eq!(browser_name(&agent(chrome)), "Chrome · Linux");
        assert_eq!(
            browser_name(&agent(
                "Mozilla/5.0 (Windows NT 10.0) Gecko/20100101 Firefox/121.0"
            )),
            "Firefox · Windows"
        );
        assert_eq!(browser_name(&agent("curl/8.5.0")), "curl/8.5.0");
        assert_eq!(browser_name(&HeaderMap::new()), "浏览器 browser");
        assert_eq!(
            browser_name(&agent(&"x".repeat(300))).chars().count(),
            MAX_MACHINE_NAME_CHARS
        );
    }
}
