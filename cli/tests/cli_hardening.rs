//! Hostile and careless use of the `palmbid` binary: outputs that would
//! destroy inputs, folders that do not exist, interrupted commands, PINs
//! typed in odd ways. Each test names the misuse and asserts the exact
//! error code, that no PIN try was spent, and that no file is left behind.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const PIN: &str = "135790";

/// A scratch folder with a keystore home, an OpenSSL-made identity
/// imported under [`PIN`], and helpers to run both tools.
struct Bench {
    dir: tempfile::TempDir,
}

impl Bench {
    /// A bench with the identity imported.
    fn with_identity() -> Self {
        let bench = Bench {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        bench.make_identity();
        let out = bench.palmbid(
            &[
                "import", "--key", "key.pem", "--cert", "cert.pem", "--chain", "ca.pem",
            ],
            &format!("{PIN}\n{PIN}\n"),
        );
        assert_success(&out, "import");
        bench
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn command(&self, args: &[&str], lang: &str) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_palmbid"));
        command
            .arg("--home")
            .arg(self.path("home"))
            .arg("--pin-stdin")
            .args(args)
            .current_dir(self.dir.path())
            .env("LANG", lang)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    fn spawn(&self, args: &[&str], stdin: &str) -> Child {
        let mut child = self.command(args, "C").spawn().expect("palmbid runs");
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
        child
    }

    /// Runs `palmbid --home HOME --pin-stdin ARGS` with `stdin`, LANG=C.
    fn palmbid(&self, args: &[&str], stdin: &str) -> Output {
        self.spawn(args, stdin)
            .wait_with_output()
            .expect("palmbid finishes")
    }

    fn openssl_ok(&self, args: &[&str]) {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .expect("openssl runs");
        assert!(
            out.status.success(),
            "openssl {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// ca.pem, and key.pem with cert.pem for signing and key agreement.
    fn make_identity(&self) {
        let key = [
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
        ];
        self.openssl_ok(&[&key[..], &["ca.key"]].concat());
        self.openssl_ok(&[
            "req",
            "-x509",
            "-new",
            "-key",
            "ca.key",
            "-subj",
            "/CN=Hardening Root CA",
            "-days",
            "30",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-out",
            "ca.pem",
        ]);
        self.openssl_ok(&[&key[..], &["key.pem"]].concat());
        self.openssl_ok(&[
            "req",
            "-new",
            "-key",
            "key.pem",
            "-subj",
            "/CN=张三",
            "-utf8",
            "-out",
            "ee.csr",
        ]);
        std::fs::write(
            self.path("ee.ext"),
            "keyUsage=critical,digitalSignature,keyAgreement\nsubjectKeyIdentifier=hash\n",
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

    /// Encrypts `plain` to cert.pem with OpenSSL (AES-256-GCM, DER).
    fn envelope(&self, plain: &str, envelope: &str) {
        self.openssl_ok(&[
            "cms",
            "-encrypt",
            "-binary",
            "-aes-256-gcm",
            "-outform",
            "DER",
            "-in",
            plain,
            "-out",
            envelope,
            "cert.pem",
        ]);
    }

    /// `pin status` output.
    fn pin_status(&self) -> String {
        let out = self.palmbid(&["pin", "status"], "");
        assert_success(&out, "pin status");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Names in the scratch folder and `sub` that palmbid may have left.
    fn leftovers(&self, sub: &str) -> Vec<String> {
        std::fs::read_dir(self.path(sub))
            .expect("read folder")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(".palmbid") || name.starts_with(".tmp"))
            .collect()
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

/// Asserts exit status `exit` and the error code `code` on stderr.
fn assert_error(out: &Output, exit: i32, code: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(exit),
        "exit status; stderr: {stderr}"
    );
    assert!(
        stderr.contains(&format!("[{code}]")),
        "{code} expected: {stderr}"
    );
}

#[test]
fn sign_out_equal_to_in() {
    let bench = Bench::with_identity();
    std::fs::write(bench.path("bid.txt"), b"the bid itself").expect("write");

    let out = bench.palmbid(
        &["sign", "--in", "bid.txt", "--out", "./bid.txt"],
        &format!("{PIN}\n"),
    );

    assert_error(&out, 2, "cli.output_is_input");
    assert_eq!(
        std::fs::read(bench.path("bid.txt")).expect("read"),
        b"the bid itself"
    );
}

#[cfg(unix)]
#[test]
fn sign_out_hard_link_to_in() {
    let bench = Bench::with_identity();
    std::fs::write(bench.path("bid.txt"), b"the bid itself").expect("write");
    std::fs::hard_link(bench.path("bid.txt"), bench.path("alias.p7s")).expect("link");

    let out = bench.palmbid(
        &["sign", "--in", "bid.txt", "--out", "alias.p7s"],
        &format!("{PIN}\n"),
    );

    assert_error(&out, 2, "cli.output_is_input");
    assert_eq!(
        std::fs::read(bench.path("bid.txt")).expect("read"),
        b"the bid itself"
    );
}

#[test]
fn sign_missing_folder_before_pin() {
    let bench = Bench::with_identity();
    std::fs::write(bench.path("bid.txt"), b"bid").expect("write");

    // No PIN on stdin: the command must fail on the folder, not ask.
    let out = bench.palmbid(&["sign", "--in", "bid.txt", "--out", "nowhere/bid.p7s"], "");

    assert_error(&out, 1, "cli.output_folder_missing");
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere"));
}

#[test]
fn sign_folder_input_before_pin() {
    let bench = Bench::with_identity();
    std::fs::create_dir(bench.path("folder")).expect("mkdir");

    let out = bench.palmbid(&["sign", "--in", "folder", "--out", "x.p7s"], "");

    assert_error(&out, 2, "cli.input_is_folder");
}

#[test]
fn decrypt_missing_folder_before_pin() {
    let bench = Bench::with_identity();
    std::fs::write(bench.path("bid.txt"), b"bid").expect("write");
    bench.envelope("bid.txt", "bid.p7m");

    let out = bench.palmbid(
        &["decrypt", "--in", "bid.p7m", "--out", "nowhere/bid.txt"],
        "",
    );

    assert_error(&out, 1, "cli.output_folder_missing");
    assert!(bench.pin_status().contains("6 tries left"));
}

#[test]
fn decrypt_onto_folder_rejected() {
    let bench = Bench::with_identity();
    std::fs::write(bench.path("bid.txt"), b"bid").expect("write");
    bench.envelope("bid.txt", "bid.p7m");
    std::fs::create_dir(bench.path("folder")).expect("mkdir");

    let out = bench.palmbid(&["decrypt", "--in", "bid.p7m", "--out", "folder"], "");

    assert_error(&out, 2, "cli.output_is_folder");
}

#[test]
fn encrypt_missing_folder_named() {
    let bench = Bench::with_identity();
    std::fs::write(bench.path("bid.txt"), b"bid").expect("write");

    let out = bench.palmbid(
        &[
            "encrypt",
            "--to",
            "cert.pem",
            "--in",
            "bid.txt",
            "--out",
            "nowhere/bid.p7m",
        ],
        "",
    );

    assert_error(&out, 1, "cli.output_folder_missing");
    assert!(!String::from_utf8_lossy(&out.stderr).contains(".part"));
}

/// Starts `palmbid decrypt` of a large envelope, waits until it is writing
/// plaintext, interrupts it with `signal`, and returns its exit status.
#[cfg(unix)]
fn interrupt_decrypt(bench: &Bench, signal: &str) -> Option<i32> {
    // 192 MiB of zeros: large enough that decryption takes a while.
    let plain = std::fs::File::create(bench.path("big.bin")).expect("create");
    plain.set_len(192 << 20).expect("size");
    bench.envelope("big.bin", "big.p7m");
    std::fs::create_dir(bench.path("out")).expect("mkdir");

    let mut child = bench.spawn(
        &["decrypt", "--in", "big.p7m", "--out", "out/big.bin"],
        &format!("{PIN}\n"),
    );
    let started = Instant::now();
    while !staged_bytes(&bench.path("out")) {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "decryption never started writing"
        );
        assert!(
            child.try_wait().expect("poll").is_none(),
            "decrypt ended before it could be interrupted"
        );
        std::thread::sleep(Duration::from_millis(5));
    }

    let killed = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    child.wait().expect("wait").code()
}

/// Whether some plaintext has been written under `folder`.
#[cfg(unix)]
fn staged_bytes(folder: &std::path::Path) -> bool {
    fn walk(folder: &std::path::Path) -> bool {
        let Ok(entries) = std::fs::read_dir(folder) else {
            return false;
        };
        entries.filter_map(Result::ok).any(|entry| {
            let path = entry.path();
            if path.is_dir() {
                walk(&path)
            } else {
                entry.metadata().is_ok_and(|m| m.len() > 0)
            }
        })
    }
    walk(folder)
}

#[cfg(unix)]
#[test]
fn ctrl_c_decrypt_leaves_nothing() {
    let bench = Bench::with_identity();

    let status = interrupt_decrypt(&bench, "-INT");

    assert_eq!(
        status,
        Some(1),
        "an interrupted decrypt fails with status 1"
    );
    assert!(!bench.path("out/big.bin").exists());
    assert_eq!(bench.leftovers("out"), Vec::<String>::new());
    assert!(bench.pin_status().contains("6 tries left"));
}

#[cfg(unix)]
#[test]
fn sigterm_decrypt_leaves_nothing() {
    let bench = Bench::with_identity();

    let status = interrupt_decrypt(&bench, "-TERM");

    assert_eq!(status, Some(1));
    assert_eq!(bench.leftovers("out"), Vec::<String>::new());
}

/// Decrypts bid.p7m (made from "bid") to `out` with `stdin` as the PIN.
fn decrypt_with(bench: &Bench, out: &str, stdin: &str) -> Output {
    bench.palmbid(&["decrypt", "--in", "bid.p7m", "--out", out], stdin)
}

fn bench_with_envelope() -> Bench {
    let bench = Bench::with_identity();
    std::fs::write(bench.path("bid.txt"), b"bid").expect("write");
    bench.envelope("bid.txt", "bid.p7m");
    bench
}

#[test]
fn pin_spaces_and_full_width_open() {
    let bench = bench_with_envelope();

    for (n, typed) in [
        " 135790 \r\n",
        "\t135790\n",
        "１３５７９０\n",
        "１３5７９0\r\n",
    ]
    .iter()
    .enumerate()
    {
        let out = decrypt_with(&bench, &format!("open{n}.txt"), typed);
        assert_success(&out, &format!("decrypt with PIN typed as {typed:?}"));
    }
    assert!(bench.pin_status().contains("6 tries left"));
}

#[test]
fn non_digit_pin_costs_no_try() {
    let bench = bench_with_envelope();

    let cases = [
        ("\n", "cli.pin_empty"),
        ("   \r\n", "cli.pin_empty"),
        ("13579O\n", "cli.pin_not_digits"),
        ("１３５ ７９０\n", "cli.pin_not_digits"),
    ];
    for (typed, code) in cases {
        let out = decrypt_with(&bench, "open.txt", typed);
        assert_error(&out, 2, code);
    }

    assert!(bench.pin_status().contains("6 tries left"));
    assert!(!bench.path("open.txt").exists());
}

#[test]
fn thousand_digit_pin_counts_one_try() {
    let bench = bench_with_envelope();

    let out = decrypt_with(&bench, "open.txt", &format!("{}\n", "7".repeat(1000)));

    assert_error(&out, 1, "keystore.pin_incorrect");
    assert!(bench.pin_status().contains("5 tries left"));
}

/// The id `palmbid certs` shows for the only certificate.
fn certificate_id(bench: &Bench) -> String {
    let out = bench.palmbid(&["certs", "--json"], "");
    assert_success(&out, "certs --json");
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    list[0]["id"].as_str().expect("id").to_owned()
}

#[test]
fn wrong_pin_names_certificate_id() {
    let bench = bench_with_envelope();
    let id = certificate_id(&bench);

    let out = decrypt_with(&bench, "open.txt", "999999\n");

    assert_error(&out, 1, "keystore.pin_incorrect");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&id),
        "certificate id {id} expected: {stderr}"
    );
    assert!(stderr.contains("5 tries left"), "{stderr}");
}

#[test]
fn locked_certificate_rejected_before_prompt() {
    let bench = bench_with_envelope();
    let id = certificate_id(&bench);

    for n in 1..=6 {
        let out = decrypt_with(&bench, "open.txt", "999999\n");
        let code = if n < 6 {
            "keystore.pin_incorrect"
        } else {
            "keystore.locked"
        };
        assert_error(&out, 1, code);
    }

    // No PIN on stdin: a locked certificate is refused before the prompt.
    let out = decrypt_with(&bench, "open.txt", "");
    assert_error(&out, 1, "keystore.locked");
    assert!(String::from_utf8_lossy(&out.stderr).contains(&id));
    let out = decrypt_with(&bench, "open.txt", &format!("{PIN}\n"));
    assert_error(&out, 1, "keystore.locked");
    let out = bench.palmbid(&["pin", "change"], &format!("{PIN}\n482916\n482916\n"));
    assert_error(&out, 1, "keystore.locked");
    assert!(bench.pin_status().contains("locked"));
    assert!(!bench.path("open.txt").exists());
}

#[test]
fn pin_change_mismatch_costs_no_try() {
    let bench = Bench::with_identity();

    let out = bench.palmbid(&["pin", "change"], &format!("{PIN}\n482916\n482917\n"));

    assert_error(&out, 2, "cli.pin_mismatch");
    assert!(bench.pin_status().contains("6 tries left"));
    std::fs::write(bench.path("doc.txt"), b"doc").expect("write");
    let out = bench.palmbid(
        &["sign", "--in", "doc.txt", "--out", "doc.p7s"],
        &format!("{PIN}\n"),
    );
    assert_success(&out, "sign with the unchanged PIN");
}

#[test]
fn pin_change_full_width_new_pin() {
    let bench = Bench::with_identity();

    let out = bench.palmbid(
        &["pin", "change"],
        &format!("{PIN}\n４８２９１６\n482916\n"),
    );
    assert_success(&out, "pin change");

    std::fs::write(bench.path("doc.txt"), b"doc").expect("write");
    let out = bench.palmbid(&["sign", "--in", "doc.txt", "--out", "doc.p7s"], "482916\n");
    assert_success(&out, "sign with the new PIN");
}

#[test]
fn p12_without_ca_imports_with_chain() {
    let bench = Bench {
        dir: tempfile::tempdir().expect("temp dir"),
    };
    bench.make_identity();
    bench.openssl_ok(&[
        "pkcs12",
        "-export",
        "-in",
        "cert.pem",
        "-inkey",
        "key.pem",
        "-passout",
        "pass:secret",
        "-out",
        "me.p12",
    ]);
    std::fs::write(bench.path("pw"), "secret\n").expect("write");
    bench.openssl_ok(&[
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "other.key",
        "-subj",
        "/CN=Unrelated Root",
        "-days",
        "30",
        "-out",
        "other.pem",
    ]);
    let bundle = [
        std::fs::read(bench.path("ca.pem")).expect("ca"),
        std::fs::read(bench.path("other.pem")).expect("other"),
    ]
    .concat();
    std::fs::write(bench.path("bundle.pem"), bundle).expect("write");

    let out = bench.palmbid(
        &["import", "--p12", "me.p12", "--p12-password-file", "pw"],
        &format!("{PIN}\n{PIN}\n"),
    );
    assert_error(&out, 1, "pki.unknown_issuer");

    let out = bench.palmbid(
        &[
            "import",
            "--p12",
            "me.p12",
            "--p12-password-file",
            "pw",
            "--chain",
            "bundle.pem",
        ],
        &format!("{PIN}\n{PIN}\n"),
    );
    assert_success(&out, "import --p12 with --chain bundle");
    std::fs::write(bench.path("doc.txt"), b"doc").expect("write");
    let out = bench.palmbid(
        &["sign", "--in", "doc.txt", "--out", "doc.p7s"],
        &format!("{PIN}\n"),
    );
    assert_success(&out, "sign");
    let out = bench.palmbid(
        &[
            "verify",
            "--in",
            "doc.txt",
            "--sig",
            "doc.p7s",
            "--ca",
            "bundle.pem",
        ],
        "",
    );
    assert_success(&out, "verify against the bundle");
}

/// Runs palmbid with the locale variables given and no others.
fn palmbid_locale(bench: &Bench, args: &[&str], locale: &[(&str, &str)]) -> Output {
    let mut command = bench.command(args, "C");
    command.env_remove("LANG");
    for (name, value) in locale {
        command.env(name, value);
    }
    let child = command.spawn().expect("palmbid runs");
    child.wait_with_output().expect("palmbid finishes")
}

#[test]
fn locale_follows_posix_order() {
    let bench = Bench {
        dir: tempfile::tempdir().expect("temp dir"),
    };
    let args = [
        "verify", "--in", "none.txt", "--sig", "none.p7s", "--ca", "none.pem",
    ];

    let chinese = [
        vec![("LC_ALL", ""), ("LANG", "zh_CN.UTF-8")],
        vec![("LC_MESSAGES", "zh_CN.UTF-8"), ("LANG", "C")],
        vec![("LC_ALL", "zh_CN.UTF-8"), ("LANG", "en_US.UTF-8")],
    ];
    for locale in chinese {
        let out = palmbid_locale(&bench, &args, &locale);
        assert_error(&out, 1, "cli.io");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("找不到"),
            "{locale:?}: Chinese expected: {stderr}"
        );
        assert!(!stderr.contains("No such file"), "{locale:?}: {stderr}");
    }

    let out = palmbid_locale(&bench, &args, &[("LC_ALL", "C"), ("LANG", "zh_CN.UTF-8")]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("none.p7s does not exist"), "{stderr}");
}

#[test]
fn usage_errors_summarised_in_chinese() {
    let bench = Bench {
        dir: tempfile::tempdir().expect("temp dir"),
    };

    let cases: [(&[&str], &str); 3] = [
        (&["sign", "--in", "a.txt"], "缺少必需的参数"),
        (&["no-such-command"], "没有这个子命令"),
        (&["certs", "--bogus"], "无法识别的参数"),
    ];
    for (args, summary) in cases {
        let out = palmbid_locale(&bench, args, &[("LANG", "zh_CN.UTF-8")]);
        assert_error(&out, 2, "cli.usage");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(summary), "{args:?}: {stderr}");
    }

    let out = palmbid_locale(&bench, &["--help"], &[("LANG", "zh_CN.UTF-8")]);
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn home_file_rejected() {
    let bench = Bench {
        dir: tempfile::tempdir().expect("temp dir"),
    };
    std::fs::write(bench.path("home"), b"not a folder").expect("write");

    let out = bench.palmbid(&["certs"], "");

    assert_error(&out, 2, "cli.home_not_folder");
}

#[test]
fn des3_key_wrap_reported_unsupported() {
    let bench = Bench::with_identity();
    std::fs::write(bench.path("bid.txt"), b"bid").expect("write");
    // OpenSSL pairs 3DES content with 3DES key wrap, which palmbid lacks.
    bench.openssl_ok(&[
        "cms", "-encrypt", "-binary", "-des3", "-outform", "DER", "-in", "bid.txt", "-out",
        "bid.p7m", "cert.pem",
    ]);
    let id = certificate_id(&bench);

    let out = decrypt_with(&bench, "open.txt", "");

    assert_error(&out, 1, "cli.recipient_unsupported");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&id), "{stderr}");
    assert!(bench.pin_status().contains("6 tries left"));
}

#[test]
fn request_keeps_earlier_csrs() {
    let bench = Bench {
        dir: tempfile::tempdir().expect("temp dir"),
    };
    let request = |stdin: &str| {
        bench.palmbid(
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
            stdin,
        )
    };
    assert_success(&request(&format!("{PIN}\n{PIN}\n")), "first request");
    let first = std::fs::read(bench.path("csr/signing.csr")).expect("csr");

    // No PIN on stdin: refused before the PIN, so no keys are made.
    let out = request("");

    assert_error(&out, 2, "cli.output_exists");
    assert_eq!(
        std::fs::read(bench.path("csr/signing.csr")).expect("csr"),
        first
    );
    assert_eq!(bench.leftovers("csr"), Vec::<String>::new());
}

#[cfg(target_os = "linux")]
#[test]
fn killed_decrypt_staging_removed_next_run() {
    let bench = Bench::with_identity();
    let status = interrupt_decrypt(&bench, "-KILL");
    assert_eq!(status, None, "killed by a signal");
    assert!(!bench.path("out/big.bin").exists());

    std::fs::write(bench.path("bid.txt"), b"bid").expect("write");
    let out = bench.palmbid(
        &[
            "encrypt",
            "--to",
            "cert.pem",
            "--in",
            "bid.txt",
            "--out",
            "out/bid.p7m",
        ],
        "",
    );

    assert_success(&out, "encrypt into the same folder");
    assert_eq!(bench.leftovers("out"), Vec::<String>::new());
    assert!(bench.pin_status().contains("6 tries left"));
}

#[cfg(unix)]
#[test]
#[ignore = "cms::output names its temporary file; only an unnamed file (O_TMPFILE) linked \
            in after authentication leaves nothing behind a SIGKILL"]
fn sigkill_decrypt_leaves_nothing_at_once() {
    let bench = Bench::with_identity();

    let status = interrupt_decrypt(&bench, "-KILL");

    assert_eq!(status, None);
    assert!(
        !staged_bytes(&bench.path("out")),
        "unauthenticated plaintext stays on disk after SIGKILL"
    );
}

#[cfg(unix)]
#[test]
fn huge_small_files_rejected() {
    let bench = Bench::with_identity();
    std::fs::write(bench.path("doc.txt"), b"doc").expect("write");
    let huge = std::fs::File::create(bench.path("huge.p7s")).expect("create");
    huge.set_len(64 << 20).expect("size");
    std::fs::write(bench.path("pw"), b"secret\n").expect("write");
    std::fs::write(bench.path("small.p7s"), b"not read past the CA").expect("write");

    let cases: [&[&str]; 4] = [
        &[
            "verify",
            "--in",
            "doc.txt",
            "--sig",
            "/dev/zero",
            "--ca",
            "ca.pem",
        ],
        &[
            "verify", "--in", "doc.txt", "--sig", "huge.p7s", "--ca", "ca.pem",
        ],
        &[
            "verify",
            "--in",
            "doc.txt",
            "--sig",
            "small.p7s",
            "--ca",
            "/dev/zero",
        ],
        &["import", "--p12", "/dev/zero", "--p12-password-file", "pw"],
    ];
    for args in cases {
        let out = bench.palmbid(args, "");
        assert_error(&out, 2, "cli.file_too_large");
    }
}

#[test]
fn demo_rerun_keeps_foreign_files() {
    let bench = Bench {
        dir: tempfile::tempdir().expect("temp dir"),
    };
    std::fs::create_dir(bench.path("work")).expect("mkdir");
    let demo = || {
        let mut command = bench.command(&["demo", "--out", "."], "C");
        command.current_dir(bench.path("work"));
        command.output().expect("palmbid runs")
    };
    assert_success(&demo(), "first demo");
    assert_success(&demo(), "demo again over its own files");

    std::fs::write(bench.path("work/mine.txt"), b"my precious").expect("write");
    let out = demo();

    assert_error(&out, 2, "demo.folder_not_empty");
    assert!(String::from_utf8_lossy(&out.stderr).contains("mine.txt"));
    assert_eq!(
        std::fs::read(bench.path("work/mine.txt")).expect("still there"),
        b"my precious"
    );
    assert!(bench.path("work/bid.p7m").exists());
}

#[cfg(unix)]
#[test]
fn readable_device_key_rejected_in_chinese() {
    use std::os::unix::fs::PermissionsExt;

    let bench = Bench::with_identity();
    let key = bench.path("home/device.key");
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).expect("chmod");

    let mut command = bench.command(&["certs"], "zh_CN.UTF-8");
    let out = command.output().expect("palmbid runs");

    assert_error(&out, 1, "keystore.device_binding");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("chmod 600"), "{stderr}");
    assert!(stderr.contains("其他用户可以读取"), "{stderr}");
    assert!(!stderr.contains("can be read"), "{stderr}");

    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let out = bench.palmbid(&["certs"], "");
    assert_success(&out, "certs after chmod 600");
}

#[test]
fn several_certificates_file_rejected() {
    let bench = Bench::with_identity();
    std::fs::write(bench.path("bid.txt"), b"bid").expect("write");
    let bundle = [
        std::fs::read(bench.path("cert.pem")).expect("cert"),
        std::fs::read(bench.path("ca.pem")).expect("ca"),
    ]
    .concat();
    std::fs::write(bench.path("two.pem"), bundle).expect("write");

    let out = bench.palmbid(
        &[
            "encrypt", "--to", "two.pem", "--in", "bid.txt", "--out", "bid.p7m",
        ],
        "",
    );

    assert_error(&out, 2, "cli.several_certificates");
    assert!(!bench.path("bid.p7m").exists());
    let out = bench.palmbid(&["install", "--cert", "two.pem"], "");
    assert_error(&out, 2, "cli.several_certificates");
}

#[test]
fn closed_stdout_ends_quietly_not_in_panic() {
    use std::io::{BufRead, BufReader};

    let bench = Bench {
        dir: tempfile::tempdir().expect("temp dir"),
    };
    let mut child = bench.spawn(&["demo", "--out", "demo"], "");
    let stdout = child.stdout.take().expect("stdout");

    // Read one line, then close the pipe as `| head -1` does.
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .expect("first line");
    let out = child.wait_with_output().expect("palmbid finishes");

    assert!(!first.is_empty());
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn install_wrong_pin_names_the_subject() {
    let bench = Bench {
        dir: tempfile::tempdir().expect("temp dir"),
    };
    bench.make_identity();
    let out = bench.palmbid(
        &[
            "request",
            "--name",
            "李四",
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
    std::fs::write(
        bench.path("sig.ext"),
        "keyUsage=critical,digitalSignature,nonRepudiation\n",
    )
    .expect("write");
    bench.openssl_ok(&[
        "x509",
        "-req",
        "-in",
        "csr/signing.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "30",
        "-extfile",
        "sig.ext",
        "-out",
        "issued.pem",
    ]);

    let out = bench.palmbid(
        &["install", "--cert", "issued.pem", "--chain", "ca.pem"],
        "999999\n",
    );

    assert_error(&out, 1, "keystore.pin_incorrect");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("李四"), "{stderr}");
    assert!(stderr.contains("5 tries left"), "{stderr}");
    assert!(stderr.contains("palmbid request"), "{stderr}");
}
