//! `palmbid platform`, `palmbid login` and `palmbid logout` against a real
//! platform started in-process on a free loopback port.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use palmbid_platform::{Config, Platform, RunningPlatform};

const PHONE: &str = "13800138000";

/// A platform on its own runtime, and a keystore home.
struct Setup {
    dir: tempfile::TempDir,
    server: RunningPlatform,
    runtime: tokio::runtime::Runtime,
}

impl Setup {
    fn new() -> Self {
        Self::with_auto_approve(false)
    }

    fn with_auto_approve(dev_auto_approve: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let config = Config {
            dev_auto_approve,
            ..Config::new("127.0.0.1:0".parse().unwrap(), dir.path().join("platform"))
        };
        let server = runtime.block_on(Platform::spawn(config)).unwrap();
        Setup {
            dir,
            server,
            runtime,
        }
    }

    fn url(&self) -> String {
        self.server.base_url()
    }

    fn sms_file(&self, phone: &str) -> PathBuf {
        self.dir
            .path()
            .join("platform/sms")
            .join(format!("{phone}.txt"))
    }

    fn sms_code(&self, phone: &str) -> String {
        std::fs::read_to_string(self.sms_file(phone)).unwrap()
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_palmbid"));
        command
            .arg("--home")
            .arg(self.dir.path().join("home"))
            .arg("--pin-stdin")
            .args(args)
            .env("LANG", "C")
            .env_remove("LC_ALL")
            .env_remove("RUST_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    fn palmbid(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.palmbid(args);
        assert!(
            out.status.success(),
            "palmbid {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs `args`, expects exit status 1 and returns standard error.
    fn fails(&self, args: &[&str]) -> String {
        let out = self.palmbid(args);
        assert_eq!(out.status.code(), Some(1), "palmbid {args:?}: {out:?}");
        String::from_utf8(out.stderr).unwrap()
    }

    fn add_platform(&self) {
        self.ok(&["platform", "add", "dev", &self.url()]);
    }
}

fn wait_for(path: &Path) {
    let start = Instant::now();
    while !path.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn platform_add_list_remove() {
    let setup = Setup::new();

    let added = setup.ok(&["platform", "add", "本地平台", &setup.url()]);
    let listed: serde_json::Value =
        serde_json::from_str(&setup.ok(&["platform", "list", "--json"])).unwrap();
    let duplicate = setup.fails(&["platform", "add", "again", &setup.url()]);
    setup.ok(&["platform", "remove", "本地平台"]);
    let after = setup.ok(&["platform", "list"]);

    assert!(added.contains("trust anchor SHA-256"), "{added}");
    assert_eq!(listed[0]["name"], "本地平台");
    assert_eq!(listed[0]["base_url"], setup.url());
    assert_eq!(listed[0]["logged_in_phone"], serde_json::Value::Null);
    assert!(
        duplicate.contains("[account.platform_exists]"),
        "{duplicate}"
    );
    assert!(after.contains("No trusted platform"), "{after}");
}

#[test]
fn platform_add_refuses_bad_addresses() {
    let setup = Setup::new();
    let with_user = setup.url().replace("http://", "http://admin@");

    let user_info = setup.fails(&["platform", "add", "x", &with_user]);
    let backslash = setup.fails(&["platform", "add", "x", "https://ca.example.cn\\@127.0.0.1/"]);
    let plain_remote = setup.fails(&["platform", "add", "x", "http://ca.example.cn/"]);

    for err in [&user_info, &backslash, &plain_remote] {
        assert!(err.contains("[api.invalid_url]"), "{err}");
    }
}

#[test]
fn login_with_code_then_logout() {
    let setup = Setup::new();
    setup.add_platform();

    setup.ok(&["login", PHONE, "--send-only"]);
    let code = setup.sms_code(PHONE);
    let logged_in = setup.ok(&["login", PHONE, "--code", &code]);
    let listed: serde_json::Value =
        serde_json::from_str(&setup.ok(&["platform", "list", "--json"])).unwrap();
    let logged_out = setup.ok(&["logout"]);
    let again = setup.fails(&["logout"]);

    assert!(
        logged_in.contains("Logged in: 13800138000 @ dev"),
        "{logged_in}"
    );
    assert!(logged_in.contains("privacy policy"), "{logged_in}");
    assert_eq!(listed[0]["logged_in_phone"], PHONE);
    assert!(logged_out.contains("Logged out of dev"), "{logged_out}");
    assert!(again.contains("[account.not_logged_in]"), "{again}");
}

#[test]
fn login_reads_the_code_from_standard_input() {
    let setup = Setup::new();
    setup.add_platform();
    let mut child = setup.command(&["login", PHONE]).spawn().unwrap();

    wait_for(&setup.sms_file(PHONE));
    let code = setup.sms_code(PHONE);
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{code}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();

    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("Logged in: 13800138000"));
}

#[test]
fn wrong_reused_and_too_frequent_codes_fail_with_their_codes() {
    let setup = Setup::new();
    setup.add_platform();
    setup.ok(&["login", PHONE, "--send-only"]);
    let code = setup.sms_code(PHONE);
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);

    let too_soon = setup.fails(&["login", PHONE, "--send-only"]);
    let wrong_code = setup.fails(&["login", PHONE, "--code", &wrong]);
    setup.ok(&["login", PHONE, "--code", &code]);
    let reused = setup.fails(&["login", PHONE, "--code", &code]);
    let malformed = setup.fails(&["login", PHONE, "--code", "12a4"]);

    assert!(too_soon.contains("[auth.sms_rate_limited]"), "{too_soon}");
    assert!(wrong_code.contains("[auth.sms_code_wrong]"), "{wrong_code}");
    assert!(reused.contains("[auth.sms_code_expired]"), "{reused}");
    assert!(malformed.contains("[account.invalid_code]"), "{malformed}");
}

#[test]
fn login_messages_are_chinese_under_zh_locale() {
    let setup = Setup::new();
    setup.add_platform();

    let out = setup
        .command(&["login", "123"])
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();

    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        err.contains("[account.invalid_phone]") && err.contains("手机号"),
        "{err}"
    );
}

#[test]
fn login_without_a_platform_is_a_usage_error() {
    let setup = Setup::new();

    let out = setup.palmbid(&["login", PHONE]);

    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[cli.no_platform]"));
}

#[test]
fn verify_identity_code_submit_and_status() {
    let setup = Setup::new();
    setup.add_platform();
    setup.ok(&["login", PHONE, "--send-only"]);
    setup.ok(&["login", PHONE, "--code", &setup.sms_code(PHONE)]);
    let video = setup.dir.path().join("video.mp4");
    std::fs::write(&video, b"\x00\x00\x00\x18ftypmp42 test").unwrap();
    let video = video.to_str().unwrap();

    let before = setup.ok(&["verify-identity", "status"]);
    let code = setup.ok(&["verify-identity", "code"]);
    let code = code.trim();
    let bad_id = setup.fails(&[
        "verify-identity",
        "submit",
        "--name",
        "张三",
        "--id-number",
        "110105194912310021",
        "--code",
        code,
        "--video",
        video,
    ]);
    let submitted = setup.ok(&[
        "verify-identity",
        "submit",
        "--name",
        "张三",
        "--id-number",
        "11010519491231002X",
        "--code",
        code,
        "--video",
        video,
    ]);
    let again = setup.fails(&["verify-identity", "code"]);

    assert!(before.contains("not submitted"), "{before}");
    assert_eq!(code.len(), 4, "{code}");
    assert!(bad_id.contains("[account.invalid_id_number]"), "{bad_id}");
    assert!(
        submitted.contains("pending review") && submitted.contains("张三"),
        "{submitted}"
    );
    assert!(again.contains("[identity.case_open]"), "{again}");
}

/// Posts a console form; returns the redirect target.
fn console_post(setup: &Setup, path: &str, form: &[(&str, &str)]) -> String {
    palmbid_core::api::client::install_ring_provider();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let url = format!("{}{}", setup.url(), path.trim_start_matches('/'));
    let response = setup
        .runtime
        .block_on(client.post(url).form(form).send())
        .unwrap();
    assert_eq!(response.status(), 303, "{path}");
    response.headers()["location"].to_str().unwrap().to_owned()
}

fn console_get(setup: &Setup, path: &str) -> String {
    let url = format!("{}{}", setup.url(), path.trim_start_matches('/'));
    setup
        .runtime
        .block_on(async { reqwest::get(url).await.unwrap().text().await.unwrap() })
}

#[test]
fn scan_then_download_installs_the_certificates() {
    let setup = Setup::with_auto_approve(true);
    setup.add_platform();
    setup.ok(&["login", PHONE, "--send-only"]);
    setup.ok(&["login", PHONE, "--code", &setup.sms_code(PHONE)]);
    let video = setup.dir.path().join("video.mp4");
    std::fs::write(&video, b"video").unwrap();
    let code = setup.ok(&["verify-identity", "code"]);
    setup.ok(&[
        "verify-identity",
        "submit",
        "--name",
        "张三",
        "--id-number",
        "11010519491231002X",
        "--code",
        code.trim(),
        "--video",
        video.to_str().unwrap(),
    ]);
    let credit = "91110000802100433B";
    let order = console_post(
        &setup,
        "/console/orders",
        &[
            ("name", "张三"),
            ("phone", PHONE),
            ("company", "示例科技有限公司"),
            ("credit_code", credit),
            ("seal_personal", "on"),
        ],
    );
    console_post(&setup, &format!("{order}/approve"), &[]);
    let page = console_get(&setup, &order);
    let start = page.find("<code id=\"pickup-url\">").unwrap() + 22;
    let url = page[start..start + page[start..].find('<').unwrap()].to_owned();

    let mut child = setup.command(&["scan", &url]).spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"135790\n135790\n")
        .unwrap();
    let scanned = child.wait_with_output().unwrap();
    let certs_before = setup.ok(&["certs", "--json"]);
    let missing = {
        let mut child = setup.command(&["download"]).spawn().unwrap();
        // The download may fail before it reads the PIN, closing the pipe.
        let written = child.stdin.take().unwrap().write_all(b"135790\n");
        if let Err(err) = written {
            assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe, "{err}");
        }
        child.wait_with_output().unwrap()
    };
    console_post(
        &setup,
        "/console/registry",
        &[("company", "示例科技有限公司"), ("credit_code", credit)],
    );
    let mut child = setup.command(&["download"]).spawn().unwrap();
    child.stdin.take().unwrap().write_all(b"135790\n").unwrap();
    let downloaded = child.wait_with_output().unwrap();
    let certs: serde_json::Value = serde_json::from_str(&setup.ok(&["certs", "--json"])).unwrap();
    let scanned_again = setup.fails(&["scan", &url]);

    let scanned_out = String::from_utf8_lossy(&scanned.stdout);
    assert!(
        scanned.status.success(),
        "{}",
        String::from_utf8_lossy(&scanned.stderr)
    );
    assert!(
        scanned_out.contains("示例科技有限公司") && scanned_out.contains("not yet usable"),
        "{scanned_out}"
    );
    assert_eq!(certs_before.trim(), "[]");
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("[pickup.company_not_registered]"));
    assert!(
        downloaded.status.success(),
        "{}",
        String::from_utf8_lossy(&downloaded.stderr)
    );
    assert_eq!(certs.as_array().unwrap().len(), 2);
    assert!(
        scanned_again.contains("[pickup.already_issued]"),
        "{scanned_again}"
    );
}

#[test]
fn scan_of_an_unknown_host_is_refused() {
    let setup = Setup::new();
    setup.add_platform();

    let err = setup.fails(&[
        "scan",
        "https://evil.example/q/0123456789abcdef0123456789abcdef",
    ]);

    assert!(err.contains("[qr.unknown_host]"), "{err}");
}
