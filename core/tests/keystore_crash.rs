//! Crash safety: a worker process changes PINs or creates credentials in
//! a loop and is killed with SIGKILL at random moments; after each kill
//! the keystore must open, and every key must unlock with exactly the old
//! or the new PIN, the same one for all keys of a credential.
//!
//! The worker is this test binary run again with [`WORKER_ENV`] set: the
//! test function then plays the worker instead of the parent.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod keystore_support;

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use keystore_support::{OTHER_PIN, PIN, Site, any_use, enroll, new_key, pin};
use palmbid_core::keystore::{CredentialId, KeyId, Keystore, KeystoreError};
use palmbid_core::pki::KeyRole;
use rand_core::{OsRng, RngCore};

/// Selects the worker's loop: `change-pin` or `create`.
const WORKER_ENV: &str = "PALMBID_KEYSTORE_CRASH_WORKER";
/// The folder of the [`Site`] the worker uses.
const SITE_ENV: &str = "PALMBID_KEYSTORE_CRASH_SITE";
/// How many times each test kills its worker.
const KILLS: usize = 8;
/// What the worker prints once its keystore is open.
const READY: &str = "worker ready";
/// What the worker prints after each completed operation.
const DONE: &str = "worker done";
/// Maximum random wait, in milliseconds, before a kill.
const MAX_WAIT_MS: u32 = 250;

#[test]
fn change_pin_survives_sigkill() {
    if let Ok(mode) = std::env::var(WORKER_ENV) {
        run_worker(&mode);
    }

    let site = Site::new();
    let (credential, ids) = enroll(&site.open());
    let mut changes = 0;

    for round in 0..KILLS {
        changes += kill_worker_at_random("change_pin_survives_sigkill", "change-pin", &site);

        let keystore = site.open();
        let pins: Vec<&str> = ids.iter().map(|id| pin_that_opens(&keystore, id)).collect();
        assert!(
            pins.iter().all(|p| *p == pins[0]),
            "round {round}: keys of one credential open with different PINs: {pins:?}"
        );
        assert!(
            !keystore.pin_status(&credential).unwrap().locked,
            "round {round}"
        );
    }
    assert!(
        changes > 0,
        "the worker never completed a PIN change; the test proved nothing"
    );
}

#[test]
fn create_credential_survives_sigkill() {
    if let Ok(mode) = std::env::var(WORKER_ENV) {
        run_worker(&mode);
    }

    let site = Site::new();
    site.open();
    let mut checked: HashSet<KeyId> = HashSet::new();
    let mut created = 0;

    for round in 0..KILLS {
        created += kill_worker_at_random("create_credential_survives_sigkill", "create", &site);

        let keystore = site.open();
        let partial: i64 = site
            .sql()
            .query_row(
                "SELECT count(*) FROM credentials c
                 WHERE (SELECT count(*) FROM keys k WHERE k.credential_id = c.id) != 2",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            partial, 0,
            "round {round}: a credential was stored without both keys"
        );

        let mut by_credential: HashMap<CredentialId, Vec<KeyRole>> = HashMap::new();
        for key in keystore.keys().unwrap() {
            by_credential
                .entry(key.credential.clone())
                .or_default()
                .push(key.role);
            if checked.insert(key.id.clone()) {
                keystore.unlock(&key.id, &pin(PIN), &any_use()).unwrap();
            }
        }
        for roles in by_credential.values() {
            assert_eq!(
                roles,
                &[KeyRole::Signing, KeyRole::Encryption],
                "round {round}"
            );
        }
    }
    assert!(
        created > 0,
        "the worker never created a credential; the test proved nothing"
    );
}

/// Which of the two PINs opens `id`; panics on anything else (a damaged
/// key or a PIN that is neither).
fn pin_that_opens(keystore: &Keystore, id: &KeyId) -> &'static str {
    match keystore.unlock(id, &pin(PIN), &any_use()) {
        Ok(_) => PIN,
        Err(KeystoreError::PinIncorrect { .. }) => {
            match keystore.unlock(id, &pin(OTHER_PIN), &any_use()) {
                Ok(_) => OTHER_PIN,
                Err(e) => panic!("key {id} opens with neither PIN: {e}"),
            }
        }
        Err(e) => panic!("key {id} cannot be unlocked: {e}"),
    }
}

/// Starts a worker, waits until it is ready, lets it run for a random
/// while, kills it with SIGKILL and returns how many operations it
/// reported complete.
fn kill_worker_at_random(test: &str, mode: &str, site: &Site) -> usize {
    let stderr = std::fs::File::create(site.root().join("worker.stderr")).unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([test, "--exact", "--nocapture", "--test-threads=1"])
        .env(WORKER_ENV, mode)
        .env(SITE_ENV, site.root())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();

    let lines = read_lines(&mut child);
    wait_for_ready(&lines, &mut child, site);

    std::thread::sleep(Duration::from_millis(u64::from(
        OsRng.next_u32() % MAX_WAIT_MS,
    )));
    if let Some(status) = child.try_wait().unwrap() {
        panic!(
            "worker exited by itself ({status}): {}",
            worker_stderr(site)
        );
    }
    // `Child::kill` sends SIGKILL on Unix: no destructor, no rollback
    // hook, no chance to finish a write.
    child.kill().unwrap();
    child.wait().unwrap();

    lines.iter().filter(|line| line.as_str() == DONE).count()
}

fn read_lines(child: &mut Child) -> mpsc::Receiver<String> {
    let stdout = child.stdout.take().unwrap();
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}

/// Waits for the worker's `ready` line. The test harness may print
/// `test name ... ` on the same line first, so only the end is matched.
fn wait_for_ready(lines: &mpsc::Receiver<String>, child: &mut Child, site: &Site) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match lines.recv_timeout(left) {
            Ok(line) if line.ends_with(READY) => return,
            Ok(_) => {}
            Err(_) => break,
        }
    }
    let _ = child.kill();
    panic!("worker did not start: {}", worker_stderr(site));
}

fn worker_stderr(site: &Site) -> String {
    std::fs::read_to_string(site.root().join("worker.stderr")).unwrap_or_default()
}

/// The worker's side: loops until killed, printing [`DONE`] after each
/// completed operation.
fn run_worker(mode: &str) -> ! {
    let site = Site::at(std::env::var(SITE_ENV).unwrap().into());
    let keystore = site.open();
    println!("\n{READY}");

    match mode {
        "change-pin" => {
            let credential = keystore.keys().unwrap()[0].credential.clone();
            loop {
                for (old, new) in [(PIN, OTHER_PIN), (OTHER_PIN, PIN)] {
                    match keystore.change_pin(&credential, &pin(old), &pin(new)) {
                        Ok(()) => println!("{DONE}"),
                        // The PIN is the other one: the next step fixes it.
                        Err(KeystoreError::PinIncorrect { .. }) => {}
                        Err(e) => panic!("PIN change failed: {e}"),
                    }
                }
            }
        }
        "create" => loop {
            keystore
                .create_credential(
                    &pin(PIN),
                    "crash",
                    vec![new_key(KeyRole::Signing), new_key(KeyRole::Encryption)],
                )
                .unwrap();
            println!("{DONE}");
        },
        other => panic!("unknown worker mode {other}"),
    }
}
