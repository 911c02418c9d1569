//! The bid registry and the key guard on real keystore files: a pending
//! bid keeps its encryption key from deletion and its certificate from
//! replacement until the bid is opened or abandoned.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod keystore_support;

use std::path::Path;

use keystore_support::{PIN, Site, any_use, certificate_for, copy, enroll, pin, restrict};
use palmbid_core::error::Localized;
use palmbid_core::keystore::{
    BidState, KeyId, KeyOperation, KeyUseOutcome, Keystore, KeystoreError, NewBid,
};
use palmbid_core::pki::KeyRole;

/// 2026-12-05 09:30 UTC.
const DEADLINE: i64 = 1_796_463_000;

fn bid(project: &str, bid: &str, key: &KeyId, deadline: i64) -> NewBid {
    NewBid {
        project_id: project.to_owned(),
        bid_id: bid.to_owned(),
        envelope_sha256: [7; 32],
        key_id: key.clone(),
        deadline,
    }
}

fn encryption_key(keystore: &Keystore) -> KeyId {
    keystore
        .keys()
        .unwrap()
        .into_iter()
        .find(|k| k.role == KeyRole::Encryption)
        .unwrap()
        .id
}

#[test]
fn registered_bids_are_listed_and_survive_reopening() {
    let site = Site::new();
    let keystore = site.open();
    let (_, ids) = enroll(&keystore);

    keystore
        .register_bid(&bid("P-2", "B-1", &ids[1], DEADLINE + 3600))
        .unwrap();
    let record = keystore
        .register_bid(&bid("P-1", "B-1", &ids[1], DEADLINE))
        .unwrap();
    assert_eq!(record.state, BidState::Pending);

    let listed = site.open().bids().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0], record, "earliest deadline first");
    assert_eq!(listed[1].project_id, "P-2");
}

#[test]
fn re_registering_a_pending_bid_replaces_it() {
    let site = Site::new();
    let keystore = site.open();
    let (_, ids) = enroll(&keystore);
    keystore
        .register_bid(&bid("P-1", "B-1", &ids[1], DEADLINE))
        .unwrap();

    let mut upload = bid("P-1", "B-1", &ids[1], DEADLINE + 60);
    upload.envelope_sha256 = [9; 32];
    keystore.register_bid(&upload).unwrap();

    let listed = keystore.bids().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].envelope_sha256, [9; 32]);
    assert_eq!(listed[0].deadline, DEADLINE + 60);
}

#[test]
fn bad_registrations_are_refused() {
    let site = Site::new();
    let keystore = site.open();
    let (_, ids) = enroll(&keystore);

    let err = keystore
        .register_bid(&bid("P-1", "B-1", &ids[0], DEADLINE))
        .unwrap_err();
    assert!(
        matches!(&err, KeystoreError::NotEncryptionKey { key } if *key == ids[0]),
        "{err:?}"
    );
    assert_eq!(err.code(), "keystore.not_encryption_key");

    let missing = KeyId("00".repeat(16));
    let err = keystore
        .register_bid(&bid("P-1", "B-1", &missing, DEADLINE))
        .unwrap_err();
    assert!(matches!(err, KeystoreError::KeyNotFound { .. }), "{err:?}");

    keystore
        .register_bid(&bid("P-1", "B-1", &ids[1], DEADLINE))
        .unwrap();
    keystore.mark_bid_opened("P-1", "B-1").unwrap();
    let err = keystore
        .register_bid(&bid("P-1", "B-1", &ids[1], DEADLINE))
        .unwrap_err();
    assert!(
        matches!(&err, KeystoreError::BidClosed { state, .. } if state == "opened"),
        "{err:?}"
    );

    let err = keystore.mark_bid_opened("P-1", "B-1").unwrap_err();
    assert_eq!(err.code(), "keystore.bid_closed");
    let err = keystore.mark_bid_opened("P-9", "B-1").unwrap_err();
    assert!(matches!(err, KeystoreError::BidNotFound { .. }), "{err:?}");
    assert!(
        keystore
            .bids()
            .unwrap()
            .iter()
            .all(|b| b.project_id == "P-1")
    );
}

#[test]
fn pending_bid_blocks_deletion_until_opened() {
    let site = Site::new();
    let keystore = site.open();
    let (credential, ids) = enroll(&keystore);
    keystore
        .register_bid(&bid("P-1", "B-1", &ids[1], DEADLINE))
        .unwrap();

    let err = keystore.delete_credential(&credential).unwrap_err();

    match &err {
        KeystoreError::KeyNeededByBids { key, bids, .. } => {
            assert_eq!(*key, ids[1]);
            assert!(bids.contains("P-1/B-1"), "{bids}");
            assert!(bids.contains("2026-12-05 09:30 UTC"), "{bids}");
        }
        other => panic!("expected KeyNeededByBids, got {other:?}"),
    }
    assert_eq!(err.code(), "keystore.key_needed_by_bids");
    assert!(err.message_zh().contains("P-1/B-1"));
    assert_eq!(keystore.keys().unwrap().len(), 2, "nothing was deleted");
    keystore.unlock(&ids[1], &pin(PIN), &any_use()).unwrap();

    keystore.mark_bid_opened("P-1", "B-1").unwrap();
    assert_eq!(keystore.bids().unwrap()[0].state, BidState::Opened);
    keystore.delete_credential(&credential).unwrap();

    let reopened = site.open();
    assert!(reopened.keys().unwrap().is_empty());
    assert!(reopened.bids().unwrap().is_empty());
    let err = reopened.delete_credential(&credential).unwrap_err();
    assert!(
        matches!(err, KeystoreError::CredentialNotFound { .. }),
        "{err:?}"
    );
}

#[test]
fn abandoned_bid_frees_its_key() {
    let site = Site::new();
    let keystore = site.open();
    let (credential, ids) = enroll(&keystore);
    keystore
        .register_bid(&bid("P-1", "B-1", &ids[1], DEADLINE))
        .unwrap();

    keystore.abandon_bid("P-1", "B-1").unwrap();

    assert!(keystore.renewal_warnings().unwrap().is_empty());
    keystore.delete_credential(&credential).unwrap();
}

#[test]
fn deleting_another_credential_is_not_blocked() {
    let site = Site::new();
    let keystore = site.open();
    let (_, guarded) = enroll(&keystore);
    let (other, _) = enroll(&keystore);
    keystore
        .register_bid(&bid("P-1", "B-1", &guarded[1], DEADLINE))
        .unwrap();

    keystore.delete_credential(&other).unwrap();

    assert_eq!(keystore.keys().unwrap().len(), 2);
}

#[test]
fn pending_bid_blocks_certificate_replacement() {
    let site = Site::new();
    let keystore = site.open();
    let (_, ids) = enroll(&keystore);
    let secret = keystore
        .unlock(&ids[1], &pin(PIN), &any_use())
        .unwrap()
        .secret()
        .clone();
    let first = certificate_for(&secret, "first");
    let renewed = certificate_for(&secret, "renewed");
    keystore
        .install_certificate(&ids[1], &pin(PIN), &first, &[])
        .unwrap();
    keystore
        .register_bid(&bid("P-1", "B-1", &ids[1], DEADLINE))
        .unwrap();

    // Installing the same certificate again replaces nothing.
    keystore
        .install_certificate(&ids[1], &pin(PIN), &first, &[])
        .unwrap();
    let err = keystore
        .install_certificate(&ids[1], &pin(PIN), &renewed, &[])
        .unwrap_err();

    assert!(
        matches!(&err, KeystoreError::KeyNeededByBids { bids, .. } if bids.contains("P-1/B-1")),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("replace the certificate of"),
        "{err}"
    );
    let listed = keystore.certificates().unwrap();
    assert_eq!(listed[0].cert.fingerprint, first.fingerprint);
    assert_eq!(
        keystore
            .pin_status(&listed[0].credential)
            .unwrap()
            .failed_attempts,
        0
    );
    // The rejected install's log row records a failure, not a used key.
    let newest = &keystore.signature_log(1, None).unwrap()[0];
    assert_eq!(newest.operation, KeyOperation::CertificateInstall);
    assert_eq!(newest.outcome, KeyUseOutcome::Failed);

    keystore.mark_bid_opened("P-1", "B-1").unwrap();
    keystore
        .install_certificate(&ids[1], &pin(PIN), &renewed, &[])
        .unwrap();
    assert_eq!(
        keystore.certificates().unwrap()[0].cert.fingerprint,
        renewed.fingerprint
    );
}

#[test]
fn renewal_warnings_group_pending_bids_by_credential() {
    let site = Site::new();
    let keystore = site.open();
    let (first, first_ids) = enroll(&keystore);
    let (second, second_ids) = enroll(&keystore);
    keystore
        .register_bid(&bid("P-1", "B-1", &first_ids[1], DEADLINE + 100))
        .unwrap();
    keystore
        .register_bid(&bid("P-2", "B-1", &first_ids[1], DEADLINE))
        .unwrap();
    keystore
        .register_bid(&bid("P-3", "B-1", &second_ids[1], DEADLINE + 50))
        .unwrap();
    keystore
        .register_bid(&bid("P-4", "B-1", &second_ids[1], DEADLINE))
        .unwrap();
    keystore.mark_bid_opened("P-4", "B-1").unwrap();

    let warnings = keystore.renewal_warnings().unwrap();

    assert_eq!(warnings.len(), 2);
    assert_eq!(warnings[0].credential, first);
    assert_eq!(warnings[0].key_id, first_ids[1]);
    let projects: Vec<&str> = warnings[0]
        .bids
        .iter()
        .map(|b| b.project_id.as_str())
        .collect();
    assert_eq!(projects, ["P-2", "P-1"]);
    assert_eq!(warnings[1].credential, second);
    assert_eq!(warnings[1].bids.len(), 1, "the opened bid is no warning");
    assert_eq!(warnings[1].bids[0].project_id, "P-3");
}

/// The version-3 database kept in `tests/fixtures/keystore-v3`: the
/// version-1 fixture (see `keystore_integrity.rs`) brought to version 3 by
/// running the V2 and V3 migrations of `store/migrations.rs` with the
/// `sqlite3` module of Python, plus a platform, its session and a pickup
/// for the credential. Opening it with the current code adds the bid table
/// and must keep every earlier row.
#[test]
fn version_3_fixture_migrates_and_keeps_its_data() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keystore-v3");
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
    assert_eq!(version(&site), 3, "the fixture must stay a version-3 file");

    let keystore = site.open();

    assert_eq!(
        version(&site),
        i64::from(palmbid_core::store::SCHEMA_VERSION)
    );
    let keys = keystore.keys().unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(
        keys[1].id,
        KeyId("ae67f79471739a23bdc9d071d46fbd8f".to_owned())
    );
    assert_eq!(keystore.certificates().unwrap().len(), 1);
    assert_eq!(keystore.trust_anchors().unwrap().len(), 1);
    let (platforms, pickups): (i64, i64) = site
        .sql()
        .query_row(
            "SELECT (SELECT count(*) FROM platforms), (SELECT count(*) FROM pickups)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((platforms, pickups), (1, 1));
    assert!(keystore.bids().unwrap().is_empty());
    keystore.unlock(&keys[1].id, &pin(PIN), &any_use()).unwrap();

    let key = encryption_key(&keystore);
    keystore
        .register_bid(&bid("P-1", "B-1", &key, DEADLINE))
        .unwrap();
    let err = keystore.delete_credential(&keys[1].credential).unwrap_err();
    assert!(
        matches!(err, KeystoreError::KeyNeededByBids { .. }),
        "{err:?}"
    );
    keystore.abandon_bid("P-1", "B-1").unwrap();
    keystore.delete_credential(&keys[1].credential).unwrap();
    assert!(keystore.keys().unwrap().is_empty());
}
