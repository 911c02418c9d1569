//! Peak memory of a decryption does not grow with the envelope: a 96 MiB
//! envelope, streamed by `openssl cms -encrypt -stream`, in DER and in
//! S/MIME, opens with a resident-set growth far below its size.
//!
//! Linux only: the peak is read from `VmHWM` in `/proc/self/status` after
//! resetting it through `/proc/self/clear_refs` (proc(5)). This file has a
//! single test so that no other test in the process disturbs the figure.
#![allow(
    clippy::unwrap_used,
    reason = "a failed step fails the test, which is what it is for"
)]

mod cms_envelope_support;

use std::io::Write;

use cms_envelope_support::{Lab, openssl};
use palmbid_core::cms;

const SIZE_MIB: usize = 96;

/// Largest accepted growth of the peak resident set, in KiB: the pipeline's
/// buffers are 3 MiB; the rest is allowance for the allocator and the page
/// cache accounting of the process.
const MAX_GROWTH_KIB: u64 = 16 * 1024;

fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn peak_memory_is_bounded() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");

    // Written in 1 MiB pieces, so the test itself never keeps the file in memory.
    let plain_path = lab.path("big.bin");
    let mut file = std::fs::File::create(&plain_path).unwrap();
    let piece: Vec<u8> = (0..1024 * 1024)
        .map(|i: usize| (i % 251).to_le_bytes()[0])
        .collect();
    for _ in 0..SIZE_MIB {
        file.write_all(&piece).unwrap();
    }
    drop(file);

    for (tag, form) in [("der", "DER"), ("smime", "SMIME")] {
        let envelope = format!("big-{tag}.p7m");
        openssl(
            lab.dir.path(),
            &[
                "cms",
                "-encrypt",
                "-binary",
                "-stream",
                "-aes-256-gcm",
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

        std::fs::write("/proc/self/clear_refs", "5").unwrap();
        let before = status_kib("VmRSS:");
        let output = lab.path(&format!("big-{tag}.out"));
        cms::decrypt_to_file(&lab.path(&envelope), &output, &alice.cert, &alice.secret()).unwrap();
        let growth = status_kib("VmHWM:").saturating_sub(before);

        println!("{tag}: peak grew by {growth} KiB");
        assert!(growth < MAX_GROWTH_KIB, "{tag}: peak grew by {growth} KiB");
        assert_eq!(
            std::fs::metadata(&output).unwrap().len(),
            (SIZE_MIB * 1024 * 1024) as u64
        );
    }
}
