//! Shared set-up of the command-line tests that need a platform: an
//! in-process platform on a free loopback port and a phone home that
//! logged in, passed identity verification and picked up a certificate
//! pair of [`COMPANY`].
#![allow(dead_code, reason = "each test file uses a part of it")]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use palmbid_platform::{Config, Platform, RunningPlatform};

pub(crate) const PHONE: &str = "13800138000";
pub(crate) const PIN: &str = "135790";
pub(crate) const COMPANY: &str = "示例科技有限公司";
pub(crate) const CREDIT: &str = "91110000802100433B";

pub(crate) struct Setup {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) server: RunningPlatform,
    pub(crate) runtime: tokio::runtime::Runtime,
}

impl Setup {
    /// A platform and a phone home holding a picked-up certificate pair.
    pub(crate) fn with_certificate() -> Self {
        let _ = tracing_subscriber::fmt().with_test_writer().try_init();
        let dir = tempfile::tempdir().unwrap();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let config = Config {
            dev_auto_approve: true,
            ..Config::new("127.0.0.1:0".parse().unwrap(), dir.path().join("platform"))
        };
        let server = runtime.block_on(Platform::spawn(config)).unwrap();
        let setup = Setup {
            dir,
            server,
            runtime,
        };

        setup.ok(&["platform", "add", "dev", &setup.server.base_url()]);
        setup.ok(&["login", PHONE, "--send-only"]);
        let code = std::fs::read_to_string(
            setup
                .dir
                .path()
                .join("platform/sms")
                .join(format!("{PHONE}.txt")),
        )
        .unwrap();
        setup.ok(&["login", PHONE, "--code", code.trim()]);
        let video = setup.dir.path().join("video.mp4");
        std::fs::write(&video, b"video").unwrap();
        let identity = setup.ok(&["verify-identity", "code"]);
        setup.ok(&[
            "verify-identity",
            "submit",
            "--name",
            "张三",
            "--id-number",
            "11010519491231002X",
            "--code",
            identity.trim(),
            "--video",
            video.to_str().unwrap(),
        ]);
        setup.console_post(
            "/console/registry",
            &[("company", COMPANY), ("credit_code", CREDIT)],
        );
        let order = setup.console_post(
            "/console/orders",
            &[
                ("name", "张三"),
                ("phone", PHONE),
                ("company", COMPANY),
                ("credit_code", CREDIT),
                ("seal_company", "on"),
            ],
        );
        setup.console_post(&format!("{order}/approve"), &[]);
        let page = setup.console_get(&order);
        let marker = "<code id=\"pickup-url\">";
        let start = page.find(marker).unwrap() + marker.len();
        let url = page[start..start + page[start..].find('<').unwrap()].to_owned();
        setup.ok_with_input(&["scan", &url], &format!("{PIN}\n{PIN}\n"));
        setup.ok_with_input(&["download"], &format!("{PIN}\n"));

        let root = std::fs::read(setup.dir.path().join("platform/ca/root.pem")).unwrap();
        std::fs::write(setup.ca(), root).unwrap();
        setup
    }

    pub(crate) fn ca(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    pub(crate) fn command(&self, args: &[&str]) -> Command {
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

    pub(crate) fn run_with_input(&self, args: &[&str], input: &str) -> Output {
        let mut child = self.command(args).spawn().unwrap();
        // A command may fail before it reads, closing the pipe.
        let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
        child.wait_with_output().unwrap()
    }

    pub(crate) fn ok_with_input(&self, args: &[&str], input: &str) -> String {
        let out = self.run_with_input(args, input);
        assert!(
            out.status.success(),
            "palmbid {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub(crate) fn ok(&self, args: &[&str]) -> String {
        self.ok_with_input(args, "")
    }

    /// Starts `palmbid toolbox ARGS` and returns it with a channel of its
    /// `qr:` and `number:` lines.
    pub(crate) fn toolbox(&self, args: &[&str]) -> (Child, mpsc::Receiver<String>) {
        let base = self.server.base_url();
        let ca = self.ca();
        let mut full = vec!["toolbox", "--platform", &base, "--ca", ca.to_str().unwrap()];
        full.extend_from_slice(args);
        let mut child = self.command(&full).spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        (child, receiver)
    }

    /// Packs a bid with `quote` for section 1 of hall project `project`,
    /// has the toolbox encrypt it to the phone's certificate fetched by QR
    /// and upload it after a QR login, the phone answering both with the
    /// PIN; returns the bid's id.
    pub(crate) fn upload_bid(&self, project: &str, quote: &str) -> String {
        let package = self.pack_bid(project, quote);
        let envelope = package.with_extension("p7m");
        let (toolbox, lines) = self.toolbox(&[
            "encrypt",
            "--in",
            package.to_str().unwrap(),
            "--out",
            envelope.to_str().unwrap(),
        ]);
        let url = fresh_frame(&lines, &mut None);
        self.ok_with_input(&["scan", &url], &format!("{PIN}\n"));
        let (encrypted, _) = finish(toolbox, &lines);
        assert!(encrypted.status.success(), "{encrypted:?}");
        self.upload_envelope(project, &envelope)
    }

    /// Packs a bid with `quote` for section 1 of hall project `project`
    /// with the toolbox; returns the package's path.
    pub(crate) fn pack_bid(&self, project: &str, quote: &str) -> PathBuf {
        let document = self.dir.path().join(format!("{project}-{quote}.pdf"));
        std::fs::write(&document, b"%PDF-1.7 commercial bid").unwrap();
        let package = document.with_extension("json");
        self.ok(&[
            "toolbox",
            "pack",
            "--project",
            project,
            "--quote",
            quote,
            "--credit-code",
            CREDIT,
            document.to_str().unwrap(),
            "-o",
            package.to_str().unwrap(),
        ]);
        package
    }

    /// Uploads `envelope` to section 1 of hall project `project` with the
    /// toolbox after a QR login the phone approves; returns the bid's id.
    pub(crate) fn upload_envelope(&self, project: &str, envelope: &Path) -> String {
        let (toolbox, lines) =
            self.toolbox(&["upload", "--project", project, envelope.to_str().unwrap()]);
        let mut number = None;
        next_frame(&lines, &mut number);
        let url = fresh_frame(&lines, &mut None);
        self.ok_with_input(
            &["scan", &url, "--number", &number.unwrap()],
            &format!("{PIN}\n"),
        );
        let (uploaded, rest) = finish(toolbox, &lines);
        assert!(uploaded.status.success(), "{uploaded:?}");
        rest.lines()
            .find_map(|line| line.strip_prefix("bid: "))
            .expect("the toolbox prints the bid id")
            .to_owned()
    }

    /// Enters hall project `name` on the agent's console, opening `in_secs`
    /// from the server's now (to the minute), with one section whose bidder
    /// is `bidder` (`CODE company`) and the extra console fields `extra`;
    /// returns its id.
    pub(crate) fn hall_project(
        &self,
        name: &str,
        in_secs: i64,
        bidder: &str,
        extra: &[(&str, &str)],
    ) -> String {
        let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
        let opening =
            time::OffsetDateTime::from_unix_timestamp(self.server.clock().now() + in_secs)
                .unwrap()
                .format(&format)
                .unwrap();
        let mut form = vec![
            ("name", name),
            ("opening", opening.as_str()),
            ("section", "第一标段"),
            ("bidders", bidder),
        ];
        form.extend_from_slice(extra);
        self.console_post("/console/hall", &form);
        let page = self.console_get("/console/hall");
        page.split("<tr data-project=\"")
            .skip(1)
            .find(|part| part[..part.find("</tr>").unwrap()].contains(name))
            .map(|part| part[..part.find('"').unwrap()].to_owned())
            .expect("the new project is listed")
    }

    /// Moves hall project `id` to `phase` on the agent's console.
    pub(crate) fn move_hall(&self, id: &str, phase: palmbid_core::api::hall::Phase) {
        self.console_post(
            &format!("/console/hall/{id}/phase"),
            &[("phase", phase.as_str())],
        );
    }

    pub(crate) fn console_post(&self, path: &str, form: &[(&str, &str)]) -> String {
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

    pub(crate) fn console_get(&self, path: &str) -> String {
        let url = format!("{}{}", self.server.base_url(), path.trim_start_matches('/'));
        self.runtime
            .block_on(async { reqwest::get(url).await.unwrap().text().await.unwrap() })
    }
}

/// Waits for the toolbox's next `qr:` line and returns its URL, with the
/// `number:` line seen before it, if any.
pub(crate) fn next_frame(lines: &mpsc::Receiver<String>, number: &mut Option<String>) -> String {
    loop {
        let line = lines
            .recv_timeout(Duration::from_secs(20))
            .expect("the toolbox printed no QR frame within 20 s");
        if let Some(n) = line.strip_prefix("number: ") {
            *number = Some(n.to_owned());
        }
        if let Some(url) = line.strip_prefix("qr: ") {
            return url.to_owned();
        }
    }
}

/// The newest frame: drains what is buffered, then takes the next one.
pub(crate) fn fresh_frame(lines: &mpsc::Receiver<String>, number: &mut Option<String>) -> String {
    while let Ok(line) = lines.try_recv() {
        if let Some(n) = line.strip_prefix("number: ") {
            *number = Some(n.to_owned());
        }
    }
    next_frame(lines, number)
}

/// Waits for the toolbox to exit and returns its output with the lines it
/// printed after the last frame taken. The reader thread may still hold
/// the last lines when the process exits, so this reads until it ends
/// (it drops its sender at end of file).
pub(crate) fn finish(child: Child, lines: &mpsc::Receiver<String>) -> (Output, String) {
    let output = child.wait_with_output().unwrap();
    let mut rest = Vec::new();
    loop {
        match lines.recv_timeout(Duration::from_secs(20)) {
            Ok(line) => rest.push(line),
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                panic!("the toolbox's output did not end within 20 s of its exit")
            }
        }
    }
    (output, rest.join("\n"))
}
