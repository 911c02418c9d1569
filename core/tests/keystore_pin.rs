//! PIN unlocking, attempt counting, lockout and PIN changes, on real
//! keystore files.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod keystore_support;

use keystore_support::{OTHER_PIN, PIN, Site, WRONG_PIN, any_use, enroll, new_key, pin};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use palmbid_core::error::Localized;
use palmbid_core::keystore::{
    CredentialId, KeyId, KeystoreError, MAX_PIN_ATTEMPTS, NewKey, PinStatus,
};
use palmbid_core::pki::KeyRole;
use rand_core::OsRng;

#[test]
fn created_keys_unlock_with_their_pin() {
    let site = Site::new();
    let keystore = site.open();
    let signing = p256::SecretKey::random(&mut OsRng);
    let encryption = p256::SecretKey::random(&mut OsRng);

    let (credential, ids) = keystore
        .create_credential(
            &pin(PIN),
            "bidder",
            vec![
                NewKey {
                    role: KeyRole::Signing,
                    secret: signing.clone(),
                    certificate: None,
                },
                NewKey {
                    role: KeyRole::Encryption,
                    secret: encryption.clone(),
                    certificate: None,
                },
            ],
        )
        .unwrap();

    let first = keystore.unlock(&ids[0], &pin(PIN), &any_use()).unwrap();
    let second = keystore.unlock(&ids[1], &pin(PIN), &any_use()).unwrap();
    assert_eq!(first.secret().to_bytes(), signing.to_bytes());
    assert_eq!(first.role, KeyRole::Signing);
    assert_eq!(second.secret().to_bytes(), encryption.to_bytes());
    assert_eq!(second.role, KeyRole::Encryption);

    let records = keystore.keys().unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].id, ids[0]);
    assert_eq!(records[0].credential, credential);
    assert_eq!(
        records[0].public_key,
        signing.public_key().to_encoded_point(false).as_bytes()
    );
    assert_eq!(records[0].certificate_fingerprint, None);
}

#[test]
fn unlocked_key_debug_shows_no_secret() {
    let site = Site::new();
    let keystore = site.open();
    let (_, ids) = enroll(&keystore);

    let unlocked = keystore.unlock(&ids[0], &pin(PIN), &any_use()).unwrap();
    let shown = format!("{unlocked:?}");

    assert!(shown.contains(&ids[0].0));
    assert!(!shown.contains(&hex::encode(unlocked.secret().to_bytes())));
}

#[test]
fn wrong_pins_count_down_then_lock_even_the_right_pin_out() {
    let site = Site::new();
    let keystore = site.open();
    let (credential, ids) = enroll(&keystore);

    for expected in (1..MAX_PIN_ATTEMPTS).rev() {
        let err = keystore
            .unlock(&ids[0], &pin(WRONG_PIN), &any_use())
            .unwrap_err();
        match err {
            KeystoreError::PinIncorrect {
                credential: c,
                tries_left,
            } => {
                assert_eq!(c, credential);
                assert_eq!(tries_left, expected);
            }
            other => panic!("expected PinIncorrect with {expected} tries left, got {other:?}"),
        }
    }

    let sixth = keystore
        .unlock(&ids[1], &pin(WRONG_PIN), &any_use())
        .unwrap_err();
    assert!(matches!(sixth, KeystoreError::Locked { .. }), "{sixth:?}");
    assert_eq!(sixth.code(), "keystore.locked");

    let right = keystore.unlock(&ids[0], &pin(PIN), &any_use()).unwrap_err();
    assert!(matches!(right, KeystoreError::Locked { .. }), "{right:?}");
    assert_eq!(
        keystore.pin_status(&credential).unwrap(),
        PinStatus {
            failed_attempts: MAX_PIN_ATTEMPTS,
            tries_left: 0,
            locked: true
        }
    );

    // Locked survives reopening, and PIN changes are refused too.
    drop(keystore);
    let reopened = site.open();
    let err = reopened.unlock(&ids[1], &pin(PIN), &any_use()).unwrap_err();
    assert!(matches!(err, KeystoreError::Locked { .. }), "{err:?}");
    let err = reopened
        .change_pin(&credential, &pin(PIN), &pin(OTHER_PIN))
        .unwrap_err();
    assert!(matches!(err, KeystoreError::Locked { .. }), "{err:?}");
}

#[test]
fn right_pin_resets_the_counter() {
    let site = Site::new();
    let keystore = site.open();
    let (credential, ids) = enroll(&keystore);

    for _ in 0..MAX_PIN_ATTEMPTS - 1 {
        keystore
            .unlock(&ids[0], &pin(WRONG_PIN), &any_use())
            .unwrap_err();
    }
    assert_eq!(keystore.pin_status(&credential).unwrap().tries_left, 1);

    keystore.unlock(&ids[1], &pin(PIN), &any_use()).unwrap();

    assert_eq!(
        keystore.pin_status(&credential).unwrap(),
        PinStatus {
            failed_attempts: 0,
            tries_left: MAX_PIN_ATTEMPTS,
            locked: false
        }
    );
    let err = keystore
        .unlock(&ids[0], &pin(WRONG_PIN), &any_use())
        .unwrap_err();
    assert!(
        matches!(err, KeystoreError::PinIncorrect { tries_left: 5, .. }),
        "{err:?}"
    );
}

#[test]
fn counter_survives_reopening() {
    let site = Site::new();
    let (credential, ids) = enroll(&site.open());

    for _ in 0..3 {
        site.open()
            .unlock(&ids[0], &pin(WRONG_PIN), &any_use())
            .unwrap_err();
    }

    let reopened = site.open();
    assert_eq!(reopened.pin_status(&credential).unwrap().failed_attempts, 3);
    let err = reopened
        .unlock(&ids[0], &pin(WRONG_PIN), &any_use())
        .unwrap_err();
    assert!(
        matches!(err, KeystoreError::PinIncorrect { tries_left: 2, .. }),
        "{err:?}"
    );
}

#[test]
fn counter_at_the_limit_without_lock_flag_is_locked() {
    // A process killed after counting the sixth try but before setting the
    // flag leaves exactly this row.
    let site = Site::new();
    let (credential, ids) = enroll(&site.open());
    site.sql()
        .execute(
            "UPDATE credentials SET failed_attempts = ?1, locked = 0",
            [MAX_PIN_ATTEMPTS],
        )
        .unwrap();

    let keystore = site.open();
    assert!(keystore.pin_status(&credential).unwrap().locked);
    let err = keystore.unlock(&ids[0], &pin(PIN), &any_use()).unwrap_err();
    assert!(matches!(err, KeystoreError::Locked { .. }), "{err:?}");
}

#[test]
fn credentials_count_attempts_separately() {
    let site = Site::new();
    let keystore = site.open();
    let (first, first_ids) = enroll(&keystore);
    let (second, _) = enroll(&keystore);

    keystore
        .unlock(&first_ids[0], &pin(WRONG_PIN), &any_use())
        .unwrap_err();

    assert_eq!(keystore.pin_status(&first).unwrap().failed_attempts, 1);
    assert_eq!(keystore.pin_status(&second).unwrap().failed_attempts, 0);
}

#[test]
fn new_credential_pin_must_meet_the_rules() {
    type Check = fn(&KeystoreError) -> bool;
    let site = Site::new();
    let keystore = site.open();
    let cases: [(&str, Check, &str); 5] = [
        (
            "12345a",
            |e| matches!(e, KeystoreError::PinNotDigits),
            "keystore.pin_not_digits",
        ),
        (
            "13579",
            |e| matches!(e, KeystoreError::PinTooShort { min: 6 }),
            "keystore.pin_too_short",
        ),
        (
            "777777",
            |e| matches!(e, KeystoreError::PinAllSame),
            "keystore.pin_all_same",
        ),
        (
            "890123",
            |e| matches!(e, KeystoreError::PinAscending),
            "keystore.pin_ascending",
        ),
        (
            "543210",
            |e| matches!(e, KeystoreError::PinDescending),
            "keystore.pin_descending",
        ),
    ];

    for (digits, is_expected, code) in cases {
        let err = keystore
            .create_credential(&pin(digits), "bidder", vec![new_key(KeyRole::Signing)])
            .unwrap_err();
        assert!(is_expected(&err), "{digits}: {err:?}");
        assert_eq!(err.code(), code);
        assert!(
            !err.to_string().contains(digits),
            "a message must not echo the PIN"
        );
    }
    assert!(
        keystore.keys().unwrap().is_empty(),
        "nothing is stored for a refused PIN"
    );
}

#[test]
fn changed_pin_replaces_the_old_one_for_every_key() {
    let site = Site::new();
    let keystore = site.open();
    let (credential, ids) = enroll(&keystore);
    let before = keystore
        .unlock(&ids[1], &pin(PIN), &any_use())
        .unwrap()
        .secret()
        .to_bytes();

    keystore
        .change_pin(&credential, &pin(PIN), &pin(OTHER_PIN))
        .unwrap();

    for id in &ids {
        let err = keystore.unlock(id, &pin(PIN), &any_use()).unwrap_err();
        assert!(matches!(err, KeystoreError::PinIncorrect { .. }), "{err:?}");
    }
    let reopened = site.open();
    for id in &ids {
        reopened.unlock(id, &pin(OTHER_PIN), &any_use()).unwrap();
    }
    assert_eq!(
        reopened
            .unlock(&ids[1], &pin(OTHER_PIN), &any_use())
            .unwrap()
            .secret()
            .to_bytes(),
        before
    );
    assert_eq!(reopened.pin_status(&credential).unwrap().failed_attempts, 0);
}

#[test]
fn change_pin_with_wrong_old_pin_counts_a_try_and_changes_nothing() {
    let site = Site::new();
    let keystore = site.open();
    let (credential, ids) = enroll(&keystore);

    let err = keystore
        .change_pin(&credential, &pin(WRONG_PIN), &pin(OTHER_PIN))
        .unwrap_err();

    assert!(
        matches!(err, KeystoreError::PinIncorrect { tries_left: 5, .. }),
        "{err:?}"
    );
    keystore.unlock(&ids[0], &pin(PIN), &any_use()).unwrap();
}

#[test]
fn change_pin_refuses_a_bad_new_pin_without_counting() {
    let site = Site::new();
    let keystore = site.open();
    let (credential, ids) = enroll(&keystore);

    let same = keystore
        .change_pin(&credential, &pin(PIN), &pin(PIN))
        .unwrap_err();
    let trivial = keystore
        .change_pin(&credential, &pin(PIN), &pin("000000"))
        .unwrap_err();
    let ascending = keystore
        .change_pin(&credential, &pin(PIN), &pin("234567"))
        .unwrap_err();

    assert!(matches!(same, KeystoreError::PinUnchanged), "{same:?}");
    assert_eq!(same.code(), "keystore.pin_unchanged");
    assert!(matches!(trivial, KeystoreError::PinAllSame), "{trivial:?}");
    assert!(
        matches!(ascending, KeystoreError::PinAscending),
        "{ascending:?}"
    );
    assert_eq!(keystore.pin_status(&credential).unwrap().failed_attempts, 0);
    keystore.unlock(&ids[0], &pin(PIN), &any_use()).unwrap();
}

#[test]
fn unknown_ids_are_reported_by_name() {
    let site = Site::new();
    let keystore = site.open();
    enroll(&keystore);

    let key = keystore
        .unlock(&KeyId("no-such-key".to_owned()), &pin(PIN), &any_use())
        .unwrap_err();
    let credential = keystore
        .pin_status(&CredentialId("no-such-credential".to_owned()))
        .unwrap_err();
    let change = keystore
        .change_pin(&CredentialId("gone".to_owned()), &pin(PIN), &pin(OTHER_PIN))
        .unwrap_err();

    assert!(matches!(key, KeystoreError::KeyNotFound { .. }), "{key:?}");
    assert!(key.to_string().contains("no-such-key"));
    assert!(
        matches!(credential, KeystoreError::CredentialNotFound { .. }),
        "{credential:?}"
    );
    assert!(credential.to_string().contains("no-such-credential"));
    assert!(
        matches!(change, KeystoreError::CredentialNotFound { .. }),
        "{change:?}"
    );
}

#[test]
fn keystore_is_shared_across_threads() {
    let site = Site::new();
    let keystore = std::sync::Arc::new(site.open());
    let (credential, ids) = enroll(&keystore);

    let handles: Vec<_> = (0..4)
        .map(|i| {
            let keystore = keystore.clone();
            let id = ids[i % 2].clone();
            std::thread::spawn(move || keystore.unlock(&id, &pin(PIN), &any_use()).map(|_| ()))
        })
        .collect();

    for handle in handles {
        handle.join().unwrap().unwrap();
    }
    assert_eq!(keystore.pin_status(&credential).unwrap().failed_attempts, 0);
}

#[test]
fn old_wrapped_keys_leave_no_copy_on_disk() {
    // After a PIN change, the blobs wrapped under the old PIN must be
    // gone from the database file and its write-ahead log, so a later
    // thief who learned the old PIN cannot use them.
    let site = Site::new();
    let keystore = site.open();
    let (credential, ids) = enroll(&keystore);
    let old_blob: Vec<u8> = site
        .sql()
        .query_row(
            "SELECT wrapped_key FROM keys WHERE id = ?1",
            [&ids[0].0],
            |r| r.get(0),
        )
        .unwrap();

    keystore
        .change_pin(&credential, &pin(PIN), &pin(OTHER_PIN))
        .unwrap();

    let wal = site.home().join("keystore.sqlite3-wal");
    let mut on_disk = std::fs::read(site.database()).unwrap();
    on_disk.extend(std::fs::read(&wal).unwrap_or_default());
    // The ciphertext part of the blob: after version, costs, salt and nonce.
    let ciphertext = &old_blob[old_blob.len() - 48..];
    assert!(!on_disk.windows(ciphertext.len()).any(|w| w == ciphertext));
    assert_eq!(std::fs::metadata(&wal).map_or(0, |m| m.len()), 0);
}
