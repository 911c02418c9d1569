//! Damaged rows, foreign devices, failing device bindings, schema versions
//! and the version-1 fixture, on real keystore files.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod keystore_support;

use std::path::Path;
use std::sync::Arc;

use keystore_support::{
    CHEAP, PIN, Site, WRONG_PIN, any_use, copy, enroll, flip_byte, pin, restrict,
};
use palmbid_core::error::Localized;
use palmbid_core::keystore::{
    DeviceBinding, DeviceBindingError, KdfParams, KeyId, Keystore, KeystoreError,
    SoftwareDeviceBinding,
};
use palmbid_core::pki::KeyRole;
use zeroize::Zeroizing;

fn failed_attempts(site: &Site) -> i64 {
    site.sql()
        .query_row("SELECT failed_attempts FROM credentials", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn flipped_ciphertext_byte_is_corruption_and_costs_no_try() {
    let site = Site::new();
    let (credential, ids) = enroll(&site.open());
    let length: usize = site
        .sql()
        .query_row(
            "SELECT length(wrapped_key) FROM keys WHERE id = ?1",
            [&ids[0].0],
            |r| r.get(0),
        )
        .unwrap();
    flip_byte(&site.sql(), "keys", "wrapped_key", &ids[0].0, length - 20);
    let keystore = site.open();
    keystore
        .unlock(&ids[0], &pin(WRONG_PIN), &any_use())
        .unwrap_err();
    assert_eq!(failed_attempts(&site), 1);

    let err = keystore.unlock(&ids[0], &pin(PIN), &any_use()).unwrap_err();

    match &err {
        KeystoreError::Corrupted { item, .. } => assert!(item.contains(&ids[0].0), "{item}"),
        other => panic!("expected Corrupted, got {other:?}"),
    }
    assert_eq!(err.code(), "keystore.corrupted");
    assert_eq!(
        keystore.pin_status(&credential).unwrap().failed_attempts,
        0,
        "the PIN was right"
    );
    keystore.unlock(&ids[1], &pin(PIN), &any_use()).unwrap();
}

#[test]
fn wrong_pin_on_a_damaged_key_still_counts() {
    // The verifier, not the damaged blob, decides that the PIN is wrong.
    let site = Site::new();
    let (_, ids) = enroll(&site.open());
    flip_byte(&site.sql(), "keys", "wrapped_key", &ids[0].0, 60);

    let err = site
        .open()
        .unlock(&ids[0], &pin(WRONG_PIN), &any_use())
        .unwrap_err();

    assert!(
        matches!(err, KeystoreError::PinIncorrect { tries_left: 5, .. }),
        "{err:?}"
    );
}

#[test]
fn malformed_blob_is_reported_before_any_try_is_counted() {
    let site = Site::new();
    let (_, ids) = enroll(&site.open());
    // Version byte 1 becomes 0.
    flip_byte(&site.sql(), "keys", "wrapped_key", &ids[0].0, 0);
    let keystore = site.open();

    let wrong = keystore
        .unlock(&ids[0], &pin(WRONG_PIN), &any_use())
        .unwrap_err();
    let right = keystore.unlock(&ids[0], &pin(PIN), &any_use()).unwrap_err();

    assert!(
        matches!(wrong, KeystoreError::Corrupted { .. }),
        "{wrong:?}"
    );
    assert!(
        wrong.to_string().contains("unknown blob version"),
        "{wrong}"
    );
    assert!(
        matches!(right, KeystoreError::Corrupted { .. }),
        "{right:?}"
    );
    assert_eq!(failed_attempts(&site), 0);
}

#[test]
fn truncated_verifier_is_corruption_without_a_try() {
    let site = Site::new();
    let (credential, ids) = enroll(&site.open());
    site.sql()
        .execute(
            "UPDATE credentials SET pin_verifier = substr(pin_verifier, 1, 20)",
            [],
        )
        .unwrap();

    let err = site
        .open()
        .unlock(&ids[0], &pin(PIN), &any_use())
        .unwrap_err();

    assert!(matches!(err, KeystoreError::Corrupted { .. }), "{err:?}");
    assert!(err.to_string().contains(&credential.0), "{err}");
    assert_eq!(failed_attempts(&site), 0);
}

#[test]
fn swapped_public_key_is_corruption() {
    let site = Site::new();
    let (_, ids) = enroll(&site.open());
    site.sql()
        .execute(
            "UPDATE keys SET public_key = (SELECT public_key FROM keys WHERE id = ?2) WHERE id = ?1",
            [&ids[0].0, &ids[1].0],
        )
        .unwrap();

    let err = site
        .open()
        .unlock(&ids[0], &pin(PIN), &any_use())
        .unwrap_err();

    assert!(matches!(err, KeystoreError::Corrupted { .. }), "{err:?}");
    assert!(err.to_string().contains("public key"), "{err}");
}

#[test]
fn blob_moved_to_another_key_does_not_open() {
    // The associated data binds the key id: a wrapped key copied onto
    // another row is damage, not a second copy of the key.
    let site = Site::new();
    let (_, ids) = enroll(&site.open());
    site.sql()
        .execute(
            "UPDATE keys SET wrapped_key = (SELECT wrapped_key FROM keys WHERE id = ?2),
                             public_key = (SELECT public_key FROM keys WHERE id = ?2)
             WHERE id = ?1",
            [&ids[0].0, &ids[1].0],
        )
        .unwrap();

    let err = site
        .open()
        .unlock(&ids[0], &pin(PIN), &any_use())
        .unwrap_err();

    assert!(matches!(err, KeystoreError::Corrupted { .. }), "{err:?}");
}

#[test]
fn database_copied_to_another_device_cannot_be_opened() {
    let original = Site::new();
    let (_, ids) = enroll(&original.open());
    let elsewhere = Site::new();
    std::fs::create_dir_all(elsewhere.home()).unwrap();
    copy(&original.database(), &elsewhere.database());

    let err = Keystore::open_with_kdf(&elsewhere.home(), elsewhere.binding(), CHEAP).unwrap_err();

    assert!(matches!(err, KeystoreError::DeviceUnseal { .. }), "{err:?}");
    assert_eq!(err.code(), "keystore.device_unseal");
    assert!(
        err.to_string().contains("created on another device"),
        "{err}"
    );

    // With the original device key beside it, the copy opens: the
    // database was fine, only the device differed.
    let key_copy = elsewhere.root().join("original.key");
    copy(&original.device_key(), &key_copy);
    restrict(&key_copy);
    let binding = Arc::new(SoftwareDeviceBinding::open(&key_copy).unwrap());
    let keystore = Keystore::open_with_kdf(&elsewhere.home(), binding, CHEAP).unwrap();
    keystore.unlock(&ids[0], &pin(PIN), &any_use()).unwrap();
}

#[cfg(unix)]
#[test]
fn readable_device_key_file_is_refused() {
    use std::os::unix::fs::PermissionsExt;

    let site = Site::new();
    site.open();
    std::fs::set_permissions(site.device_key(), std::fs::Permissions::from_mode(0o644)).unwrap();

    let err: KeystoreError = SoftwareDeviceBinding::open(&site.device_key())
        .unwrap_err()
        .into();

    assert_eq!(err.code(), "keystore.device_binding");
    assert!(err.to_string().contains("chmod 600"), "{err}");
}

/// A device binding whose hardware key is unavailable or broken.
struct BrokenBinding {
    seal_fails: bool,
    unseal: Unseal,
}

enum Unseal {
    /// Gives back what was sealed (sealing is the identity here).
    Works,
    /// Reports an error, as a hardware key invalidated by the system.
    Fails,
    /// Gives back this many bytes of what was sealed.
    Truncates(usize),
}

impl DeviceBinding for BrokenBinding {
    fn seal(&self, secret: &[u8]) -> Result<Vec<u8>, DeviceBindingError> {
        if self.seal_fails {
            return Err(DeviceBindingError::failed(
                "StrongBox is unavailable".to_owned(),
            ));
        }
        Ok(secret.to_vec())
    }

    fn unseal(&self, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, DeviceBindingError> {
        match self.unseal {
            Unseal::Works => Ok(Zeroizing::new(sealed.to_vec())),
            Unseal::Fails => Err(DeviceBindingError::failed(
                "key permanently invalidated".to_owned(),
            )),
            Unseal::Truncates(n) => Ok(Zeroizing::new(sealed[..n].to_vec())),
        }
    }
}

#[test]
fn failing_seal_is_an_error_not_a_panic() {
    let site = Site::new();
    let binding = Arc::new(BrokenBinding {
        seal_fails: true,
        unseal: Unseal::Works,
    });

    let err = Keystore::open_with_kdf(&site.home(), binding, CHEAP).unwrap_err();

    assert!(matches!(err, KeystoreError::DeviceBinding(_)), "{err:?}");
    assert_eq!(err.code(), "keystore.device_binding");
    assert!(
        err.to_string().contains("StrongBox is unavailable"),
        "{err}"
    );
}

#[test]
fn failing_unseal_is_an_error_not_a_panic() {
    let site = Site::new();
    let working = Arc::new(BrokenBinding {
        seal_fails: false,
        unseal: Unseal::Works,
    });
    enroll(&Keystore::open_with_kdf(&site.home(), working, CHEAP).unwrap());
    let broken = Arc::new(BrokenBinding {
        seal_fails: false,
        unseal: Unseal::Fails,
    });

    let err = Keystore::open_with_kdf(&site.home(), broken, CHEAP).unwrap_err();

    assert!(matches!(err, KeystoreError::DeviceUnseal { .. }), "{err:?}");
    assert!(
        err.to_string().contains("key permanently invalidated"),
        "{err}"
    );
}

/// A device binding whose key is out of reach while the phone is locked,
/// as Android Keystore's unlocked-device-required keys are.
struct LockableBinding {
    locked: std::sync::atomic::AtomicBool,
}

impl DeviceBinding for LockableBinding {
    fn seal(&self, secret: &[u8]) -> Result<Vec<u8>, DeviceBindingError> {
        Ok(secret.to_vec())
    }

    fn unseal(&self, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, DeviceBindingError> {
        if self.locked.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(DeviceBindingError::unavailable("the phone is locked"));
        }
        Ok(Zeroizing::new(sealed.to_vec()))
    }
}

#[test]
fn locked_phone_is_unavailable_not_lost() {
    let site = Site::new();
    let binding = Arc::new(LockableBinding {
        locked: std::sync::atomic::AtomicBool::new(false),
    });
    let keystore = Keystore::open_with_kdf(&site.home(), binding.clone(), CHEAP).unwrap();
    let (credential, ids) = enroll(&keystore);

    binding
        .locked
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let err = keystore.unlock(&ids[0], &pin(PIN), &any_use()).unwrap_err();

    assert!(
        matches!(err, KeystoreError::DeviceUnavailable { .. }),
        "{err:?}"
    );
    assert_eq!(err.code(), "keystore.device_unavailable");
    assert!(err.to_string().contains("unlock the phone"), "{err}");
    assert!(
        err.message_zh().contains("解锁手机"),
        "{}",
        err.message_zh()
    );
    assert_eq!(
        keystore.pin_status(&credential).unwrap().failed_attempts,
        0,
        "no PIN try is counted while the key is out of reach"
    );

    binding
        .locked
        .store(false, std::sync::atomic::Ordering::SeqCst);
    keystore.unlock(&ids[0], &pin(PIN), &any_use()).unwrap();
}

#[test]
fn device_secret_of_the_wrong_length_is_refused() {
    let site = Site::new();
    let short = Arc::new(BrokenBinding {
        seal_fails: false,
        unseal: Unseal::Truncates(16),
    });

    let err = Keystore::open_with_kdf(&site.home(), short, CHEAP).unwrap_err();

    assert!(matches!(err, KeystoreError::DeviceUnseal { .. }), "{err:?}");
    assert!(err.to_string().contains("16 bytes"), "{err}");
}

#[test]
fn database_from_a_newer_palmbid_is_refused() {
    let site = Site::new();
    site.open();
    site.sql().pragma_update(None, "user_version", 99).unwrap();

    let err = Keystore::open_with_kdf(&site.home(), site.binding(), CHEAP).unwrap_err();

    match &err {
        KeystoreError::DatabaseTooNew { found, supported } => {
            assert_eq!(*found, 99);
            assert_eq!(*supported, palmbid_core::store::SCHEMA_VERSION);
        }
        other => panic!("expected DatabaseTooNew, got {other:?}"),
    }
    assert_eq!(err.code(), "keystore.database_too_new");
    assert!(err.to_string().contains("update palmbid"), "{err}");
}

#[test]
fn argon2_parameters_argon2_refuses_are_an_error() {
    let site = Site::new();
    let no_passes = KdfParams {
        m_cost_kib: 256,
        t_cost: 0,
        p_cost: 1,
    };

    let err = Keystore::open_with_kdf(&site.home(), site.binding(), no_passes).unwrap_err();

    assert!(matches!(err, KeystoreError::KdfParams { .. }), "{err:?}");
}

#[test]
fn keys_wrapped_with_cheap_parameters_open_under_other_defaults() {
    // Parameters travel with each blob: a keystore opened with different
    // parameters still opens keys wrapped earlier.
    let site = Site::new();
    let (_, ids) = enroll(&site.open());
    let other = KdfParams {
        m_cost_kib: 512,
        t_cost: 2,
        p_cost: 1,
    };

    let keystore = Keystore::open_with_kdf(&site.home(), site.binding(), other).unwrap();

    keystore.unlock(&ids[0], &pin(PIN), &any_use()).unwrap();
}

/// The version-1 database kept in `tests/fixtures/keystore-v1`, written by
/// the first version of this code (schema version 1, Argon2id at 256 KiB
/// and one pass) through the public API: `create_credential` with a
/// signing and an encryption key under PIN 135790, a CA added as trust
/// anchor, a certificate issued by that CA installed for the signing key,
/// then one wrong PIN. Every later version must still open it.
#[test]
fn version_1_fixture_opens_with_current_code() {
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keystore-v1");
    let site = Site::new();
    std::fs::create_dir_all(site.home()).unwrap();
    copy(&fixture.join("keystore.sqlite3"), &site.database());
    copy(&fixture.join("device.key"), &site.device_key());
    restrict(&site.device_key());
    let version: i64 = site
        .sql()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1, "the fixture must stay a version-1 file");

    let keystore = site.open();

    let keys = keystore.keys().unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(
        keys[0].id,
        KeyId("91a59d27d4b7ab0db28adfd3b622a87e".to_owned())
    );
    assert_eq!(keys[0].role, KeyRole::Signing);
    assert_eq!(
        keys[1].id,
        KeyId("ae67f79471739a23bdc9d071d46fbd8f".to_owned())
    );
    assert_eq!(keys[1].role, KeyRole::Encryption);
    assert_eq!(keys[1].certificate_fingerprint, None);
    let leaf = "63c4678727026326068c61a231953fd98fdc2c5a904bedb4fb1e9cae39ca770b";
    let ca = "25d1bcd1e0efdf193fd86286046c6390728aec098d2a59fe9cda94e9153a475d";
    assert_eq!(keys[0].certificate_fingerprint.as_deref(), Some(leaf));

    let certificates = keystore.certificates().unwrap();
    assert_eq!(certificates.len(), 1);
    assert_eq!(certificates[0].cert.fingerprint, leaf);
    assert_eq!(certificates[0].chain.len(), 1);
    assert_eq!(certificates[0].chain[0].fingerprint, ca);
    assert_eq!(keystore.trust_anchors().unwrap()[0].fingerprint, ca);

    assert_eq!(
        keystore
            .pin_status(&keys[0].credential)
            .unwrap()
            .failed_attempts,
        1
    );
    for key in &keys {
        let unlocked = keystore.unlock(&key.id, &pin(PIN), &any_use()).unwrap();
        let public = p256::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(
            &unlocked.secret().public_key(),
            false,
        );
        assert_eq!(public.as_bytes(), key.public_key.as_slice());
    }
    assert_eq!(
        keystore
            .pin_status(&keys[0].credential)
            .unwrap()
            .failed_attempts,
        0
    );
}

#[test]
fn production_open_wraps_with_default_costs() {
    // `Keystore::open` is the path every host takes: its blobs must carry
    // Argon2id at 64 MiB, 3 passes, 1 lane (bytes 1..13 of each blob,
    // big-endian, after the version byte).
    let site = Site::new();
    let keystore = Keystore::open(&site.home(), site.binding()).unwrap();
    let (_, ids) = enroll(&keystore);

    let costs = |blob: &[u8]| -> [u32; 3] {
        let word = |i: usize| u32::from_be_bytes(blob[1 + 4 * i..5 + 4 * i].try_into().unwrap());
        [word(0), word(1), word(2)]
    };
    let wrapped: Vec<u8> = site
        .sql()
        .query_row(
            "SELECT wrapped_key FROM keys WHERE id = ?1",
            [&ids[0].0],
            |r| r.get(0),
        )
        .unwrap();
    let verifier: Vec<u8> = site
        .sql()
        .query_row("SELECT pin_verifier FROM credentials", [], |r| r.get(0))
        .unwrap();

    assert_eq!(wrapped[0], 1, "blob version");
    assert_eq!(costs(&wrapped), [64 * 1024, 3, 1]);
    assert_eq!(costs(&verifier), [64 * 1024, 3, 1]);
    keystore.unlock(&ids[0], &pin(PIN), &any_use()).unwrap();
}
