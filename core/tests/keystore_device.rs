//! The software device binding under careless and concurrent use: homes
//! opened for the first time by several processes at once, a key file that
//! is a folder, a keystore opened with another home's device key.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::sync::{Arc, Barrier};

use palmbid_core::error::Localized;
use palmbid_core::keystore::{DeviceBinding, KdfParams, Keystore, SoftwareDeviceBinding};

/// Cheap Argon2id for tests; production uses `Keystore::open`.
const CHEAP: KdfParams = KdfParams {
    m_cost_kib: 256,
    t_cost: 1,
    p_cost: 1,
};

#[test]
fn concurrent_first_open_same_key() {
    for round in 0..40 {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("device.key");
        let openers = 8;
        let barrier = Arc::new(Barrier::new(openers));

        let handles: Vec<_> = (0..openers)
            .map(|_| {
                let barrier = Arc::clone(&barrier);
                let path = path.clone();
                std::thread::spawn(move || {
                    barrier.wait();
                    SoftwareDeviceBinding::open(&path)
                })
            })
            .collect();
        let bindings: Vec<SoftwareDeviceBinding> = handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap()
                    .unwrap_or_else(|e| panic!("round {round}: {e}"))
            })
            .collect();

        let sealed = bindings[0].seal(b"one device secret").unwrap();
        for binding in &bindings {
            assert_eq!(
                binding.unseal(&sealed).unwrap().as_slice(),
                b"one device secret",
                "round {round}: every opener must hold the same key"
            );
        }
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, vec![std::ffi::OsString::from("device.key")]);
    }
}

#[test]
fn key_path_folder_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("device.key");
    std::fs::create_dir(&path).unwrap();

    let err = SoftwareDeviceBinding::open(&path).unwrap_err();

    assert!(err.detail.contains("is not a file"), "{err}");
    assert!(!err.detail.contains("chmod"), "{err}");
}

#[test]
fn foreign_device_key_reason_once() {
    let home = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let own = Arc::new(SoftwareDeviceBinding::open(&home.path().join("device.key")).unwrap());
    drop(Keystore::open_with_kdf(home.path(), own, CHEAP).unwrap());

    let foreign = Arc::new(SoftwareDeviceBinding::open(&other.path().join("device.key")).unwrap());
    let err = Keystore::open_with_kdf(home.path(), foreign, CHEAP).unwrap_err();

    assert_eq!(err.code(), "keystore.device_unseal");
    let message = err.to_string();
    assert_eq!(
        message.matches("another device").count(),
        1,
        "the reason is given once: {message}"
    );
    assert!(
        message.contains("device.key"),
        "names the key file: {message}"
    );
}
