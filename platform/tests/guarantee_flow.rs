//! Electronic bid guarantees end to end against a real platform on
//! loopback: a phone holding a bidder's certificate (picked up through the
//! real flow) gets a section's guarantee code, applies through the
//! development institution, and sees the guarantee issued with a document
//! whose signature the core verified and pdfsig accepts; then each failure:
//! a section the bidder is not in, an institution not in the catalogue, a
//! document that does not verify or names another section, a forged and a
//! replayed callback, and a cancellation after issue.

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::process::Command;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use palmbid_core::account::{self, AccountError};
use palmbid_core::api::guarantee::{
    CallbackEvent, GuaranteeCallback, GuaranteeCode, GuaranteeState,
};
use palmbid_core::api::{ErrorBody, ErrorCode, paths};
use palmbid_platform::guarantee::dev::{DEV_INSTITUTION_ID, DevInstitution};
use palmbid_platform::guarantee::store::CodeRow;

use common::{
    CREDIT, PHONE, Phone, TestPlatform, approve_identity, approved_order, console, phone, pin,
    raw_http, register_company,
};

/// Another company's valid credit code.
const OTHER: &str = "91310000132200821H";

/// A platform, a phone holding the bidder's certificates, and a project
/// requiring a guarantee whose section 1 the phone's company bids in and
/// whose section 2 only another company does.
struct Setup {
    platform: TestPlatform,
    phone: Phone,
    project: String,
}

async fn setup() -> Setup {
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

    let project = create_project(&platform, "市政道路工程", CREDIT).await;
    let response = console()
        .post(platform.url(&format!("/console/guarantee/{project}/require")))
        .form(&[("required", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let response = console()
        .post(platform.url(&format!("/console/guarantee/{project}/sections")))
        .form(&[
            ("name", "第二标段"),
            ("bidders", &format!("{OTHER} 其他单位")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    Setup {
        platform,
        phone,
        project,
    }
}

/// Enters a hall project with one section and bidder `code`; returns its id.
async fn create_project(platform: &TestPlatform, name: &str, code: &str) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
    let opening = time::OffsetDateTime::from_unix_timestamp(platform.server.clock().now() + 86_400)
        .unwrap()
        .format(&format)
        .unwrap();
    let response = console()
        .post(platform.url("/console/hall"))
        .form(&[
            ("name", name),
            ("opening", opening.as_str()),
            ("section", "第一标段"),
            ("bidders", &format!("{code} 示例科技有限公司")),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let page = console()
        .get(platform.url("/console/hall"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    page.split("<tr data-project=\"")
        .skip(1)
        .find(|part| part[..part.find("</tr>").unwrap()].contains(name))
        .map(|part| part[..part.find('"').unwrap()].to_owned())
        .expect("the new project is listed")
}

/// The platform's refusal code of a phone call.
fn refused<T: std::fmt::Debug>(result: Result<T, AccountError>) -> ErrorCode {
    match result {
        Err(AccountError::Api(err)) => err.server_code().unwrap(),
        other => panic!("{other:?}"),
    }
}

/// The development institution as the platform made it, from its files.
fn institution(platform: &TestPlatform) -> DevInstitution {
    let now = platform.server.clock().now();
    let ca = palmbid_platform::ca::load_or_create(&platform.data.path().join("ca"), now).unwrap();
    DevInstitution::load_or_create(&platform.data.path().join("guarantee"), &ca, now).unwrap()
}

/// Posts a callback; the status and code of a refusal.
async fn post_callback(
    platform: &TestPlatform,
    callback: &GuaranteeCallback,
) -> Result<GuaranteeState, (u16, ErrorCode)> {
    let response = raw_http()
        .post(platform.url(paths::GUARANTEE_CALLBACK))
        .json(callback)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    if status == 200 {
        let receipt: palmbid_core::api::guarantee::CallbackReceipt =
            serde_json::from_str(&text).unwrap();
        return Ok(receipt.state);
    }
    let body: ErrorBody = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{status} {text}"));
    Err((status, body.code))
}

fn row(code: &GuaranteeCode) -> CodeRow {
    CodeRow {
        code: code.clone(),
        state: GuaranteeState::Applied,
        institution: Some(DEV_INSTITUTION_ID.to_owned()),
        guarantee_no: None,
        reason: None,
        document: None,
        updated_at: None,
    }
}

/// pdfsig's report, with the platform root trusted in a fresh NSS database.
fn pdfsig(platform: &TestPlatform, pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("guarantee.pdf");
    std::fs::write(&path, pdf).unwrap();
    let spec = format!("sql:{}", dir.path().display());
    let run = |command: &mut Command| {
        let output = command
            .output()
            .expect("poppler-utils and libnss3-tools must be installed");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    run(Command::new("certutil").args(["-N", "--empty-password", "-d", &spec]));
    run(Command::new("certutil")
        .args([
            "-A",
            "-d",
            &spec,
            "-n",
            "palmbid root",
            "-t",
            "CT,C,C",
            "-i",
        ])
        .arg(platform.data.path().join("ca/root.pem")));
    run(Command::new("pdfsig").arg("-nssdir").arg(&spec).arg(&path))
}

/// The guarantee of section 1 as the phone shows it.
async fn status(
    store: &palmbid_core::account::AccountStore,
    project: &str,
) -> account::GuaranteeView {
    account::guarantee_status(store, "dev", project, 1)
        .await
        .unwrap()
}

/// Opens the application address as the bidder's browser would, checks
/// that a tampered statement is refused, and presses "issue".
async fn issue_on_the_institution_page(
    platform: &TestPlatform,
    code: &GuaranteeCode,
    address: &str,
) {
    // The institution's page says it is a development institution and
    // knows the bidder from the statement alone.
    let page = raw_http().get(address).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("开发测试机构"), "{page}");
    assert!(page.contains(&code.code) && page.contains(CREDIT), "{page}");

    // A statement altered on the way is refused.
    let url = reqwest::Url::parse(address).unwrap();
    let statement = url
        .query_pairs()
        .find(|(k, _)| k == "statement")
        .unwrap()
        .1
        .into_owned();
    let mut tampered = statement.clone().into_bytes();
    let middle = tampered.len() / 2;
    tampered[middle] = if tampered[middle] == b'A' { b'B' } else { b'A' };
    let refused_page = console()
        .post(platform.url("/dev/guarantee-institution/apply"))
        .form(&[
            ("code", code.code.as_str()),
            ("statement", std::str::from_utf8(&tampered).unwrap()),
            ("decision", "issue"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused_page.status(), 403);

    let issued = console()
        .post(platform.url("/dev/guarantee-institution/apply"))
        .form(&[
            ("code", code.code.as_str()),
            ("statement", statement.as_str()),
            ("decision", "issue"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(issued.status(), 200);
    assert!(
        issued
            .text()
            .await
            .unwrap()
            .contains("data-state=\"issued\"")
    );
}

#[tokio::test]
async fn guarantee_goes_from_code_to_verified_issue_then_cancel() {
    let Setup {
        platform,
        phone,
        project,
    } = setup().await;
    let store = &phone.store;

    let projects = account::guarantee_projects(store, "dev").await.unwrap();
    assert_eq!(projects.len(), 1);
    assert_eq!(projects[0].id, project);
    let sections = account::guarantee_sections(store, "dev", &project)
        .await
        .unwrap();
    let own: Vec<_> = sections
        .sections
        .iter()
        .map(|s| s.credit_code.as_deref())
        .collect();
    assert_eq!(own, [Some(CREDIT), None]);

    let code = account::guarantee_code(store, "dev", &project, 1)
        .await
        .unwrap();
    assert!(
        palmbid_core::api::guarantee::is_guarantee_code(&code.code),
        "{}",
        code.code
    );
    assert_eq!(code.credit_code, CREDIT);
    let again = account::guarantee_code(store, "dev", &project, 1)
        .await
        .unwrap();
    assert_eq!(again.code, code.code, "one code per bidder and section");

    let institutions = account::guarantee_institutions(store, "dev").await.unwrap();
    let dev = institutions
        .iter()
        .find(|i| i.id == DEV_INSTITUTION_ID)
        .unwrap();
    assert!(dev.development);
    assert!(dev.name.contains("开发测试"), "{}", dev.name);

    let view = status(store, &project).await;
    assert_eq!(view.state, GuaranteeState::None);

    let application = account::apply_for_guarantee(
        store,
        &phone.keystore,
        "dev",
        &project,
        1,
        DEV_INSTITUTION_ID,
        &pin(),
    )
    .await
    .unwrap();
    assert!(
        application.url.starts_with(&dev.apply_url),
        "{}",
        application.url
    );
    let view = status(store, &project).await;
    assert_eq!(view.state, GuaranteeState::Applied);

    issue_on_the_institution_page(&platform, &code, &application.url).await;

    let view = status(store, &project).await;
    assert_eq!(view.state, GuaranteeState::Issued);
    let document = view.document.expect("a verified document");
    assert!(document.guarantee_no.starts_with("DEV-"));
    assert!(
        document.signer_subject.contains("开发测试保函机构"),
        "{}",
        document.signer_subject
    );
    assert!(document.pdf.starts_with(b"%PDF-"));

    // The external judge.
    let report = pdfsig(&platform, &document.pdf);
    assert!(report.contains("Signature is Valid"), "{report}");
    assert!(report.contains("Certificate is Trusted"), "{report}");
    assert!(report.contains("Total document signed"), "{report}");

    // An issued guarantee is not applied for again.
    let again = account::apply_for_guarantee(
        store,
        &phone.keystore,
        "dev",
        &project,
        1,
        DEV_INSTITUTION_ID,
        &pin(),
    )
    .await;
    assert_eq!(refused(again), ErrorCode::GuaranteeStateConflict);

    // Cancelled after issue: the phone sees it cancelled, without document.
    let cancelled = console()
        .post(platform.url("/dev/guarantee-institution/cancel"))
        .form(&[("code", code.code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), 200);
    let view = status(store, &project).await;
    assert_eq!(view.state, GuaranteeState::Cancelled);
    assert!(view.document.is_none());
    assert!(view.reason.unwrap().contains("撤销"));
}

#[tokio::test]
async fn pin_credential_is_the_signer() {
    // The platform is bound, not dropped: dropping it stops the server.
    let Setup {
        platform: _platform,
        phone,
        project,
    } = setup().await;
    let store = &phone.store;
    let credential = account::guarantee_pin_credential(store, &phone.keystore, "dev", &project, 1)
        .await
        .unwrap();
    let signing = phone
        .keystore
        .certificates()
        .unwrap()
        .into_iter()
        .find(|c| c.role == palmbid_core::pki::KeyRole::Signing)
        .unwrap();
    assert_eq!(credential, signing.credential);

    // A wrong PIN is counted on that credential.
    let wrong = palmbid_core::keystore::Pin::entered("000000".to_owned());
    let result = account::apply_for_guarantee(
        store,
        &phone.keystore,
        "dev",
        &project,
        1,
        DEV_INSTITUTION_ID,
        &wrong,
    )
    .await;
    assert!(
        matches!(result, Err(AccountError::Keystore(_))),
        "{result:?}"
    );
    assert_eq!(
        phone
            .keystore
            .pin_status(&credential)
            .unwrap()
            .failed_attempts,
        1
    );
}

#[tokio::test]
async fn code_for_a_section_the_bidder_is_not_in_is_refused() {
    let Setup {
        platform,
        phone,
        project,
    } = setup().await;
    let store = &phone.store;

    let not_in = account::guarantee_code(store, "dev", &project, 2).await;
    assert_eq!(refused(not_in), ErrorCode::GuaranteeNotABidder);
    let missing = account::guarantee_code(store, "dev", &project, 9).await;
    assert_eq!(refused(missing), ErrorCode::GuaranteeSectionNotFound);
    let status = account::guarantee_status(store, "dev", &project, 2).await;
    assert_eq!(refused(status), ErrorCode::GuaranteeNotABidder);
    let credential =
        account::guarantee_pin_credential(store, &phone.keystore, "dev", &project, 2).await;
    assert_eq!(refused(credential), ErrorCode::GuaranteeNotABidder);

    // A project that does not require a guarantee, and one the company
    // does not bid in at all.
    let plain = create_project(&platform, "不要求保函的项目", CREDIT).await;
    let result = account::guarantee_code(store, "dev", &plain, 1).await;
    assert_eq!(refused(result), ErrorCode::GuaranteeProjectNotFound);
    let foreign = create_project(&platform, "他人项目", OTHER).await;
    console()
        .post(platform.url(&format!("/console/guarantee/{foreign}/require")))
        .form(&[("required", "1")])
        .send()
        .await
        .unwrap();
    let result = account::guarantee_sections(store, "dev", &foreign).await;
    assert_eq!(refused(result), ErrorCode::GuaranteeNotABidder);
    let projects = account::guarantee_projects(store, "dev").await.unwrap();
    assert_eq!(
        projects.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
        [project.as_str()]
    );
}

#[tokio::test]
async fn institution_not_in_the_catalogue_is_refused() {
    let Setup {
        platform,
        phone,
        project,
    } = setup().await;
    let store = &phone.store;
    let code = account::guarantee_code(store, "dev", &project, 1)
        .await
        .unwrap();

    // On the phone, before any PIN try.
    let result = account::apply_for_guarantee(
        store,
        &phone.keystore,
        "dev",
        &project,
        1,
        "no-such-bank",
        &pin(),
    )
    .await;
    assert!(
        matches!(result, Err(AccountError::InstitutionUnknown { ref id }) if id == "no-such-bank"),
        "{result:?}"
    );

    // On the platform, for a phone that skips the check.
    let token = store.session("dev").unwrap().unwrap().token;
    let response = raw_http()
        .post(platform.url(&paths::guarantee_status_path(&code.code, "apply")))
        .bearer_auth(token.as_str())
        .json(&serde_json::json!({ "institution": "no-such-bank" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let body: ErrorBody = response.json().await.unwrap();
    assert_eq!(body.code, ErrorCode::GuaranteeInstitutionUnknown);

    // A callback naming an institution not in the catalogue.
    let dev = institution(&platform);
    let mut callback = dev.callback(
        &code.code,
        CallbackEvent::Rejected,
        None,
        Some("no".into()),
        None,
        platform.server.clock().now(),
    );
    callback.institution = "no-such-bank".into();
    assert_eq!(
        post_callback(&platform, &callback).await,
        Err((404, ErrorCode::GuaranteeInstitutionUnknown))
    );
}

#[tokio::test]
async fn documents_that_do_not_verify_or_name_another_section_are_refused() {
    let Setup {
        platform,
        phone,
        project,
    } = setup().await;
    let store = &phone.store;
    let code = account::guarantee_code(store, "dev", &project, 1)
        .await
        .unwrap();
    let dev = institution(&platform);
    let now = platform.server.clock().now();

    // A document whose signature does not verify: one byte of the signed
    // page changed after sealing.
    let (number, pdf) = dev.issue(&row(&code), now).unwrap();
    let mut tampered = pdf.clone();
    let at = tampered.windows(8).position(|w| w == b"Project:").unwrap();
    tampered[at] = b'p';
    let callback = dev.callback(
        &code.code,
        CallbackEvent::Issued,
        Some(number.clone()),
        None,
        Some(&tampered),
        now,
    );
    assert_eq!(
        post_callback(&platform, &callback).await,
        Err((422, ErrorCode::GuaranteeDocumentInvalid))
    );

    // A genuine document of another section.
    let mut other = row(&code);
    other.code.section = 2;
    let (other_number, other_pdf) = dev.issue(&other, now).unwrap();
    let callback = dev.callback(
        &code.code,
        CallbackEvent::Issued,
        Some(other_number),
        None,
        Some(&other_pdf),
        now,
    );
    assert_eq!(
        post_callback(&platform, &callback).await,
        Err((422, ErrorCode::GuaranteeDocumentMismatch))
    );

    // The phone's own check refuses both as well.
    let platform_record = store.platform("dev").unwrap();
    let institutions = account::guarantee_institutions(store, "dev").await.unwrap();
    let catalogue = institutions
        .iter()
        .find(|i| i.id == DEV_INSTITUTION_ID)
        .unwrap();
    for bad in [&tampered, &other_pdf] {
        let result =
            account::check_guarantee_document(&platform_record, catalogue, &code, bad, now);
        assert!(
            matches!(result, Err(AccountError::GuaranteeNotGenuine { .. })),
            "{result:?}"
        );
    }
    let good =
        account::check_guarantee_document(&platform_record, catalogue, &code, &pdf, now).unwrap();
    assert_eq!(good.guarantee_no, number);
}

#[tokio::test]
async fn forged_stale_and_replayed_callbacks_are_refused() {
    let Setup {
        platform,
        phone,
        project,
    } = setup().await;
    let store = &phone.store;
    let code = account::guarantee_code(store, "dev", &project, 1)
        .await
        .unwrap();
    let dev = institution(&platform);
    let now = platform.server.clock().now();
    let (number, pdf) = dev.issue(&row(&code), now).unwrap();

    // A callback altered after signing.
    let mut forged = dev.callback(
        &code.code,
        CallbackEvent::Issued,
        Some(number.clone()),
        None,
        Some(&pdf),
        now,
    );
    forged.guarantee_no = Some("DEV-FORGED".into());
    assert_eq!(
        post_callback(&platform, &forged).await,
        Err((401, ErrorCode::GuaranteeCallbackSignatureInvalid))
    );

    // An old callback.
    let stale = dev.callback(
        &code.code,
        CallbackEvent::Rejected,
        None,
        Some("late".into()),
        None,
        now - 3600,
    );
    assert_eq!(
        post_callback(&platform, &stale).await,
        Err((400, ErrorCode::GuaranteeCallbackInvalid))
    );

    // A cancel before issue.
    let early = dev.callback(
        &code.code,
        CallbackEvent::Cancelled,
        None,
        Some("x".into()),
        None,
        now,
    );
    assert_eq!(
        post_callback(&platform, &early).await,
        Err((409, ErrorCode::GuaranteeStateConflict))
    );

    // Issued, then the same callback again.
    let good = dev.callback(
        &code.code,
        CallbackEvent::Issued,
        Some(number.clone()),
        None,
        Some(&pdf),
        now,
    );
    assert_eq!(
        post_callback(&platform, &good).await,
        Ok(GuaranteeState::Issued)
    );
    assert_eq!(
        post_callback(&platform, &good).await,
        Err((409, ErrorCode::GuaranteeCallbackReplayed))
    );
    let view = status(store, &project).await;
    assert_eq!(view.state, GuaranteeState::Issued);
    assert_eq!(view.document.unwrap().guarantee_no, number);

    // Cancelled after issue, by callback; replaying the cancel is refused,
    // and a cancelled guarantee is not issued again.
    let cancel = dev.callback(
        &code.code,
        CallbackEvent::Cancelled,
        None,
        Some("保函撤销".into()),
        None,
        now,
    );
    assert_eq!(
        post_callback(&platform, &cancel).await,
        Ok(GuaranteeState::Cancelled)
    );
    assert_eq!(
        post_callback(&platform, &cancel).await,
        Err((409, ErrorCode::GuaranteeCallbackReplayed))
    );
    let reissue = dev.callback(
        &code.code,
        CallbackEvent::Issued,
        Some(number),
        None,
        Some(&pdf),
        now,
    );
    assert_eq!(
        post_callback(&platform, &reissue).await,
        Err((409, ErrorCode::GuaranteeStateConflict))
    );
    let view = status(store, &project).await;
    assert_eq!(view.state, GuaranteeState::Cancelled);
    assert!(view.document.is_none());

    // The document travels as base64 in the callback.
    assert_eq!(STANDARD.decode(good.document.unwrap()).unwrap(), pdf);
}
