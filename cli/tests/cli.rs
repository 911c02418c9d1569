//! End-to-end tests of the `palmbid` binary, with the OpenSSL command line
//! as the independent judge of what it writes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use std::io::Write;

const PIN: &str = "135790";

/// A scratch folder with a keystore home and helpers to run both tools.
struct Bench {
    dir: tempfile::TempDir,
}

impl Bench {
    fn new() -> Self {
        Bench {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs `palmbid --home HOME --pin-stdin ARGS` with `stdin` and LANG=C.
    fn palmbid(&self, args: &[&str], stdin: &str) -> Output {
        self.palmbid_lang(args, stdin, "C")
    }

    fn palmbid_lang(&self, args: &[&str], stdin: &str, lang: &str) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_palmbid"))
            .arg("--home")
            .arg(self.path("home"))
            .arg("--pin-stdin")
            .args(args)
            .current_dir(self.dir.path())
            .env("LANG", lang)
            .env_remove("LC_ALL")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("palmbid runs");
        // palmbid may exit before reading its input (a usage error found
        // before the PIN prompt); the pipe is then closed, which is fine.
        let written = child
            .stdin
            .take()
            .expect("stdin")
            .write_all(stdin.as_bytes());
        if let Err(err) = written {
            assert_eq!(
                err.kind(),
                std::io::ErrorKind::BrokenPipe,
                "write stdin: {err}"
            );
        }
        child.wait_with_output().expect("palmbid finishes")
    }

    fn openssl(&self, args: &[&str]) -> Output {
        Command::new("openssl")
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .expect("openssl runs")
    }

    fn openssl_ok(&self, args: &[&str]) {
        let out = self.openssl(args);
        assert!(
            out.status.success(),
            "openssl {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A CA and a P-256 end-entity certificate usable for signing and key
    /// agreement, made by OpenSSL: ca.pem, key.pem, cert.pem.
    fn make_openssl_identity(&self) {
        self.openssl_ok(&[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            "ca.key",
        ]);
        self.openssl_ok(&[
            "req",
            "-x509",
            "-new",
            "-key",
            "ca.key",
            "-subj",
            "/CN=Test Root CA/O=palmbid tests",
            "-days",
            "30",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-out",
            "ca.pem",
        ]);
        self.openssl_ok(&[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            "key.pem",
        ]);
        self.openssl_ok(&[
            "req",
            "-new",
            "-key",
            "key.pem",
            "-subj",
            "/CN=张三/O=测试公司",
            "-utf8",
            "-out",
            "ee.csr",
        ]);
        std::fs::write(
            self.path("ee.ext"),
            "keyUsage=critical,digitalSignature,nonRepudiation,keyAgreement\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n",
        )
        .expect("write ext");
        self.openssl_ok(&[
            "x509",
            "-req",
            "-in",
            "ee.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "30",
            "-extfile",
            "ee.ext",
            "-out",
            "cert.pem",
        ]);
    }

    fn import_identity(&self) {
        let out = self.palmbid(
            &[
                "import", "--key", "key.pem", "--cert", "cert.pem", "--chain", "ca.pem",
            ],
            &format!("{PIN}\n{PIN}\n"),
        );
        assert_success(&out, "import");
    }
}

fn assert_success(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed ({:?}): {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn write_file(path: &Path, bytes: &[u8]) {
    std::fs::write(path, bytes).expect("write file");
}

#[test]
fn import_then_certs_json_lists_certificate() {
    let bench = Bench::new();
    bench.make_openssl_identity();
    bench.import_identity();

    let out = bench.palmbid(&["certs", "--json"], "");
    assert_success(&out, "certs --json");
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let list = list.as_array().expect("a JSON array");
    assert_eq!(list.len(), 1, "one certificate expected: {list:?}");
    assert!(
        list[0]["subject"]
            .as_str()
            .unwrap_or_default()
            .contains("张三")
    );
    assert_eq!(
        list[0]["fingerprint_sha256"].as_str().map(str::len),
        Some(64)
    );
}

#[test]
fn sign_accepted_by_openssl_cms_verify() {
    let bench = Bench::new();
    bench.make_openssl_identity();
    bench.import_identity();
    write_file(
        &bench.path("bid.txt"),
        "投标文件 bid file\n".repeat(1000).as_bytes(),
    );

    let out = bench.palmbid(
        &["sign", "--in", "bid.txt", "--out", "bid.p7s"],
        &format!("{PIN}\n"),
    );
    assert_success(&out, "sign");
    bench.openssl_ok(&[
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        "bid.p7s",
        "-content",
        "bid.txt",
        "-CAfile",
        "ca.pem",
        "-purpose",
        "any",
        "-out",
        "/dev/null",
    ]);

    let out = bench.palmbid(
        &[
            "verify", "--in", "bid.txt", "--sig", "bid.p7s", "--ca", "ca.pem",
        ],
        "",
    );
    assert_success(&out, "verify");

    write_file(&bench.path("bid.txt"), b"tampered");
    let out = bench.palmbid(
        &[
            "verify", "--in", "bid.txt", "--sig", "bid.p7s", "--ca", "ca.pem",
        ],
        "",
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "tampered content must fail: {}",
        stderr(&out)
    );
}

#[test]
fn openssl_envelope_decrypts_and_palmbid_envelope_opens_in_openssl() {
    let bench = Bench::new();
    bench.make_openssl_identity();
    bench.import_identity();
    let plain = "投标报价 1,234,567.00 元\n".repeat(5000);
    write_file(&bench.path("bid.txt"), plain.as_bytes());

    bench.openssl_ok(&[
        "cms",
        "-encrypt",
        "-binary",
        "-aes-256-gcm",
        "-outform",
        "DER",
        "-in",
        "bid.txt",
        "-out",
        "bid.p7m",
        "cert.pem",
    ]);
    let out = bench.palmbid(
        &["decrypt", "--in", "bid.p7m", "--out", "opened.txt"],
        &format!("{PIN}\n"),
    );
    assert_success(&out, "decrypt");
    assert_eq!(
        std::fs::read(bench.path("opened.txt")).expect("output"),
        plain.as_bytes()
    );

    let out = bench.palmbid(
        &[
            "encrypt", "--to", "cert.pem", "--in", "bid.txt", "--out", "ours.p7m",
        ],
        "",
    );
    assert_success(&out, "encrypt");
    bench.openssl_ok(&[
        "cms",
        "-decrypt",
        "-binary",
        "-inform",
        "DER",
        "-in",
        "ours.p7m",
        "-recip",
        "cert.pem",
        "-inkey",
        "key.pem",
        "-out",
        "theirs.txt",
    ]);
    assert_eq!(
        std::fs::read(bench.path("theirs.txt")).expect("output"),
        plain.as_bytes()
    );
}

#[test]
fn wrong_pin_reports_tries_left_and_leaves_no_output() {
    let bench = Bench::new();
    bench.make_openssl_identity();
    bench.import_identity();
    write_file(&bench.path("bid.txt"), b"bid");
    bench.openssl_ok(&[
        "cms",
        "-encrypt",
        "-binary",
        "-aes-256-gcm",
        "-outform",
        "DER",
        "-in",
        "bid.txt",
        "-out",
        "bid.p7m",
        "cert.pem",
    ]);

    let out = bench.palmbid(
        &["decrypt", "--in", "bid.p7m", "--out", "opened.txt"],
        "999999\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains('5'),
        "tries left missing: {}",
        stderr(&out)
    );
    assert!(
        !bench.path("opened.txt").exists(),
        "no output after a wrong PIN"
    );

    let out = bench.palmbid(&["pin", "status"], "");
    assert_success(&out, "pin status");
    assert!(String::from_utf8_lossy(&out.stdout).contains("5 tries left"));

    let out = bench.palmbid_lang(
        &["decrypt", "--in", "bid.p7m", "--out", "opened.txt"],
        "999999\n",
        "zh_CN.UTF-8",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("错误"),
        "Chinese message expected: {}",
        stderr(&out)
    );
}

#[test]
fn pin_change_then_old_pin_rejected() {
    let bench = Bench::new();
    bench.make_openssl_identity();
    bench.import_identity();
    write_file(&bench.path("doc.txt"), b"doc");

    let out = bench.palmbid(&["pin", "change"], &format!("{PIN}\n482916\n482916\n"));
    assert_success(&out, "pin change");

    let out = bench.palmbid(
        &["sign", "--in", "doc.txt", "--out", "a.p7s"],
        &format!("{PIN}\n"),
    );
    assert_eq!(out.status.code(), Some(1), "old PIN must fail");
    let out = bench.palmbid(&["sign", "--in", "doc.txt", "--out", "b.p7s"], "482916\n");
    assert_success(&out, "sign with the new PIN");
}

#[test]
fn trivial_new_pin_rejected() {
    let bench = Bench::new();
    bench.make_openssl_identity();
    let out = bench.palmbid(
        &[
            "import", "--key", "key.pem", "--cert", "cert.pem", "--chain", "ca.pem",
        ],
        "123456\n123456\n",
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "ascending PIN must be rejected: {}",
        stderr(&out)
    );
    let out = bench.palmbid(&["certs", "--json"], "");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "[]",
        "nothing imported"
    );
}

#[test]
fn request_writes_csrs_that_openssl_verifies() {
    let bench = Bench::new();
    let out = bench.palmbid(
        &[
            "request",
            "--name",
            "张三",
            "--company",
            "测试建设有限公司",
            "--credit-code",
            "91350100M000100Y43",
            "--out",
            "csr",
        ],
        &format!("{PIN}\n{PIN}\n"),
    );
    assert_success(&out, "request");
    for name in ["signing.csr", "encryption.csr"] {
        let path = bench.path("csr").join(name);
        let path = path.to_str().expect("utf-8 path");
        bench.openssl_ok(&["req", "-verify", "-noout", "-in", path]);
    }
}

#[test]
fn usage_errors_exit_two() {
    let bench = Bench::new();
    let out = bench.palmbid(&["decrypt", "--in", "x.p7m"], "");
    assert_eq!(out.status.code(), Some(2), "missing --out is a usage error");
    let out = bench.palmbid(&["no-such-command"], "");
    assert_eq!(out.status.code(), Some(2));
    let out = bench.palmbid(&["sign", "--cert", "zz", "--in", "a", "--out", "b"], "");
    assert_eq!(
        out.status.code(),
        Some(2),
        "invalid --cert: {}",
        stderr(&out)
    );
}

#[test]
fn demo_runs_and_writes_artifacts() {
    let bench = Bench::new();
    let out = bench.palmbid(&["demo", "--out", "demo"], "");
    assert_success(&out, "demo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("ms"),
        "steps with durations expected: {stdout}"
    );
    assert!(
        stdout.contains("SMS code"),
        "SMS login step expected: {stdout}"
    );
    assert!(stdout.contains("/q/"), "pickup URL expected: {stdout}");
    assert!(
        stdout.contains("registry match"),
        "download step expected: {stdout}"
    );
    assert!(
        stdout.contains("log in to the portal") && stdout.contains("经办人"),
        "portal login step expected: {stdout}"
    );
    assert!(
        stdout.contains("shows it issued") && stdout.contains("DEV-"),
        "guarantee issued and verified expected: {stdout}"
    );
    assert_eq!(
        stdout.matches("(已核验 verified)").count(),
        3,
        "each phone verifies the draw: {stdout}"
    );
    let demo = bench.path("demo");
    for name in [
        "guarantee.pdf",
        "bid.txt",
        "bid.p7m",
        "bid.decrypted.txt",
        "bid.p7s",
        "ca.pem",
        "bid-letter.sealed.pdf",
    ] {
        assert!(
            demo.join(name).exists(),
            "{name} missing from the demo output"
        );
    }
    assert_eq!(
        std::fs::read(demo.join("bid.txt")).expect("bid"),
        std::fs::read(demo.join("bid.decrypted.txt")).expect("decrypted")
    );
    assert_eq!(
        std::fs::read(demo.join("bid.txt")).expect("bid"),
        std::fs::read(demo.join("bid.released.txt")).expect("released")
    );
    let letter = std::fs::read(demo.join("bid-letter.pdf")).expect("letter");
    let sealed = std::fs::read(demo.join("bid-letter.sealed.pdf")).expect("sealed");
    assert!(
        sealed.starts_with(&letter),
        "the seal is an incremental update"
    );
    let pdfsig = std::process::Command::new("pdfsig")
        .arg(demo.join("bid-letter.sealed.pdf"))
        .output()
        .expect("pdfsig runs (scripts/test installs poppler-utils)");
    let report = String::from_utf8_lossy(&pdfsig.stdout);
    assert!(report.contains("Signature is Valid"), "{report}");
    let ca = demo.join("ca.pem");
    let ca = ca.to_str().expect("utf-8");
    let sig = demo.join("bid.p7s");
    let content = demo.join("bid.txt");
    bench.openssl_ok(&[
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        sig.to_str().expect("utf-8"),
        "-content",
        content.to_str().expect("utf-8"),
        "-CAfile",
        ca,
        "-purpose",
        "any",
        "-out",
        "/dev/null",
    ]);
    assert_demo_hall(&bench, &demo);
}

/// Checks the demo's bid opening: three bids decrypted with their quotes,
/// the state replayed to the close, a receipt for each bidder, and the
/// demo bidder's envelope also opening with the hardware key.
fn assert_demo_hall(bench: &Bench, demo: &Path) {
    let hall = demo.join("hall");
    let state: serde_json::Value =
        serde_json::from_slice(&std::fs::read(hall.join("state.json")).expect("state"))
            .expect("state.json is JSON");
    assert_eq!(state["phase"], "closed");
    assert_eq!(state["progress"]["decrypted"], 3);
    assert_eq!(state["progress"]["signed_in"], 3);
    assert_eq!(state["progress"]["confirmed"], 3);
    let coefficient = state["coefficient"].as_str().expect("a drawn coefficient");
    assert!(
        ["0.95", "0.96", "0.97", "0.98", "0.99"].contains(&coefficient),
        "{coefficient}"
    );
    let quotes: Vec<&str> = state["bids"]
        .as_array()
        .expect("bids")
        .iter()
        .map(|bid| bid["quote"].as_str().expect("quote"))
        .collect();
    assert_eq!(quotes, ["12345678.00", "12888000.00", "11990000.50"]);
    for n in 1..=3 {
        let receipt = std::fs::read(hall.join(format!("receipt-{n}.pdf"))).expect("receipt");
        assert!(receipt.starts_with(b"%PDF-"), "receipt {n} is a PDF");
    }
    let opened = bench.path("bid-1.opened.json");
    bench.openssl_ok(&[
        "cms",
        "-decrypt",
        "-binary",
        "-inform",
        "DER",
        "-in",
        hall.join("bid-1.p7m").to_str().expect("utf-8"),
        "-recip",
        demo.join("hardware.pem").to_str().expect("utf-8"),
        "-inkey",
        demo.join("hardware.key.pem").to_str().expect("utf-8"),
        "-out",
        opened.to_str().expect("utf-8"),
    ]);
    assert_eq!(
        std::fs::read(&opened).expect("opened"),
        std::fs::read(hall.join("bid-1.json")).expect("package")
    );
}

#[test]
fn log_lists_use_and_wrong_pin() {
    let bench = Bench::new();
    bench.make_openssl_identity();
    bench.import_identity();
    write_file(&bench.path("bid.txt"), b"bid file to sign");
    let sign = |pin: &str| {
        bench.palmbid(
            &["sign", "--in", "bid.txt", "--out", "bid.p7s"],
            &format!("{pin}\n"),
        )
    };
    assert_success(&sign(PIN), "sign");
    assert_eq!(sign("975310").status.code(), Some(1), "wrong PIN refused");
    let digest = bench.openssl(&["dgst", "-sha256", "-r", "bid.txt"]);
    let digest = String::from_utf8_lossy(&digest.stdout);
    let digest = digest.split_whitespace().next().expect("openssl digest");

    let out = bench.palmbid(&["log", "--json"], "");
    assert_success(&out, "log --json");
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON output");
    let rows = rows.as_array().expect("a JSON array");
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0]["outcome"], "wrong_pin");
    assert_eq!(rows[1]["outcome"], "used");
    for row in rows {
        assert_eq!(row["operation"], "sign_file");
        assert_eq!(row["document_name"], "bid.txt");
        assert_eq!(row["document_sha256"], digest);
        assert_eq!(row["role"], "signing");
        assert!(
            row["certificate_serial"]
                .as_str()
                .is_some_and(|s| !s.is_empty())
        );
    }

    let out = bench.palmbid(&["log", "--limit", "1"], "");
    assert_success(&out, "log --limit 1");
    let table = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = table.lines().collect();
    assert!(
        lines[0].starts_with("id") && lines[0].contains("outcome"),
        "{table}"
    );
    assert!(lines[1].contains("refused: wrong PIN"), "{table}");
    assert!(!table.contains("  used  "), "one row only: {table}");
    let next = lines[2].rsplit(' ').next().expect("the next page's cursor");
    let out = bench.palmbid(&["log", "--before", next], "");
    assert!(String::from_utf8_lossy(&out.stdout).contains("sign file"));

    let out = bench.palmbid_lang(&["log"], "", "zh_CN.UTF-8");
    assert_success(&out, "log in Chinese");
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.starts_with("编号"), "{table}");
    assert!(
        table.contains("拒绝：PIN 码错误") && table.contains("文件签名"),
        "{table}"
    );
}
