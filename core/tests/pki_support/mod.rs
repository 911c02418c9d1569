//! Helpers shared by the PKI and CMS integration tests: a scratch folder
//! and the real `openssl` command line.
#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};
use std::process::Command;

use palmbid_core::pki::{IssuingCa, Subject, Validity};

/// 2026-01-01T00:00:00Z.
pub const JAN_2026: i64 = 1_767_225_600;
/// One day in seconds.
pub const DAY: i64 = 86_400;

/// The output of one `openssl` run.
pub struct Run {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `openssl` with `args` in `dir`.
pub fn openssl(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("openssl runs");
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Runs `openssl` and fails the test with its stderr when it fails.
pub fn openssl_ok(dir: &Path, args: &[&str]) -> String {
    let run = openssl(dir, args);
    assert!(
        run.ok,
        "openssl {args:?} failed:\n{}\n{}",
        run.stdout, run.stderr
    );
    run.stdout
}

/// Writes `bytes` to `dir/name` and returns the path.
pub fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write test file");
    path
}

/// A bidder with a Chinese name and a valid credit code.
pub fn subject() -> Subject {
    Subject {
        name: "张三".to_owned(),
        company: "深圳市某某建设工程有限公司".to_owned(),
        credit_code: "914403001922038216".to_owned(),
    }
}

/// Ten years from 2026-01-01.
pub fn ten_years() -> Validity {
    Validity {
        not_before: JAN_2026,
        days: 3650,
    }
}

/// A root CA valid for ten years from 2026-01-01.
pub fn root(name: &str) -> IssuingCa {
    IssuingCa::new_root(name, ten_years()).expect("root CA")
}
