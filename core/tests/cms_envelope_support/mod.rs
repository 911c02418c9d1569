//! Shared fixtures of the envelope tests: P-256 (and other) certificates
//! made by the real `openssl` command in a temporary folder, and helpers
//! that run `openssl cms`.
#![allow(dead_code, unreachable_pub)]
#![allow(
    clippy::unwrap_used,
    reason = "a failed step fails the test, which is what it is for"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use p256::pkcs8::DecodePrivateKey;
use palmbid_core::pki::CertInfo;

/// Runs `openssl` with `args` in `dir` and fails the test on error.
pub fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    assert!(
        out.status.success(),
        "openssl {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Like [`openssl`] but returns whether it succeeded, and its stderr.
pub fn try_openssl(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run openssl");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A party with a certificate and private key, both as files and parsed.
pub struct Party {
    pub name: String,
    pub cert_path: PathBuf,
    pub key_path: PathBuf,
    pub cert: CertInfo,
}

impl Party {
    /// Reads the P-256 private key.
    pub fn secret(&self) -> p256::SecretKey {
        let pem = std::fs::read_to_string(&self.key_path).unwrap();
        p256::SecretKey::from_pkcs8_pem(&pem).unwrap()
    }
}

/// A temporary folder holding the parties of a test.
pub struct Lab {
    pub dir: tempfile::TempDir,
}

impl Lab {
    pub fn new() -> Self {
        Lab {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Makes a self-signed P-256 certificate with keyUsage keyAgreement.
    pub fn p256_party(&self, name: &str) -> Party {
        self.party(
            name,
            &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
            "keyAgreement",
        )
    }

    /// Makes a certificate of another key type or usage.
    pub fn party(&self, name: &str, newkey: &[&str], key_usage: &str) -> Party {
        let cert = format!("{name}.crt");
        let key = format!("{name}.key");
        let subject = format!("/CN={name}/O=palmbid test");
        let usage = format!("keyUsage=critical,{key_usage}");
        let mut args = vec!["req", "-x509", "-nodes", "-days", "30"];
        args.extend_from_slice(newkey);
        args.extend_from_slice(&[
            "-keyout", &key, "-out", &cert, "-subj", &subject, "-addext", &usage,
        ]);
        openssl(self.dir.path(), &args);
        let cert_path = self.path(&cert);
        let info = CertInfo::from_pem_or_der(&std::fs::read(&cert_path).unwrap(), name).unwrap();
        Party {
            name: name.to_owned(),
            cert_path,
            key_path: self.path(&key),
            cert: info,
        }
    }

    /// Writes `len` bytes of varied plaintext to `name`.
    pub fn plaintext(&self, name: &str, len: usize) -> (PathBuf, Vec<u8>) {
        let data: Vec<u8> = (0..len)
            .map(|i| (i.wrapping_mul(31) ^ (i >> 7)).to_le_bytes()[0])
            .collect();
        let path = self.path(name);
        std::fs::write(&path, &data).unwrap();
        (path, data)
    }

    /// Asserts that `output` is absent and no temporary file is left beside it.
    pub fn assert_no_output(&self, output: &Path) {
        assert!(!output.exists(), "{} was left behind", output.display());
        let leftovers: Vec<_> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(".palmbid-"))
            .collect();
        assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    }
}
