//! The hall's decryption when things go wrong between the phone and the
//! platform, with core's phone side (account store, keystore and the hall
//! functions, as the app runs them) against a real platform on loopback:
//!
//! - the response to a key release is lost on the way back: the phone's
//!   retry finds the bid decrypted and sends no second release;
//! - the app is killed in the middle of the decryption phase: reopened
//!   from its files, it rebuilds the project's state from the event log
//!   and decrypts;
//! - the decryption check of a bid encrypted to another key fails before
//!   the PIN, naming the bid's recipients;
//! - after a renewal under another PIN, the credential whose PIN the app is
//!   given to request is the one each action unlocks;
//! - a bid that opens with the key of a credential with no signing
//!   certificate for the platform (a USB-KEY's key imported to the phone)
//!   asks for the signing credential's PIN too, before any PIN is used.
//!
//! A TCP relay in front of the platform (its public address) plays the
//! network and can drop the answer of the next key release.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;
mod hall_support;
mod qr_support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use palmbid_core::account::{self, AccountStore};
use palmbid_core::api::ApiError;
use palmbid_core::api::hall::{BidState, Phase};
use palmbid_core::api::qr::QrKind;
use palmbid_core::hall::{self, HallError, HallListener, HallNotice, ProjectState, StreamStatus};
use palmbid_core::keystore::{CredentialId, Keystore, KeystoreError, Pin};
use palmbid_core::pki::{CertInfo, IssuingCa, KeyRole, Subject, Validity};
use palmbid_core::qr::{self, AnswerChoice, Scanned};
use palmbid_platform::{Config, Platform};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use common::{
    CREDIT, PHONE, Phone, TestPlatform, approve_identity, approved_order, open_keystore, phone_at,
    pin, register_company,
};
use hall_support::{create_project, envelope, move_to, package, upload};
use qr_support::{Events, create, toolbox_request};

/// The network between the phone and the platform.
struct Relay {
    /// Key-release requests that went through to the platform.
    releases: AtomicUsize,
    /// Whether to drop the response to the next key release.
    cut_next_release: AtomicBool,
}

impl Relay {
    /// Relays connections on `listener` to `upstream`.
    fn start(listener: TcpListener, upstream: SocketAddr) -> Arc<Relay> {
        let relay = Arc::new(Relay {
            releases: AtomicUsize::new(0),
            cut_next_release: AtomicBool::new(false),
        });
        let shared = Arc::clone(&relay);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let server = TcpStream::connect(upstream).await.unwrap();
                tokio::spawn(Arc::clone(&shared).connection(client, server));
            }
        });
        relay
    }

    /// Pumps one connection. When it carries a key release that is to be
    /// cut, the platform's response is dropped and the phone's side closed.
    async fn connection(self: Arc<Self>, client: TcpStream, server: TcpStream) {
        let (mut client_read, mut client_write) = client.into_split();
        let (mut server_read, mut server_write) = server.into_split();
        let doomed = Arc::new(AtomicBool::new(false));
        let request_doomed = Arc::clone(&doomed);
        let relay = Arc::clone(&self);
        tokio::spawn(async move {
            let mut buffer = vec![0u8; 64 * 1024];
            while let Ok(n) = client_read.read(&mut buffer).await {
                if n == 0 {
                    break;
                }
                let chunk = &buffer[..n];
                if chunk.starts_with(b"POST ") && contains(chunk, b"/release HTTP/1.1") {
                    relay.releases.fetch_add(1, Ordering::SeqCst);
                    if relay.cut_next_release.swap(false, Ordering::SeqCst) {
                        request_doomed.store(true, Ordering::SeqCst);
                    }
                }
                if server_write.write_all(chunk).await.is_err() {
                    break;
                }
            }
        });
        let mut buffer = vec![0u8; 64 * 1024];
        while let Ok(n) = server_read.read(&mut buffer).await {
            if n == 0 || doomed.load(Ordering::SeqCst) {
                // Dropping the write half closes the phone's connection
                // before any byte of the response.
                return;
            }
            if client_write.write_all(&buffer[..n]).await.is_err() {
                return;
            }
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A platform whose public address is a relay, and a phone that picked up
/// and downloaded its certificates through it.
struct Setup {
    platform: TestPlatform,
    relay: Arc<Relay>,
    phone: Phone,
}

async fn setup() -> Setup {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let public = format!("http://{}/", listener.local_addr().unwrap());
    let data = tempfile::tempdir().unwrap();
    let config = Config {
        public_url: Some(public.clone()),
        ..Config::new("127.0.0.1:0".parse().unwrap(), data.path().to_path_buf())
    };
    let server = Platform::spawn(config).await.unwrap();
    let relay = Relay::start(listener, server.local_addr());
    let platform = TestPlatform { server, data };

    let phone = phone_at(&platform, PHONE, &public).await;
    approve_identity(&platform).await;
    register_company(&platform).await;
    let (_, url) = approved_order(&platform, PHONE).await;
    let scanned = account::scan(&phone.store, &url).await.unwrap();
    account::pick_up(&phone.store, &phone.keystore, &scanned, &pin(), &[])
        .await
        .unwrap();
    account::download(
        &phone.store,
        &phone.keystore,
        "dev",
        &scanned.offer.pickup_id,
        &pin(),
    )
    .await
    .unwrap();
    Setup {
        platform,
        relay,
        phone,
    }
}

/// A project in sign-in with the phone signed in and its bid (quote
/// `amount`) uploaded through a toolbox login the phone answered, the bid
/// encrypted to the phone's encryption certificate or, when
/// `to_phone` is false, to another company's USB-KEY only; returns the
/// project and bid ids.
async fn signed_in_with_a_bid(setup: &Setup, amount: &str, to_phone: bool) -> (String, String) {
    let encryption = if to_phone {
        setup
            .phone
            .keystore
            .certificates()
            .unwrap()
            .into_iter()
            .find(|c| c.role == KeyRole::Encryption)
            .unwrap()
            .cert
    } else {
        usb_key_certificate()
    };
    signed_in_with_a_bid_to(setup, amount, encryption).await
}

/// As [`signed_in_with_a_bid`], the bid encrypted to `encryption` only.
async fn signed_in_with_a_bid_to(
    setup: &Setup,
    amount: &str,
    encryption: CertInfo,
) -> (String, String) {
    let Setup {
        platform, phone, ..
    } = setup;
    let id = create_project(platform, "城市供水管网改造工程", 1800, &[CREDIT]).await;
    hall::sign_in(&phone.store, &phone.keystore, "dev", &id, &pin())
        .await
        .unwrap();

    let created = create(platform, &toolbox_request(QrKind::Login))
        .await
        .unwrap();
    let (url, _) = Events::open(platform, &created).await.next_frame().await;
    let Scanned::Request(scanned) = qr::scan(&phone.store, &phone.keystore, &url).await.unwrap()
    else {
        panic!("a toolbox login scans as a request");
    };
    qr::choose_number(&phone.store, &scanned, created.match_number.unwrap())
        .await
        .unwrap();
    qr::answer(
        &phone.store,
        &phone.keystore,
        &scanned,
        AnswerChoice { seal: None },
        &pin(),
    )
    .await
    .unwrap();

    let plaintext = serde_json::to_vec(&package(&id, CREDIT, amount)).unwrap();
    let bid = envelope(&plaintext, &[encryption]);
    let uploaded = upload(platform, &id, 1, Some(&created.desktop_token), bid)
        .await
        .unwrap();
    (id, uploaded.bid_id)
}

/// Picks up and downloads one more credential for the phone of `setup`
/// under `pin`, as a renewal does; returns its id.
async fn pick_up_again(setup: &Setup, pin: &Pin) -> CredentialId {
    let Setup {
        platform, phone, ..
    } = setup;
    let before: Vec<CredentialId> = credentials(&phone.keystore);
    let (_, url) = approved_order(platform, PHONE).await;
    let scanned = account::scan(&phone.store, &url).await.unwrap();
    account::pick_up(&phone.store, &phone.keystore, &scanned, pin, &[])
        .await
        .unwrap();
    account::download(
        &phone.store,
        &phone.keystore,
        "dev",
        &scanned.offer.pickup_id,
        pin,
    )
    .await
    .unwrap();
    let mut added: Vec<CredentialId> = credentials(&phone.keystore)
        .into_iter()
        .filter(|c| !before.contains(c))
        .collect();
    assert_eq!(added.len(), 1, "one pickup adds one credential");
    added.remove(0)
}

/// Lists the phone's credentials, each once.
fn credentials(keystore: &Keystore) -> Vec<CredentialId> {
    let mut ids: Vec<CredentialId> = Vec::new();
    for record in keystore.certificates().unwrap() {
        if !ids.contains(&record.credential) {
            ids.push(record.credential);
        }
    }
    ids
}

/// An encryption certificate of a USB-KEY CA unknown to the phone.
fn usb_key_certificate() -> CertInfo {
    let ca = IssuingCa::new_root(
        "USB-KEY CA",
        Validity {
            not_before: 0,
            days: 36500,
        },
    )
    .unwrap();
    ca.issue_with_new_key(
        &Subject {
            name: "李四".into(),
            company: "示例科技有限公司".into(),
            credit_code: CREDIT.into(),
        },
        KeyRole::Encryption,
        Validity {
            not_before: 1_700_000_000,
            days: 3650,
        },
    )
    .unwrap()
    .cert
}

#[tokio::test]
async fn check_of_bid_for_another_key_fails() {
    let setup = setup().await;
    let (id, bid) = signed_in_with_a_bid(&setup, "1000000.00", false).await;
    let Phone {
        store, keystore, ..
    } = &setup.phone;

    let refused = hall::check_bid(store, keystore, "dev", &id, &bid, &pin(), None).await;
    let Err(HallError::NoKeyForBid { recipients, .. }) = &refused else {
        panic!("a bid for another key is no key of this phone: {refused:?}");
    };
    assert!(recipients.contains("USB-KEY CA"), "{recipients}");
    // Found before the PIN: no try spent, nothing registered.
    let credential = &keystore.certificates().unwrap()[0].credential;
    assert_eq!(keystore.pin_status(credential).unwrap().failed_attempts, 0);
    assert!(keystore.renewal_warnings().unwrap().is_empty());
}

#[tokio::test]
async fn release_with_lost_response_is_not_resent() {
    let setup = setup().await;
    let (id, bid) = signed_in_with_a_bid(&setup, "3456789.00", true).await;
    move_to(&setup.platform, &id, Phase::Decryption).await;
    let Phone {
        store, keystore, ..
    } = &setup.phone;

    setup.relay.cut_next_release.store(true, Ordering::SeqCst);
    let lost = hall::release_bid(store, keystore, "dev", &id, &bid, &pin(), None).await;
    assert!(
        matches!(lost, Err(HallError::Api(ApiError::Transport { .. }))),
        "a cut answer is a transport error: {lost:?}"
    );
    assert_eq!(setup.relay.releases.load(Ordering::SeqCst), 1);

    // The platform decrypted the bid before its response was lost.
    let bids = hall::bids(store, "dev", &id).await.unwrap();
    assert_eq!(bids[0].state, BidState::Decrypted);

    let result = hall::release_bid(store, keystore, "dev", &id, &bid, &pin(), None)
        .await
        .unwrap();
    assert_eq!(result.quote.amount, "3456789.00");
    assert_eq!(
        setup.relay.releases.load(Ordering::SeqCst),
        1,
        "the retry must not release the key again"
    );
}

/// Collects the states a watch delivers.
struct Recorder(mpsc::UnboundedSender<ProjectState>);

impl HallListener for Recorder {
    fn state_changed(&self, state: &ProjectState) {
        let _ = self.0.send(state.clone());
    }
    fn notice(&self, _: &ProjectState, _: &HallNotice) {}
    fn stream_status(&self, _: &StreamStatus) {}
}

/// Watches project `id` until `done` holds for a delivered state; returns
/// that state.
async fn watch_until(
    store: &AccountStore,
    id: &str,
    resume: Option<ProjectState>,
    done: impl Fn(&ProjectState) -> bool,
) -> ProjectState {
    let client = account::client_for(store, "dev").unwrap();
    let (sender, mut states) = mpsc::unbounded_channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let watching = async {
        hall::watch(&client, id, resume, &Recorder(sender), async {
            let _ = stopped.await;
        })
        .await
    };
    let waiting = async {
        let mut stop = Some(stop);
        while let Some(state) = states.recv().await {
            if done(&state) {
                if let Some(stop) = stop.take() {
                    let _ = stop.send(());
                }
                return state;
            }
        }
        panic!("the watch ended before the expected state");
    };
    let (watched, state) = tokio::time::timeout(std::time::Duration::from_secs(20), async {
        tokio::join!(watching, waiting)
    })
    .await
    .expect("no expected state within 20 s");
    watched.unwrap();
    state
}

#[tokio::test]
async fn restarted_app_rebuilds_state_and_decrypts() {
    let setup = setup().await;
    let (id, bid) = signed_in_with_a_bid(&setup, "2222333.50", true).await;
    move_to(&setup.platform, &id, Phase::Decryption).await;

    // The app is killed: its store and keystore are gone from memory, and
    // what is on disk is all the new process has.
    let Setup {
        platform: _platform,
        relay: _relay,
        phone,
    } = setup;
    let Phone {
        home,
        store,
        keystore,
    } = phone;
    drop((store, keystore));
    let store = AccountStore::open(home.path()).unwrap();
    let keystore: Keystore = open_keystore(home.path());

    // The first state comes from the project summary; the progress only
    // from the replayed log.
    let state = watch_until(&store, &id, None, |s| s.progress.is_some()).await;
    assert_eq!(state.phase(), Phase::Decryption);
    let progress = state.progress.expect("progress was reported");
    assert_eq!((progress.signed_in, progress.decrypted), (1, 0));

    let result = hall::release_bid(&store, &keystore, "dev", &id, &bid, &pin(), None)
        .await
        .unwrap();
    assert_eq!(result.quote.amount, "2222333.50");

    let after = watch_until(&store, &id, Some(state.clone()), |s| {
        s.progress.as_ref().is_some_and(|p| p.decrypted == 1)
    })
    .await;
    assert!(after.last_seq > state.last_seq);
    assert_eq!(after.phase(), Phase::Decryption);
}

#[tokio::test]
async fn pin_credential_names_the_key_each_action_unlocks() {
    let setup = setup().await;
    let (id, bid) = signed_in_with_a_bid(&setup, "1000000.00", true).await;
    let first = credentials(&setup.phone.keystore).remove(0);
    // A renewal: a second credential, its certificates a second newer,
    // under another PIN. The bid stays encrypted to the first.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let renewed = Pin::chosen("246813".to_owned()).unwrap();
    let second = pick_up_again(&setup, &renewed).await;
    let Phone {
        store, keystore, ..
    } = &setup.phone;

    let signer = hall::pin_credential(store, keystore, "dev", &id, None)
        .await
        .unwrap();
    assert_eq!(signer, second, "the newest signing certificate acts");
    let opener = hall::pin_credential(store, keystore, "dev", &id, Some(&bid))
        .await
        .unwrap();
    assert_eq!(
        opener, first,
        "the bid opens with the key it was encrypted to"
    );

    // The check needs the first credential's PIN alone: its key opens
    // the bid and its own signing certificate, still valid, signs the
    // proof.
    let check = hall::check_bid(store, keystore, "dev", &id, &bid, &pin(), None).await;
    assert!(check.is_ok(), "{check:?}");
    // The renewed credential's PIN is wrong for it, and the try is counted
    // on the credential the app was given to show.
    let refused = hall::check_bid(store, keystore, "dev", &id, &bid, &renewed, None).await;
    assert!(
        matches!(
            refused,
            Err(HallError::Keystore(KeystoreError::PinIncorrect { .. }))
        ),
        "{refused:?}"
    );
    assert_eq!(keystore.pin_status(&first).unwrap().failed_attempts, 1);
    assert_eq!(keystore.pin_status(&second).unwrap().failed_attempts, 0);

    let missing = hall::pin_credential(store, keystore, "dev", &id, Some("no-such-bid")).await;
    assert!(
        matches!(missing, Err(HallError::BidNotFound { .. })),
        "{missing:?}"
    );
}

#[tokio::test]
async fn unsigned_bid_key_needs_signer_pin() {
    let setup = setup().await;
    let Phone {
        store, keystore, ..
    } = &setup.phone;
    let signer = credentials(keystore).remove(0);

    // A USB-KEY's encryption key and certificate, imported under its own
    // PIN: no signing certificate of that credential acts for the platform.
    let usb_ca = IssuingCa::new_root(
        "USB-KEY CA",
        Validity {
            not_before: 0,
            days: 36500,
        },
    )
    .unwrap();
    let usb = usb_ca
        .issue_with_new_key(
            &Subject {
                name: "张三".into(),
                company: "示例科技有限公司".into(),
                credit_code: CREDIT.into(),
            },
            KeyRole::Encryption,
            Validity {
                not_before: 1_700_000_000,
                days: 3650,
            },
        )
        .unwrap();
    let usb_pin = Pin::chosen("246813".to_owned()).unwrap();
    let (usb_credential, _) = palmbid_core::keystore::import_pkcs8(
        keystore,
        usb.key_pkcs8_pem.as_bytes(),
        usb.cert.to_pem().as_bytes(),
        Some(usb_ca.certificate().to_pem().as_bytes()),
        None,
        &usb_pin,
        setup.platform.server.clock().now(),
    )
    .unwrap();

    let (id, bid) = signed_in_with_a_bid_to(&setup, "880000.00", usb.cert.clone()).await;

    let opener = hall::pin_credential(store, keystore, "dev", &id, Some(&bid))
        .await
        .unwrap();
    assert_eq!(opener, usb_credential);

    // One PIN is not enough: refused before any PIN is used, naming the
    // signing credential.
    let refused = hall::check_bid(store, keystore, "dev", &id, &bid, &usb_pin, None).await;
    let Err(HallError::SignerPinNeeded { signer: named, .. }) = &refused else {
        panic!("the signer's PIN is needed: {refused:?}");
    };
    assert_eq!(named, &signer.0);
    assert_eq!(
        keystore
            .pin_status(&usb_credential)
            .unwrap()
            .failed_attempts,
        0
    );
    assert_eq!(keystore.pin_status(&signer).unwrap().failed_attempts, 0);

    // A wrong signer PIN counts on the signing credential.
    let wrong = hall::check_bid(store, keystore, "dev", &id, &bid, &usb_pin, Some(&usb_pin)).await;
    assert!(
        matches!(
            wrong,
            Err(HallError::Keystore(KeystoreError::PinIncorrect { .. }))
        ),
        "{wrong:?}"
    );
    assert_eq!(keystore.pin_status(&signer).unwrap().failed_attempts, 1);

    let check = hall::check_bid(store, keystore, "dev", &id, &bid, &usb_pin, Some(&pin())).await;
    assert!(check.is_ok(), "{check:?}");
    assert_eq!(keystore.pin_status(&signer).unwrap().failed_attempts, 0);
}
