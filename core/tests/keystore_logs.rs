//! The keystore's log events: each operation logs its ids and outcome,
//! and no event carries a PIN, a private key or the device secret.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod keystore_support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use keystore_support::{OTHER_PIN, PIN, Site, WRONG_PIN, any_use, certificate_for, new_key, pin};
use palmbid_core::keystore::{DeviceBinding, SoftwareDeviceBinding};
use palmbid_core::pki::KeyRole;

/// A log sink the test can read back.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn events_name_ids_and_outcomes_but_no_secrets() {
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    let site = Site::new();
    let secret = p256::SecretKey::random(&mut rand_core::OsRng);
    let cert = certificate_for(&secret, "bidder");

    let (credential, ids) = tracing::subscriber::with_default(subscriber, || {
        let keystore = site.open();
        let (credential, ids) = keystore
            .create_credential(
                &pin(PIN),
                "bidder",
                vec![
                    palmbid_core::keystore::NewKey {
                        role: KeyRole::Signing,
                        secret: secret.clone(),
                        certificate: None,
                    },
                    new_key(KeyRole::Encryption),
                ],
            )
            .unwrap();
        keystore
            .unlock(&ids[0], &pin(WRONG_PIN), &any_use())
            .unwrap_err();
        keystore.unlock(&ids[0], &pin(PIN), &any_use()).unwrap();
        keystore
            .install_certificate(&ids[0], &pin(PIN), &cert, &[])
            .unwrap();
        keystore
            .change_pin(&credential, &pin(PIN), &pin(OTHER_PIN))
            .unwrap();
        (credential, ids)
    });
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();

    for expected in [
        "credential create",
        "key unlock",
        "keystore.pin_incorrect",
        "tries_left=5",
        "certificate install",
        "PIN change",
    ] {
        assert!(
            logs.contains(expected),
            "no {expected:?} in the logs:\n{logs}"
        );
    }
    assert!(logs.contains(&credential.0));
    assert!(logs.contains(&ids[0].0));
    assert!(logs.contains(&cert.fingerprint));

    let binding = SoftwareDeviceBinding::open(&site.device_key()).unwrap();
    let sealed: Vec<u8> = site
        .sql()
        .query_row("SELECT sealed_secret FROM device", [], |r| r.get(0))
        .unwrap();
    let device_secret = hex::encode(binding.unseal(&sealed).unwrap().as_slice());
    for secret_text in [
        PIN,
        OTHER_PIN,
        WRONG_PIN,
        &hex::encode(secret.to_bytes()),
        &device_secret,
    ] {
        assert!(
            !logs.contains(secret_text),
            "a secret reached the logs:\n{logs}"
        );
    }
}
