//! Trust anchors taken from the files a user hands to an import: CA
//! bundles that list several roots in any order, and PKCS#12 files that
//! carry no CA certificate, with the chain given beside them. Real
//! keystore files; the PKCS#12 files are made by the `openssl` command.
//!
//! Argon2id runs with cheap parameters through `Keystore::open_with_kdf`.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod pki_support;

use std::sync::Arc;

use palmbid_core::error::Localized;
use palmbid_core::keystore::{
    DeviceBinding, DeviceBindingError, KdfParams, Keystore, Pin, import_pkcs8, import_pkcs12,
    import_pkcs12_with_chain,
};
use palmbid_core::pki::{CertInfo, IssuedWithKey, KeyRole};
use pki_support::*;
use zeroize::Zeroizing;

/// Gives back what it sealed; the device binding is not under test.
struct TestBinding;

impl DeviceBinding for TestBinding {
    fn seal(&self, secret: &[u8]) -> Result<Vec<u8>, DeviceBindingError> {
        Ok(secret.iter().map(|b| b ^ 0x33).collect())
    }

    fn unseal(&self, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, DeviceBindingError> {
        Ok(Zeroizing::new(sealed.iter().map(|b| b ^ 0x33).collect()))
    }
}

const NOW: i64 = JAN_2026 + 10 * DAY;

fn keystore(dir: &std::path::Path) -> Keystore {
    let kdf = KdfParams {
        m_cost_kib: 256,
        t_cost: 1,
        p_cost: 1,
    };
    Keystore::open_with_kdf(dir, Arc::new(TestBinding), kdf).unwrap()
}

fn new_pin() -> Pin {
    Pin::chosen("358102".to_owned()).unwrap()
}

/// Two unrelated roots; the first issues a signing certificate.
fn two_roots() -> (CertInfo, CertInfo, IssuedWithKey) {
    let issuing = root("palmbid 签发根 CA");
    let unrelated = root("palmbid 无关根 CA");
    let issued = issuing
        .issue_with_new_key(&subject(), KeyRole::Signing, ten_years())
        .unwrap();
    (
        issuing.certificate().clone(),
        unrelated.certificate().clone(),
        issued,
    )
}

fn anchor_names(keystore: &Keystore) -> Vec<String> {
    keystore
        .trust_anchors()
        .unwrap()
        .into_iter()
        .map(|a| a.subject)
        .collect()
}

#[test]
fn bundle_root_first_imports() {
    let home = tempfile::tempdir().unwrap();
    let keystore = keystore(home.path());
    let (issuing, unrelated, issued) = two_roots();
    let bundle = format!("{}{}", issuing.to_pem(), unrelated.to_pem());

    import_pkcs8(
        &keystore,
        issued.key_pkcs8_pem.as_bytes(),
        issued.cert.to_pem().as_bytes(),
        Some(bundle.as_bytes()),
        None,
        &new_pin(),
        NOW,
    )
    .unwrap();

    let anchors = anchor_names(&keystore);
    assert_eq!(anchors, vec![issuing.subject.clone()], "only the root used");
}

#[test]
fn bundle_root_last_imports() {
    let home = tempfile::tempdir().unwrap();
    let keystore = keystore(home.path());
    let (issuing, unrelated, issued) = two_roots();
    let bundle = format!("{}{}", unrelated.to_pem(), issuing.to_pem());

    import_pkcs8(
        &keystore,
        issued.key_pkcs8_pem.as_bytes(),
        issued.cert.to_pem().as_bytes(),
        Some(bundle.as_bytes()),
        None,
        &new_pin(),
        NOW,
    )
    .unwrap();

    assert_eq!(anchor_names(&keystore), vec![issuing.subject.clone()]);
}

#[test]
fn bundle_without_root_adds_nothing() {
    let home = tempfile::tempdir().unwrap();
    let keystore = keystore(home.path());
    let (_, unrelated, issued) = two_roots();

    let err = import_pkcs8(
        &keystore,
        issued.key_pkcs8_pem.as_bytes(),
        issued.cert.to_pem().as_bytes(),
        Some(unrelated.to_pem().as_bytes()),
        None,
        &new_pin(),
        NOW,
    )
    .unwrap_err();

    assert_eq!(err.code(), "pki.unknown_issuer");
    assert!(anchor_names(&keystore).is_empty());
    assert!(keystore.keys().unwrap().is_empty());
}

/// A PKCS#12 file of `issued` without any CA certificate, made by OpenSSL.
fn pkcs12_without_ca(dir: &std::path::Path, issued: &IssuedWithKey) -> Vec<u8> {
    write(dir, "key.pem", issued.key_pkcs8_pem.as_bytes());
    write(dir, "cert.pem", issued.cert.to_pem());
    openssl_ok(
        dir,
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
    std::fs::read(dir.join("me.p12")).unwrap()
}

#[test]
fn pkcs12_without_ca_with_chain() {
    let home = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let keystore = keystore(home.path());
    let (issuing, unrelated, issued) = two_roots();
    let p12 = pkcs12_without_ca(files.path(), &issued);

    let err = import_pkcs12(&keystore, &p12, "secret", &new_pin(), NOW).unwrap_err();
    assert_eq!(err.code(), "pki.unknown_issuer");

    let (_, keys) = import_pkcs12_with_chain(
        &keystore,
        &p12,
        "secret",
        &[unrelated, issuing.clone()],
        &new_pin(),
        NOW,
    )
    .unwrap();

    assert_eq!(keys.len(), 1);
    assert_eq!(anchor_names(&keystore), vec![issuing.subject.clone()]);
    let records = keystore.certificates().unwrap();
    assert_eq!(records[0].cert.fingerprint, issued.cert.fingerprint);
}
