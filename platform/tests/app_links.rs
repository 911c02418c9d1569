//! The App Links and universal links association files, served by a real
//! platform on loopback, and the startup rejections of invalid
//! `--android-app` and `--ios-app` values, through the configuration and
//! through the binary.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::process::Command;

use common::TestPlatform;
use palmbid_core::api::{ErrorBody, ErrorCode};
use palmbid_platform::app_links::{APPLE_ASSOCIATION_PATH, ASSET_LINKS_PATH};
use palmbid_platform::{Config, Platform, PlatformError};
use serde_json::{Value, json};

/// Builds a fingerprint as Android prints it: 32 upper-case hex bytes.
fn fingerprint(seed: u8) -> String {
    (0..32_u8)
        .map(|i| format!("{:02X}", i.wrapping_mul(7).wrapping_add(seed)))
        .collect::<Vec<_>>()
        .join(":")
}

/// GETs `path` without following redirects: Apple fetches the file
/// without them, so a redirect must fail the test, not be hidden by the
/// client. Returns the status, the content type and the body.
async fn get(platform: &TestPlatform, path: &str) -> (u16, String, String) {
    palmbid_core::api::client::install_ring_provider();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client.get(platform.url(path)).send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, content_type, response.text().await.unwrap())
}

/// GETs a JSON association file, checking the status and content type.
async fn get_json(platform: &TestPlatform, path: &str) -> Value {
    let (status, content_type, body) = get(platform, path).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(content_type, "application/json");
    serde_json::from_str(&body).unwrap()
}

fn statement(package: &str, fingerprints: &[&str]) -> Value {
    json!({
        "relation": ["delegate_permission/common.handle_all_urls"],
        "target": {
            "namespace": "android_app",
            "package_name": package,
            "sha256_cert_fingerprints": fingerprints,
        },
    })
}

fn association(app_ids: &[&str]) -> Value {
    json!({
        "applinks": {
            "details": [{
                "appIDs": app_ids,
                "components": [{ "/": "/q/*" }],
            }],
        },
    })
}

#[tokio::test]
async fn files_without_apps() {
    let platform = TestPlatform::start().await;

    assert_eq!(get_json(&platform, ASSET_LINKS_PATH).await, json!([]));

    let (status, content_type, body) = get(&platform, APPLE_ASSOCIATION_PATH).await;
    assert_eq!(status, 404);
    assert_eq!(content_type, "application/json");
    let error: ErrorBody = serde_json::from_str(&body).unwrap();
    assert_eq!(error.code, ErrorCode::NotFound);
}

#[tokio::test]
async fn one_android_app_statement() {
    let print = fingerprint(3);
    let platform = TestPlatform::start_configured(|config| {
        config.android_apps = vec![format!("palmbid.app:{print}")];
    })
    .await;

    assert_eq!(
        get_json(&platform, ASSET_LINKS_PATH).await,
        json!([statement("palmbid.app", &[&print])])
    );
    // Only the Android file changes.
    let (status, _, _) = get(&platform, APPLE_ASSOCIATION_PATH).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn android_apps_with_two_keys() {
    let (upload, play, other) = (fingerprint(1), fingerprint(2), fingerprint(9));
    let platform = TestPlatform::start_configured(|config| {
        config.android_apps = vec![
            format!("palmbid.app:{upload}"),
            // Lower case as some tools print it: served upper case.
            format!("cn.example.palmbid_test:{}", other.to_lowercase()),
            format!("palmbid.app:{play}"),
            // Given twice: listed once.
            format!("palmbid.app:{upload}"),
        ];
    })
    .await;

    assert_eq!(
        get_json(&platform, ASSET_LINKS_PATH).await,
        json!([
            statement("cn.example.palmbid_test", &[&other]),
            statement("palmbid.app", &[&upload, &play]),
        ])
    );
}

#[tokio::test]
async fn one_ios_app_claims_qr_paths() {
    let platform = TestPlatform::start_configured(|config| {
        config.ios_apps = vec!["ABCDE12345.cn.example.palmbid".to_owned()];
    })
    .await;

    assert_eq!(
        get_json(&platform, APPLE_ASSOCIATION_PATH).await,
        association(&["ABCDE12345.cn.example.palmbid"])
    );
    assert_eq!(get_json(&platform, ASSET_LINKS_PATH).await, json!([]));
}

#[tokio::test]
async fn two_ios_apps_one_entry() {
    let platform = TestPlatform::start_configured(|config| {
        config.ios_apps = vec![
            "ABCDE12345.cn.example.palmbid".to_owned(),
            "9Z8Y7X6W5V.cn.example.palmbid-beta".to_owned(),
            "ABCDE12345.cn.example.palmbid".to_owned(),
        ];
        config.android_apps = vec![format!("palmbid.app:{}", fingerprint(4))];
    })
    .await;

    assert_eq!(
        get_json(&platform, APPLE_ASSOCIATION_PATH).await,
        association(&[
            "ABCDE12345.cn.example.palmbid",
            "9Z8Y7X6W5V.cn.example.palmbid-beta"
        ])
    );
    assert_eq!(
        get_json(&platform, ASSET_LINKS_PATH).await,
        json!([statement("palmbid.app", &[&fingerprint(4)])])
    );
}

/// Starts a platform with `configure` applied and returns the startup
/// error, checking that nothing was left in the data folder.
async fn rejected_start(configure: impl FnOnce(&mut Config)) -> PlatformError {
    let parent = tempfile::tempdir().unwrap();
    let data = parent.path().join("data");
    let mut config = Config::new("127.0.0.1:0".parse().unwrap(), data.clone());
    configure(&mut config);
    let Err(err) = Platform::spawn(config).await else {
        panic!("the platform started with an invalid app value");
    };
    assert!(
        !data.exists(),
        "a rejected start created {}",
        data.display()
    );
    err
}

#[tokio::test]
async fn invalid_android_apps_stop_startup() {
    let good = fingerprint(5);
    let short = good[..good.len() - 3].to_owned();
    let long = format!("{good}:AB");
    let dashes = good.replace(':', "-");
    let not_hex = format!("ZZ{}", &good[2..]);
    let bad = [
        "palmbid.app".to_owned(),
        format!("palmbid.app:{short}"),
        format!("palmbid.app:{long}"),
        format!("palmbid.app:{dashes}"),
        format!("palmbid.app:{not_hex}"),
        format!("palmbid:{good}"),
        format!("palmbid..app:{good}"),
        format!("palmbid.1app:{good}"),
        format!("palm-bid.app:{good}"),
        format!(":{good}"),
    ];
    for value in bad {
        let err = rejected_start(|config| {
            config.android_apps = vec![format!("palmbid.app:{good}"), value.clone()];
        })
        .await;
        assert!(matches!(err, PlatformError::AppLink(_)), "{value}: {err}");
        let message = err.to_string();
        assert!(message.contains(&format!("{value:?}")), "{message}");
        assert!(
            message.contains("Expected PACKAGE:SHA256_FINGERPRINT"),
            "{message}"
        );
    }
}

#[tokio::test]
async fn invalid_ios_apps_stop_startup() {
    let bad = [
        "ABCDE12345",
        "ABCDE1234.cn.example.palmbid",
        "ABCDE123456.cn.example.palmbid",
        "abcde12345.cn.example.palmbid",
        "ABCDE12345.",
        "ABCDE12345.cn..palmbid",
        "ABCDE12345.cn.example.palmbid.",
        "ABCDE12345.cn.example/palmbid",
        "ABCDE12345.cn.example palmbid",
    ];
    for value in bad {
        let err = rejected_start(|config| config.ios_apps = vec![value.to_owned()]).await;
        assert!(matches!(err, PlatformError::AppLink(_)), "{value}: {err}");
        let message = err.to_string();
        assert!(message.contains(&format!("{value:?}")), "{message}");
        assert!(message.contains("Expected TEAMID.BUNDLEID"), "{message}");
    }
}

#[test]
fn binary_rejects_invalid_app() {
    let data = tempfile::tempdir().unwrap();
    for (flag, value, form) in [
        (
            "--android-app",
            "palmbid.app:14:6D",
            "PACKAGE:SHA256_FINGERPRINT",
        ),
        ("--ios-app", "palmbid.app", "TEAMID.BUNDLEID"),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_palmbid-platform"))
            .args(["serve", "--listen", "127.0.0.1:0", "--data"])
            .arg(data.path().join("data"))
            .args([flag, value])
            .output()
            .unwrap();

        assert!(!output.status.success(), "{flag} {value} started");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(value), "{stderr}");
        assert!(stderr.contains(form), "{stderr}");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(stdout.is_empty(), "it listened: {stdout}");
    }
}
