//! Certificates as users hand them over by mistake: a request, a key or a
//! certificate from a CA that names the company by its credit code. Each
//! must be refused or shown in words the user recognises.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod pki_support;

use palmbid_core::error::Localized;
use palmbid_core::pki::{CertInfo, KeyRole, PkiError, build_csr, generate_key};
use pki_support::*;

#[test]
fn csr_as_certificate_named() {
    let key = generate_key();
    let csr = build_csr(&key, &subject(), KeyRole::Signing).unwrap();
    let pem =
        der::pem::encode_string("CERTIFICATE REQUEST", der::pem::LineEnding::LF, &csr).unwrap();

    let err = CertInfo::from_pem_or_der(pem.as_bytes(), "signing.csr").unwrap_err();

    assert_eq!(err.code(), "pki.invalid_certificate");
    let message = err.to_string();
    assert!(message.contains("signing.csr"), "{message}");
    assert!(message.contains("PEM CERTIFICATE REQUEST"), "{message}");
    assert!(!message.contains("post-encapsulation"), "{message}");
}

#[test]
fn key_as_certificate_named() {
    let issued = root("palmbid 测试根 CA")
        .issue_with_new_key(&subject(), KeyRole::Signing, ten_years())
        .unwrap();
    let bundle = format!("{}{}", issued.cert.to_pem(), issued.key_pkcs8_pem.as_str());

    let err = CertInfo::all_from_pem_or_der(bundle.as_bytes(), "me.pem").unwrap_err();

    assert!(
        matches!(&err, PkiError::InvalidCertificate { detail, .. } if detail.contains("PEM PRIVATE KEY")),
        "{err}"
    );
}

#[test]
fn credit_code_shown_by_name() {
    let issued = root("palmbid 测试根 CA")
        .issue_with_new_key(&subject(), KeyRole::Signing, ten_years())
        .unwrap();

    let shown = &issued.cert.subject;

    assert!(
        shown.contains("organizationIdentifier=914403001922038216"),
        "{shown}"
    );
    assert!(!shown.contains("2.5.4.97"), "{shown}");
    assert!(shown.contains("CN=张三"), "{shown}");
}

#[test]
fn wrong_key_usage_next_step() {
    let issued = root("palmbid 测试根 CA")
        .issue_with_new_key(&subject(), KeyRole::Signing, ten_years())
        .unwrap();

    let err = palmbid_core::pki::check_key_usage(&issued.cert, KeyRole::Encryption).unwrap_err();

    assert_eq!(err.code(), "pki.wrong_key_usage");
    assert!(err.to_string().contains("ask the CA"), "{err}");
    assert!(
        err.message_zh().contains("重新签发"),
        "{}",
        err.message_zh()
    );
}

#[test]
fn chinese_messages_without_english() {
    let dir = tempfile::tempdir().unwrap();
    let issued = root("palmbid 测试根 CA")
        .issue_with_new_key(&subject(), KeyRole::Signing, ten_years())
        .unwrap();
    write(dir.path(), "key.pem", issued.key_pkcs8_pem.as_bytes());
    write(dir.path(), "cert.pem", issued.cert.to_pem());
    openssl_ok(
        dir.path(),
        &[
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
        ],
    );
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
            "nokey.p12",
        ],
    );
    let p12 = std::fs::read(dir.path().join("me.p12")).unwrap();
    let nokey = std::fs::read(dir.path().join("nokey.p12")).unwrap();
    let options = palmbid_core::pki::Pkcs12Options::default();

    let wrong = palmbid_core::pki::parse_pkcs12(&p12, "wrong", options).unwrap_err();
    let empty = palmbid_core::pki::parse_pkcs12(&nokey, "secret", options).unwrap_err();

    assert_eq!(wrong.code(), "pki.wrong_password");
    assert!(
        wrong.message_zh().contains("PKCS#12 文件"),
        "{}",
        wrong.message_zh()
    );
    assert_eq!(empty.code(), "pki.no_private_key");
    assert!(
        !empty.message_zh().contains("file"),
        "{}",
        empty.message_zh()
    );
    assert!(empty.to_string().contains("export it again"), "{empty}");

    let mut nameless = subject();
    nameless.name = "  ".to_owned();
    let err = nameless.validate().unwrap_err();
    assert!(err.message_zh().contains("为空"), "{}", err.message_zh());
    assert!(!err.message_zh().contains("empty"), "{}", err.message_zh());
}
