//! Concurrent writers on one keystore home: PIN changes racing
//! certificate installs, through two `Keystore` values (as two processes
//! would hold) and one shared across threads. Every operation either
//! completes or fails cleanly; no key is ever left unopenable.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod keystore_support;

use std::sync::Arc;

use keystore_support::{OTHER_PIN, PIN, Site, any_use, certificate_for, enroll, pin};
use palmbid_core::keystore::{CredentialId, KeyId, Keystore, KeystoreError};

/// How many operations each thread attempts.
const ROUNDS: usize = 15;

/// Runs `operation` with each PIN in turn until one is accepted; the other
/// thread may have changed it in between. Returns whether it completed.
fn with_either_pin(operation: impl Fn(&str) -> Result<(), KeystoreError>) -> bool {
    for digits in [PIN, OTHER_PIN, PIN, OTHER_PIN] {
        match operation(digits) {
            Ok(()) => return true,
            Err(KeystoreError::PinIncorrect { .. }) => {}
            Err(KeystoreError::ConcurrentChange { .. }) => return false,
            Err(e) => panic!("operation failed: {e}"),
        }
    }
    false
}

fn change_pins(keystore: &Keystore, credential: &CredentialId) -> usize {
    (0..ROUNDS)
        .filter(|_| {
            with_either_pin(|old| {
                let new = if old == PIN { OTHER_PIN } else { PIN };
                keystore.change_pin(credential, &pin(old), &pin(new))
            })
        })
        .count()
}

fn install_certificates(keystore: &Keystore, key: &KeyId, secret: &p256::SecretKey) -> usize {
    (0..ROUNDS)
        .filter(|round| {
            let cert = certificate_for(secret, &format!("round {round}"));
            with_either_pin(|digits| {
                keystore
                    .install_certificate(key, &pin(digits), &cert, &[])
                    .map(|_| ())
            })
        })
        .count()
}

fn assert_consistent(keystore: &Keystore, ids: &[KeyId]) {
    let mut pins = Vec::new();
    for id in ids {
        let opened_with = [PIN, OTHER_PIN]
            .into_iter()
            .find(|digits| keystore.unlock(id, &pin(digits), &any_use()).is_ok());
        pins.push(opened_with.unwrap_or_else(|| panic!("key {id} opens with neither PIN")));
    }
    assert!(
        pins.iter().all(|p| *p == pins[0]),
        "keys disagree on the PIN: {pins:?}"
    );

    let keys = keystore.keys().unwrap();
    let certificates = keystore.certificates().unwrap();
    assert_eq!(certificates.len(), 1);
    assert_eq!(
        keys[0].certificate_fingerprint.as_deref(),
        Some(certificates[0].cert.fingerprint.as_str())
    );
}

#[test]
fn two_handles_on_one_home_race_safely() {
    let site = Arc::new(Site::new());
    let (credential, ids) = enroll(&site.open());
    let secret = site
        .open()
        .unlock(&ids[0], &pin(PIN), &any_use())
        .unwrap()
        .secret()
        .clone();

    let changer = {
        let site = site.clone();
        std::thread::spawn(move || change_pins(&site.open(), &credential))
    };
    let installer = {
        let (site, key) = (site.clone(), ids[0].clone());
        std::thread::spawn(move || install_certificates(&site.open(), &key, &secret))
    };
    let changes = changer.join().unwrap();
    let installs = installer.join().unwrap();

    assert!(changes > 0, "no PIN change completed");
    assert!(installs > 0, "no certificate install completed");
    assert_consistent(&site.open(), &ids);
}

#[test]
fn one_handle_shared_by_threads_races_safely() {
    let site = Site::new();
    let keystore = Arc::new(site.open());
    let (credential, ids) = enroll(&keystore);
    let secret = keystore
        .unlock(&ids[0], &pin(PIN), &any_use())
        .unwrap()
        .secret()
        .clone();

    let changer = {
        let keystore = keystore.clone();
        std::thread::spawn(move || change_pins(&keystore, &credential))
    };
    let installer = {
        let (keystore, key) = (keystore.clone(), ids[0].clone());
        std::thread::spawn(move || install_certificates(&keystore, &key, &secret))
    };
    let changes = changer.join().unwrap();
    let installs = installer.join().unwrap();

    assert!(changes > 0, "no PIN change completed");
    assert!(installs > 0, "no certificate install completed");
    assert_consistent(&keystore, &ids);
}
