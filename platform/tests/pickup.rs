//! Certificate pickup end to end against a real platform on loopback:
//! the operator's order and approval on the console, the phone's scan,
//! pickup and download into a real keystore, and each abuse case.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use common::{
    CREDIT, PHONE, TestPlatform, approve_identity, approved_order, console, enter_order,
    order_state, phone, pin, register_company,
};
use palmbid_core::account::{self, AccountError, PickupState};
use palmbid_core::api::ErrorCode;
use palmbid_core::api::pickup::{CertificateRequest, OrderState};
use palmbid_core::keystore::{KeyOperation, KeyUseOutcome};
use palmbid_core::pki::{self, CertInfo, KeyRole, Subject};

const OTHER_PHONE: &str = "13900139000";

fn refused(result: Result<impl std::fmt::Debug, AccountError>) -> ErrorCode {
    match result {
        Err(AccountError::Api(err)) => err.server_code().unwrap(),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn scan_pick_up_and_download_install_both_certificates() {
    let platform = TestPlatform::start().await;
    let phone = phone(&platform, PHONE).await;
    approve_identity(&platform).await;
    register_company(&platform).await;
    let (page, url) = approved_order(&platform, PHONE).await;

    let scanned = account::scan(&phone.store, &url).await.unwrap();
    let issued = account::pick_up(&phone.store, &phone.keystore, &scanned, &pin(), &[])
        .await
        .unwrap();
    let picked_up = order_state(&platform, &page).await;
    let before = phone.keystore.certificates().unwrap().len();
    let seals_before = account::seals(&phone.store, &phone.keystore).unwrap();
    let matched = account::download(
        &phone.store,
        &phone.keystore,
        "dev",
        &scanned.offer.pickup_id,
        &pin(),
    )
    .await
    .unwrap();
    let installed = phone.keystore.certificates().unwrap();

    assert!(url.starts_with(&platform.server.base_url()), "{url}");
    assert_eq!(scanned.offer.name, "张三");
    assert_eq!(scanned.offer.state, OrderState::Approved);
    assert_eq!(scanned.offer.company, "示例科技有限公司");
    assert_eq!(
        scanned.offer.seals,
        vec![
            palmbid_core::api::pickup::SealKind::Personal,
            palmbid_core::api::pickup::SealKind::Company
        ]
    );
    assert_eq!(picked_up, "picked_up");
    assert_eq!(before, 0, "picked up but not usable before download");
    assert_eq!(matched.credit_code, CREDIT);
    assert_eq!(installed.len(), 2);
    assert_eq!(order_state(&platform, &page).await, "issued");
    assert_eq!(
        account::pickups(&phone.store).unwrap()[0].state,
        PickupState::Installed
    );

    let kinds: Vec<_> = issued.seals.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        vec![
            palmbid_core::api::pickup::SealKind::Personal,
            palmbid_core::api::pickup::SealKind::Company
        ]
    );
    for seal in &issued.seals {
        use base64::Engine;
        let png = base64::engine::general_purpose::STANDARD
            .decode(&seal.png_base64)
            .unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{:?}", seal.kind);
    }
    let signing = CertInfo::from_pem_or_der(issued.signing_cert_pem.as_bytes(), "s").unwrap();
    let encryption = CertInfo::from_pem_or_der(issued.encryption_cert_pem.as_bytes(), "e").unwrap();
    assert!(signing.key_usage.digital_signature && signing.key_usage.non_repudiation);
    assert!(encryption.key_usage.key_agreement && !encryption.key_usage.digital_signature);
    assert!(signing.subject.contains("张三"), "{}", signing.subject);
    assert!(signing.subject_key_id.is_some());
    let now = platform.server.clock().now();
    assert!(signing.not_before <= now && now - signing.not_before < 120);

    // The seals belong to the installed signing certificate, and only
    // once it is installed.
    assert!(seals_before.is_empty(), "{seals_before:?}");
    let listed = account::seals(&phone.store, &phone.keystore).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].platform, "dev");
    assert_eq!(listed[0].certificate.fingerprint, signing.fingerprint);
    assert_eq!(listed[0].seals, issued.seals);
    let signing_record = installed
        .iter()
        .find(|r| r.role == KeyRole::Signing)
        .unwrap();
    assert_eq!(listed[0].credential, signing_record.credential);

    // One PIN typed, one check: the download's row covers the install of
    // both certificates.
    let log = phone.keystore.signature_log(10, None).unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].operation, KeyOperation::CertificateInstall);
    assert_eq!(log[0].outcome, KeyUseOutcome::Used);
    assert_eq!(log[0].platform.as_deref(), Some("dev"));
    assert_eq!(log[0].credential, signing_record.credential);
}

#[tokio::test]
async fn pickup_is_refused_until_identity_is_approved() {
    let platform = TestPlatform::start().await;
    let phone = phone(&platform, PHONE).await;
    let (_, url) = approved_order(&platform, PHONE).await;

    let err = account::scan(&phone.store, &url).await.unwrap_err();

    assert!(err.to_string().contains("still pending review"), "{err}");
    assert_eq!(refused(Err::<(), _>(err)), ErrorCode::IdentityNotApproved);
}

#[tokio::test]
async fn code_for_another_phone_number_is_refused() {
    let platform = TestPlatform::start().await;
    let phone = phone(&platform, PHONE).await;
    approve_identity(&platform).await;
    let (_, url) = approved_order(&platform, OTHER_PHONE).await;

    let result = account::scan(&phone.store, &url).await;

    assert_eq!(refused(result), ErrorCode::PickupWrongPhone);
    assert!(phone.keystore.keys().unwrap().is_empty());
}

#[tokio::test]
async fn pending_order_and_unknown_codes_are_refused() {
    let platform = TestPlatform::start().await;
    let phone = phone(&platform, PHONE).await;
    approve_identity(&platform).await;
    let page = enter_order(&platform, PHONE).await;
    let base = platform.server.base_url();

    let unknown = account::scan(&phone.store, &format!("{base}q/{}", "0".repeat(32))).await;
    let page_text = console()
        .get(platform.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();

    assert_eq!(refused(unknown), ErrorCode::PickupNotFound);
    assert!(!page_text.contains("pickup-url"), "no QR before approval");
}

#[tokio::test]
async fn scanned_urls_must_be_of_a_trusted_platform() {
    let platform = TestPlatform::start().await;
    let phone = phone(&platform, PHONE).await;
    let base = platform.server.base_url();
    let id = "0123456789abcdef0123456789abcdef";
    let port = platform.server.local_addr().port();

    let cases = [
        (
            format!("http://127.0.0.2:{port}/q/{id}"),
            "account.unknown_host",
        ),
        (
            format!("https://127.0.0.1:{port}/q/{id}"),
            "account.unknown_host",
        ),
        (
            format!("http://evil.example/q/{id}"),
            "account.unknown_host",
        ),
        (
            format!("http://user@127.0.0.1:{port}/q/{id}"),
            "account.invalid_pickup_url",
        ),
        (format!("{base}q\\{id}"), "account.invalid_pickup_url"),
        (format!("{base}q/{id}\u{0}"), "account.invalid_pickup_url"),
        (format!("{base}q/{id}?x=1"), "account.invalid_pickup_url"),
        (format!("{base}x/{id}"), "account.invalid_pickup_url"),
        (
            format!("{base}q/{}", id.to_uppercase()),
            "account.invalid_pickup_url",
        ),
        ("not a url".to_owned(), "account.invalid_pickup_url"),
    ];
    for (text, code) in cases {
        let err = account::scan(&phone.store, &text).await.unwrap_err();
        assert_eq!(
            palmbid_core::error::Localized::code(&err),
            code,
            "{text:?}: {err}"
        );
    }
}

#[tokio::test]
async fn interrupted_pickup_resumes_with_the_same_certificates() {
    let platform = TestPlatform::start().await;
    let phone = phone(&platform, PHONE).await;
    approve_identity(&platform).await;
    let (_, url) = approved_order(&platform, PHONE).await;
    let scanned = account::scan(&phone.store, &url).await.unwrap();
    let first = account::pick_up(&phone.store, &phone.keystore, &scanned, &pin(), &[])
        .await
        .unwrap();

    // The app was killed before it stored the answer: forget it, as if the
    // row were still `requested`, and pick up again.
    let conn = rusqlite::Connection::open(phone.home.path().join("keystore.sqlite3")).unwrap();
    conn.execute("UPDATE pickups SET issued = NULL, state = 'requested'", [])
        .unwrap();
    drop(conn);
    let again = account::scan(&phone.store, &url).await.unwrap();
    let second = account::pick_up(&phone.store, &phone.keystore, &again, &pin(), &[])
        .await
        .unwrap();

    assert_eq!(first.signing_cert_pem, second.signing_cert_pem);
    assert_eq!(first.encryption_cert_pem, second.encryption_cert_pem);
    assert_eq!(
        phone.keystore.keys().unwrap().len(),
        2,
        "no second key pair"
    );
}

#[tokio::test]
async fn order_scanned_twice_after_download_is_refused() {
    let platform = TestPlatform::start().await;
    let phone = phone(&platform, PHONE).await;
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

    let again = account::scan(&phone.store, &url).await;

    assert_eq!(refused(again), ErrorCode::PickupAlreadyIssued);
}

#[tokio::test]
async fn company_missing_from_registry_installs_nothing() {
    let platform = TestPlatform::start().await;
    let phone = phone(&platform, PHONE).await;
    approve_identity(&platform).await;
    let (page, url) = approved_order(&platform, PHONE).await;
    let scanned = account::scan(&phone.store, &url).await.unwrap();
    account::pick_up(&phone.store, &phone.keystore, &scanned, &pin(), &[])
        .await
        .unwrap();

    let result = account::download(
        &phone.store,
        &phone.keystore,
        "dev",
        &scanned.offer.pickup_id,
        &pin(),
    )
    .await;

    match &result {
        Err(AccountError::Api(err)) => {
            assert_eq!(
                err.server_code(),
                Some(ErrorCode::PickupCompanyNotRegistered)
            );
            assert!(
                err.to_string()
                    .contains("not in the platform's entity registry"),
                "{err}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(phone.keystore.certificates().unwrap().is_empty());
    assert!(phone.keystore.trust_anchors().unwrap().is_empty());
    assert_eq!(order_state(&platform, &page).await, "picked_up");

    register_company(&platform).await;
    account::download(
        &phone.store,
        &phone.keystore,
        "dev",
        &scanned.offer.pickup_id,
        &pin(),
    )
    .await
    .unwrap();
    assert_eq!(phone.keystore.certificates().unwrap().len(), 2);
}

/// Raw certificate requests against the endpoint: bad signatures, foreign
/// subjects and keys.
#[tokio::test]
async fn bad_certificate_requests_are_refused() {
    let platform = TestPlatform::start().await;
    let phone = phone(&platform, PHONE).await;
    approve_identity(&platform).await;
    let (_, url) = approved_order(&platform, PHONE).await;
    let scanned = account::scan(&phone.store, &url).await.unwrap();
    let id = scanned.offer.pickup_id.clone();
    let client = account::client_for(&phone.store, "dev").unwrap();
    let subject = Subject {
        name: "张三".into(),
        company: "示例科技有限公司".into(),
        credit_code: CREDIT.into(),
    };
    let pem = |der: &[u8]| {
        der::pem::encode_string("CERTIFICATE REQUEST", der::pem::LineEnding::LF, der).unwrap()
    };
    let csr = |subject: &Subject, role| {
        pem(&pki::build_csr(&pki::generate_key(), subject, role).unwrap())
    };
    let good_signing = csr(&subject, KeyRole::Signing);
    let good_encryption = csr(&subject, KeyRole::Encryption);

    // Flip a bit in the signature (the DER's last byte): it must not verify.
    let mut tampered = pki::build_csr(&pki::generate_key(), &subject, KeyRole::Signing).unwrap();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    let other_subject = Subject {
        name: "李四".into(),
        ..subject.clone()
    };
    let same_key = pki::generate_key();
    let same_signing = pem(&pki::build_csr(&same_key, &subject, KeyRole::Signing).unwrap());
    let same_encryption = pem(&pki::build_csr(&same_key, &subject, KeyRole::Encryption).unwrap());
    let cases = [
        (
            pem(&tampered),
            good_encryption.clone(),
            ErrorCode::PickupCsrInvalid,
        ),
        (
            "garbage".to_owned(),
            good_encryption.clone(),
            ErrorCode::PickupCsrInvalid,
        ),
        (
            csr(&other_subject, KeyRole::Signing),
            good_encryption.clone(),
            ErrorCode::PickupCsrMismatch,
        ),
        (same_signing, same_encryption, ErrorCode::PickupCsrMismatch),
    ];
    for (signing, encryption, expected) in cases {
        let body = CertificateRequest {
            signing_csr_pem: signing,
            encryption_csr_pem: encryption,
            device_attestation: Vec::new(),
        };
        let err = client.request_certificates(&id, &body).await.unwrap_err();
        assert_eq!(err.server_code(), Some(expected), "{err}");
    }

    // A key certified for one order cannot be certified for another.
    let body = CertificateRequest {
        signing_csr_pem: good_signing.clone(),
        encryption_csr_pem: good_encryption.clone(),
        device_attestation: Vec::new(),
    };
    client.request_certificates(&id, &body).await.unwrap();
    let (_, second_url) = approved_order(&platform, PHONE).await;
    let second = account::scan(&phone.store, &second_url)
        .await
        .unwrap()
        .offer
        .pickup_id;
    let reused = client
        .request_certificates(&second, &body)
        .await
        .unwrap_err();
    assert_eq!(reused.server_code(), Some(ErrorCode::PickupCsrMismatch));
    // Other keys for the order already issued are refused too.
    let other_keys = CertificateRequest {
        signing_csr_pem: csr(&subject, KeyRole::Signing),
        encryption_csr_pem: csr(&subject, KeyRole::Encryption),
        device_attestation: Vec::new(),
    };
    let other = client
        .request_certificates(&id, &other_keys)
        .await
        .unwrap_err();
    assert_eq!(other.server_code(), Some(ErrorCode::PickupAlreadyIssued));
}

#[tokio::test]
async fn console_refuses_a_bad_order() {
    let platform = TestPlatform::start().await;

    let response = console()
        .post(platform.url("/console/orders"))
        .form(&[
            ("name", "张三"),
            ("phone", "123"),
            ("company", "示例科技有限公司"),
            ("credit_code", CREDIT),
        ])
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 400);
    assert!(response.text().await.unwrap().contains("id=\"error\""));
}
