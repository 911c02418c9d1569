//! The server's frame against a real instance on loopback: health, server
//! time and request ids on every answer, JSON errors for unknown paths,
//! malformed and oversized bodies, and the binary's startup line and
//! graceful stop on SIGTERM.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::TestPlatform;
use palmbid_core::api::{ErrorBody, ErrorCode, REQUEST_ID_HEADER, SERVER_TIME_HEADER, paths};
use palmbid_platform::JSON_BODY_LIMIT;

#[tokio::test]
async fn health_reports_ok_and_server_time() {
    let platform = TestPlatform::start().await;
    platform.server.clock().advance(3600);
    let client = platform.client();

    let health = client.health().await.unwrap();

    assert_eq!(health.status, "ok");
    let offset = client.clock_offset_ms();
    assert!((3_590_000..3_610_000).contains(&offset), "offset {offset}");
    assert!((health.server_time_ms / 1000 - client.server_now()).abs() <= 2);
}

#[tokio::test]
async fn every_answer_has_request_id_and_server_time() {
    let platform = TestPlatform::start().await;
    let http = common::raw_http();

    for path in [paths::HEALTH, "/api/v1/nothing-here"] {
        let response = http.get(platform.url(path)).send().await.unwrap();

        let id = response.headers().get(REQUEST_ID_HEADER).unwrap();
        assert_eq!(id.len(), 16, "{path}");
        let time: i64 = response.headers()[SERVER_TIME_HEADER]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(time > 1_700_000_000_000, "{path}: {time}");
    }
}

#[tokio::test]
async fn unknown_path_is_a_json_404() {
    let platform = TestPlatform::start().await;

    let response = common::raw_http()
        .get(platform.url("/api/v1/nothing-here"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 404);
    let body: ErrorBody = response.json().await.unwrap();
    assert_eq!(body.code, ErrorCode::NotFound);
    assert!(!body.message_zh.is_empty());
}

#[tokio::test]
async fn malformed_bodies_are_refused_with_their_code() {
    let platform = TestPlatform::start().await;
    let http = common::raw_http();

    for (body, content_type) in [
        ("{\"phone\": ", "application/json"),
        ("{\"phone\": 13800138000}", "application/json"),
        ("{}", "application/json"),
        ("phone=13800138000", "application/x-www-form-urlencoded"),
    ] {
        let response = http
            .post(platform.url(paths::SMS_CODE))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();

        assert!(
            response.status().is_client_error(),
            "{body}: {}",
            response.status()
        );
        let error: ErrorBody = response.json().await.unwrap();
        assert_eq!(error.code, ErrorCode::Malformed, "{body}");
    }
}

#[tokio::test]
async fn oversized_body_is_refused() {
    let platform = TestPlatform::start().await;
    let padding = "x".repeat(JSON_BODY_LIMIT + 1);
    let body = format!("{{\"phone\": \"13800138000\", \"pad\": \"{padding}\"}}");

    let response = common::raw_http()
        .post(platform.url(paths::SMS_CODE))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 413);
    let error: ErrorBody = response.json().await.unwrap();
    assert_eq!(error.code, ErrorCode::TooLarge);
}

#[test]
fn binary_prints_address_and_stops_on_sigterm() {
    let data = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_palmbid-platform"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(data.path())
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let url = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{first}");

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let health = runtime.block_on(async {
        palmbid_core::api::client::PlatformClient::new(&url)
            .unwrap()
            .health()
            .await
            .unwrap()
    });
    assert_eq!(health.status, "ok");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(data.path().join("platform.sqlite3").exists());
}

#[tokio::test]
async fn trust_anchor_is_a_ca_and_survives_restart() {
    let data = tempfile::tempdir().unwrap();
    let config =
        palmbid_platform::Config::new("127.0.0.1:0".parse().unwrap(), data.path().to_path_buf());

    let first = palmbid_platform::Platform::spawn(config.clone())
        .await
        .unwrap();
    let client = palmbid_core::api::client::PlatformClient::new(&first.base_url()).unwrap();
    let anchor = client.trust_anchor().await.unwrap();
    first.shutdown().await.unwrap();
    let second = palmbid_platform::Platform::spawn(config).await.unwrap();
    let client = palmbid_core::api::client::PlatformClient::new(&second.base_url()).unwrap();
    let again = client.trust_anchor().await.unwrap();

    let cert =
        palmbid_core::pki::CertInfo::from_pem_or_der(anchor.certificate_pem.as_bytes(), "anchor")
            .unwrap();
    assert!(cert.is_ca);
    assert!(cert.key_usage.key_cert_sign);
    assert_eq!(cert.fingerprint, anchor.fingerprint);
    assert_eq!(again, anchor);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(data.path().join("ca/root.key.pem"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
