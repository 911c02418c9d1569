//! Enrolment against a real keystore (`SQLite` file in a temporary folder):
//! requests, installation with every check, PKCS#12 and PKCS#8 imports.
//!
//! Argon2id runs with cheap parameters (256 KiB, t = 1) through
//! `Keystore::open_with_kdf`.

mod pki_support;

use std::sync::Arc;

use palmbid_core::error::Localized;
use palmbid_core::keystore::{
    DeviceBinding, DeviceBindingError, EnrollError, KdfParams, KeyOperation, KeyUse, KeyUseOutcome,
    Keystore, KeystoreError, Pin, import_pkcs8, import_pkcs12, install, request,
};
use palmbid_core::pki::{CertInfo, IssuingCa, KeyRole, PkiError, Validity};
use pki_support::*;
use zeroize::Zeroizing;

/// A device binding for tests: XOR with a constant. It only has to give
/// back what it sealed.
struct TestBinding;

impl DeviceBinding for TestBinding {
    fn seal(&self, secret: &[u8]) -> Result<Vec<u8>, DeviceBindingError> {
        Ok(secret.iter().map(|b| b ^ 0x5a).collect())
    }

    fn unseal(&self, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, DeviceBindingError> {
        Ok(Zeroizing::new(sealed.iter().map(|b| b ^ 0x5a).collect()))
    }
}

const NOW: i64 = JAN_2026 + 10 * DAY;

fn keystore(dir: &std::path::Path) -> Keystore {
    let kdf = KdfParams {
        m_cost_kib: 256,
        t_cost: 1,
        p_cost: 1,
    };
    Keystore::open_with_kdf(dir, Arc::new(TestBinding), kdf).expect("open keystore")
}

fn pin() -> Pin {
    Pin::entered("358102".to_owned())
}

struct Cas {
    root: IssuingCa,
    sub: IssuingCa,
}

fn cas() -> Cas {
    let root = root("palmbid 测试根 CA");
    let sub = root
        .new_intermediate("palmbid 测试二级 CA", ten_years())
        .expect("sub");
    Cas { root, sub }
}

impl Cas {
    fn chain(&self) -> Vec<CertInfo> {
        vec![
            self.sub.certificate().clone(),
            self.root.certificate().clone(),
        ]
    }
}

#[test]
fn request_then_install_both_certificates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ks = keystore(dir.path());
    let cas = cas();

    let (credential, csr_sign, csr_enc) = request(&ks, &pin(), &subject()).expect("request");
    let keys = ks.keys().expect("keys");
    assert_eq!(keys.len(), 2);
    assert!(
        keys.iter()
            .all(|k| k.credential == credential && k.certificate_fingerprint.is_none())
    );

    let sign = cas
        .sub
        .issue_from_csr(&csr_sign, KeyRole::Signing, ten_years())
        .expect("issue");
    let enc = cas
        .sub
        .issue_from_csr(&csr_enc, KeyRole::Encryption, ten_years())
        .expect("issue");
    let records =
        install(&ks, &pin(), &[sign.clone(), enc.clone()], &cas.chain(), NOW).expect("install");

    assert_eq!(records.len(), 2);
    assert_eq!(records[0].role, KeyRole::Signing);
    assert_eq!(records[1].role, KeyRole::Encryption);
    assert_eq!(
        records[0].chain.len(),
        1,
        "the intermediate, below the anchor"
    );
    let anchors = ks.trust_anchors().expect("anchors");
    assert_eq!(anchors.len(), 1);
    assert_eq!(anchors[0].fingerprint, cas.root.certificate().fingerprint);
    assert_eq!(ks.certificates().expect("certs").len(), 2);

    // Both certificates went in under one PIN check: one try, one row.
    let log = ks.signature_log(10, None).expect("log");
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].operation, KeyOperation::CertificateInstall);
    assert_eq!(log[0].outcome, KeyUseOutcome::Used);
    assert_eq!(log[0].credential, credential);
}

#[test]
fn two_credentials_rejected_before_pin() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ks = keystore(dir.path());
    let cas = cas();
    let (first, csr_first, _) = request(&ks, &pin(), &subject()).expect("request");
    let (second, csr_second, _) = request(&ks, &pin(), &subject()).expect("request");
    let issue = |csr: &[u8]| {
        cas.sub
            .issue_from_csr(csr, KeyRole::Signing, ten_years())
            .expect("issue")
    };

    let err = install(
        &ks,
        &pin(),
        &[issue(&csr_first), issue(&csr_second)],
        &cas.chain(),
        NOW,
    )
    .expect_err("two credentials");

    assert!(
        matches!(
            err,
            EnrollError::Keystore(KeystoreError::KeyOfAnotherCredential { ref credential, .. })
                if *credential == first
        ),
        "{err}"
    );
    assert_eq!(err.code(), "keystore.key_of_another_credential");
    assert_untouched(&ks);
    assert!(
        ks.signature_log(10, None).expect("log").is_empty(),
        "no PIN try"
    );
    assert_eq!(ks.pin_status(&second).expect("status").failed_attempts, 0);
}

/// Asserts that nothing was installed and no anchor added.
fn assert_untouched(ks: &Keystore) {
    assert!(ks.certificates().expect("certs").is_empty());
    assert!(ks.trust_anchors().expect("anchors").is_empty());
}

#[test]
fn certificate_for_a_foreign_key_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ks = keystore(dir.path());
    let cas = cas();
    let (_, csr_sign, _) = request(&ks, &pin(), &subject()).expect("request");
    let sign = cas
        .sub
        .issue_from_csr(&csr_sign, KeyRole::Signing, ten_years())
        .expect("issue");
    let foreign = cas
        .sub
        .issue_with_new_key(&subject(), KeyRole::Signing, ten_years())
        .expect("issue");

    let err =
        install(&ks, &pin(), &[sign, foreign.cert], &cas.chain(), NOW).expect_err("foreign key");
    assert!(
        matches!(err, EnrollError::NoKeyForCertificate { .. }),
        "{err}"
    );
    assert_untouched(&ks);
}

#[test]
fn wrong_key_usage_for_role_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ks = keystore(dir.path());
    let cas = cas();
    let (_, csr_sign, _) = request(&ks, &pin(), &subject()).expect("request");
    // The CA issues an encryption certificate for the signing key.
    let wrong = cas
        .sub
        .issue_from_csr(&csr_sign, KeyRole::Encryption, ten_years())
        .expect("issue");

    let err = install(&ks, &pin(), &[wrong], &cas.chain(), NOW).expect_err("wrong usage");
    assert!(
        matches!(err, EnrollError::Pki(PkiError::WrongKeyUsage { .. })),
        "{err}"
    );
    assert_untouched(&ks);
}

#[test]
fn expired_certificate_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ks = keystore(dir.path());
    let cas = cas();
    let (_, csr_sign, _) = request(&ks, &pin(), &subject()).expect("request");
    let short = Validity {
        not_before: JAN_2026,
        days: 5,
    };
    let cert = cas
        .sub
        .issue_from_csr(&csr_sign, KeyRole::Signing, short)
        .expect("issue");

    let err = install(&ks, &pin(), &[cert], &cas.chain(), NOW).expect_err("expired");
    assert!(
        matches!(err, EnrollError::Pki(PkiError::Expired { .. })),
        "{err}"
    );
    assert_untouched(&ks);
}

#[test]
fn chain_to_an_unknown_ca_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ks = keystore(dir.path());
    let cas = cas();
    let (_, csr_sign, _) = request(&ks, &pin(), &subject()).expect("request");
    let cert = cas
        .sub
        .issue_from_csr(&csr_sign, KeyRole::Signing, ten_years())
        .expect("issue");

    // Only the intermediate: no root given and none configured.
    let err = install(
        &ks,
        &pin(),
        std::slice::from_ref(&cert),
        &[cas.sub.certificate().clone()],
        NOW,
    )
    .expect_err("no anchor");
    assert!(
        matches!(err, EnrollError::Pki(PkiError::UnknownIssuer { .. })),
        "{err}"
    );

    // A chain that ends in another CA's root.
    let other = root("另一个根 CA");
    let err =
        install(&ks, &pin(), &[cert], &[other.certificate().clone()], NOW).expect_err("wrong CA");
    assert!(
        matches!(err, EnrollError::Pki(PkiError::UnknownIssuer { .. })),
        "{err}"
    );
    assert_untouched(&ks);
}

#[test]
fn wrong_pin_installs_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ks = keystore(dir.path());
    let cas = cas();
    let (_, csr_sign, _) = request(&ks, &pin(), &subject()).expect("request");
    let cert = cas
        .sub
        .issue_from_csr(&csr_sign, KeyRole::Signing, ten_years())
        .expect("issue");

    let err = install(
        &ks,
        &Pin::entered("000001".to_owned()),
        &[cert],
        &cas.chain(),
        NOW,
    )
    .expect_err("wrong PIN");
    assert!(matches!(err, EnrollError::Keystore(_)), "{err}");
    assert_untouched(&ks);
}

fn export_p12(dir: &std::path::Path, cas: &Cas, role: KeyRole) -> (Vec<u8>, CertInfo) {
    let issued = cas
        .sub
        .issue_with_new_key(&subject(), role, ten_years())
        .expect("issue");
    write(dir, "key.pem", issued.key_pkcs8_pem.as_bytes());
    write(dir, "cert.pem", issued.cert.to_pem());
    write(
        dir,
        "chain.pem",
        format!(
            "{}{}",
            cas.sub.certificate().to_pem(),
            cas.root.certificate().to_pem()
        ),
    );
    openssl_ok(
        dir,
        &[
            "pkcs12",
            "-export",
            "-inkey",
            "key.pem",
            "-in",
            "cert.pem",
            "-certfile",
            "chain.pem",
            "-passout",
            "pass:导出密码",
            "-out",
            "id.p12",
        ],
    );
    (
        std::fs::read(dir.join("id.p12")).expect("read"),
        issued.cert,
    )
}

#[test]
fn pkcs12_import_stores_key_certificate_and_anchor() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ks_dir = tempfile::tempdir().expect("tempdir");
    let ks = keystore(ks_dir.path());
    let cas = cas();
    let (p12, cert) = export_p12(dir.path(), &cas, KeyRole::Signing);

    let (credential, key_ids) = import_pkcs12(&ks, &p12, "导出密码", &pin(), NOW).expect("import");
    assert_eq!(key_ids.len(), 1);
    let records = ks.certificates().expect("certs");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].credential, credential);
    assert_eq!(records[0].role, KeyRole::Signing);
    assert_eq!(records[0].cert.fingerprint, cert.fingerprint);
    assert_eq!(
        ks.trust_anchors().expect("anchors")[0].fingerprint,
        cas.root.certificate().fingerprint
    );

    let unlocked = ks
        .unlock(&key_ids[0], &pin(), &KeyUse::new(KeyOperation::SignDigest))
        .expect("unlock with the new PIN");
    assert_eq!(
        Some(palmbid_core::pki::public_key_sec1(unlocked.secret())),
        cert.p256_public_key
    );

    let err = import_pkcs12(&ks, &p12, "导出密码", &pin(), NOW).expect_err("twice");
    assert!(matches!(err, EnrollError::KeyAlreadyStored { .. }), "{err}");

    let err = import_pkcs12(&ks, &p12, "wrong", &pin(), NOW).expect_err("wrong password");
    assert!(
        matches!(err, EnrollError::Pki(PkiError::WrongPassword { .. })),
        "{err}"
    );
}

#[test]
fn pkcs8_import_of_encryption_certificate_takes_its_role() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ks = keystore(dir.path());
    let cas = cas();
    let issued = cas
        .sub
        .issue_with_new_key(&subject(), KeyRole::Encryption, ten_years())
        .expect("issue");
    let chain = format!(
        "{}{}",
        cas.sub.certificate().to_pem(),
        cas.root.certificate().to_pem()
    );

    let (_, key_ids) = import_pkcs8(
        &ks,
        issued.key_pkcs8_pem.as_bytes(),
        issued.cert.to_pem().as_bytes(),
        Some(chain.as_bytes()),
        None,
        &pin(),
        NOW,
    )
    .expect("import");
    let records = ks.certificates().expect("certs");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].key_id, key_ids[0]);
    assert_eq!(records[0].role, KeyRole::Encryption);
}

#[test]
fn pkcs8_import_with_expired_certificate_stores_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ks = keystore(dir.path());
    let cas = cas();
    let short = Validity {
        not_before: JAN_2026,
        days: 1,
    };
    let issued = cas
        .sub
        .issue_with_new_key(&subject(), KeyRole::Signing, short)
        .expect("issue");
    let chain = format!(
        "{}{}",
        cas.sub.certificate().to_pem(),
        cas.root.certificate().to_pem()
    );

    let err = import_pkcs8(
        &ks,
        issued.key_pkcs8_pem.as_bytes(),
        issued.cert.to_pem().as_bytes(),
        Some(chain.as_bytes()),
        None,
        &pin(),
        NOW,
    )
    .expect_err("expired");
    assert!(
        matches!(err, EnrollError::Pki(PkiError::Expired { .. })),
        "{err}"
    );
    assert!(ks.keys().expect("keys").is_empty());
    assert!(ks.trust_anchors().expect("anchors").is_empty());
}
