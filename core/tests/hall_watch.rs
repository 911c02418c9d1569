//! The hall watcher against a platform that misbehaves on purpose: it
//! replays an event, skips one, and drops the connection. The real
//! platform never does so, so a small scripted HTTP server on loopback
//! plays it. The watcher must apply every event exactly once, in order,
//! and resume after the last one it applied.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::sync::{Arc, Mutex};

use palmbid_core::api::client::PlatformClient;
use palmbid_core::api::hall::{HallEvent, HallEventKind, Phase, ProjectSummary};
use palmbid_core::hall::watch::watch;
use palmbid_core::hall::{HallListener, HallNotice, ProjectState, StreamStatus};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use zeroize::Zeroizing;

const PROJECT: &str = "0123456789abcdef0123456789abcdef";

fn summary() -> ProjectSummary {
    ProjectSummary {
        id: PROJECT.into(),
        name: "测试项目".into(),
        sections: vec!["第一标段".into()],
        opening_at: 4_000_000_000,
        opening_certificate: String::new(),
        phase: Phase::SignIn,
    }
}

fn sse(seq: u64, phase: Phase) -> String {
    let event = HallEvent {
        seq,
        at: 1_000,
        kind: HallEventKind::PhaseChanged { phase },
    };
    format!(
        "event: phase_changed\nid: {seq}\ndata: {}\n\n",
        serde_json::to_string(&event).unwrap()
    )
}

/// Serves the project and, for the n-th events request, `streams[n]`
/// followed by a closed connection. Records each `Last-Event-ID`.
async fn serve(streams: Vec<String>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    tokio::spawn(async move {
        let mut streams = streams.into_iter();
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = Vec::new();
            let mut buf = [0_u8; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = socket.read(&mut buf).await.unwrap();
                if n == 0 {
                    break;
                }
                request.extend_from_slice(&buf[..n]);
            }
            let request = String::from_utf8(request).unwrap();
            let response = if request.contains("/events ") {
                let last = request
                    .lines()
                    .find_map(|l| {
                        l.strip_prefix("last-event-id: ")
                            .or(l.strip_prefix("Last-Event-ID: "))
                    })
                    .unwrap_or("")
                    .to_owned();
                record.lock().unwrap().push(last);
                let body = streams.next().unwrap_or_default();
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n{body}"
                )
            } else {
                let body = serde_json::to_string(&summary()).unwrap();
                format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                )
            };
            socket.write_all(response.as_bytes()).await.unwrap();
            socket.shutdown().await.unwrap();
        }
    });
    (base, seen)
}

#[derive(Default)]
struct Recorder {
    phases: Mutex<Vec<(u64, Phase)>>,
    notices: Mutex<Vec<HallNotice>>,
    reconnects: Mutex<u32>,
}

impl HallListener for Recorder {
    fn state_changed(&self, state: &ProjectState) {
        self.phases
            .lock()
            .unwrap()
            .push((state.last_seq, state.phase()));
    }
    fn notice(&self, _state: &ProjectState, notice: &HallNotice) {
        self.notices.lock().unwrap().push(notice.clone());
    }
    fn stream_status(&self, status: &StreamStatus) {
        if matches!(status, StreamStatus::Reconnecting { .. }) {
            *self.reconnects.lock().unwrap() += 1;
        }
    }
}

fn client(base: &str) -> PlatformClient {
    let mut client = PlatformClient::new(base).unwrap();
    client.set_token(Zeroizing::new("session".to_owned()));
    client
}

#[tokio::test]
async fn replay_and_gap_resume_exactly() {
    let first = [
        sse(1, Phase::SignIn),
        sse(1, Phase::SignIn),
        sse(3, Phase::QuoteReading),
    ]
    .concat();
    let second = [
        sse(2, Phase::Decryption),
        sse(3, Phase::QuoteReading),
        sse(4, Phase::Closed),
    ]
    .concat();
    let (base, last_ids) = serve(vec![first, second]).await;
    let recorder = Recorder::default();

    let state = watch(
        &client(&base),
        PROJECT,
        None,
        &recorder,
        std::future::pending(),
    )
    .await
    .unwrap();

    assert_eq!(state.phase(), Phase::Closed);
    assert_eq!(state.last_seq, 4);
    // The gap after event 1 reopened the stream after 1, not after 3.
    assert_eq!(
        *last_ids.lock().unwrap(),
        vec![String::new(), "1".to_owned()]
    );
    assert_eq!(*recorder.reconnects.lock().unwrap(), 1);
    // The first call draws the fetched project; event 1 changes nothing
    // (already in sign-in); 2, 3, 4 each move the phase once.
    assert_eq!(
        *recorder.phases.lock().unwrap(),
        vec![
            (0, Phase::SignIn),
            (2, Phase::Decryption),
            (3, Phase::QuoteReading),
            (4, Phase::Closed),
        ]
    );
    // The events are old by the server clock: they rebuild the state and
    // raise no notice.
    assert!(recorder.notices.lock().unwrap().is_empty());
}

#[tokio::test]
async fn resume_continues_after_state() {
    let (base, last_ids) = serve(vec![sse(6, Phase::Closed)]).await;
    let mut resumed = ProjectState::new(summary());
    resumed.last_seq = 5;
    let recorder = Recorder::default();

    let state = watch(
        &client(&base),
        PROJECT,
        Some(resumed),
        &recorder,
        std::future::pending(),
    )
    .await
    .unwrap();

    assert_eq!(state.last_seq, 6);
    assert_eq!(*last_ids.lock().unwrap(), vec!["5".to_owned()]);
}

#[tokio::test]
async fn broken_streams_reopen_until_stopped() {
    // Every stream ends at once without an event.
    let (base, last_ids) = serve(Vec::new()).await;
    let recorder = Recorder::default();

    let stop = tokio::time::sleep(std::time::Duration::from_millis(2500));
    let state = watch(&client(&base), PROJECT, None, &recorder, stop)
        .await
        .unwrap();

    assert_eq!(state.last_seq, 0);
    assert_eq!(state.phase(), Phase::SignIn);
    // Pauses of 0.5, 1 and 2 seconds: three or four attempts in 2.5 s.
    let attempts = last_ids.lock().unwrap().len();
    assert!((2..=4).contains(&attempts), "{attempts} attempts");
    assert!(last_ids.lock().unwrap().iter().all(String::is_empty));
    assert_eq!(
        *recorder.reconnects.lock().unwrap(),
        u32::try_from(attempts).unwrap()
    );
}
