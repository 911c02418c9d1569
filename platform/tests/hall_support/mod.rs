//! Helpers of the hall action tests: projects entered on the console, the
//! phone's signed actions built with core's `action_message`, a toolbox
//! QR login, and bid files made with core's envelope encryption.

#![allow(dead_code, reason = "each test file uses part of the helpers")]
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use p256::ecdsa::signature::Signer;
use palmbid_core::api::hall::{
    ActionContext, ActionPayload, ActionProof, BID_PACKAGE_FORMAT, BidDocument, BidPackage,
    HallNonce, Phase, ProjectSummary, Quote, UploadedBid, action_message,
};
use palmbid_core::api::paths;
use palmbid_core::api::qr::{AnswerPayload, QrKind};
use palmbid_core::pki::CertInfo;
use sha2::{Digest, Sha256};

use crate::common::{TestPlatform, console, raw_http};

pub(crate) mod evaluation;
use crate::qr_support::{Refused, TestPhone, create, post, read, toolbox_request};

/// A second valid credit code (check character per GB 32100-2015).
pub(crate) const OTHER: &str = "91310000132200821H";

/// The platform's base address as the phone binds it.
pub(crate) fn base(platform: &TestPlatform) -> String {
    platform.server.base_url()
}

pub(crate) fn now(platform: &TestPlatform) -> i64 {
    platform.server.clock().now()
}

/// Enters a project opening `in_secs` from the server's now with one
/// section whose bidders are `codes`; returns its id.
pub(crate) async fn create_project(
    platform: &TestPlatform,
    name: &str,
    in_secs: i64,
    codes: &[&str],
) -> String {
    create_project_with(platform, name, in_secs, codes, &[]).await
}

/// As [`create_project`], with more form fields (the optional details).
pub(crate) async fn create_project_with(
    platform: &TestPlatform,
    name: &str,
    in_secs: i64,
    codes: &[&str],
    extra: &[(&str, &str)],
) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let opening = time::OffsetDateTime::from_unix_timestamp(now(platform) + in_secs)
        .unwrap()
        .format(&format)
        .unwrap();
    let bidders: Vec<String> = codes.iter().map(|c| format!("{c} 投标单位{c}")).collect();
    let bidders = bidders.join("\n");
    let mut form = vec![
        ("name", name),
        ("opening", opening.as_str()),
        ("section", "第一标段"),
        ("bidders", bidders.as_str()),
    ];
    form.extend_from_slice(extra);
    let response = console()
        .post(platform.url("/console/hall"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let page = console_page(platform).await;
    page.split("<tr data-project=\"")
        .skip(1)
        .find(|part| part[..part.find("</tr>").unwrap()].contains(name))
        .map(|part| part[..part.find('"').unwrap()].to_owned())
        .expect("the new project is listed")
}

pub(crate) async fn console_page(platform: &TestPlatform) -> String {
    console()
        .get(platform.url("/console/hall"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

pub(crate) async fn move_to(platform: &TestPlatform, id: &str, phase: Phase) {
    let response = console()
        .post(platform.url(&format!("/console/hall/{id}/phase")))
        .form(&[("phase", phase.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "{phase}");
}

pub(crate) async fn get<T: serde::de::DeserializeOwned>(
    platform: &TestPlatform,
    path: &str,
    token: &str,
) -> Result<T, Refused> {
    let response = raw_http()
        .get(platform.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    read(response).await
}

pub(crate) async fn project(
    platform: &TestPlatform,
    phone: &TestPhone,
    id: &str,
) -> ProjectSummary {
    get(platform, &paths::hall_project_path(id, ""), &phone.token)
        .await
        .unwrap()
}

pub(crate) async fn nonce(platform: &TestPlatform, phone: &TestPhone, id: &str) -> HallNonce {
    post(
        platform,
        &paths::hall_project_path(id, "nonce"),
        Some(&phone.token),
        &serde_json::json!({}),
    )
    .await
    .unwrap()
}

/// A proof of `payload` by `phone` with a fresh nonce, signed now.
pub(crate) async fn proof(
    platform: &TestPlatform,
    phone: &TestPhone,
    id: &str,
    payload: &ActionPayload,
) -> ActionProof {
    let nonce = nonce(platform, phone, id).await;
    signed(
        phone,
        &base(platform),
        id,
        &nonce.nonce,
        payload,
        now(platform),
    )
}

/// A proof signed by `phone` over the canonical message.
pub(crate) fn signed(
    phone: &TestPhone,
    platform_base: &str,
    id: &str,
    nonce: &str,
    payload: &ActionPayload,
    signed_at: i64,
) -> ActionProof {
    let message = action_message(
        &ActionContext {
            platform: platform_base,
            project_id: id,
            nonce,
            signed_at,
        },
        payload,
    );
    let key = p256::ecdsa::SigningKey::from(&phone.signing_key);
    let signature: p256::ecdsa::Signature = key.sign(&message);
    ActionProof {
        nonce: nonce.to_owned(),
        certificate: STANDARD.encode(&phone.signing.der),
        chain: phone
            .chain
            .iter()
            .map(|c| STANDARD.encode(&c.der))
            .collect(),
        signature: STANDARD.encode(signature.to_der().as_bytes()),
        signed_at,
    }
}

/// Signs `phone` in to project `id`.
pub(crate) async fn sign_in<T: serde::de::DeserializeOwned>(
    platform: &TestPlatform,
    phone: &TestPhone,
    id: &str,
) -> Result<T, Refused> {
    let proof = proof(platform, phone, id, &ActionPayload::SignIn).await;
    post(
        platform,
        &paths::hall_project_path(id, "sign-in"),
        Some(&phone.token),
        &serde_json::json!({ "proof": proof }),
    )
    .await
}

/// A toolbox QR login answered by `phone`; returns the desktop token.
pub(crate) async fn toolbox_login(platform: &TestPlatform, phone: &TestPhone) -> String {
    let created = create(platform, &toolbox_request(QrKind::Login))
        .await
        .unwrap();
    let (t, mac) = first_frame(platform, &created).await;
    let view = phone
        .scan_parts(platform, &created.id, t, &mac)
        .await
        .unwrap();
    phone
        .choose(platform, &created.id, created.match_number.unwrap())
        .await
        .unwrap();
    let answer = phone.signed(&base(platform), &view, AnswerPayload::Login, now(platform));
    phone.answer(platform, &answer, &created.id).await.unwrap();
    created.desktop_token.clone()
}

/// The second and MAC of the request's first frame, read from its event
/// stream.
async fn first_frame(
    platform: &TestPlatform,
    created: &palmbid_core::api::qr::CreatedQrRequest,
) -> (i64, String) {
    let mut events = crate::qr_support::Events::open(platform, created).await;
    let (url, _) = events.next_frame().await;
    crate::qr_support::frame_parts(&url)
}

/// A bid package of `CREDIT` for section 1 of project `id`.
pub(crate) fn package(id: &str, credit_code: &str, amount: &str) -> BidPackage {
    let document = b"%PDF-1.7 commercial bid".to_vec();
    BidPackage {
        format: BID_PACKAGE_FORMAT.into(),
        project_id: id.into(),
        section: 1,
        credit_code: credit_code.into(),
        quote: Quote {
            amount: amount.into(),
        },
        documents: vec![BidDocument {
            name: "商务标.pdf".into(),
            sha256: hex::encode(Sha256::digest(&document)),
            content: STANDARD.encode(&document),
        }],
    }
}

/// `plaintext` encrypted to `recipients` with core's envelope encryption.
pub(crate) fn envelope(plaintext: &[u8], recipients: &[CertInfo]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bid.json");
    let output = dir.path().join("bid.p7m");
    std::fs::write(&input, plaintext).unwrap();
    palmbid_core::cms::encrypt_to_file(&input, &output, recipients).unwrap();
    std::fs::read(&output).unwrap()
}

/// Uploads `body` as the toolbox with `desktop` for section `section`.
pub(crate) async fn upload(
    platform: &TestPlatform,
    id: &str,
    section: u32,
    desktop: Option<&str>,
    body: Vec<u8>,
) -> Result<UploadedBid, Refused> {
    let mut request = raw_http()
        .post(platform.url(&format!(
            "{}?section={section}",
            paths::hall_project_path(id, "bids")
        )))
        .body(body);
    if let Some(token) = desktop {
        request = request.header("Authorization", format!("Desktop {token}"));
    }
    read(request.send().await.unwrap()).await
}

/// Uploads a bid of `amount` by `phone`'s company for section 1 of
/// project `id` (in sign-in), encrypted to its phone certificate.
pub(crate) async fn upload_bid(
    platform: &TestPlatform,
    phone: &TestPhone,
    id: &str,
    credit_code: &str,
    amount: &str,
) -> UploadedBid {
    let plaintext = serde_json::to_vec(&package(id, credit_code, amount)).unwrap();
    let bid = envelope(&plaintext, std::slice::from_ref(&phone.encryption));
    let desktop = toolbox_login(platform, phone).await;
    upload(platform, id, 1, Some(&desktop), bid).await.unwrap()
}

/// The project's opening certificate as the phone reads it.
pub(crate) async fn opening(platform: &TestPlatform, phone: &TestPhone, id: &str) -> CertInfo {
    let summary = project(platform, phone, id).await;
    let der = STANDARD.decode(summary.opening_certificate).unwrap();
    CertInfo::from_der(&der, "opening").unwrap()
}

/// The envelope header of bid `bid` from the phone's list.
pub(crate) async fn header(
    platform: &TestPlatform,
    phone: &TestPhone,
    id: &str,
    bid: &str,
) -> Vec<u8> {
    let list: palmbid_core::api::hall::BidList = get(
        platform,
        &paths::hall_project_path(id, "bids"),
        &phone.token,
    )
    .await
    .unwrap();
    let view = list.bids.iter().find(|b| b.bid_id == bid).unwrap();
    STANDARD.decode(&view.envelope_header).unwrap()
}

/// Returns the phone's release of its own entry in `header` to `to`.
pub(crate) fn released_to(phone: &TestPhone, header: &[u8], to: &CertInfo) -> Vec<u8> {
    use p256::pkcs8::DecodePublicKey;

    let public = p256::PublicKey::from_public_key_der(&to.spki_der).unwrap();
    palmbid_core::cms::release_key_from_header(
        header,
        &phone.encryption,
        &phone.encryption_key,
        &public,
    )
    .unwrap()
}

/// Releases `released` (DER) for `bid` with a proof by `phone`.
pub(crate) async fn release(
    platform: &TestPlatform,
    phone: &TestPhone,
    id: &str,
    bid: &str,
    released: &[u8],
) -> Result<palmbid_core::api::hall::ReleaseResult, Refused> {
    let released_key = STANDARD.encode(released);
    let payload = ActionPayload::Release {
        bid_id: bid.to_owned(),
        released_key: released_key.clone(),
    };
    let body = serde_json::json!({
        "released_key": released_key,
        "proof": proof(platform, phone, id, &payload).await,
    });
    post(
        platform,
        &paths::hall_bid_path(id, bid, "release"),
        Some(&phone.token),
        &body,
    )
    .await
}

/// Releases `phone`'s key of bid `bid` to the project's opening
/// certificate (in decryption) and returns the platform's result.
pub(crate) async fn release_bid(
    platform: &TestPlatform,
    phone: &TestPhone,
    id: &str,
    bid: &str,
) -> Result<palmbid_core::api::hall::ReleaseResult, Refused> {
    let opening = opening(platform, phone, id).await;
    let header = header(platform, phone, id, bid).await;
    release(
        platform,
        phone,
        id,
        bid,
        &released_to(phone, &header, &opening),
    )
    .await
}

/// Reads every event of project `id` as `phone` sees them, once the project is
/// closed (the stream ends then).
pub(crate) async fn all_events(
    platform: &TestPlatform,
    phone: &TestPhone,
    id: &str,
) -> Vec<palmbid_core::api::hall::HallEvent> {
    let response = raw_http()
        .get(platform.url(&paths::hall_project_path(id, "events")))
        .bearer_auth(&phone.token)
        .send()
        .await
        .unwrap();
    let text = tokio::time::timeout(std::time::Duration::from_secs(10), response.text())
        .await
        .unwrap()
        .unwrap();
    text.lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .map(|data| serde_json::from_str(data.trim()).unwrap())
        .collect()
}
