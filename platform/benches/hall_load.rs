//! Load benchmark of the bid-opening hall on loopback.
//!
//! The platform runs in this process on a runtime of its own (two worker
//! threads); the phones run on another and talk to it over loopback HTTP
//! with core's `PlatformClient`, as the app does. Set-up, not timed: N
//! bidders (default 200), each with its own company, phone number and
//! certificate pair picked up through the console and the pickup API;
//! one project with all of them in one section; each bidder signs in and
//! uploads a bid encrypted to its phone certificate through a toolbox QR
//! login.
//!
//! Timed:
//! 1. Sign-in: N signed sign-ins, all at once.
//! 2. Decryption: every bidder holds the project's event stream; the agent
//!    starts the decryption on the console; each phone, on the phase
//!    event, asks for a nonce and releases its key. Reported: the time from
//!    the agent's start until the last decryption succeeded, and p50 / p99
//!    of each request.
//! 3. Streams: S event streams (default 1000) connected at once; the agent
//!    moves the phase on; reported: the time until the last stream received
//!    the event, p50 / p99 of the delivery, and of connecting.
//!
//! Any failed request fails the run. Usage:
//! `cargo bench -p palmbid-platform --bench hall_load -- [--bidders N] [--streams S]`
//! (`bench/hall-load.sh` does this and prints the Markdown table).

#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed run")]
#![allow(
    clippy::print_stdout,
    reason = "a benchmark reports on standard output"
)]

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "../tests/hall_support/mod.rs"]
mod hall_support;
#[path = "../tests/qr_support/mod.rs"]
mod qr_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use palmbid_core::api::client::{HallStreamItem, PlatformClient};
use palmbid_core::api::hall::{ActionPayload, HallEventKind, Phase, ReleaseRequest, SignInRequest};
use palmbid_core::pki::CertInfo;
use tokio::sync::Semaphore;
use zeroize::Zeroizing;

use common::TestPlatform;
use hall_support::{
    base, create_project, envelope, move_to, package, released_to, signed, toolbox_login, upload,
};
use qr_support::{TestPhone, holder_for};

/// How many set-up steps run at once (pickups, uploads).
const SETUP_CONCURRENCY: usize = 8;

/// Maximum wait for any timed step before the run fails.
const STEP_LIMIT: Duration = Duration::from_secs(120);

struct Options {
    bidders: usize,
    streams: usize,
}

impl Options {
    /// `--bidders N` and `--streams S`; cargo's own `--bench` is ignored.
    fn parse() -> Self {
        let mut options = Options {
            bidders: 200,
            streams: 1000,
        };
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            let mut value = || {
                args.next()
                    .and_then(|v| v.parse::<usize>().ok())
                    .filter(|v| *v > 0)
                    .unwrap_or_else(|| panic!("{arg} needs a positive number"))
            };
            match arg.as_str() {
                "--bidders" => options.bidders = value(),
                "--streams" => options.streams = value(),
                _ => {}
            }
        }
        options
    }
}

/// A bidder: its test phone (keys in memory) and a core client with its
/// session.
struct Bidder {
    phone: TestPhone,
    client: PlatformClient,
    bid_id: String,
}

/// Returns the credit code of bidder `n`, valid by its GB 32100-2015 check
/// character.
fn credit_code(n: usize) -> String {
    let stem = format!("91110000MA{n:07}");
    "0123456789ABCDEFGHJKLMNPQRTUWXY"
        .chars()
        .map(|c| format!("{stem}{c}"))
        .find(|code| palmbid_core::pki::validate_credit_code(code).is_ok())
        .unwrap()
}

/// Converts `d` to milliseconds.
fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Returns the `p`-th percentile (0–100) of `samples`, by nearest rank.
fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort_unstable();
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "sample counts are small"
    )]
    let rank = ((p / 100.0) * samples.len() as f64).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}

fn row(what: &str, count: usize, total: Option<Duration>, samples: &mut [Duration]) {
    let total = total.map_or_else(String::new, |t| format!("{:.0}", ms(t)));
    println!(
        "| {what} | {count} | {total} | {:.1} | {:.1} |",
        ms(percentile(samples, 50.0)),
        ms(percentile(samples, 99.0)),
    );
}

fn main() {
    let options = Options::parse();
    let server_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("platform")
        .enable_all()
        .build()
        .unwrap();
    let platform = Arc::new(server_runtime.block_on(TestPlatform::start_with(true)));
    let phones = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("phones")
        .enable_all()
        .build()
        .unwrap();
    phones.block_on(run(&platform, &options));
}

async fn run(platform: &Arc<TestPlatform>, options: &Options) {
    let started = Instant::now();
    let codes: Vec<String> = (0..options.bidders).map(credit_code).collect();
    let bidders = set_up(platform, &codes).await;
    eprintln!(
        "set-up: {} bidders picked up their certificates in {:.1} s",
        bidders.len(),
        started.elapsed().as_secs_f64()
    );
    let (id, bidders, mut sign_ins, sign_in_total) = sign_in_all(platform, bidders, &codes).await;
    let bidders = upload_all(platform, &id, bidders, &codes).await;

    println!("| step | count | total (ms) | p50 (ms) | p99 (ms) |");
    println!("|---|---:|---:|---:|---:|");
    row(
        "sign-in (签到)",
        sign_ins.len(),
        Some(sign_in_total),
        &mut sign_ins,
    );

    let (total, mut done, mut nonces, mut releases, mut headers) =
        decrypt_all(platform, &id, &bidders).await;
    row(
        "decryption, agent start → success",
        done.len(),
        Some(total),
        &mut done,
    );
    row("  bid list (header)", headers.len(), None, &mut headers);
    row("  nonce", nonces.len(), None, &mut nonces);
    row(
        "  key release + platform decryption",
        releases.len(),
        None,
        &mut releases,
    );

    let (total, mut connects, mut deliveries) =
        stream_fan_out(platform, &id, &bidders, options.streams).await;
    row(
        "event streams connected",
        connects.len(),
        None,
        &mut connects,
    );
    row(
        "phase event, agent → last stream",
        deliveries.len(),
        Some(total),
        &mut deliveries,
    );
}

/// Enters each company in the registry and picks up its certificates.
async fn set_up(platform: &Arc<TestPlatform>, codes: &[String]) -> Vec<TestPhone> {
    let limit = Arc::new(Semaphore::new(SETUP_CONCURRENCY));
    let mut tasks = Vec::new();
    for (n, code) in codes.iter().enumerate() {
        let platform = Arc::clone(platform);
        let limit = Arc::clone(&limit);
        let code = code.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire().await.unwrap();
            let company = format!("压测投标单位{n:03}有限公司");
            holder_for(&platform, &format!("139{n:08}"), &company, &code, false).await
        }));
    }
    let mut phones = Vec::new();
    for task in tasks {
        phones.push(task.await.unwrap());
    }
    phones
}

/// Creates the project and signs every bidder in at once; returns the
/// project id, the bidders, each sign-in's time and the total.
async fn sign_in_all(
    platform: &Arc<TestPlatform>,
    phones: Vec<TestPhone>,
    codes: &[String],
) -> (
    String,
    Vec<(TestPhone, PlatformClient)>,
    Vec<Duration>,
    Duration,
) {
    let code_refs: Vec<&str> = codes.iter().map(String::as_str).collect();
    let id = create_project(platform, "压力测试项目", 1800, &code_refs).await;
    let mut tasks = Vec::new();
    let start = Instant::now();
    for phone in phones {
        let platform = Arc::clone(platform);
        let id = id.clone();
        tasks.push(tokio::spawn(async move {
            let mut client = PlatformClient::new(&platform.server.base_url()).unwrap();
            client.set_token(Zeroizing::new(phone.token.clone()));
            let began = Instant::now();
            let nonce = client.hall_nonce(&id).await.unwrap();
            let proof = signed(
                &phone,
                &base(&platform),
                &id,
                &nonce.nonce,
                &ActionPayload::SignIn,
                platform.server.clock().now(),
            );
            client
                .hall_sign_in(&id, &SignInRequest { proof })
                .await
                .unwrap();
            (phone, client, began.elapsed())
        }));
    }
    let mut bidders = Vec::new();
    let mut times = Vec::new();
    for task in tasks {
        let (phone, client, took) = tokio::time::timeout(STEP_LIMIT, task)
            .await
            .expect("sign-in took too long")
            .unwrap();
        bidders.push((phone, client));
        times.push(took);
    }
    (id, bidders, times, start.elapsed())
}

/// Uploads each bidder's bid through a toolbox QR login (set-up).
async fn upload_all(
    platform: &Arc<TestPlatform>,
    id: &str,
    bidders: Vec<(TestPhone, PlatformClient)>,
    codes: &[String],
) -> Vec<Arc<Bidder>> {
    let limit = Arc::new(Semaphore::new(SETUP_CONCURRENCY));
    let mut tasks = Vec::new();
    for (n, ((phone, client), code)) in bidders.into_iter().zip(codes).enumerate() {
        let platform = Arc::clone(platform);
        let limit = Arc::clone(&limit);
        let id = id.to_owned();
        let code = code.clone();
        tasks.push(tokio::spawn(async move {
            let _permit = limit.acquire().await.unwrap();
            let amount = format!("{}.00", 1_000_000 + n);
            let plaintext = serde_json::to_vec(&package(&id, &code, &amount)).unwrap();
            let bid = envelope(&plaintext, std::slice::from_ref(&phone.encryption));
            let desktop = toolbox_login(&platform, &phone).await;
            let uploaded = upload(&platform, &id, 1, Some(&desktop), bid)
                .await
                .unwrap();
            Arc::new(Bidder {
                phone,
                client,
                bid_id: uploaded.bid_id,
            })
        }));
    }
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}

/// Runs the decryption: every bidder waits on its event stream for the
/// phase, then releases its key. Returns the time from the agent's start to the last
/// success and the times of the bid list, nonce and release requests.
async fn decrypt_all(
    platform: &Arc<TestPlatform>,
    id: &str,
    bidders: &[Arc<Bidder>],
) -> (
    Duration,
    Vec<Duration>,
    Vec<Duration>,
    Vec<Duration>,
    Vec<Duration>,
) {
    let opening = {
        let summary = bidders[0].client.hall_project(id).await.unwrap();
        let der = STANDARD.decode(summary.opening_certificate).unwrap();
        Arc::new(CertInfo::from_der(&der, "opening").unwrap())
    };
    let ready = Arc::new(tokio::sync::Barrier::new(bidders.len() + 1));
    let mut tasks = Vec::new();
    for bidder in bidders {
        let bidder = Arc::clone(bidder);
        let platform = Arc::clone(platform);
        let ready = Arc::clone(&ready);
        let opening = Arc::clone(&opening);
        let id = id.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut stream = bidder.client.hall_events(&id, 0).await.unwrap();
            ready.wait().await;
            wait_for_phase(&mut stream, Phase::Decryption).await;
            let began = Instant::now();
            let list = bidder.client.hall_bids(&id).await.unwrap();
            let header_took = began.elapsed();
            let header = STANDARD.decode(&list.bids[0].envelope_header).unwrap();
            let released = released_to(&bidder.phone, &header, &opening);
            let released_key = STANDARD.encode(released);
            let began = Instant::now();
            let nonce = bidder.client.hall_nonce(&id).await.unwrap();
            let nonce_took = began.elapsed();
            let payload = ActionPayload::Release {
                bid_id: bidder.bid_id.clone(),
                released_key: released_key.clone(),
            };
            let proof = signed(
                &bidder.phone,
                &base(&platform),
                &id,
                &nonce.nonce,
                &payload,
                platform.server.clock().now(),
            );
            let began = Instant::now();
            bidder
                .client
                .hall_release(
                    &id,
                    &bidder.bid_id,
                    &ReleaseRequest {
                        released_key,
                        proof,
                    },
                )
                .await
                .unwrap();
            (header_took, nonce_took, began.elapsed(), Instant::now())
        }));
    }
    tokio::time::timeout(STEP_LIMIT, ready.wait())
        .await
        .expect("event streams did not open");
    let start = Instant::now();
    move_to(platform, id, Phase::Decryption).await;
    let mut done = Vec::new();
    let mut headers = Vec::new();
    let mut nonces = Vec::new();
    let mut releases = Vec::new();
    let mut last = start;
    for task in tasks {
        let (header, nonce, release, at) = tokio::time::timeout(STEP_LIMIT, task)
            .await
            .expect("decryption took too long")
            .unwrap();
        headers.push(header);
        nonces.push(nonce);
        releases.push(release);
        done.push(at - start);
        last = last.max(at);
    }
    (last - start, done, nonces, releases, headers)
}

/// Reads `stream` until the project enters `phase`.
async fn wait_for_phase(stream: &mut palmbid_core::api::client::HallEventStream, phase: Phase) {
    loop {
        match stream.next().await {
            Some(Ok(HallStreamItem::Event(event)))
                if event.kind == (HallEventKind::PhaseChanged { phase }) =>
            {
                return;
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => panic!("event stream failed: {e}"),
            None => panic!("event stream ended before {phase}"),
        }
    }
}

/// Opens `count` event streams spread over the bidders, waits until all
/// are connected, moves the project on, and measures the delivery.
async fn stream_fan_out(
    platform: &Arc<TestPlatform>,
    id: &str,
    bidders: &[Arc<Bidder>],
    count: usize,
) -> (Duration, Vec<Duration>, Vec<Duration>) {
    let connected = Arc::new(tokio::sync::Barrier::new(count + 1));
    let mut tasks = Vec::new();
    for n in 0..count {
        let bidder = Arc::clone(&bidders[n % bidders.len()]);
        let connected = Arc::clone(&connected);
        let id = id.to_owned();
        tasks.push(tokio::spawn(async move {
            let began = Instant::now();
            let mut stream = bidder.client.hall_events(&id, 0).await.unwrap();
            // Connected once the replay reached the decryption phase.
            wait_for_phase(&mut stream, Phase::Decryption).await;
            let connect = began.elapsed();
            connected.wait().await;
            wait_for_phase(&mut stream, Phase::QuoteReading).await;
            (connect, Instant::now())
        }));
    }
    tokio::time::timeout(STEP_LIMIT, connected.wait())
        .await
        .expect("event streams did not connect");
    let start = Instant::now();
    move_to(platform, id, Phase::QuoteReading).await;
    let mut connects = Vec::new();
    let mut deliveries = Vec::new();
    let mut last = start;
    for task in tasks {
        let (connect, at) = tokio::time::timeout(STEP_LIMIT, task)
            .await
            .expect("delivery took too long")
            .unwrap();
        connects.push(connect);
        deliveries.push(at - start);
        last = last.max(at);
    }
    (last - start, connects, deliveries)
}
