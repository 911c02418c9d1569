//! Installing certificates, importing keys with certificates, and trust
//! anchors, on real keystore files with certificates made by rcgen.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod keystore_support;

use keystore_support::{
    PIN, Site, WRONG_PIN, any_use, certificate_for, enroll, issued_certificate, pin,
};
use palmbid_core::error::Localized;
use palmbid_core::keystore::{KeystoreError, NewKey};
use palmbid_core::pki::KeyRole;
use rand_core::OsRng;

#[test]
fn matching_certificate_installs_and_binds_the_key() {
    let site = Site::new();
    let keystore = site.open();
    let (credential, ids) = enroll(&keystore);
    let secret = keystore
        .unlock(&ids[0], &pin(PIN), &any_use())
        .unwrap()
        .secret()
        .clone();
    let (ca, leaf) = issued_certificate(&secret);

    let record = keystore
        .install_certificate(&ids[0], &pin(PIN), &leaf, std::slice::from_ref(&ca))
        .unwrap();

    assert_eq!(record.key_id, ids[0]);
    assert_eq!(record.credential, credential);
    assert_eq!(record.role, KeyRole::Signing);
    assert_eq!(record.cert.fingerprint, leaf.fingerprint);

    let reopened = site.open();
    let listed = reopened.certificates().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].cert, leaf);
    assert_eq!(listed[0].chain, vec![ca]);
    let keys = reopened.keys().unwrap();
    assert_eq!(
        keys[0].certificate_fingerprint.as_deref(),
        Some(leaf.fingerprint.as_str())
    );
    assert_eq!(keys[1].certificate_fingerprint, None);
    assert_eq!(
        reopened
            .unlock(&ids[0], &pin(PIN), &any_use())
            .unwrap()
            .secret()
            .to_bytes(),
        secret.to_bytes()
    );
}

#[test]
fn renewed_certificate_replaces_the_earlier_one() {
    let site = Site::new();
    let keystore = site.open();
    let (_, ids) = enroll(&keystore);
    let secret = keystore
        .unlock(&ids[1], &pin(PIN), &any_use())
        .unwrap()
        .secret()
        .clone();
    let first = certificate_for(&secret, "first");
    let second = certificate_for(&secret, "second");

    keystore
        .install_certificate(&ids[1], &pin(PIN), &first, &[])
        .unwrap();
    keystore
        .install_certificate(&ids[1], &pin(PIN), &second, &[])
        .unwrap();

    let listed = keystore.certificates().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].cert.fingerprint, second.fingerprint);
    keystore.unlock(&ids[1], &pin(PIN), &any_use()).unwrap();
}

#[test]
fn certificate_for_another_key_is_refused_without_counting() {
    let site = Site::new();
    let keystore = site.open();
    let (credential, ids) = enroll(&keystore);
    let stranger = certificate_for(&p256::SecretKey::random(&mut OsRng), "stranger");

    let err = keystore
        .install_certificate(&ids[0], &pin(PIN), &stranger, &[])
        .unwrap_err();

    match &err {
        KeystoreError::CertificateMismatch {
            key, fingerprint, ..
        } => {
            assert_eq!(key, &ids[0]);
            assert_eq!(fingerprint, &stranger.fingerprint);
        }
        other => panic!("expected CertificateMismatch, got {other:?}"),
    }
    assert_eq!(err.code(), "keystore.certificate_mismatch");
    assert!(keystore.certificates().unwrap().is_empty());
    assert_eq!(keystore.pin_status(&credential).unwrap().failed_attempts, 0);
    keystore.unlock(&ids[0], &pin(PIN), &any_use()).unwrap();
}

#[test]
fn install_with_wrong_pin_counts_and_installs_nothing() {
    let site = Site::new();
    let keystore = site.open();
    let (_, ids) = enroll(&keystore);
    let secret = keystore
        .unlock(&ids[0], &pin(PIN), &any_use())
        .unwrap()
        .secret()
        .clone();
    let cert = certificate_for(&secret, "bidder");

    let err = keystore
        .install_certificate(&ids[0], &pin(WRONG_PIN), &cert, &[])
        .unwrap_err();

    assert!(
        matches!(err, KeystoreError::PinIncorrect { tries_left: 5, .. }),
        "{err:?}"
    );
    assert!(keystore.certificates().unwrap().is_empty());
    keystore.unlock(&ids[0], &pin(PIN), &any_use()).unwrap();
}

#[test]
fn imported_key_with_certificate_is_stored_bound_to_it() {
    let site = Site::new();
    let keystore = site.open();
    let secret = p256::SecretKey::random(&mut OsRng);
    let cert = certificate_for(&secret, "imported");

    let (_, ids) = keystore
        .create_credential(
            &pin(PIN),
            "imported",
            vec![NewKey {
                role: KeyRole::Signing,
                secret,
                certificate: Some(cert.clone()),
            }],
        )
        .unwrap();

    let listed = keystore.certificates().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].key_id, ids[0]);
    assert_eq!(listed[0].cert, cert);
    keystore.unlock(&ids[0], &pin(PIN), &any_use()).unwrap();
}

#[test]
fn import_with_mismatching_certificate_stores_nothing() {
    let site = Site::new();
    let keystore = site.open();
    let other = certificate_for(&p256::SecretKey::random(&mut OsRng), "other");

    let err = keystore
        .create_credential(
            &pin(PIN),
            "imported",
            vec![NewKey {
                role: KeyRole::Signing,
                secret: p256::SecretKey::random(&mut OsRng),
                certificate: Some(other),
            }],
        )
        .unwrap_err();

    assert!(
        matches!(err, KeystoreError::CertificateMismatch { .. }),
        "{err:?}"
    );
    assert!(keystore.keys().unwrap().is_empty());
}

#[test]
fn certificate_with_a_non_p256_key_is_refused() {
    let site = Site::new();
    let keystore = site.open();
    let (_, ids) = enroll(&keystore);
    let ed25519 = rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
    let params = rcgen::CertificateParams::new(vec!["ed.example".to_owned()]).unwrap();
    let der = params.self_signed(&ed25519).unwrap().der().to_vec();
    let cert = palmbid_core::pki::CertInfo::from_der(&der, "ed25519").unwrap();

    let err = keystore
        .install_certificate(&ids[0], &pin(PIN), &cert, &[])
        .unwrap_err();

    assert!(
        matches!(err, KeystoreError::CertificateMismatch { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("not on P-256"), "{err}");
}

#[test]
fn trust_anchors_are_kept_once_each() {
    let site = Site::new();
    let keystore = site.open();
    let (ca, _) = issued_certificate(&p256::SecretKey::random(&mut OsRng));
    let (other_ca, _) = issued_certificate(&p256::SecretKey::random(&mut OsRng));

    keystore.add_trust_anchor(&ca).unwrap();
    keystore.add_trust_anchor(&ca).unwrap();
    keystore.add_trust_anchor(&other_ca).unwrap();

    assert_eq!(site.open().trust_anchors().unwrap(), vec![ca, other_ca]);
}
