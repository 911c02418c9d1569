//! Every QR kind end to end on one machine: the toolbox (this crate) asks
//! through the real platform on loopback, the phone core scans the frame
//! the toolbox was shown and answers with its picked-up certificate.
//! OpenSSL judges the signature and the hardware half of a dual envelope.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod support;

use std::process::Command;

use palmbid_core::api::qr::QrState;
use palmbid_core::cms;
use palmbid_core::error::Localized;
use palmbid_core::keystore::{KeyOperation, KeyUse};
use palmbid_core::pki::{IssuingCa, KeyRole, Subject, Validity};
use palmbid_core::qr::{self, AnswerChoice};
use palmbid_toolbox::ToolboxError;
use support::{Bench, COMPANY, PHONE, pin, scan_request};

fn openssl(args: &[&str]) -> std::process::Output {
    Command::new("openssl")
        .args(args)
        .output()
        .expect("openssl runs (scripts/test installs it)")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_with_number_matching() {
    let bench = Bench::start().await;
    let phone = bench.phone(PHONE).await;
    let toolbox = bench.toolbox();
    let (mut screen, mut frames) = support::screen();

    let desktop = tokio::spawn(async move {
        let outcome = toolbox.login(&mut screen).await;
        (outcome, screen.states)
    });
    let (request, number) = scan_request(&phone, &mut frames).await;
    let number = number.expect("a login frame carries the number to match");
    let choices = request.view.number_choices.clone().unwrap();
    assert_eq!(choices.len(), 3);
    assert!(choices.contains(&number));
    assert!(request.seconds_left() > 170, "{}", request.seconds_left());
    assert!(!request.clock_warning());

    qr::choose_number(&phone.store, &request, number)
        .await
        .unwrap();
    qr::answer(
        &phone.store,
        &phone.keystore,
        &request,
        AnswerChoice::default(),
        &pin(),
    )
    .await
    .unwrap();

    let (outcome, states) = desktop.await.unwrap();
    let outcome = outcome.unwrap();
    assert!(outcome.subject.contains(COMPANY), "{}", outcome.subject);
    assert_eq!(
        states,
        [QrState::Scanned, QrState::Matched, QrState::Answered]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_is_verified_by_the_toolbox_and_openssl() {
    let bench = Bench::start().await;
    let phone = bench.phone(PHONE).await;
    let work = tempfile::tempdir().unwrap();
    let document = work.path().join("投标文件.pdf");
    std::fs::write(&document, b"%PDF-1.7 bid document body").unwrap();
    let toolbox = bench.toolbox();
    let (mut screen, mut frames) = support::screen();

    let signed = document.clone();
    let desktop = tokio::spawn(async move { toolbox.sign(&signed, &mut screen).await });
    let (request, _) = scan_request(&phone, &mut frames).await;
    let shown = request.view.document.clone().unwrap();
    assert_eq!(shown.name, "投标文件.pdf");
    assert_eq!(shown.sha256, hex_sha256(&std::fs::read(&document).unwrap()));
    qr::answer(
        &phone.store,
        &phone.keystore,
        &request,
        AnswerChoice::default(),
        &pin(),
    )
    .await
    .unwrap();
    let outcome = desktop.await.unwrap().unwrap();

    let signature = work.path().join("sig.p7s");
    std::fs::write(&signature, &outcome.cms).unwrap();
    let root = work.path().join("root.pem");
    std::fs::write(&root, bench.anchor().to_pem()).unwrap();
    let verified = openssl(&[
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        signature.to_str().unwrap(),
        "-content",
        document.to_str().unwrap(),
        "-CAfile",
        root.to_str().unwrap(),
        "-purpose",
        "any",
        "-out",
        "/dev/null",
    ]);
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
}

/// Encrypts to the phone and a USB-KEY certificate of another CA; the
/// hardware key opens it with OpenSSL, the phone by key release to the
/// toolbox; the relay's database and log never hold the content key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dual_encryption_opens_with_either_and_the_relay_never_sees_the_key() {
    let bench = Bench::start().await;
    let phone = bench.phone(PHONE).await;
    let work = tempfile::tempdir().unwrap();
    let plain = work.path().join("bid.zip");
    let body: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&plain, &body).unwrap();

    let (hardware, hardware_cert, hardware_key) = usb_key(work.path());

    // 1. Encrypt: the phone hands over its encryption certificate.
    let envelope = work.path().join("bid.zip.p7m");
    let toolbox = bench.toolbox();
    let (mut screen, mut frames) = support::screen();
    let (input, output, hw) = (plain.clone(), envelope.clone(), hardware.cert.clone());
    let desktop = tokio::spawn(async move {
        toolbox
            .encrypt(&input, &output, Some(&hw), &mut screen)
            .await
    });
    let (request, _) = scan_request(&phone, &mut frames).await;
    qr::answer(
        &phone.store,
        &phone.keystore,
        &request,
        AnswerChoice::default(),
        &pin(),
    )
    .await
    .unwrap();
    let (phone_cert, report) = desktop.await.unwrap().unwrap();
    assert_eq!(report.recipients, 2);
    assert_eq!(
        phone_cert.fingerprint,
        request.encryption.as_ref().unwrap().cert.fingerprint
    );

    // 2. The hardware key opens it with OpenSSL.
    let by_openssl = work.path().join("by-openssl.zip");
    let opened = openssl(&[
        "cms",
        "-decrypt",
        "-binary",
        "-inform",
        "DER",
        "-in",
        envelope.to_str().unwrap(),
        "-recip",
        hardware_cert.to_str().unwrap(),
        "-inkey",
        hardware_key.to_str().unwrap(),
        "-out",
        by_openssl.to_str().unwrap(),
    ]);
    assert!(
        opened.status.success(),
        "{}",
        String::from_utf8_lossy(&opened.stderr)
    );
    assert!(std::fs::read(&by_openssl).unwrap() == body);

    // 3. The phone opens it by key release to the toolbox.
    let toolbox = bench.toolbox();
    let (mut screen, mut frames) = support::screen();
    let decrypted = work.path().join("by-phone.zip");
    let (input, output) = (envelope.clone(), decrypted.clone());
    let desktop = tokio::spawn(async move { toolbox.decrypt(&input, &output, &mut screen).await });
    let (request, _) = scan_request(&phone, &mut frames).await;
    assert_eq!(
        request.view.document.as_ref().unwrap().sha256,
        hex_sha256(&std::fs::read(&envelope).unwrap())
    );
    qr::answer(
        &phone.store,
        &phone.keystore,
        &request,
        AnswerChoice::default(),
        &pin(),
    )
    .await
    .unwrap();
    desktop.await.unwrap().unwrap();
    assert!(std::fs::read(&decrypted).unwrap() == body);

    // 4. The content key appears nowhere in the relay's files.
    let encryption = request.encryption.as_ref().unwrap();
    let usage = KeyUse::new(KeyOperation::DecryptFile);
    let key = phone
        .keystore
        .unlock(&encryption.key_id, &pin(), &usage)
        .unwrap();
    let cek = cms::unwrap_content_key(&envelope, &encryption.cert, key.secret()).unwrap();
    assert_eq!(cek.len(), 32);
    let mut relay_bytes = Vec::new();
    for entry in walk(bench.data.path()) {
        relay_bytes.extend(std::fs::read(entry).unwrap());
    }
    assert!(!relay_bytes.is_empty());
    for needle in [
        cek.to_vec(),
        hex::encode(&*cek).into_bytes(),
        base64_of(&cek).into_bytes(),
        body[..64].to_vec(),
    ] {
        assert!(
            !contains(&relay_bytes, &needle),
            "the relay's files hold the content key or the plaintext"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_number_cancels_on_both_sides() {
    let bench = Bench::start().await;
    let phone = bench.phone(PHONE).await;
    let toolbox = bench.toolbox();
    let (mut screen, mut frames) = support::screen();
    let desktop = tokio::spawn(async move { toolbox.login(&mut screen).await });

    let (request, number) = scan_request(&phone, &mut frames).await;
    let wrong = request
        .view
        .number_choices
        .clone()
        .unwrap()
        .into_iter()
        .find(|n| Some(*n) != number)
        .unwrap();
    let error = qr::choose_number(&phone.store, &request, wrong)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "qr.wrong_number", "{error}");

    let error = desktop.await.unwrap().unwrap_err();
    assert!(
        matches!(
            error,
            ToolboxError::NotAnswered {
                state: QrState::Cancelled,
                ..
            }
        ),
        "{error}"
    );
    // The phone cannot go on with the PIN either.
    let error = qr::answer(
        &phone.store,
        &phone.keystore,
        &request,
        AnswerChoice::default(),
        &pin(),
    )
    .await
    .unwrap_err();
    assert!(error.code().starts_with("qr."), "{error}");

    // A number not among the three is refused on the phone, unsent.
    let error = qr::choose_number(&phone.store, &request, 100)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "qr.not_a_choice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_pin_costs_a_try_and_the_right_one_still_answers() {
    let bench = Bench::start().await;
    let phone = bench.phone(PHONE).await;
    let work = tempfile::tempdir().unwrap();
    let document = work.path().join("doc.txt");
    std::fs::write(&document, b"text").unwrap();
    let toolbox = bench.toolbox();
    let (mut screen, mut frames) = support::screen();
    let signed = document.clone();
    let desktop = tokio::spawn(async move { toolbox.sign(&signed, &mut screen).await });

    let (request, _) = scan_request(&phone, &mut frames).await;
    let error = qr::answer(
        &phone.store,
        &phone.keystore,
        &request,
        AnswerChoice::default(),
        &support::wrong_pin(),
    )
    .await
    .unwrap_err();
    assert_eq!(error.code(), "keystore.pin_incorrect", "{error}");
    let status = phone
        .keystore
        .pin_status(&request.signer.credential)
        .unwrap();
    assert_eq!(status.failed_attempts, 1);

    qr::answer(
        &phone.store,
        &phone.keystore,
        &request,
        AnswerChoice::default(),
        &pin(),
    )
    .await
    .unwrap();
    desktop.await.unwrap().unwrap();

    // Answered once: the same request cannot be answered again.
    let error = qr::answer(
        &phone.store,
        &phone.keystore,
        &request,
        AnswerChoice::default(),
        &pin(),
    )
    .await
    .unwrap_err();
    assert_eq!(error.code(), "qr.already_answered", "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_of_other_hosts_and_look_alikes_are_refused() {
    let bench = Bench::start().await;
    let phone = bench.phone(PHONE).await;
    let toolbox = bench.toolbox();
    let (mut screen, mut frames) = support::screen();
    let desktop = tokio::spawn(async move { toolbox.login(&mut screen).await });
    let (url, _) = frames.latest().await;
    let port = bench.server.local_addr().port();
    let rest = url.split_once(&format!(":{port}/")).unwrap().1;

    for (text, code) in [
        (format!("http://127.0.0.2:{port}/{rest}"), "qr.unknown_host"),
        (format!("http://localhost:{port}/{rest}"), "qr.unknown_host"),
        (
            format!("http://127.0.0.1:{}/{rest}", port + 1),
            "qr.unknown_host",
        ),
        (
            format!("https://127.0.0.1:{port}/{rest}"),
            "qr.unknown_host",
        ),
        (
            format!("http://127.0.0.1.evil.test:{port}/{rest}"),
            "qr.unknown_host",
        ),
        (
            format!("http://127.0.0.1:{port}@evil.test/{rest}"),
            "qr.invalid_code",
        ),
        (
            format!("http://evil.test/?u=http://127.0.0.1:{port}/{rest}"),
            "qr.unknown_host",
        ),
        (url.replace("/q/", "/q//"), "qr.invalid_code"),
        (url.replace("/q/", "\\q\\"), "qr.invalid_code"),
        (format!("{url}#x"), "qr.invalid_code"),
        (format!("{url}\n"), "qr.invalid_code"),
        ("not a url".to_owned(), "qr.invalid_code"),
    ] {
        let error = qr::scan(&phone.store, &phone.keystore, &text)
            .await
            .unwrap_err();
        assert_eq!(error.code(), code, "{text}: {error}");
    }
    drop(desktop);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stale_forged_and_second_phone_frames_are_refused() {
    let bench = Bench::start().await;
    let phone = bench.phone(PHONE).await;
    let second = bench.phone(support::OTHER_PHONE).await;
    let toolbox = bench.toolbox();
    let (mut screen, mut frames) = support::screen();
    let desktop = tokio::spawn(async move { toolbox.login(&mut screen).await });
    let (url, _) = frames.latest().await;

    // A forged MAC.
    let (head, mac) = url.rsplit_once("&h=").unwrap();
    let flipped = if mac.starts_with('A') { "B" } else { "A" };
    let forged = format!("{head}&h={flipped}{}", &mac[1..]);
    let error = qr::scan(&phone.store, &phone.keystore, &forged)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "qr.frame_invalid", "{error}");

    // The first phone binds it; a second phone is refused.
    let (url, _) = frames.latest().await;
    qr::scan(&phone.store, &phone.keystore, &url).await.unwrap();
    let (url, _) = frames.latest().await;
    let error = qr::scan(&second.store, &second.keystore, &url)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "qr.bound_to_other_phone", "{error}");

    // A frame older than 5 s by the server clock.
    bench.server.clock().advance(6);
    let error = qr::scan(&phone.store, &phone.keystore, &url)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "qr.frame_stale", "{error}");
    drop(desktop);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_after_three_minutes_is_refused() {
    let bench = Bench::start().await;
    let phone = bench.phone(PHONE).await;
    let toolbox = bench.toolbox();
    let (mut screen, mut frames) = support::screen();
    let desktop = tokio::spawn(async move { toolbox.login(&mut screen).await });
    let (request, number) = scan_request(&phone, &mut frames).await;
    qr::choose_number(&phone.store, &request, number.unwrap())
        .await
        .unwrap();

    bench.server.clock().advance(181);
    let error = qr::answer(
        &phone.store,
        &phone.keystore,
        &request,
        AnswerChoice::default(),
        &pin(),
    )
    .await
    .unwrap_err();
    assert_eq!(error.code(), "qr.expired", "{error}");
    let error = desktop.await.unwrap().unwrap_err();
    assert!(
        matches!(
            error,
            ToolboxError::NotAnswered {
                state: QrState::Expired,
                ..
            }
        ),
        "{error}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_phone_without_a_platform_certificate_cannot_take_a_code() {
    let bench = Bench::start().await;
    let bare = bench.bare_phone(PHONE).await;
    let phone = bench.phone(support::OTHER_PHONE).await;
    let toolbox = bench.toolbox();
    let (mut screen, mut frames) = support::screen();
    let desktop = tokio::spawn(async move { toolbox.login(&mut screen).await });
    let (url, _) = frames.latest().await;

    let error = qr::scan(&bare.store, &bare.keystore, &url)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "qr.no_certificate", "{error}");
    // The code was not taken: the phone with a certificate still scans it.
    let (url, _) = frames.latest().await;
    qr::scan(&phone.store, &phone.keystore, &url).await.unwrap();
    drop(desktop);
}

/// A USB-KEY: a P-256 encryption certificate of an unrelated CA, written
/// as PEM files for OpenSSL.
fn usb_key(
    dir: &std::path::Path,
) -> (
    palmbid_core::pki::IssuedWithKey,
    std::path::PathBuf,
    std::path::PathBuf,
) {
    let now = palmbid_toolbox_now();
    let usb_ca = IssuingCa::new_root(
        "USB-KEY CA",
        Validity {
            not_before: now - 60,
            days: 365,
        },
    )
    .unwrap();
    let hardware = usb_ca
        .issue_with_new_key(
            &Subject {
                name: "张三".into(),
                company: COMPANY.into(),
                credit_code: support::CREDIT.into(),
            },
            KeyRole::Encryption,
            Validity {
                not_before: now - 60,
                days: 365,
            },
        )
        .unwrap();
    let hardware_cert = dir.join("usb.pem");
    let hardware_key = dir.join("usb.key");
    std::fs::write(&hardware_cert, hardware.cert.to_pem()).unwrap();
    std::fs::write(&hardware_key, hardware.key_pkcs8_pem.as_bytes()).unwrap();

    (hardware, hardware_cert, hardware_key)
}

fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

fn palmbid_toolbox_now() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_envelope_for_another_certificate_is_refused_at_scan() {
    let bench = Bench::start().await;
    let phone = bench.phone(PHONE).await;
    let work = tempfile::tempdir().unwrap();
    let (hardware, _, _) = usb_key(work.path());
    let plain = work.path().join("bid.txt");
    std::fs::write(&plain, b"for the USB-KEY only").unwrap();
    let envelope = work.path().join("bid.p7m");
    cms::encrypt_to_file(&plain, &envelope, std::slice::from_ref(&hardware.cert)).unwrap();

    let toolbox = bench.toolbox();
    let (mut screen, mut frames) = support::screen();
    let output = work.path().join("out.txt");
    let desktop =
        tokio::spawn(async move { toolbox.decrypt(&envelope, &output, &mut screen).await });
    let (url, _) = frames.latest().await;
    let error = qr::scan(&phone.store, &phone.keystore, &url)
        .await
        .unwrap_err();

    assert_eq!(error.code(), "cms.no_recipient", "{error}");
    let signer = phone.keystore.certificates().unwrap();
    let status = phone.keystore.pin_status(&signer[0].credential).unwrap();
    assert_eq!(status.failed_attempts, 0);
    drop(desktop);
}
