//! Helpers of the QR relay tests: a test phone that holds its own keys and
//! certificates (picked up through the real pickup flow), a desktop that
//! follows the server-sent event stream, and raw calls that return the
//! platform's error code.

#![allow(dead_code, reason = "each test file uses part of the helpers")]
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use p256::ecdsa::signature::Signer;
use palmbid_core::api::ErrorCode;
use palmbid_core::api::auth::LoginResponse;
use palmbid_core::api::identity::{IdentityCodeResponse, IdentitySubmission};
use palmbid_core::api::paths;
use palmbid_core::api::pickup::{CertificateRequest, IssuedCertificates};
use palmbid_core::api::qr::{
    AnswerContext, AnswerPayload, CreateQrRequest, CreatedQrRequest, DesktopEvent, QrAnswer,
    QrKind, QrRequestView, QrState, answer_message,
};
use palmbid_core::pki::{self, CertInfo, KeyRole, Subject};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::common::{
    CREDIT, ID, TestPlatform, approve, approve_identity, enter_order_for, login_request,
    pickup_url, raw_http, register,
};

/// A refusal: HTTP status and the platform's code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refused {
    pub(crate) status: u16,
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
}

pub(crate) async fn read<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, Refused> {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    if (200..300).contains(&status) {
        return Ok(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}")));
    }
    let body: palmbid_core::api::ErrorBody =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {status} {text}"));
    Err(Refused {
        status,
        code: body.code,
        message: body.message,
    })
}

/// The error code of a refused call.
pub(crate) fn code<T: std::fmt::Debug>(result: Result<T, Refused>) -> ErrorCode {
    match result {
        Err(refused) => refused.code,
        Ok(value) => panic!("expected a refusal, got {value:?}"),
    }
}

/// POSTs JSON to `path`, with a bearer token when given.
pub(crate) async fn post<B: Serialize, T: DeserializeOwned>(
    platform: &TestPlatform,
    path: &str,
    bearer: Option<&str>,
    body: &B,
) -> Result<T, Refused> {
    let mut request = raw_http().post(platform.url(path)).json(body);
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    read(request.send().await.unwrap()).await
}

fn pem(label: &str, der: &[u8]) -> String {
    let text = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in text.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap());
        out.push('\n');
    }
    out + "-----END " + label + "-----\n"
}

/// A phone that keeps its keys in memory: logged in, identity approved,
/// and holding the certificates the platform CA issued for them.
pub(crate) struct TestPhone {
    pub(crate) number: String,
    pub(crate) token: String,
    pub(crate) signing_key: p256::SecretKey,
    pub(crate) signing: CertInfo,
    pub(crate) encryption_key: p256::SecretKey,
    pub(crate) encryption: CertInfo,
    pub(crate) chain: Vec<CertInfo>,
    pub(crate) seal_png: Option<String>,
}

/// Logs `number` in with an SMS code; returns the bearer token.
pub(crate) async fn log_in(platform: &TestPlatform, number: &str) -> String {
    let _: serde_json::Value = post(
        platform,
        paths::SMS_CODE,
        None,
        &serde_json::json!({ "phone": number }),
    )
    .await
    .unwrap();
    let login: LoginResponse = post(
        platform,
        paths::LOGIN,
        None,
        &login_request(number, &platform.sms_code(number)),
    )
    .await
    .unwrap();
    login.token.clone()
}

/// Submits an identity case for the session `token` (approved or not
/// depends on the console).
pub(crate) async fn submit_identity(platform: &TestPlatform, token: &str) {
    let code: IdentityCodeResponse = post(
        platform,
        paths::IDENTITY_CODE,
        Some(token),
        &serde_json::json!({}),
    )
    .await
    .unwrap();
    let _: serde_json::Value = post(
        platform,
        paths::IDENTITY,
        Some(token),
        &IdentitySubmission {
            name: "张三".into(),
            id_number: ID.into(),
            code: code.code,
            video_base64: STANDARD.encode(b"video"),
        },
    )
    .await
    .unwrap();
}

/// A phone for `number` with approved identity and both certificates,
/// issued through the console order, the pickup and the download.
pub(crate) async fn holder(platform: &TestPlatform, number: &str) -> TestPhone {
    holder_for(platform, number, "示例科技有限公司", CREDIT, true).await
}

/// As [`holder`], for `company` with `credit_code` (entered in the
/// registry here), with seals when `seals`.
pub(crate) async fn holder_for(
    platform: &TestPlatform,
    number: &str,
    company: &str,
    credit_code: &str,
    seals: bool,
) -> TestPhone {
    let token = log_in(platform, number).await;
    submit_identity(platform, &token).await;
    approve_identity(platform).await;
    register(platform, company, credit_code).await;
    let page = enter_order_for(platform, number, company, credit_code, seals).await;
    approve(platform, &page).await;
    let url = pickup_url(platform, &page).await;
    let pickup_id = url.rsplit('/').next().unwrap().to_owned();

    let subject = Subject {
        name: "张三".into(),
        company: company.into(),
        credit_code: credit_code.into(),
    };
    let signing_key = pki::generate_key();
    let encryption_key = pki::generate_key();
    let request = CertificateRequest {
        signing_csr_pem: pem(
            "CERTIFICATE REQUEST",
            &pki::build_csr(&signing_key, &subject, KeyRole::Signing).unwrap(),
        ),
        encryption_csr_pem: pem(
            "CERTIFICATE REQUEST",
            &pki::build_csr(&encryption_key, &subject, KeyRole::Encryption).unwrap(),
        ),
        device_attestation: Vec::new(),
    };
    let issued: IssuedCertificates = post(
        platform,
        &format!("/api/v1/pickup/{pickup_id}/certificates"),
        Some(&token),
        &request,
    )
    .await
    .unwrap();
    let signing = CertInfo::from_pem_or_der(issued.signing_cert_pem.as_bytes(), "s").unwrap();
    let encryption = CertInfo::from_pem_or_der(issued.encryption_cert_pem.as_bytes(), "e").unwrap();
    let chain = issued
        .chain_pem
        .iter()
        .map(|pem| CertInfo::from_pem_or_der(pem.as_bytes(), "chain").unwrap())
        .collect();
    let _: serde_json::Value = post(
        platform,
        &format!("/api/v1/pickup/{pickup_id}/download"),
        Some(&token),
        &serde_json::json!({ "signing_fingerprint": signing.fingerprint }),
    )
    .await
    .unwrap();

    TestPhone {
        number: number.to_owned(),
        token,
        signing_key,
        signing,
        encryption_key,
        encryption,
        chain,
        seal_png: issued.seals.first().map(|s| s.png_base64.clone()),
    }
}

/// `t` and `h` of a frame URL.
pub(crate) fn frame_parts(url: &str) -> (i64, String) {
    let query = url.split_once('?').unwrap().1;
    let mut t = None;
    let mut h = None;
    for pair in query.split('&') {
        match pair.split_once('=').unwrap() {
            ("t", value) => t = Some(value.parse().unwrap()),
            ("h", value) => h = Some(value.to_owned()),
            _ => {}
        }
    }
    (t.unwrap(), h.unwrap())
}

/// The request id of a frame URL.
pub(crate) fn frame_id(url: &str) -> String {
    let path = url.split_once('?').unwrap().0;
    path.rsplit('/').next().unwrap().to_owned()
}

impl TestPhone {
    /// Scans the frame URL `url`.
    pub(crate) async fn scan(
        &self,
        platform: &TestPlatform,
        url: &str,
    ) -> Result<QrRequestView, Refused> {
        let (t, h) = frame_parts(url);
        self.scan_parts(platform, &frame_id(url), t, &h).await
    }

    pub(crate) async fn scan_parts(
        &self,
        platform: &TestPlatform,
        id: &str,
        t: i64,
        h: &str,
    ) -> Result<QrRequestView, Refused> {
        post(
            platform,
            &paths::qr_phone_path(id, "scan"),
            Some(&self.token),
            &serde_json::json!({ "t": t, "h": h }),
        )
        .await
    }

    pub(crate) async fn choose(
        &self,
        platform: &TestPlatform,
        id: &str,
        number: u8,
    ) -> Result<serde_json::Value, Refused> {
        post(
            platform,
            &paths::qr_phone_path(id, "match"),
            Some(&self.token),
            &serde_json::json!({ "number": number }),
        )
        .await
    }

    pub(crate) async fn choose_seal(
        &self,
        platform: &TestPlatform,
        id: &str,
        seal: palmbid_core::api::pickup::SealKind,
    ) -> Result<serde_json::Value, Refused> {
        post(
            platform,
            &paths::qr_phone_path(id, "seal"),
            Some(&self.token),
            &palmbid_core::api::qr::SealChoice {
                seal,
                seal_png: self.seal_png.clone().unwrap(),
                signer_name: "张三".into(),
            },
        )
        .await
    }

    /// The digest to sign of a seal request (waits on the platform).
    pub(crate) async fn digest(
        &self,
        platform: &TestPlatform,
        id: &str,
    ) -> Result<palmbid_core::api::qr::SigningDigest, Refused> {
        let response = raw_http()
            .get(platform.url(&paths::qr_phone_path(id, "digest")))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        read(response).await
    }

    pub(crate) async fn cancel(
        &self,
        platform: &TestPlatform,
        id: &str,
    ) -> Result<serde_json::Value, Refused> {
        post(
            platform,
            &paths::qr_phone_path(id, "cancel"),
            Some(&self.token),
            &serde_json::json!({}),
        )
        .await
    }

    /// An answer to `view` signed by this phone's signing key over the
    /// canonical message for `platform_base`.
    pub(crate) fn signed(
        &self,
        platform_base: &str,
        view: &QrRequestView,
        payload: AnswerPayload,
        signed_at: i64,
    ) -> QrAnswer {
        sign_with(
            &self.signing_key,
            &self.signing,
            &self.chain,
            platform_base,
            view,
            payload,
            signed_at,
        )
    }

    pub(crate) async fn answer(
        &self,
        platform: &TestPlatform,
        answer: &QrAnswer,
        id: &str,
    ) -> Result<serde_json::Value, Refused> {
        post(
            platform,
            &paths::qr_phone_path(id, "answer"),
            Some(&self.token),
            answer,
        )
        .await
    }

    /// A detached CMS over `digest_hex` by the signing certificate.
    pub(crate) fn cms_over(&self, digest_hex: &str, at: i64) -> String {
        let digest: [u8; 32] = hex::decode(digest_hex).unwrap().try_into().unwrap();
        let der = palmbid_core::cms::sign_detached_digest(
            &digest,
            &self.signing_key,
            &self.signing,
            &self.chain,
            at,
        )
        .unwrap();
        STANDARD.encode(der)
    }
}

/// An answer signed by `key` with certificate `cert`.
pub(crate) fn sign_with(
    key: &p256::SecretKey,
    cert: &CertInfo,
    chain: &[CertInfo],
    platform_base: &str,
    view: &QrRequestView,
    payload: AnswerPayload,
    signed_at: i64,
) -> QrAnswer {
    let message = answer_message(
        &AnswerContext {
            platform: platform_base,
            request: view,
            signed_at,
        },
        &payload,
    );
    let signing_key = p256::ecdsa::SigningKey::from(key);
    let signature: p256::ecdsa::Signature = signing_key.sign(&message);
    QrAnswer {
        nonce: view.nonce.clone(),
        certificate: STANDARD.encode(&cert.der),
        chain: chain.iter().map(|c| STANDARD.encode(&c.der)).collect(),
        payload,
        signature: STANDARD.encode(signature.to_der().as_bytes()),
        signed_at,
    }
}

/// A toolbox request of `kind`.
pub(crate) fn toolbox_request(kind: QrKind) -> CreateQrRequest {
    CreateQrRequest {
        kind,
        machine: "投标电脑-01".into(),
        document: None,
        recipient_key: None,
        envelope_header: None,
    }
}

/// Creates a request as the toolbox.
pub(crate) async fn create(
    platform: &TestPlatform,
    request: &CreateQrRequest,
) -> Result<CreatedQrRequest, Refused> {
    post(platform, paths::QR_REQUESTS, None, request).await
}

/// GETs a desktop path with `Authorization: Desktop {token}`.
pub(crate) async fn desktop_get(
    platform: &TestPlatform,
    id: &str,
    action: &str,
    token: Option<&str>,
) -> reqwest::Response {
    let mut request = raw_http().get(platform.url(&paths::qr_desktop_path(id, action)));
    if let Some(token) = token {
        request = request.header("Authorization", format!("Desktop {token}"));
    }
    request.send().await.unwrap()
}

/// Sends a seal request's prepared digest as the desktop.
pub(crate) async fn send_digest(
    platform: &TestPlatform,
    created: &CreatedQrRequest,
    digest: &palmbid_core::api::qr::SigningDigest,
) -> Result<serde_json::Value, Refused> {
    let response = raw_http()
        .post(platform.url(&paths::qr_desktop_path(&created.id, "digest")))
        .header(
            "Authorization",
            format!("Desktop {}", created.desktop_token),
        )
        .json(digest)
        .send()
        .await
        .unwrap();
    read(response).await
}

/// The accepted answer, as the desktop fetches it.
pub(crate) async fn fetch_answer(
    platform: &TestPlatform,
    created: &CreatedQrRequest,
) -> Result<QrAnswer, Refused> {
    read(
        desktop_get(
            platform,
            &created.id,
            "answer",
            Some(&created.desktop_token),
        )
        .await,
    )
    .await
}

/// One server-sent event.
#[derive(Debug, Clone)]
pub(crate) struct Sse {
    pub(crate) name: String,
    pub(crate) id: Option<String>,
    pub(crate) event: DesktopEvent,
}

/// A desktop's event stream.
pub(crate) struct Events {
    response: reqwest::Response,
    buffer: String,
}

impl Events {
    /// Opens the stream of `created` with its desktop token.
    pub(crate) async fn open(platform: &TestPlatform, created: &CreatedQrRequest) -> Self {
        let response = desktop_get(
            platform,
            &created.id,
            "events",
            Some(&created.desktop_token),
        )
        .await;
        Self::from_response(response)
    }

    /// Opens the stream again after the event with id `last`.
    pub(crate) async fn resume(
        platform: &TestPlatform,
        created: &CreatedQrRequest,
        last: &str,
    ) -> Self {
        let response = raw_http()
            .get(platform.url(&paths::qr_desktop_path(&created.id, "events")))
            .header(
                "Authorization",
                format!("Desktop {}", created.desktop_token),
            )
            .header("Last-Event-ID", last)
            .send()
            .await
            .unwrap();
        Self::from_response(response)
    }

    pub(crate) fn from_response(response: reqwest::Response) -> Self {
        assert_eq!(response.status(), 200);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/event-stream")
        );
        Events {
            response,
            buffer: String::new(),
        }
    }

    /// The next event, or `None` when the stream ended. Fails after 10 s.
    pub(crate) async fn next(&mut self) -> Option<Sse> {
        tokio::time::timeout(Duration::from_secs(10), self.next_inner())
            .await
            .expect("no event within 10 s")
    }

    async fn next_inner(&mut self) -> Option<Sse> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut name = None;
                let mut id = None;
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(value) = line.strip_prefix("event:") {
                        name = Some(value.trim().to_owned());
                    } else if let Some(value) = line.strip_prefix("id:") {
                        id = Some(value.trim().to_owned());
                    } else if let Some(value) = line.strip_prefix("data:") {
                        data.push_str(value.trim());
                    }
                }
                // Comments (keep-alive) carry no data.
                if let Some(name) = name {
                    let event: DesktopEvent = serde_json::from_str(&data).unwrap();
                    assert_eq!(event.name(), name);
                    return Some(Sse { name, id, event });
                }
                continue;
            }
            let chunk = self.response.chunk().await.unwrap()?;
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    /// The next state event, skipping frames.
    pub(crate) async fn next_state(&mut self) -> (QrState, Option<String>) {
        loop {
            match self
                .next()
                .await
                .expect("stream ended before a state")
                .event
            {
                DesktopEvent::State { state, reason, .. } => return (state, reason),
                DesktopEvent::Frame { .. } | DesktopEvent::SealChosen { .. } => {}
            }
        }
    }

    /// The next frame URL.
    pub(crate) async fn next_frame(&mut self) -> (String, i64) {
        loop {
            match self
                .next()
                .await
                .expect("stream ended before a frame")
                .event
            {
                DesktopEvent::Frame { url, t } => return (url, t),
                DesktopEvent::State { .. } | DesktopEvent::SealChosen { .. } => {}
            }
        }
    }

    /// Asserts that the stream ends (after any frames).
    pub(crate) async fn assert_ends(&mut self) {
        while let Some(event) = self.next().await {
            assert!(
                matches!(event.event, DesktopEvent::Frame { .. }),
                "unexpected {event:?}"
            );
        }
    }
}

/// The error code of a refused raw response.
pub(crate) async fn read_refusal(response: reqwest::Response) -> ErrorCode {
    code(read::<serde_json::Value>(response).await)
}
