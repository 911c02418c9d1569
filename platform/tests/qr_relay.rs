//! The QR request relay end to end against a real platform on loopback
//! (real SQLite, HTTP through reqwest): the desktop creates a request and
//! follows its event stream, a test phone with certificates from the real
//! pickup flow scans, matches and answers with ECDSA P-256 over the
//! canonical answer message. Each rule of `palmbid_core::api::qr` is
//! checked with its error code and the state the desktop sees.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;
mod qr_support;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::{PHONE, TestPlatform, console};
use palmbid_core::api::ErrorCode;
use palmbid_core::api::pickup::SealKind;
use palmbid_core::api::qr::{
    AnswerPayload, CreatedQrRequest, DesktopEvent, DocumentInfo, QrKind, QrRequestView, QrState,
    RequesterKind, SigningDigest,
};
use palmbid_core::pki::{self, IssuingCa, KeyRole, Subject, Validity};
use qr_support::{
    Events, TestPhone, code, create, desktop_get, fetch_answer, frame_id, frame_parts, holder,
    log_in, send_digest, sign_with, submit_identity, toolbox_request,
};
use sha2::{Digest, Sha256};

const OTHER_PHONE: &str = "13900139000";

fn document(name: &str, content: &[u8]) -> DocumentInfo {
    DocumentInfo {
        name: name.into(),
        sha256: hex::encode(Sha256::digest(content)),
        size: content.len() as u64,
    }
}

/// A created request, its event stream past the first state, and its
/// first frame.
async fn started(
    platform: &TestPlatform,
    request: &palmbid_core::api::qr::CreateQrRequest,
) -> (CreatedQrRequest, Events, String) {
    let created = create(platform, request).await.unwrap();
    let mut events = Events::open(platform, &created).await;
    let first = events.next().await.unwrap();
    let DesktopEvent::Frame { url, .. } = first.event else {
        panic!("the first event is not a frame: {first:?}");
    };
    (created, events, url)
}

/// Scans the first frame; the desktop sees `scanned`.
async fn scanned(
    platform: &TestPlatform,
    phone: &TestPhone,
    request: &palmbid_core::api::qr::CreateQrRequest,
) -> (CreatedQrRequest, Events, QrRequestView) {
    let (created, mut events, url) = started(platform, request).await;
    let view = phone.scan(platform, &url).await.unwrap();
    assert_eq!(events.next_state().await.0, QrState::Scanned);
    (created, events, view)
}

fn base(platform: &TestPlatform) -> String {
    platform.server.base_url()
}

fn now(platform: &TestPlatform) -> i64 {
    platform.server.clock().now()
}

#[tokio::test]
async fn login_with_number_matching_is_answered_and_fetched() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, PHONE).await;
    let created = create(&platform, &toolbox_request(QrKind::Login))
        .await
        .unwrap();
    let mut events = Events::open(&platform, &created).await;
    let first = events.next().await.unwrap();
    let DesktopEvent::Frame { url, t } = first.event.clone() else {
        panic!("{first:?}");
    };

    let view = phone.scan(&platform, &url).await.unwrap();
    let after_scan = events.next_state().await;
    let number = created.match_number.unwrap();
    phone.choose(&platform, &created.id, number).await.unwrap();
    let after_match = events.next_state().await;
    let answer = phone.signed(
        &base(&platform),
        &view,
        AnswerPayload::Login,
        now(&platform),
    );
    phone.answer(&platform, &answer, &created.id).await.unwrap();
    let after_answer = events.next_state().await;
    let fetched = fetch_answer(&platform, &created).await.unwrap();

    assert_eq!(first.id, Some(format!("1-0-{t}")), "no state while waiting");
    assert!(
        url.starts_with(&format!("{}q/{}?t=", base(&platform), created.id)),
        "{url}"
    );
    assert!((0..=1).contains(&t));
    assert_eq!(view.id, created.id);
    assert_eq!(view.kind, QrKind::Login);
    assert_eq!(view.requester.kind, RequesterKind::Toolbox);
    assert_eq!(view.requester.name, "投标工具");
    assert_eq!(view.requester.machine, "投标电脑-01");
    assert_eq!(view.requester.address, "127.0.0.1");
    assert_eq!(view.answer_by, created.answer_by);
    assert_eq!(created.scan_by - created.created_at, 60);
    assert_eq!(created.answer_by - created.created_at, 180);
    let choices = view.number_choices.unwrap();
    assert_eq!(choices.len(), 3);
    assert!(choices.contains(&number));
    assert!(choices.iter().all(|n| (10..=99).contains(n)));
    assert_eq!(after_scan.0, QrState::Scanned);
    assert_eq!(after_match.0, QrState::Matched);
    assert_eq!(after_answer.0, QrState::Answered);
    assert_eq!(fetched, answer);
    events.assert_ends().await;
}

#[tokio::test]
async fn frames_rotate_each_second_with_valid_macs_until_a_final_state() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, PHONE).await;
    let created = create(&platform, &toolbox_request(QrKind::Sign).with_document())
        .await
        .unwrap();
    let mut events = Events::open(&platform, &created).await;

    let mut frames = Vec::new();
    let mut ids = Vec::new();
    while frames.len() < 3 {
        let event = events.next().await.unwrap();
        ids.push(event.id.unwrap());
        if let DesktopEvent::Frame { url, t } = event.event {
            frames.push((url, t));
        }
    }
    let started = std::time::Instant::now();
    let (fourth, fourth_t) = events.next_frame().await;
    let waited = started.elapsed();

    for (id, (_, t)) in ids.iter().zip(&frames) {
        assert_eq!(*id, format!("1-0-{t}"));
    }
    assert!(
        frames.windows(2).all(|w| w[1].1 == w[0].1 + 1),
        "{frames:?}"
    );
    assert!(frames.windows(2).all(|w| w[1].0 != w[0].0));
    assert_eq!(fourth_t, frames[2].1 + 1);
    assert!(waited.as_millis() <= 1500, "{waited:?}");
    // Every frame's MAC is the platform's: an old (but fresh enough)
    // frame and the newest both pass the MAC check.
    let (t0, h0) = frame_parts(&frames[0].0);
    let other = create(&platform, &toolbox_request(QrKind::Login))
        .await
        .unwrap();
    let moved = phone.scan_parts(&platform, &other.id, t0, &h0).await;
    assert_eq!(
        code(moved),
        ErrorCode::QrFrameInvalid,
        "a MAC is bound to its request"
    );
    phone.scan(&platform, &fourth).await.unwrap();
    assert_eq!(events.next_state().await.0, QrState::Scanned);
    // Frames go on after the scan, and the owner may scan a fresh one.
    let (after_scan, _) = events.next_frame().await;
    phone.scan(&platform, &after_scan).await.unwrap();

    phone.cancel(&platform, &created.id).await.unwrap();
    let (state, reason) = events.next_state().await;
    assert_eq!(state, QrState::Cancelled);
    assert_eq!(reason.as_deref(), Some("cancelled on the phone"));
    events.assert_ends().await;
}

trait WithDocument {
    fn with_document(self) -> Self;
}

impl WithDocument for palmbid_core::api::qr::CreateQrRequest {
    fn with_document(mut self) -> Self {
        self.document = Some(document("投标文件.pdf", b"%PDF-1.7 bid"));
        self
    }
}

#[tokio::test]
async fn sign_answer_carries_a_verified_cms() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, PHONE).await;
    let root = phone.chain[0].clone();
    let request = toolbox_request(QrKind::Sign).with_document();
    let digest = request.document.as_ref().unwrap().sha256.clone();
    let (created, mut events, view) = scanned(&platform, &phone, &request).await;
    let cms = phone.cms_over(&digest, now(&platform));
    let answer = phone.signed(
        &base(&platform),
        &view,
        AnswerPayload::Sign { cms },
        now(&platform),
    );

    phone.answer(&platform, &answer, &created.id).await.unwrap();

    assert_eq!(events.next_state().await.0, QrState::Answered);
    let fetched = fetch_answer(&platform, &created).await.unwrap();
    let AnswerPayload::Sign { cms } = &fetched.payload else {
        panic!("{:?}", fetched.payload);
    };
    let digest: [u8; 32] = hex::decode(&digest).unwrap().try_into().unwrap();
    let verified = palmbid_core::cms::verify_detached_digest(
        &STANDARD.decode(cms).unwrap(),
        &digest,
        std::slice::from_ref(&root),
        now(&platform),
    )
    .unwrap();
    assert_eq!(verified.signer.fingerprint, phone.signing.fingerprint);
}

/// The digest of the revision "prepared" with `seal`, as a desktop would
/// send it.
fn prepared(seal: SealKind) -> SigningDigest {
    SigningDigest {
        sha256: hex::encode(Sha256::digest(format!("revision with {}", seal.as_str()))),
        seal,
    }
}

/// The phone's digest fetch, on a task: it waits until the desktop sends.
fn fetch_digest(
    platform: &TestPlatform,
    token: &str,
    id: &str,
) -> tokio::task::JoinHandle<SigningDigest> {
    let token = token.to_owned();
    let url = platform.url(&palmbid_core::api::paths::qr_phone_path(id, "digest"));
    tokio::spawn(async move {
        common::raw_http()
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json::<SigningDigest>()
            .await
            .unwrap()
    })
}

#[tokio::test]
async fn seal_takes_the_choice_and_the_prepared_digest() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, PHONE).await;
    let request = toolbox_request(QrKind::Seal).with_document();
    let (created, mut events, view) = scanned(&platform, &phone, &request).await;
    let seal_png = phone.seal_png.clone().unwrap();
    let answer_with = |digest: &SigningDigest, seal: SealKind| {
        let payload = AnswerPayload::Seal {
            cms: phone.cms_over(&digest.sha256, now(&platform)),
            seal,
            seal_png: seal_png.clone(),
        };
        phone.signed(&base(&platform), &view, payload, now(&platform))
    };

    // Before any choice: no digest from the desktop, no answer; and a
    // choice whose image is not a PNG is refused.
    let not_png: Result<serde_json::Value, _> = qr_support::post(
        &platform,
        &palmbid_core::api::paths::qr_phone_path(&created.id, "seal"),
        Some(&phone.token),
        &palmbid_core::api::qr::SealChoice {
            seal: SealKind::Company,
            seal_png: STANDARD.encode(b"GIF89a"),
            signer_name: "张三".into(),
        },
    )
    .await;
    let early_digest = send_digest(&platform, &created, &prepared(SealKind::Company)).await;
    let early_answer = phone
        .answer(
            &platform,
            &answer_with(&prepared(SealKind::Company), SealKind::Company),
            &created.id,
        )
        .await;
    phone
        .choose_seal(&platform, &created.id, SealKind::Company)
        .await
        .unwrap();
    let chosen = events.next().await.unwrap();
    let other_seal = send_digest(&platform, &created, &prepared(SealKind::Personal)).await;
    let pending_answer = phone
        .answer(
            &platform,
            &answer_with(&prepared(SealKind::Company), SealKind::Company),
            &created.id,
        )
        .await;
    // The phone's fetch waits until the desktop sends the digest.
    let waiting = fetch_digest(&platform, &phone.token, &created.id);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let waited = !waiting.is_finished();
    send_digest(&platform, &created, &prepared(SealKind::Company))
        .await
        .unwrap();
    let fetched_digest = waiting.await.unwrap();
    let wrong_seal = phone
        .answer(
            &platform,
            &answer_with(&fetched_digest, SealKind::Personal),
            &created.id,
        )
        .await;
    let over_document = {
        let document = &view.document.as_ref().unwrap().sha256;
        let payload = AnswerPayload::Seal {
            cms: phone.cms_over(document, now(&platform)),
            seal: SealKind::Company,
            seal_png: seal_png.clone(),
        };
        let answer = phone.signed(&base(&platform), &view, payload, now(&platform));
        phone.answer(&platform, &answer, &created.id).await
    };
    let answer = answer_with(&fetched_digest, SealKind::Company);
    phone.answer(&platform, &answer, &created.id).await.unwrap();

    assert_eq!(code(not_png), ErrorCode::QrAnswerInvalid);
    assert_eq!(code(early_digest), ErrorCode::QrSealNotChosen);
    assert_eq!(code(early_answer), ErrorCode::QrSealNotChosen);
    let DesktopEvent::SealChosen {
        seal,
        seal_png: png,
        signer_name,
    } = chosen.event.clone()
    else {
        panic!("{chosen:?}");
    };
    assert_eq!(seal, SealKind::Company);
    assert_eq!(png, seal_png);
    assert_eq!(signer_name, "张三");
    assert!(
        chosen.id.as_deref().unwrap().starts_with("2-1-"),
        "{chosen:?}"
    );
    assert_eq!(code(other_seal), ErrorCode::QrSealNotChosen);
    assert_eq!(code(pending_answer), ErrorCode::QrDigestPending);
    assert!(waited, "the phone's fetch waits for the digest");
    assert_eq!(fetched_digest, prepared(SealKind::Company));
    assert_eq!(code(wrong_seal), ErrorCode::QrAnswerInvalid);
    assert_eq!(code(over_document), ErrorCode::QrSignatureInvalid);
    assert_eq!(events.next_state().await.0, QrState::Answered);
    assert_eq!(fetch_answer(&platform, &created).await.unwrap(), answer);
}

#[tokio::test]
async fn a_resumed_stream_sends_only_newer_events() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, PHONE).await;
    let request = toolbox_request(QrKind::Seal).with_document();
    let (created, mut events, view) = scanned(&platform, &phone, &request).await;
    phone
        .choose_seal(&platform, &created.id, SealKind::Company)
        .await
        .unwrap();
    let chosen = events.next().await.unwrap();
    drop(events);

    let mut resumed = Events::resume(&platform, &created, chosen.id.as_deref().unwrap()).await;
    send_digest(&platform, &created, &prepared(SealKind::Company))
        .await
        .unwrap();
    let digest = phone.digest(&platform, &created.id).await.unwrap();
    let payload = AnswerPayload::Seal {
        cms: phone.cms_over(&digest.sha256, now(&platform)),
        seal: SealKind::Company,
        seal_png: phone.seal_png.clone().unwrap(),
    };
    let answer = phone.signed(&base(&platform), &view, payload, now(&platform));
    phone.answer(&platform, &answer, &created.id).await.unwrap();
    let next = resumed.next().await.unwrap();
    let mut fresh = Events::open(&platform, &created).await;
    let replay = fresh.next().await.unwrap();

    assert!(
        matches!(chosen.event, DesktopEvent::SealChosen { .. }),
        "{chosen:?}"
    );
    assert!(
        matches!(
            next.event,
            DesktopEvent::State {
                state: QrState::Answered,
                ..
            }
        ),
        "{next:?}"
    );
    assert!(
        matches!(replay.event, DesktopEvent::SealChosen { .. }),
        "a new stream starts over"
    );
    resumed.assert_ends().await;
}

#[tokio::test]
async fn encryption_certificate_is_handed_over_and_checked() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, PHONE).await;
    let request = toolbox_request(QrKind::EncryptionCertificate);

    // The signing certificate in place of the encryption one: wrong usage.
    let (created, _events, view) = scanned(&platform, &phone, &request).await;
    let wrong = AnswerPayload::EncryptionCertificate {
        certificate: STANDARD.encode(&phone.signing.der),
    };
    let wrong = phone.signed(&base(&platform), &view, wrong, now(&platform));
    let refused = phone.answer(&platform, &wrong, &created.id).await;
    let right = AnswerPayload::EncryptionCertificate {
        certificate: STANDARD.encode(&phone.encryption.der),
    };
    let right = phone.signed(&base(&platform), &view, right, now(&platform));
    phone.answer(&platform, &right, &created.id).await.unwrap();
    let fetched = fetch_answer(&platform, &created).await.unwrap();

    assert_eq!(code(refused), ErrorCode::QrCertificateUntrusted);
    assert_eq!(fetched, right);
}

#[tokio::test]
async fn decrypt_releases_the_key_to_the_desktop_only() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, PHONE).await;
    let work = tempfile::tempdir().unwrap();
    let plain = work.path().join("bid.txt");
    std::fs::write(&plain, "投标报价：壹佰万元整 secret bid 7f3a").unwrap();
    let envelope = work.path().join("bid.p7m");
    palmbid_core::cms::encrypt_to_file(&plain, &envelope, std::slice::from_ref(&phone.encryption))
        .unwrap();
    let header =
        palmbid_core::cms::envelope_header(&envelope, palmbid_core::api::qr::MAX_ENVELOPE_HEADER)
            .unwrap();
    let desktop_key = pki::generate_key();
    let mut request = toolbox_request(QrKind::Decrypt);
    request.document = Some(document("bid.p7m", &std::fs::read(&envelope).unwrap()));
    request.recipient_key = Some(STANDARD.encode(pki::public_key_sec1(&desktop_key)));
    request.envelope_header = Some(STANDARD.encode(&header));

    let (created, mut events, view) = scanned(&platform, &phone, &request).await;
    let view_header = STANDARD
        .decode(view.envelope_header.as_ref().unwrap())
        .unwrap();
    // Released to another key first: refused, the request stays open.
    let stranger = pki::generate_key();
    let misdirected = palmbid_core::cms::release_key_from_header(
        &view_header,
        &phone.encryption,
        &phone.encryption_key,
        &stranger.public_key(),
    )
    .unwrap();
    let misdirected = AnswerPayload::Decrypt {
        released_key: STANDARD.encode(misdirected),
    };
    let misdirected = phone.signed(&base(&platform), &view, misdirected, now(&platform));
    let refused = phone.answer(&platform, &misdirected, &created.id).await;
    let released = palmbid_core::cms::release_key_from_header(
        &view_header,
        &phone.encryption,
        &phone.encryption_key,
        &desktop_key.public_key(),
    )
    .unwrap();
    let payload = AnswerPayload::Decrypt {
        released_key: STANDARD.encode(&released),
    };
    let answer = phone.signed(&base(&platform), &view, payload, now(&platform));
    phone.answer(&platform, &answer, &created.id).await.unwrap();
    assert_eq!(events.next_state().await.0, QrState::Answered);
    let fetched = fetch_answer(&platform, &created).await.unwrap();
    let AnswerPayload::Decrypt { released_key } = fetched.payload else {
        panic!("{:?}", fetched.payload);
    };
    let opened = work.path().join("opened.txt");
    palmbid_core::cms::decrypt_with_released_key(
        &envelope,
        &opened,
        &STANDARD.decode(released_key).unwrap(),
        &desktop_key,
    )
    .unwrap();

    assert_eq!(code(refused), ErrorCode::QrAnswerInvalid);
    assert_eq!(
        std::fs::read(&opened).unwrap(),
        std::fs::read(&plain).unwrap()
    );
    // The relay stores only the wrapped key: the database files never
    // hold the bid's plaintext.
    let secret = "secret bid 7f3a".as_bytes();
    for entry in std::fs::read_dir(platform.data.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            let bytes = std::fs::read(&path).unwrap();
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret),
                "{} holds the plaintext",
                path.display()
            );
        }
    }
}

#[tokio::test]
async fn expired_scan_is_refused_and_the_desktop_sees_expired() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, PHONE).await;
    let (created, mut events, url) = started(&platform, &toolbox_request(QrKind::Login)).await;

    platform.server.clock().advance(61);
    let result = phone.scan(&platform, &url).await;
    let (state, reason) = events.next_state().await;

    assert_eq!(code(result), ErrorCode::QrExpired);
    assert_eq!(state, QrState::Expired);
    assert_eq!(reason.as_deref(), Some("not scanned within 60 seconds"));
    events.assert_ends().await;
    let fetched = fetch_answer(&platform, &created).await;
    assert_eq!(code(fetched), ErrorCode::QrExpired);
}

#[tokio::test]
async fn late_answer_is_refused() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, PHONE).await;
    let request = toolbox_request(QrKind::EncryptionCertificate);
    let (created, mut events, view) = scanned(&platform, &phone, &request).await;

    platform.server.clock().advance(181);
    let payload = AnswerPayload::EncryptionCertificate {
        certificate: STANDARD.encode(&phone.encryption.der),
    };
    let answer = phone.signed(&base(&platform), &view, payload, now(&platform));
    let result = phone.answer(&platform, &answer, &created.id).await;

    assert_eq!(code(result), ErrorCode::QrExpired);
    let (state, reason) = events.next_state().await;
    assert_eq!(state, QrState::Expired);
    assert_eq!(
        reason.as_deref(),
        Some("not confirmed on the phone within 3 minutes")
    );
}

#[tokio::test]
async fn a_request_is_answered_once() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, PHONE).await;
    let request = toolbox_request(QrKind::EncryptionCertificate);
    let (created, _events, view) = scanned(&platform, &phone, &request).await;
    let payload = AnswerPayload::EncryptionCertificate {
        certificate: STANDARD.encode(&phone.encryption.der),
    };
    let answer = phone.signed(&base(&platform), &view, payload, now(&platform));

    phone.answer(&platform, &answer, &created.id).await.unwrap();
    let again = phone.answer(&platform, &answer, &created.id).await;

    assert_eq!(code(again), ErrorCode::QrAlreadyAnswered);
}

#[tokio::test]
async fn stale_and_forged_frames_are_refused() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, PHONE).await;
    let (created, _events, url) = started(&platform, &toolbox_request(QrKind::Login)).await;
    let (t, h) = frame_parts(&url);

    let mut forged = h.clone().into_bytes();
    forged[0] = if forged[0] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();
    let forged = phone.scan_parts(&platform, &created.id, t, &forged).await;
    let other_second = phone.scan_parts(&platform, &created.id, t + 1, &h).await;
    let not_base64 = phone.scan_parts(&platform, &created.id, t, "%%%").await;
    platform.server.clock().advance(6);
    let stale = phone.scan(&platform, &url).await;
    let unknown = phone.scan_parts(&platform, &"0".repeat(32), t, &h).await;

    assert_eq!(code(forged), ErrorCode::QrFrameInvalid);
    assert_eq!(code(other_second), ErrorCode::QrFrameInvalid);
    assert_eq!(code(not_base64), ErrorCode::QrFrameInvalid);
    let stale = stale.unwrap_err();
    assert_eq!(stale.code, ErrorCode::QrFrameStale);
    assert!(stale.message.contains("seconds old"), "{}", stale.message);
    assert_eq!(code(unknown), ErrorCode::QrNotFound);
}

#[tokio::test]
async fn the_first_phone_owns_the_request() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, PHONE).await;
    let intruder = log_in(&platform, OTHER_PHONE).await;
    submit_identity(&platform, &intruder).await;
    common::approve_identity(&platform).await;
    let intruder = TestPhone {
        token: intruder,
        ..holder_clone(&phone)
    };
    let (created, _events, url) = started(&platform, &toolbox_request(QrKind::Login)).await;

    let view = phone.scan(&platform, &url).await.unwrap();
    let second = intruder.scan(&platform, &url).await;
    let matched = intruder
        .choose(&platform, &created.id, created.match_number.unwrap())
        .await;
    let cancelled = intruder.cancel(&platform, &created.id).await;
    let again = phone.scan(&platform, &url).await.unwrap();

    assert_eq!(code(second), ErrorCode::QrBoundToOtherPhone);
    assert_eq!(code(matched), ErrorCode::QrBoundToOtherPhone);
    assert_eq!(code(cancelled), ErrorCode::QrBoundToOtherPhone);
    assert_eq!(again, view, "the owner may fetch the request again");
}

/// The same keys under another session: what the intruder test needs.
fn holder_clone(phone: &TestPhone) -> TestPhone {
    TestPhone {
        number: phone.number.clone(),
        token: phone.token.clone(),
        signing_key: phone.signing_key.clone(),
        signing: phone.signing.clone(),
        encryption_key: phone.encryption_key.clone(),
        encryption: phone.encryption.clone(),
        chain: phone.chain.clone(),
        seal_png: phone.seal_png.clone(),
    }
}

#[tokio::test]
async fn a_wrong_number_cancels_on_both_sides() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, PHONE).await;
    let (created, mut events, view) =
        scanned(&platform, &phone, &toolbox_request(QrKind::Login)).await;
    let number = created.match_number.unwrap();
    let wrong = view
        .number_choices
        .as_ref()
        .unwrap()
        .iter()
        .copied()
        .find(|n| *n != number)
        .unwrap();

    let result = phone.choose(&platform, &created.id, wrong).await;
    let (state, reason) = events.next_state().await;
    let answer = phone.signed(
        &base(&platform),
        &view,
        AnswerPayload::Login,
        now(&platform),
    );
    let late = phone.answer(&platform, &answer, &created.id).await;

    assert_eq!(code(result), ErrorCode::QrWrongNumber);
    assert_eq!(state, QrState::Cancelled);
    assert!(reason.unwrap().contains("number"));
    assert_eq!(code(late), ErrorCode::QrCancelled);
    events.assert_ends().await;
}

#[tokio::test]
async fn a_login_answered_before_matching_is_refused() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, PHONE).await;
    let (created, _events, view) =
        scanned(&platform, &phone, &toolbox_request(QrKind::Login)).await;
    let answer = phone.signed(
        &base(&platform),
        &view,
        AnswerPayload::Login,
        now(&platform),
    );

    let result = phone.answer(&platform, &answer, &created.id).await;
    let matching_a_sign = {
        let request = toolbox_request(QrKind::Sign).with_document();
        let (other, _e, _v) = scanned(&platform, &phone, &request).await;
        phone.choose(&platform, &other.id, 10).await
    };

    assert_eq!(code(result), ErrorCode::QrNotMatched);
    assert_eq!(code(matching_a_sign), ErrorCode::QrAnswerInvalid);
}

#[tokio::test]
async fn a_certificate_of_another_ca_with_the_same_names_is_untrusted() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, PHONE).await;
    let impostor_root = IssuingCa::new_root(
        "palmbid reference platform root CA",
        Validity {
            not_before: now(&platform) - 60,
            days: 30,
        },
    )
    .unwrap();
    let subject = Subject {
        name: "张三".into(),
        company: "示例科技有限公司".into(),
        credit_code: common::CREDIT.into(),
    };
    let issued = impostor_root
        .issue_with_new_key(
            &subject,
            KeyRole::Signing,
            Validity {
                not_before: now(&platform) - 60,
                days: 30,
            },
        )
        .unwrap();
    let key = pki::parse_private_key(issued.key_pkcs8_pem.as_bytes(), None).unwrap();
    let (created, _events, view) = scanned(
        &platform,
        &phone,
        &toolbox_request(QrKind::EncryptionCertificate),
    )
    .await;
    let payload = AnswerPayload::EncryptionCertificate {
        certificate: STANDARD.encode(&phone.encryption.der),
    };
    let answer = sign_with(
        &key,
        &issued.cert,
        &[impostor_root.certificate().clone()],
        &base(&platform),
        &view,
        payload,
        now(&platform),
    );

    let result = phone.answer(&platform, &answer, &created.id).await;

    assert_eq!(issued.cert.subject, phone.signing.subject);
    assert_eq!(code(result), ErrorCode::QrCertificateUntrusted);
}

#[tokio::test]
async fn a_revoked_certificate_is_refused() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, PHONE).await;
    let list = console()
        .get(platform.url("/console/certificates"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let revoke_path = format!("/console/certificates/{}/revoke", phone.signing.fingerprint);
    let empty_reason = console()
        .post(platform.url(&revoke_path))
        .form(&[("reason", " ")])
        .send()
        .await
        .unwrap()
        .status();
    let cross_site = console()
        .post(platform.url(&revoke_path))
        .header("Origin", "http://evil.example")
        .form(&[("reason", "密钥泄露")])
        .send()
        .await
        .unwrap()
        .status();
    let revoked = console()
        .post(platform.url(&revoke_path))
        .form(&[("reason", "密钥泄露 key compromise")])
        .send()
        .await
        .unwrap()
        .status();
    let (created, _events, view) =
        scanned(&platform, &phone, &toolbox_request(QrKind::Login)).await;
    phone
        .choose(&platform, &created.id, created.match_number.unwrap())
        .await
        .unwrap();
    let answer = phone.signed(
        &base(&platform),
        &view,
        AnswerPayload::Login,
        now(&platform),
    );

    let result = phone.answer(&platform, &answer, &created.id).await;
    let after = console()
        .get(platform.url("/console/certificates"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    assert!(list.contains(&revoke_path), "the console offers to revoke");
    assert_eq!(empty_reason, 400);
    assert_eq!(cross_site, 403);
    assert_eq!(revoked, 303);
    assert_eq!(code(result), ErrorCode::QrCertificateRevoked);
    assert!(after.contains("key compromise"));
    assert!(!after.contains(&revoke_path), "revoked once");
}

#[tokio::test]
async fn an_expired_certificate_is_refused() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, PHONE).await;
    platform.server.clock().advance(366 * 86_400);
    // The session expired too; the phone logs in again.
    let phone = TestPhone {
        token: log_in(&platform, PHONE).await,
        ..phone
    };
    let (created, _events, view) = scanned(
        &platform,
        &phone,
        &toolbox_request(QrKind::EncryptionCertificate),
    )
    .await;
    let payload = AnswerPayload::EncryptionCertificate {
        certificate: STANDARD.encode(&phone.encryption.der),
    };
    let answer = phone.signed(&base(&platform), &view, payload, now(&platform));

    let result = phone.answer(&platform, &answer, &created.id).await;

    assert_eq!(code(result), ErrorCode::QrCertificateExpired);
}

#[tokio::test]
async fn a_tampered_request_or_payload_fails_the_signature() {
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, PHONE).await;
    let request = toolbox_request(QrKind::Sign).with_document();
    let digest = request.document.as_ref().unwrap().sha256.clone();
    let (created, _events, view) = scanned(&platform, &phone, &request).await;
    let cms = phone.cms_over(&digest, now(&platform));

    // The phone was shown another document digest than the desktop's.
    let mut tampered = view.clone();
    tampered.document.as_mut().unwrap().sha256 = "cd".repeat(32);
    let payload = AnswerPayload::Sign { cms: cms.clone() };
    let altered_view = phone.signed(&base(&platform), &tampered, payload, now(&platform));
    let altered_view = phone.answer(&platform, &altered_view, &created.id).await;
    // Another platform address in the message.
    let payload = AnswerPayload::Sign { cms: cms.clone() };
    let other_platform = phone.signed("https://phish.example/", &view, payload, now(&platform));
    let other_platform = phone.answer(&platform, &other_platform, &created.id).await;
    // A CMS over another digest, correctly bound in the answer.
    let payload = AnswerPayload::Sign {
        cms: phone.cms_over(&"cd".repeat(32), now(&platform)),
    };
    let other_digest = phone.signed(&base(&platform), &view, payload, now(&platform));
    let other_digest = phone.answer(&platform, &other_digest, &created.id).await;
    // The payload swapped after signing.
    let payload = AnswerPayload::Sign { cms: cms.clone() };
    let mut swapped = phone.signed(&base(&platform), &view, payload, now(&platform));
    swapped.signed_at += 1;
    let swapped = phone.answer(&platform, &swapped, &created.id).await;
    // Another nonce, another kind.
    let payload = AnswerPayload::Sign { cms: cms.clone() };
    let mut nonce = phone.signed(&base(&platform), &view, payload, now(&platform));
    nonce.nonce = "00".repeat(16);
    let nonce = phone.answer(&platform, &nonce, &created.id).await;
    let kind = phone.signed(
        &base(&platform),
        &view,
        AnswerPayload::Login,
        now(&platform),
    );
    let kind = phone.answer(&platform, &kind, &created.id).await;
    // Correctly signed, but an hour in the future or before the request.
    let payload = AnswerPayload::Sign { cms: cms.clone() };
    let future = phone.signed(&base(&platform), &view, payload, now(&platform) + 3600);
    let future = phone.answer(&platform, &future, &created.id).await;
    let payload = AnswerPayload::Sign { cms: cms.clone() };
    let past = phone.signed(&base(&platform), &view, payload, now(&platform) - 3600);
    let past = phone.answer(&platform, &past, &created.id).await;

    assert_eq!(code(future), ErrorCode::QrAnswerInvalid);
    assert_eq!(code(past), ErrorCode::QrAnswerInvalid);
    assert_eq!(code(altered_view), ErrorCode::QrSignatureInvalid);
    assert_eq!(code(other_platform), ErrorCode::QrSignatureInvalid);
    assert_eq!(code(other_digest), ErrorCode::QrSignatureInvalid);
    assert_eq!(code(swapped), ErrorCode::QrSignatureInvalid);
    assert_eq!(code(nonce), ErrorCode::QrAnswerInvalid);
    assert_eq!(code(kind), ErrorCode::QrAnswerInvalid);
    let payload = AnswerPayload::Sign { cms };
    let good = phone.signed(&base(&platform), &view, payload, now(&platform));
    phone.answer(&platform, &good, &created.id).await.unwrap();
}

#[tokio::test]
async fn scanning_needs_an_approved_identity() {
    let platform = TestPlatform::start().await;
    let token = log_in(&platform, PHONE).await;
    submit_identity(&platform, &token).await;
    let (_, _events, url) = started(&platform, &toolbox_request(QrKind::Login)).await;
    let (t, h) = frame_parts(&url);

    let result: Result<serde_json::Value, _> = qr_support::post(
        &platform,
        &palmbid_core::api::paths::qr_phone_path(&frame_id(&url), "scan"),
        Some(&token),
        &serde_json::json!({ "t": t, "h": h }),
    )
    .await;
    let anonymous: Result<serde_json::Value, _> = qr_support::post(
        &platform,
        &palmbid_core::api::paths::qr_phone_path(&frame_id(&url), "scan"),
        None,
        &serde_json::json!({ "t": t, "h": h }),
    )
    .await;

    assert_eq!(code(result), ErrorCode::IdentityNotApproved);
    assert_eq!(code(anonymous), ErrorCode::Unauthorized);
}

#[tokio::test]
async fn invalid_requests_name_the_field() {
    let platform = TestPlatform::start().await;
    let key = STANDARD.encode(pki::public_key_sec1(&pki::generate_key()));
    let header = STANDARD.encode([0x30_u8, 0x80]);
    let mut cases = Vec::new();

    let mut r = toolbox_request(QrKind::Login);
    r.machine = String::new();
    cases.push((r, "machine"));
    let mut r = toolbox_request(QrKind::Login);
    r.machine = "x".repeat(65);
    cases.push((r, "machine"));
    cases.push((toolbox_request(QrKind::Sign), "document"));
    cases.push((toolbox_request(QrKind::Login).with_document(), "document"));
    let mut r = toolbox_request(QrKind::Seal).with_document();
    r.document.as_mut().unwrap().sha256 = "ab".repeat(31);
    cases.push((r, "document.sha256"));
    let mut r = toolbox_request(QrKind::Sign).with_document();
    r.document.as_mut().unwrap().name = "a\u{0}b".into();
    cases.push((r, "document.name"));
    let mut r = toolbox_request(QrKind::Decrypt).with_document();
    r.envelope_header = Some(header.clone());
    cases.push((r, "recipient_key"));
    let mut r = toolbox_request(QrKind::Decrypt).with_document();
    r.recipient_key = Some("not base64!".into());
    r.envelope_header = Some(header.clone());
    cases.push((r, "recipient_key"));
    let mut r = toolbox_request(QrKind::Decrypt).with_document();
    r.recipient_key = Some(key.clone());
    cases.push((r, "envelope_header"));
    let mut r = toolbox_request(QrKind::Decrypt).with_document();
    r.recipient_key = Some(key.clone());
    r.envelope_header = Some(STANDARD.encode(vec![0_u8; 16 * 1024 + 1]));
    cases.push((r, "envelope_header"));
    let mut r = toolbox_request(QrKind::Sign).with_document();
    r.recipient_key = Some(key.clone());
    cases.push((r, "recipient_key"));

    for (request, field) in cases {
        let refused = create(&platform, &request).await.unwrap_err();
        assert_eq!(refused.code, ErrorCode::QrInvalidRequest, "{field}");
        assert_eq!(refused.status, 400, "{field}");
        assert!(
            refused.message.contains(&format!("field {field} ")),
            "{field}: {}",
            refused.message
        );
    }
}

#[tokio::test]
async fn one_address_holds_at_most_thirty_open_requests() {
    let platform = TestPlatform::start().await;
    for _ in 0..30 {
        create(&platform, &toolbox_request(QrKind::Login))
            .await
            .unwrap();
    }

    let refused = create(&platform, &toolbox_request(QrKind::Login))
        .await
        .unwrap_err();
    platform.server.clock().advance(61);
    let after_expiry = create(&platform, &toolbox_request(QrKind::Login)).await;

    assert_eq!(refused.status, 429);
    assert_eq!(refused.code, ErrorCode::QrTooManyRequests);
    assert!(refused.message.contains("127.0.0.1"), "{}", refused.message);
    assert!(after_expiry.is_ok(), "expired requests are not open");
}

#[tokio::test]
async fn the_desktop_needs_its_token() {
    let platform = TestPlatform::start().await;
    let created = create(&platform, &toolbox_request(QrKind::Login))
        .await
        .unwrap();
    let other = create(&platform, &toolbox_request(QrKind::Login))
        .await
        .unwrap();

    let none = desktop_get(&platform, &created.id, "events", None).await;
    let wrong = desktop_get(&platform, &created.id, "events", Some(&other.desktop_token)).await;
    let cookie_for_toolbox = qr_support::read_refusal(
        common::raw_http()
            .get(platform.url(&palmbid_core::api::paths::qr_desktop_path(
                &created.id,
                "answer",
            )))
            .header("Cookie", format!("palmbid_qr={}", created.desktop_token))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let not_yet = fetch_answer(&platform, &created).await;

    assert_eq!(none.status(), 401);
    assert_eq!(
        qr_support::read_refusal(none).await,
        ErrorCode::QrDesktopUnauthorized
    );
    assert_eq!(
        qr_support::read_refusal(wrong).await,
        ErrorCode::QrDesktopUnauthorized
    );
    assert_eq!(cookie_for_toolbox, ErrorCode::QrDesktopUnauthorized);
    assert_eq!(code(not_yet), ErrorCode::QrNotAnswered);
}

#[tokio::test]
async fn a_browser_at_the_code_url_sees_only_the_download_page() {
    let platform = TestPlatform::start().await;
    let request = toolbox_request(QrKind::Sign).with_document();
    let (created, _events, url) = started(&platform, &request).await;

    let page = common::raw_http().get(&url).send().await.unwrap();
    let status = page.status();
    let text = page.text().await.unwrap();

    assert_eq!(status, 200);
    assert!(text.contains("应用下载"), "{text}");
    assert!(!text.contains("投标文件"), "the document name leaks");
    assert!(!text.contains(&created.id), "the id is echoed");
}
