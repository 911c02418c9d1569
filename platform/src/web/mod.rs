//! The operator console: server-rendered HTML pages (maud, which escapes
//! every interpolated value) under `/console`, and the platform portal's
//! pages under `/portal` ([`portal`]).
//!
//! Forms post back and are answered with a 303 redirect to the page, so a
//! reload does not repeat a decision. A post whose `Origin` header names
//! another site is refused (403), so a page elsewhere cannot make the
//! operator's browser approve a case.
//!
//! NOTE: there is no operator login yet; run the console on loopback or
//! behind the operator network's access control.

mod certificates;
mod guarantee;
mod hall;
mod hall_experts;
mod hall_project;
mod identity;
mod orders;
pub(crate) mod portal;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;

use crate::AppState;

/// The console's routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/console", get(index))
        .merge(identity::routes())
        .merge(orders::routes())
        .merge(certificates::routes())
        .merge(hall::routes())
        .merge(hall_project::routes())
        .merge(hall_experts::routes())
        .merge(guarantee::routes())
        .merge(portal::routes())
}

async fn index() -> Markup {
    page(
        "控制台 Console",
        &html! {
            ul {
                li { a href="/console/identity" { "实名认证审核 Identity verification" } }
                li { a href="/console/orders" { "证书订单 Certificate orders" } }
                li { a href="/console/registry" { "主体库 Entity registry" } }
                li { a href="/console/certificates" { "已签发证书与吊销 Issued certificates and revocation" } }
                li { a href="/console/hall" { "开标大厅 Bid-opening hall" } }
                li { a href="/console/experts" { "评标专家 Evaluation experts" } }
                li { a href="/console/guarantee" { "电子保函 Bid guarantees" } }
                li { a href="/portal" { "交易平台门户 Portal" } }
            }
        },
    )
}

/// A whole page around `body`.
pub(crate) fn page(title: &str, body: &Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · palmbid" }
                style { (STYLE) }
            }
            body {
                header { a href="/console" { "palmbid 参考平台控制台" } }
                h1 { (title) }
                (body)
            }
        }
    }
}

const STYLE: &str = "body{font-family:sans-serif;margin:2em;max-width:70em}\
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}\
.state-pending{color:#a60}.state-approved{color:#070}.state-rejected,.state-issued{color:#06c}\
form{display:inline}";

/// Whether a form post comes from another site: its `Origin`, when sent,
/// is not this host.
pub(crate) fn cross_site(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin
        .to_str()
        .ok()
        .and_then(|o| o.split_once("://"))
        .map(|(_, rest)| rest);
    host.is_none() || origin_host != host
}

/// Builds the 403 response to a cross-site form post.
pub(crate) fn cross_site_refused() -> Response {
    tracing::warn!("console form post rejected: its Origin is another site");
    (
        StatusCode::FORBIDDEN,
        "cross-site form post refused / 拒绝跨站提交",
    )
        .into_response()
}

/// Maximum characters kept from one console form field.
const MAX_FIELD_CHARS: usize = 200;

/// Cuts a console form field to [`MAX_FIELD_CHARS`] characters.
pub(crate) fn form_field(text: &str) -> String {
    text.chars().take(MAX_FIELD_CHARS).collect()
}

/// The form that rejects an identity case or a CA order, with its reason.
#[derive(Deserialize)]
pub(crate) struct RejectForm {
    pub(crate) reason: String,
}

/// Formats Unix seconds as `2026-12-04 20:30:00 UTC`.
pub(crate) fn time_text(unix: i64) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| unix.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(time_text(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(time_text(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(time_text(1_796_416_200), "2026-12-04 20:30:00 UTC");
    }
}
