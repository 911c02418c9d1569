//! The signature log: one row for each PIN entry that requests a key,
//! written where the key is unlocked, refused tries included, bounded in
//! size, and kept across the migration from schema version 4.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod keystore_support;

use std::path::Path;

use keystore_support::{
    OTHER_PIN, PIN, Site, WRONG_PIN, any_use, copy, enroll, issued_certificate, pin, restrict,
};
use palmbid_core::keystore::{
    KeyId, KeyOperation, KeyUse, KeyUseOutcome, Keystore, KeystoreError, MAX_PIN_ATTEMPTS,
    SIGNATURE_LOG_LIMIT, SignatureLogEntry,
};
use palmbid_core::pki::KeyRole;

fn log(keystore: &Keystore) -> Vec<SignatureLogEntry> {
    keystore.signature_log(100, None).unwrap()
}

fn qr_sign() -> KeyUse {
    KeyUse::new(KeyOperation::QrSign)
        .platform("dev")
        .requester("投标工具箱 (PC-01, 127.0.0.1)".to_owned())
        .document("投标文件.pdf", "AB".repeat(32).as_str())
}

#[test]
fn log_row_carries_use_fields() {
    let site = Site::new();
    let keystore = site.open();
    let (credential, ids) = enroll(&keystore);
    let secret = keystore.unlock(&ids[0], &pin(PIN), &any_use()).unwrap();
    let (ca, leaf) = issued_certificate(secret.secret());
    keystore.add_trust_anchor(&ca).unwrap();
    keystore
        .install_certificate(&ids[0], &pin(PIN), &leaf, &[])
        .unwrap();
    let before = log(&keystore).len();

    keystore.unlock(&ids[0], &pin(PIN), &qr_sign()).unwrap();

    let entries = log(&keystore);
    assert_eq!(entries.len(), before + 1, "one row per use");
    let entry = &entries[0];
    assert_eq!(entry.operation, KeyOperation::QrSign);
    assert_eq!(entry.outcome, KeyUseOutcome::Used);
    assert_eq!(entry.credential, credential);
    assert_eq!(entry.key_id.as_ref(), Some(&ids[0]));
    assert_eq!(entry.role, Some(KeyRole::Signing));
    assert_eq!(
        entry.certificate_serial.as_deref(),
        Some(leaf.serial_hex().as_str())
    );
    assert_eq!(entry.platform.as_deref(), Some("dev"));
    assert_eq!(
        entry.requester.as_deref(),
        Some("投标工具箱 (PC-01, 127.0.0.1)")
    );
    assert_eq!(entry.project, None);
    assert_eq!(entry.document_name.as_deref(), Some("投标文件.pdf"));
    assert_eq!(
        entry.document_sha256.as_deref(),
        Some("ab".repeat(32).as_str()),
        "digests are stored lower-case"
    );
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(entry.at.abs_diff(i64::try_from(now).unwrap()) < 60);

    // The first unlock had no certificate yet; the install is its own row.
    let operations: Vec<KeyOperation> = entries.iter().map(|e| e.operation).collect();
    assert_eq!(
        operations,
        [
            KeyOperation::QrSign,
            KeyOperation::CertificateInstall,
            KeyOperation::SignDigest,
        ]
    );
    assert_eq!(entries[2].certificate_serial, None);
}

#[test]
fn log_names_every_operation() {
    let site = Site::new();
    let keystore = site.open();
    let (_, ids) = enroll(&keystore);

    for operation in KeyOperation::ALL {
        let usage = KeyUse::new(operation).project("P-1");
        keystore.unlock(&ids[1], &pin(PIN), &usage).unwrap();
    }

    let mut entries = log(&keystore);
    entries.reverse();
    let operations: Vec<KeyOperation> = entries.iter().map(|e| e.operation).collect();
    assert_eq!(operations, KeyOperation::ALL);
    for entry in &entries {
        assert_eq!(entry.role, Some(KeyRole::Encryption));
        assert_eq!(entry.project.as_deref(), Some("P-1"));
        assert_eq!(entry.outcome, KeyUseOutcome::Used);
    }
}

#[test]
fn log_wrong_pins_until_locked() {
    let site = Site::new();
    let keystore = site.open();
    let (_, ids) = enroll(&keystore);

    for _ in 0..MAX_PIN_ATTEMPTS {
        keystore
            .unlock(&ids[0], &pin(WRONG_PIN), &qr_sign())
            .unwrap_err();
    }
    let err = keystore.unlock(&ids[0], &pin(PIN), &qr_sign()).unwrap_err();
    assert!(matches!(err, KeystoreError::Locked { .. }), "{err:?}");

    let outcomes: Vec<KeyUseOutcome> = log(&keystore).iter().map(|e| e.outcome).collect();
    let mut expected = vec![KeyUseOutcome::Locked, KeyUseOutcome::Locked];
    expected.extend([KeyUseOutcome::WrongPin; MAX_PIN_ATTEMPTS as usize - 1]);
    assert_eq!(
        outcomes, expected,
        "newest first: the try on the locked key, the locking try, the wrong ones"
    );
    assert!(log(&keystore).iter().all(|e| e.outcome.refused()));
    assert!(
        log(&keystore)
            .iter()
            .all(|e| e.operation == KeyOperation::QrSign)
    );
}

#[test]
fn log_pin_change_per_credential() {
    let site = Site::new();
    let keystore = site.open();
    let (credential, _) = enroll(&keystore);

    keystore
        .change_pin(&credential, &pin(WRONG_PIN), &pin(OTHER_PIN))
        .unwrap_err();
    keystore
        .change_pin(&credential, &pin(PIN), &pin(OTHER_PIN))
        .unwrap();

    let entries = log(&keystore);
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].outcome, KeyUseOutcome::Used);
    assert_eq!(entries[1].outcome, KeyUseOutcome::WrongPin);
    for entry in &entries {
        assert_eq!(entry.operation, KeyOperation::PinChange);
        assert_eq!(entry.credential, credential);
        assert_eq!(entry.key_id, None, "a PIN change covers every key");
    }
}

#[test]
fn log_keeps_newest_rows() {
    let site = Site::new();
    let keystore = site.open();
    let (credential, ids) = enroll(&keystore);
    {
        let mut sql = site.sql();
        let tx = sql.transaction().unwrap();
        for at in 0..SIGNATURE_LOG_LIMIT {
            tx.execute(
                "INSERT INTO signature_log (at, operation, credential_id, outcome)
                 VALUES (?1, 'sign_file', ?2, 'used')",
                rusqlite::params![at, credential.0],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }

    keystore.unlock(&ids[0], &pin(PIN), &qr_sign()).unwrap();

    let (count, oldest): (u32, i64) = site
        .sql()
        .query_row("SELECT count(*), min(at) FROM signature_log", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(count, SIGNATURE_LOG_LIMIT);
    assert_eq!(oldest, 1, "the oldest row went");
    assert_eq!(log(&keystore)[0].operation, KeyOperation::QrSign);
}

#[test]
fn log_insert_failure_stops_before_counting() {
    let site = Site::new();
    let keystore = site.open();
    let (credential, ids) = enroll(&keystore);
    site.sql()
        .execute_batch(
            "CREATE TRIGGER no_log BEFORE INSERT ON signature_log
             BEGIN SELECT RAISE(ABORT, 'log refused'); END;",
        )
        .unwrap();

    let err = keystore.unlock(&ids[0], &pin(PIN), &qr_sign()).unwrap_err();

    assert!(matches!(err, KeystoreError::Store(_)), "{err:?}");
    assert_eq!(keystore.pin_status(&credential).unwrap().failed_attempts, 0);
    assert!(log(&keystore).is_empty());
}

#[test]
fn log_outcome_failure_withholds_key() {
    let site = Site::new();
    let keystore = site.open();
    let (credential, ids) = enroll(&keystore);
    site.sql()
        .execute_batch(
            "CREATE TRIGGER no_outcome BEFORE UPDATE ON signature_log
             BEGIN SELECT RAISE(ABORT, 'outcome refused'); END;",
        )
        .unwrap();

    let err = keystore.unlock(&ids[0], &pin(PIN), &qr_sign()).unwrap_err();

    assert!(matches!(err, KeystoreError::Store(_)), "{err:?}");
    let entries = log(&keystore);
    assert_eq!(entries.len(), 1);
    assert_eq!(
        entries[0].outcome,
        KeyUseOutcome::Interrupted,
        "the try shows, though its result could not be written"
    );
    assert_eq!(
        keystore.pin_status(&credential).unwrap().failed_attempts,
        1,
        "the counter reset rolled back with the outcome"
    );
}

#[test]
fn log_rows_outlive_credential() {
    let site = Site::new();
    let keystore = site.open();
    let (credential, ids) = enroll(&keystore);
    keystore.unlock(&ids[0], &pin(PIN), &qr_sign()).unwrap();

    keystore.delete_credential(&credential).unwrap();

    let entries = log(&keystore);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].key_id.as_ref(), Some(&ids[0]));
}

/// The version-4 database kept in `tests/fixtures/keystore-v4`: the
/// version-3 fixture (see `keystore_bids.rs`) brought to version 4 by
/// running the V4 migration of `store/migrations.rs` with the `sqlite3`
/// module of Python, plus a pending bid `P-1/B-1` on the encryption key.
/// Opening it adds the signature log and must keep every earlier row.
#[test]
fn log_migrates_version_4_fixture() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keystore-v4");
    let site = Site::new();
    std::fs::create_dir_all(site.home()).unwrap();
    copy(&fixture.join("keystore.sqlite3"), &site.database());
    copy(&fixture.join("device.key"), &site.device_key());
    restrict(&site.device_key());
    let version = |site: &Site| -> i64 {
        site.sql()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(version(&site), 4, "the fixture must stay a version-4 file");

    let keystore = site.open();

    assert_eq!(
        version(&site),
        i64::from(palmbid_core::store::SCHEMA_VERSION)
    );
    let keys = keystore.keys().unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keystore.certificates().unwrap().len(), 1);
    let bids = keystore.bids().unwrap();
    assert_eq!(bids.len(), 1);
    assert_eq!(bids[0].project_id, "P-1");
    assert_eq!(
        bids[0].key_id,
        KeyId("ae67f79471739a23bdc9d071d46fbd8f".to_owned())
    );
    let pickups: i64 = site
        .sql()
        .query_row("SELECT count(*) FROM pickups", [], |r| r.get(0))
        .unwrap();
    assert_eq!(pickups, 1);
    assert!(log(&keystore).is_empty());

    keystore.unlock(&keys[0].id, &pin(PIN), &qr_sign()).unwrap();
    let entries = log(&keystore);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].outcome, KeyUseOutcome::Used);
    assert!(entries[0].certificate_serial.is_some());
}
