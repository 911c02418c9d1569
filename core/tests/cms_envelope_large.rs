//! A 64 MiB envelope streamed by `openssl cms -encrypt -stream` decrypts
//! correctly, in both content ciphers, and palmbid's own 64 MiB envelope
//! opens with openssl. Throughput is printed for release builds
//! (`cargo test --release --test cms_envelope_large -- --nocapture`).
#![allow(
    clippy::unwrap_used,
    reason = "a failed step fails the test, which is what it is for"
)]

mod cms_envelope_support;

use std::time::Instant;

use cms_envelope_support::{Lab, openssl};
use palmbid_core::cms;
use sha2::{Digest, Sha256};

const SIZE: usize = 64 * 1024 * 1024;

/// Throughput in MiB/s of `SIZE` bytes in `seconds`.
fn mib_per_second(seconds: f64) -> f64 {
    64.0 / seconds
}

fn sha256_file(path: &std::path::Path) -> Vec<u8> {
    let mut file = std::fs::File::open(path).unwrap();
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).unwrap();
    hasher.finalize().to_vec()
}

#[test]
fn sixty_four_mib_streamed_by_openssl() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    let (plain_path, plain) = lab.plaintext("big.bin", SIZE);
    let expected = Sha256::digest(&plain).to_vec();
    drop(plain);

    for (tag, cipher, form) in [
        ("gcm", "-aes-256-gcm", "DER"),
        ("cbc", "-aes-256-cbc", "SMIME"),
    ] {
        let envelope = format!("big-{tag}.p7m");
        openssl(
            lab.dir.path(),
            &[
                "cms",
                "-encrypt",
                "-binary",
                "-stream",
                cipher,
                "-outform",
                form,
                "-in",
                plain_path.to_str().unwrap(),
                "-out",
                &envelope,
                "-recip",
                alice.cert_path.to_str().unwrap(),
            ],
        );
        let output = lab.path(&format!("big-{tag}.out"));
        let started = Instant::now();
        let report =
            cms::decrypt_to_file(&lab.path(&envelope), &output, &alice.cert, &alice.secret())
                .unwrap();
        let seconds = started.elapsed().as_secs_f64();
        println!("{tag} {form}: {:.0} MiB/s", mib_per_second(seconds));
        assert_eq!(report.plaintext_len, SIZE as u64);
        assert_eq!(sha256_file(&output), expected, "{tag}");
    }
}

#[test]
fn sixty_four_mib_sealed_by_palmbid() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    let (plain_path, plain) = lab.plaintext("big.bin", SIZE);
    let expected = Sha256::digest(&plain).to_vec();
    drop(plain);

    let envelope = lab.path("big.p7m");
    let started = Instant::now();
    cms::encrypt_to_file(&plain_path, &envelope, std::slice::from_ref(&alice.cert)).unwrap();
    println!(
        "encrypt: {:.0} MiB/s",
        mib_per_second(started.elapsed().as_secs_f64())
    );

    let output = lab.path("big.out");
    let started = Instant::now();
    cms::decrypt_to_file(&envelope, &output, &alice.cert, &alice.secret()).unwrap();
    println!(
        "decrypt own: {:.0} MiB/s",
        mib_per_second(started.elapsed().as_secs_f64())
    );
    assert_eq!(sha256_file(&output), expected);

    openssl(
        lab.dir.path(),
        &[
            "cms",
            "-decrypt",
            "-inform",
            "DER",
            "-in",
            "big.p7m",
            "-out",
            "big.openssl",
            "-recip",
            alice.cert_path.to_str().unwrap(),
            "-inkey",
            alice.key_path.to_str().unwrap(),
        ],
    );
    assert_eq!(sha256_file(&lab.path("big.openssl")), expected);
}
