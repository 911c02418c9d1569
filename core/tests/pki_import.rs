//! PKCS#12 and PKCS#8 files made by the `openssl` command line (OpenSSL
//! 3.0), imported by palmbid: each producer's form opens, and each bad
//! file fails with its own error.

mod pki_support;

use std::path::Path;

use palmbid_core::pki::{
    CertInfo, KeyRole, Pkcs12Options, PkiError, import_pkcs8, parse_pkcs12, parse_private_key,
    public_key_sec1,
};
use pki_support::*;

/// A CA, an intermediate and a signing certificate with its PEM key, written
/// as key.pem, cert.pem and chain.pem.
fn material(dir: &Path) -> (CertInfo, CertInfo, CertInfo) {
    let root = root("palmbid 测试根 CA");
    let sub = root
        .new_intermediate("palmbid 测试二级 CA", ten_years())
        .expect("intermediate");
    let issued = sub
        .issue_with_new_key(&subject(), KeyRole::Signing, ten_years())
        .expect("issue");
    write(dir, "key.pem", issued.key_pkcs8_pem.as_bytes());
    write(dir, "cert.pem", issued.cert.to_pem());
    write(
        dir,
        "chain.pem",
        format!(
            "{}{}",
            sub.certificate().to_pem(),
            root.certificate().to_pem()
        ),
    );
    (
        issued.cert,
        sub.certificate().clone(),
        root.certificate().clone(),
    )
}

fn export(dir: &Path, out: &str, password: &str, extra: &[&str]) -> Vec<u8> {
    let pass = format!("pass:{password}");
    let mut args = vec![
        "pkcs12",
        "-export",
        "-inkey",
        "key.pem",
        "-in",
        "cert.pem",
        "-certfile",
        "chain.pem",
        "-passout",
        &pass,
        "-out",
        out,
    ];
    args.extend_from_slice(extra);
    openssl_ok(dir, &args);
    std::fs::read(dir.join(out)).expect("read p12")
}

fn assert_full_import(
    bytes: &[u8],
    password: &str,
    leaf: &CertInfo,
    options: Pkcs12Options,
) -> bool {
    let contents = parse_pkcs12(bytes, password, options).expect("import");
    assert_eq!(contents.keys.len(), 1);
    let key = &contents.keys[0];
    assert_eq!(key.cert.fingerprint, leaf.fingerprint);
    assert_eq!(Some(public_key_sec1(&key.secret)), leaf.p256_public_key);
    assert_eq!(contents.chain.len(), 2, "intermediate and root");
    contents.integrity_checked
}

#[test]
fn default_aes_pkcs12_imports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (leaf, _, _) = material(dir.path());
    let p12 = export(dir.path(), "default.p12", "口令-secret", &[]);
    assert!(assert_full_import(
        &p12,
        "口令-secret",
        &leaf,
        Pkcs12Options::default()
    ));
}

#[test]
fn legacy_rc2_3des_sha1_pkcs12_imports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (leaf, _, _) = material(dir.path());
    let p12 = export(dir.path(), "legacy.p12", "secret", &["-legacy"]);
    let info = openssl(
        dir.path(),
        &[
            "pkcs12",
            "-info",
            "-noout",
            "-legacy",
            "-in",
            "legacy.p12",
            "-passin",
            "pass:secret",
        ],
    );
    assert!(
        info.ok && info.stderr.contains("40BitRC2-CBC"),
        "{}",
        info.stderr
    );
    assert!(
        info.stderr.contains("3-KeyTripleDES-CBC"),
        "{}",
        info.stderr
    );
    assert!(assert_full_import(
        &p12,
        "secret",
        &leaf,
        Pkcs12Options::default()
    ));
}

#[test]
fn explicit_legacy_algorithms_import() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (leaf, _, _) = material(dir.path());
    let p12 = export(
        dir.path(),
        "3des.p12",
        "secret",
        &[
            "-keypbe",
            "PBE-SHA1-3DES",
            "-certpbe",
            "PBE-SHA1-3DES",
            "-macalg",
            "sha1",
        ],
    );
    assert!(assert_full_import(
        &p12,
        "secret",
        &leaf,
        Pkcs12Options::default()
    ));
}

#[test]
fn empty_password_pkcs12_imports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (leaf, _, _) = material(dir.path());
    let p12 = export(dir.path(), "empty.p12", "", &[]);
    assert!(assert_full_import(
        &p12,
        "",
        &leaf,
        Pkcs12Options::default()
    ));
    let p12 = export(dir.path(), "empty-legacy.p12", "", &["-legacy"]);
    assert!(assert_full_import(
        &p12,
        "",
        &leaf,
        Pkcs12Options::default()
    ));
}

#[test]
fn pkcs12_without_mac_is_refused_unless_allowed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (leaf, _, _) = material(dir.path());
    let p12 = export(dir.path(), "nomac.p12", "secret", &["-nomac"]);

    let err = parse_pkcs12(&p12, "secret", Pkcs12Options::default()).expect_err("no MAC");
    assert!(matches!(err, PkiError::Pkcs12NoMac), "{err}");

    let allow = Pkcs12Options {
        allow_missing_mac: true,
    };
    assert!(
        !assert_full_import(&p12, "secret", &leaf, allow),
        "flagged as unchecked"
    );

    let err = parse_pkcs12(&p12, "wrong", allow).expect_err("wrong password without MAC");
    assert!(matches!(err, PkiError::WrongPassword { .. }), "{err}");
}

#[test]
fn wrong_password_and_damaged_file_are_different_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    material(dir.path());
    let p12 = export(dir.path(), "default.p12", "secret", &[]);

    let err = parse_pkcs12(&p12, "Secret", Pkcs12Options::default()).expect_err("wrong password");
    assert!(matches!(err, PkiError::WrongPassword { .. }), "{err}");

    let truncated = &p12[..p12.len() - 40];
    let err = parse_pkcs12(truncated, "secret", Pkcs12Options::default()).expect_err("truncated");
    assert!(matches!(err, PkiError::Pkcs12Malformed { .. }), "{err}");

    let err = parse_pkcs12(b"", "secret", Pkcs12Options::default()).expect_err("empty");
    assert!(matches!(err, PkiError::Pkcs12Malformed { .. }), "{err}");
}

#[test]
fn huge_iteration_count_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    material(dir.path());
    let p12 = export(dir.path(), "slow.p12", "secret", &["-iter", "5000000"]);
    let err =
        parse_pkcs12(&p12, "secret", Pkcs12Options::default()).expect_err("too many iterations");
    assert!(
        matches!(
            err,
            PkiError::IterationsTooHigh {
                iterations: 5_000_000,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn pkcs12_without_key_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    material(dir.path());
    openssl_ok(
        dir.path(),
        &[
            "pkcs12",
            "-export",
            "-nokeys",
            "-in",
            "cert.pem",
            "-passout",
            "pass:secret",
            "-out",
            "certs.p12",
        ],
    );
    let p12 = std::fs::read(dir.path().join("certs.p12")).expect("read");
    let err = parse_pkcs12(&p12, "secret", Pkcs12Options::default()).expect_err("no key");
    assert!(matches!(err, PkiError::NoPrivateKey { .. }), "{err}");
}

#[test]
fn pkcs8_forms_import() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (leaf, _, _) = material(dir.path());
    let d = dir.path();
    openssl_ok(d, &["ec", "-in", "key.pem", "-out", "sec1.pem"]);
    openssl_ok(
        d,
        &[
            "ec", "-in", "key.pem", "-outform", "DER", "-out", "sec1.der",
        ],
    );
    openssl_ok(
        d,
        &[
            "pkcs8",
            "-topk8",
            "-nocrypt",
            "-in",
            "key.pem",
            "-outform",
            "DER",
            "-out",
            "plain.der",
        ],
    );
    openssl_ok(
        d,
        &[
            "pkcs8",
            "-topk8",
            "-v2",
            "aes-256-cbc",
            "-in",
            "key.pem",
            "-passout",
            "pass:密码",
            "-out",
            "aes.pem",
        ],
    );
    openssl_ok(
        d,
        &[
            "pkcs8",
            "-topk8",
            "-v2",
            "aes-128-cbc",
            "-v2prf",
            "hmacWithSHA1",
            "-in",
            "key.pem",
            "-passout",
            "pass:pw",
            "-outform",
            "DER",
            "-out",
            "aes.der",
        ],
    );
    openssl_ok(
        d,
        &[
            "pkcs8",
            "-topk8",
            "-v1",
            "PBE-SHA1-3DES",
            "-in",
            "key.pem",
            "-passout",
            "pass:pw",
            "-out",
            "3des.pem",
        ],
    );
    assert!(
        std::fs::read_to_string(d.join("sec1.pem"))
            .expect("read")
            .contains("EC PRIVATE KEY")
    );

    let cert = std::fs::read(d.join("cert.pem")).expect("cert");
    let chain = std::fs::read(d.join("chain.pem")).expect("chain");
    for (file, password) in [
        ("key.pem", None),
        ("sec1.pem", None),
        ("sec1.der", None),
        ("plain.der", None),
        ("aes.pem", Some("密码")),
        ("aes.der", Some("pw")),
        ("3des.pem", Some("pw")),
    ] {
        let key = std::fs::read(d.join(file)).expect("key");
        let (imported, chain) = import_pkcs8(&key, &cert, Some(&chain), password)
            .unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(imported.cert.fingerprint, leaf.fingerprint, "{file}");
        assert_eq!(chain.len(), 2, "{file}");
    }

    let encrypted = std::fs::read(d.join("aes.pem")).expect("key");
    let err = parse_private_key(&encrypted, None).expect_err("no password");
    assert!(matches!(err, PkiError::PasswordRequired), "{err}");
    let err = parse_private_key(&encrypted, Some("wrong")).expect_err("wrong password");
    assert!(matches!(err, PkiError::WrongPassword { .. }), "{err}");
}

#[test]
fn pkcs8_key_with_foreign_certificate_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    material(dir.path());
    let other = root("palmbid 其他 CA");
    let foreign = other
        .issue_with_new_key(&subject(), KeyRole::Signing, ten_years())
        .expect("issue");
    let key = std::fs::read(dir.path().join("key.pem")).expect("key");
    let err =
        import_pkcs8(&key, foreign.cert.to_pem().as_bytes(), None, None).expect_err("foreign");
    assert!(
        matches!(err, PkiError::CertificateKeyMismatch { .. }),
        "{err}"
    );
}

#[test]
fn non_p256_keys_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    openssl_ok(
        dir.path(),
        &[
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:P-384",
            "-out",
            "p384.pem",
        ],
    );
    openssl_ok(
        dir.path(),
        &["genpkey", "-algorithm", "ED25519", "-out", "ed.pem"],
    );
    for file in ["p384.pem", "ed.pem"] {
        let key = std::fs::read(dir.path().join(file)).expect("key");
        let err = parse_private_key(&key, None).expect_err("not P-256");
        assert!(
            matches!(err, PkiError::UnsupportedKey { .. }),
            "{file}: {err}"
        );
    }
    let err = parse_private_key(b"garbage", None).expect_err("garbage");
    assert!(matches!(err, PkiError::InvalidPrivateKey { .. }), "{err}");
}

#[test]
fn debug_output_shows_no_key_material() {
    let dir = tempfile::tempdir().expect("tempdir");
    material(dir.path());
    let p12 = export(dir.path(), "default.p12", "secret", &[]);
    let contents = parse_pkcs12(&p12, "secret", Pkcs12Options::default()).expect("import");
    let scalar = hex::encode(contents.keys[0].secret.to_bytes());
    let printed = format!("{contents:?}");
    assert!(!printed.contains(&scalar), "{printed}");
    assert!(printed.contains("fingerprint"), "{printed}");

    let ca = root("palmbid 测试根 CA");
    let issued = ca
        .issue_with_new_key(&subject(), KeyRole::Signing, ten_years())
        .expect("issue");
    let printed = format!("{issued:?}");
    assert!(!printed.contains("PRIVATE KEY"), "{printed}");
}
