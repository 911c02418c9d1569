//! `palmbid guarantee` against a real platform started in-process on a
//! free loopback port: a phone that picked up a bidder's certificates
//! lists the project, gets the section's code, is refused a missing
//! section and an unknown institution, applies through the development
//! institution and saves the verified guarantee.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use palmbid_platform::{Config, Platform, RunningPlatform};

const PHONE: &str = "13800138000";
const CREDIT: &str = "91110000802100433B";
const PIN: &[u8] = b"135790\n";

struct Setup {
    dir: tempfile::TempDir,
    server: RunningPlatform,
    runtime: tokio::runtime::Runtime,
}

impl Setup {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let config = Config {
            dev_auto_approve: true,
            ..Config::new("127.0.0.1:0".parse().unwrap(), dir.path().join("platform"))
        };
        let server = runtime.block_on(Platform::spawn(config)).unwrap();
        Setup {
            dir,
            server,
            runtime,
        }
    }

    /// Runs `palmbid ARGS` with `stdin` on its standard input.
    fn run(&self, args: &[&str], stdin: &[u8]) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_palmbid"))
            .arg("--home")
            .arg(self.dir.path().join("home"))
            .arg("--pin-stdin")
            .args(args)
            .env("LANG", "C")
            .env_remove("LC_ALL")
            .env_remove("RUST_LOG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A command may fail before it reads its input.
        let _ = child.stdin.take().unwrap().write_all(stdin);
        child.wait_with_output().unwrap()
    }

    fn ok(&self, args: &[&str], stdin: &[u8]) -> String {
        let out = self.run(args, stdin);
        assert!(
            out.status.success(),
            "palmbid {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn fails(&self, args: &[&str], stdin: &[u8]) -> String {
        let out = self.run(args, stdin);
        assert_eq!(out.status.code(), Some(1), "palmbid {args:?}: {out:?}");
        String::from_utf8(out.stderr).unwrap()
    }

    fn post(&self, path: &str, form: &[(&str, &str)]) -> String {
        palmbid_core::api::client::install_ring_provider();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let url = format!("{}{}", self.server.base_url(), path.trim_start_matches('/'));
        let response = self
            .runtime
            .block_on(client.post(url).form(form).send())
            .unwrap();
        assert_eq!(response.status(), 303, "{path}");
        response.headers()["location"].to_str().unwrap().to_owned()
    }

    fn get(&self, path: &str) -> String {
        let url = format!("{}{}", self.server.base_url(), path.trim_start_matches('/'));
        self.runtime
            .block_on(async { reqwest::get(url).await.unwrap().text().await.unwrap() })
    }
}

/// Logs in, verifies identity, picks up and downloads the certificates of
/// company `CREDIT`.
fn bidder(setup: &Setup) {
    setup.ok(&["platform", "add", "dev", &setup.server.base_url()], b"");
    setup.ok(&["login", PHONE, "--send-only"], b"");
    let sms = std::fs::read_to_string(setup.dir.path().join(format!("platform/sms/{PHONE}.txt")))
        .unwrap();
    setup.ok(&["login", PHONE, "--code", sms.trim()], b"");
    let video = setup.dir.path().join("video.mp4");
    std::fs::write(&video, b"video").unwrap();
    let code = setup.ok(&["verify-identity", "code"], b"");
    setup.ok(
        &[
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
        ],
        b"",
    );
    let order = setup.post(
        "/console/orders",
        &[
            ("name", "张三"),
            ("phone", PHONE),
            ("company", "示例科技有限公司"),
            ("credit_code", CREDIT),
        ],
    );
    setup.post(&format!("{order}/approve"), &[]);
    setup.post(
        "/console/registry",
        &[("company", "示例科技有限公司"), ("credit_code", CREDIT)],
    );
    let page = setup.get(&order);
    let start = page.find("<code id=\"pickup-url\">").unwrap() + 22;
    let url = page[start..start + page[start..].find('<').unwrap()].to_owned();
    setup.ok(&["scan", &url], b"135790\n135790\n");
    setup.ok(&["download"], PIN);
}

/// Enters a project with one section whose bidder is `CREDIT`, requiring
/// a guarantee; returns its id.
fn guarantee_project(setup: &Setup) -> String {
    let name = "命令行保函测试工程";
    setup.post(
        "/console/hall",
        &[
            ("name", name),
            ("opening", "2099-01-01T09:00"),
            ("section", "第一标段"),
            ("bidders", &format!("{CREDIT} 示例科技有限公司")),
        ],
    );
    let page = setup.get("/console/hall");
    let id = page
        .split("<tr data-project=\"")
        .skip(1)
        .find(|row| row[..row.find("</tr>").unwrap()].contains(name))
        .map(|row| row[..row.find('"').unwrap()].to_owned())
        .unwrap();
    setup.post(
        &format!("/console/guarantee/{id}/require"),
        &[("required", "1")],
    );
    id
}

#[test]
fn guarantee_commands_from_code_to_verified_issue() {
    let setup = Setup::new();
    bidder(&setup);
    let project = guarantee_project(&setup);

    let list = setup.ok(&["guarantee", "list"], b"");
    assert!(list.contains(&project), "{list}");
    let sections = setup.ok(&["guarantee", "sections", &project], b"");
    assert!(sections.contains(CREDIT), "{sections}");
    let code = setup.ok(&["guarantee", "code", &project, "1"], b"");
    assert!(
        code.trim().starts_with("BH") && code.trim().len() == 22,
        "{code}"
    );
    let missing = setup.fails(&["guarantee", "code", &project, "2"], b"");
    assert!(
        missing.contains("[guarantee.section_not_found]"),
        "{missing}"
    );
    let institutions = setup.ok(&["guarantee", "institutions"], b"");
    assert!(institutions.contains("dev-institution"), "{institutions}");
    assert!(
        institutions.contains("development institution"),
        "{institutions}"
    );

    let unknown = setup.fails(
        &[
            "guarantee",
            "apply",
            &project,
            "1",
            "--institution",
            "no-such-bank",
        ],
        PIN,
    );
    assert!(
        unknown.contains("[account.institution_unknown]"),
        "{unknown}"
    );
    let none = setup.ok(&["guarantee", "status", &project, "1"], b"");
    assert!(none.contains("none"), "{none}");

    let applied = setup.ok(
        &[
            "guarantee",
            "apply",
            &project,
            "1",
            "--institution",
            "dev-institution",
            "--submit",
        ],
        PIN,
    );
    assert!(
        applied.contains("/dev/guarantee-institution/apply?code="),
        "{applied}"
    );
    assert!(applied.contains("issued (signature verified)"), "{applied}");

    let out = setup.dir.path().join("guarantee.pdf");
    let status = setup.ok(
        &[
            "guarantee",
            "status",
            &project,
            "1",
            "--out",
            out.to_str().unwrap(),
        ],
        b"",
    );
    assert!(status.contains("DEV-"), "{status}");
    assert!(std::fs::read(&out).unwrap().starts_with(b"%PDF-"));
}
