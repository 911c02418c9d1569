//! The relay's log never carries what a decryption hands over: the server
//! runs in this test's process with a subscriber that keeps every log
//! line, and a full decryption request runs through it.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;
mod qr_support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::{PHONE, TestPlatform};
use palmbid_core::api::qr::{AnswerPayload, DocumentInfo, QrKind, QrState};
use palmbid_core::pki;
use qr_support::{Events, create, fetch_answer, holder, toolbox_request};
use sha2::{Digest, Sha256};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_decryption_leaves_no_key_or_plaintext_in_the_log() {
    let log = Captured::default();
    let writer = log.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();
    let platform = TestPlatform::start().await;
    let phone = holder(&platform, PHONE).await;
    let work = tempfile::tempdir().unwrap();
    let plain = work.path().join("bid.txt");
    std::fs::write(&plain, "投标报价 secret bid 91c4").unwrap();
    let envelope = work.path().join("bid.p7m");
    palmbid_core::cms::encrypt_to_file(&plain, &envelope, std::slice::from_ref(&phone.encryption))
        .unwrap();
    let header =
        palmbid_core::cms::envelope_header(&envelope, palmbid_core::api::qr::MAX_ENVELOPE_HEADER)
            .unwrap();
    let envelope_bytes = std::fs::read(&envelope).unwrap();
    let desktop_key = pki::generate_key();
    let mut request = toolbox_request(QrKind::Decrypt);
    request.document = Some(DocumentInfo {
        name: "bid.p7m".into(),
        sha256: hex::encode(Sha256::digest(&envelope_bytes)),
        size: envelope_bytes.len() as u64,
    });
    request.recipient_key = Some(STANDARD.encode(pki::public_key_sec1(&desktop_key)));
    request.envelope_header = Some(STANDARD.encode(&header));

    let created = create(&platform, &request).await.unwrap();
    let mut events = Events::open(&platform, &created).await;
    let (url, _) = events.next_frame().await;
    let view = phone.scan(&platform, &url).await.unwrap();
    let released = palmbid_core::cms::release_key_from_header(
        &header,
        &phone.encryption,
        &phone.encryption_key,
        &desktop_key.public_key(),
    )
    .unwrap();
    let released_b64 = STANDARD.encode(&released);
    let payload = AnswerPayload::Decrypt {
        released_key: released_b64.clone(),
    };
    let answer = phone.signed(
        &platform.server.base_url(),
        &view,
        payload,
        platform.server.clock().now(),
    );
    phone.answer(&platform, &answer, &created.id).await.unwrap();
    assert_eq!(events.next_state().await.0, QrState::Scanned);
    assert_eq!(events.next_state().await.0, QrState::Answered);
    fetch_answer(&platform, &created).await.unwrap();

    let text = String::from_utf8_lossy(&log.0.lock().unwrap()).into_owned();
    assert!(text.contains("qr request answered"), "the log was captured");
    assert!(text.contains(&created.id), "the log names the request");
    assert!(!text.contains("secret bid 91c4"), "plaintext in the log");
    assert!(!text.contains(&released_b64), "released key in the log");
    assert!(
        !text.contains(&created.desktop_token),
        "desktop token in the log"
    );
    assert!(!text.contains(&phone.token), "bearer token in the log");
    let (_, h) = qr_support::frame_parts(&url);
    assert!(!text.contains(&h), "frame MAC in the log");
}
