//! Requests and certificates built by palmbid, judged by the `openssl`
//! command line (OpenSSL 3.0).

mod pki_support;

use palmbid_core::pki::{KeyRole, PkiError, build_csr, generate_key};
use pki_support::*;

#[test]
fn csrs_verify_and_show_the_subject() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = generate_key();

    for (role, usage) in [
        (KeyRole::Signing, "Digital Signature, Non Repudiation"),
        (KeyRole::Encryption, "Key Agreement"),
    ] {
        let csr = build_csr(&key, &subject(), role).expect("CSR");
        write(dir.path(), "req.der", &csr);

        let run = openssl(
            dir.path(),
            &[
                "req", "-verify", "-noout", "-inform", "DER", "-in", "req.der",
            ],
        );
        assert!(
            run.ok && run.stderr.contains("verify OK"),
            "{}{}",
            run.stdout,
            run.stderr
        );

        let text = openssl_ok(
            dir.path(),
            &[
                "req",
                "-text",
                "-noout",
                "-inform",
                "DER",
                "-in",
                "req.der",
                "-nameopt",
                "utf8,sep_comma_plus",
            ],
        );
        assert!(text.contains("CN=张三"), "{text}");
        assert!(text.contains("O=深圳市某某建设工程有限公司"), "{text}");
        assert!(
            text.contains("organizationIdentifier=914403001922038216"),
            "{text}"
        );
        assert!(text.contains("C=CN"), "{text}");
        assert!(text.contains(usage), "{role:?}: {text}");
        assert!(text.contains("ecdsa-with-SHA256"), "{text}");
    }
}

#[test]
fn csr_with_bad_credit_code_is_refused() {
    let mut bad = subject();
    bad.credit_code = "914403001922038217".to_owned();
    let err = build_csr(&generate_key(), &bad, KeyRole::Signing).expect_err("check character");
    assert!(matches!(err, PkiError::InvalidCreditCode { .. }), "{err}");
}

#[test]
fn issued_certificates_verify_with_openssl() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = root("palmbid 测试根 CA");
    let sub = root
        .new_intermediate("palmbid 测试二级 CA", ten_years())
        .expect("intermediate");
    write(dir.path(), "root.pem", root.certificate().to_pem());
    write(dir.path(), "sub.pem", sub.certificate().to_pem());

    for (role, usage) in [
        (KeyRole::Signing, "Digital Signature, Non Repudiation"),
        (KeyRole::Encryption, "Key Encipherment, Key Agreement"),
    ] {
        let csr = build_csr(&generate_key(), &subject(), role).expect("CSR");
        let cert = sub.issue_from_csr(&csr, role, ten_years()).expect("issue");
        write(dir.path(), "leaf.pem", cert.to_pem());

        let out = openssl_ok(
            dir.path(),
            &[
                "verify",
                "-attime",
                "1800000000",
                "-CAfile",
                "root.pem",
                "-untrusted",
                "sub.pem",
                "leaf.pem",
            ],
        );
        assert!(out.contains("leaf.pem: OK"), "{out}");

        let text = openssl_ok(
            dir.path(),
            &[
                "x509", "-text", "-noout", "-in", "leaf.pem", "-nameopt", "utf8",
            ],
        );
        assert!(text.contains(usage), "{text}");
        assert!(text.contains("X509v3 Subject Key Identifier"), "{text}");
        assert!(text.contains("X509v3 Authority Key Identifier"), "{text}");
        assert!(text.contains("CN=张三"), "{text}");
        assert!(text.contains("CA:FALSE"), "{text}");
        assert!(cert.subject.contains("张三"), "{}", cert.subject);
    }

    // The chain verifies with palmbid's own checker too.
    let csr = build_csr(&generate_key(), &subject(), KeyRole::Signing).expect("CSR");
    let leaf = sub
        .issue_from_csr(&csr, KeyRole::Signing, ten_years())
        .expect("issue");
    let path = palmbid_core::pki::verify_chain(
        &leaf,
        &[sub.certificate().clone()],
        &[root.certificate().clone()],
        JAN_2026 + DAY,
        palmbid_core::pki::DEFAULT_MAX_DEPTH,
    )
    .expect("chain");
    assert_eq!(path.len(), 2);
}

#[test]
fn tampered_csr_is_refused_by_the_ca() {
    let ca = root("palmbid 测试根 CA");
    let mut csr = build_csr(&generate_key(), &subject(), KeyRole::Signing).expect("CSR");

    // Flip one byte of the signed subject (inside "张三").
    let name = "张三".as_bytes();
    let at = csr
        .windows(name.len())
        .position(|w| w == name)
        .expect("name in CSR");
    csr[at + 1] ^= 0x01;

    let err = ca
        .issue_from_csr(&csr, KeyRole::Signing, ten_years())
        .expect_err("tampered");
    assert!(matches!(err, PkiError::CsrSignatureInvalid), "{err}");
}

#[test]
fn hardware_certificate_key_is_pkcs8_pem_for_openssl() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = root("palmbid 测试根 CA");
    let issued = ca
        .issue_with_new_key(&subject(), KeyRole::Signing, ten_years())
        .expect("issue");
    assert!(
        issued
            .key_pkcs8_pem
            .starts_with("-----BEGIN PRIVATE KEY-----")
    );
    write(dir.path(), "key.pem", issued.key_pkcs8_pem.as_bytes());
    write(dir.path(), "cert.pem", issued.cert.to_pem());

    // OpenSSL agrees that key and certificate belong together.
    let key_pub = openssl_ok(dir.path(), &["pkey", "-in", "key.pem", "-pubout"]);
    let cert_pub = openssl_ok(
        dir.path(),
        &["x509", "-in", "cert.pem", "-noout", "-pubkey"],
    );
    assert_eq!(key_pub, cert_pub);
}

#[test]
fn reloaded_ca_issues_verifiable_certificates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = root("palmbid 测试根 CA");
    let reloaded =
        palmbid_core::pki::IssuingCa::from_parts(ca.certificate().clone(), &ca.key_pkcs8_pem())
            .expect("reload");
    let csr = build_csr(&generate_key(), &subject(), KeyRole::Encryption).expect("CSR");
    let leaf = reloaded
        .issue_from_csr(&csr, KeyRole::Encryption, ten_years())
        .expect("issue");
    write(dir.path(), "root.pem", ca.certificate().to_pem());
    write(dir.path(), "leaf.pem", leaf.to_pem());
    let out = openssl_ok(
        dir.path(),
        &[
            "verify",
            "-attime",
            "1800000000",
            "-CAfile",
            "root.pem",
            "leaf.pem",
        ],
    );
    assert!(out.contains("OK"), "{out}");
}

#[test]
fn openssl_csrs_are_issued_or_refused_by_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let ca = root("palmbid 测试根 CA");
    write(d, "root.pem", ca.certificate().to_pem());

    // A P-256 request from OpenSSL, in PEM, with a UTF-8 Chinese subject.
    openssl_ok(
        d,
        &[
            "ecparam",
            "-name",
            "prime256v1",
            "-genkey",
            "-noout",
            "-out",
            "p256.key",
        ],
    );
    openssl_ok(
        d,
        &[
            "req",
            "-new",
            "-utf8",
            "-key",
            "p256.key",
            "-subj",
            "/CN=王五/O=某某公司/C=CN",
            "-out",
            "p256.csr",
        ],
    );
    let csr = std::fs::read(d.join("p256.csr")).expect("read");
    let cert = ca
        .issue_from_csr(&csr, KeyRole::Signing, ten_years())
        .expect("issue");
    assert!(cert.subject.contains("王五"), "{}", cert.subject);
    write(d, "leaf.pem", cert.to_pem());
    let out = openssl_ok(
        d,
        &[
            "verify",
            "-attime",
            "1800000000",
            "-CAfile",
            "root.pem",
            "leaf.pem",
        ],
    );
    assert!(out.contains("leaf.pem: OK"), "{out}");

    // A P-384 request is refused: phone certificates are P-256.
    openssl_ok(
        d,
        &[
            "ecparam",
            "-name",
            "secp384r1",
            "-genkey",
            "-noout",
            "-out",
            "p384.key",
        ],
    );
    openssl_ok(
        d,
        &[
            "req", "-new", "-key", "p384.key", "-subj", "/CN=x", "-out", "p384.csr",
        ],
    );
    let csr = std::fs::read(d.join("p384.csr")).expect("read");
    let err = ca
        .issue_from_csr(&csr, KeyRole::Signing, ten_years())
        .expect_err("P-384");
    assert!(matches!(err, PkiError::UnsupportedKey { .. }), "{err}");
}
