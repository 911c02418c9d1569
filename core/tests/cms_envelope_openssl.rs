//! Envelopes made by the real `openssl cms -encrypt` (OpenSSL 3.0), opened
//! by palmbid: every content cipher, input form, KDF hash, key wrap,
//! cofactor mode and recipient identifier OpenSSL offers for P-256.
#![allow(
    clippy::unwrap_used,
    reason = "a failed step fails the test, which is what it is for"
)]

mod cms_envelope_support;

use cms_envelope_support::{Lab, Party, openssl};
use palmbid_core::cms::{self, ContentCipher, EnvelopeKind, RecipientKind};

/// Encrypts a plaintext with `openssl cms -encrypt -binary` plus `options`
/// to `recipients`, opens it with each recipient, and checks the bytes.
fn round_trip(
    lab: &Lab,
    tag: &str,
    options: &[&str],
    recipients: &[&Party],
    expected: ContentCipher,
) {
    let (plain_path, plain) = lab.plaintext(&format!("{tag}.txt"), 100_003);
    let envelope = format!("{tag}.env");
    let mut args = vec![
        "cms",
        "-encrypt",
        "-binary",
        "-in",
        plain_path.to_str().unwrap(),
        "-out",
        &envelope,
    ];
    args.extend_from_slice(options);
    for party in recipients {
        args.extend_from_slice(&["-recip", party.cert_path.to_str().unwrap()]);
    }
    openssl(lab.dir.path(), &args);

    let info = cms::inspect(&lab.path(&envelope)).unwrap();
    assert_eq!(info.content_cipher, Some(expected), "{tag}");
    assert_eq!(
        info.kind,
        if expected.is_gcm() {
            EnvelopeKind::AuthEnveloped
        } else {
            EnvelopeKind::Enveloped
        }
    );
    assert_eq!(info.recipients.len(), recipients.len(), "{tag}");

    for party in recipients {
        assert!(
            info.recipients
                .iter()
                .any(|r| r.matches(&party.cert) && r.supported),
            "{tag}: {}",
            party.name
        );
        let output = lab.path(&format!("{tag}.{}.out", party.name));
        let report =
            cms::decrypt_to_file(&lab.path(&envelope), &output, &party.cert, &party.secret())
                .unwrap_or_else(|e| panic!("{tag} for {}: {e}", party.name));
        assert_eq!(report.content_cipher, expected);
        assert_eq!(report.plaintext_len, plain.len() as u64);
        assert!(
            std::fs::read(&output).unwrap() == plain,
            "{tag}: plaintext differs"
        );
    }
}

#[test]
fn content_ciphers_in_der() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    for (flag, cipher) in [
        ("-aes-256-gcm", ContentCipher::Aes256Gcm),
        ("-aes-192-gcm", ContentCipher::Aes192Gcm),
        ("-aes-128-gcm", ContentCipher::Aes128Gcm),
        ("-aes-256-cbc", ContentCipher::Aes256Cbc),
        ("-aes-192-cbc", ContentCipher::Aes192Cbc),
        ("-aes-128-cbc", ContentCipher::Aes128Cbc),
    ] {
        round_trip(
            &lab,
            &flag[1..],
            &[flag, "-outform", "DER"],
            &[&alice],
            cipher,
        );
    }
}

#[test]
fn smime_pem_and_streamed_forms() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    round_trip(
        &lab,
        "smime-gcm",
        &["-aes-256-gcm"],
        &[&alice],
        ContentCipher::Aes256Gcm,
    );
    round_trip(
        &lab,
        "smime-cbc",
        &["-aes-128-cbc"],
        &[&alice],
        ContentCipher::Aes128Cbc,
    );
    round_trip(
        &lab,
        "pem-gcm",
        &["-aes-256-gcm", "-outform", "PEM"],
        &[&alice],
        ContentCipher::Aes256Gcm,
    );
    round_trip(
        &lab,
        "pem-cbc",
        &["-aes-256-cbc", "-outform", "PEM"],
        &[&alice],
        ContentCipher::Aes256Cbc,
    );
    for (tag, cipher, expected) in [
        ("gcm", "-aes-256-gcm", ContentCipher::Aes256Gcm),
        ("cbc", "-aes-256-cbc", ContentCipher::Aes256Cbc),
    ] {
        round_trip(
            &lab,
            &format!("stream-der-{tag}"),
            &[cipher, "-stream", "-outform", "DER"],
            &[&alice],
            expected,
        );
        round_trip(
            &lab,
            &format!("stream-smime-{tag}"),
            &[cipher, "-stream"],
            &[&alice],
            expected,
        );
        round_trip(
            &lab,
            &format!("stream-pem-{tag}"),
            &[cipher, "-stream", "-outform", "PEM"],
            &[&alice],
            expected,
        );
    }
}

#[test]
fn two_recipients_open_with_either() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    let bob = lab.p256_party("bob");
    round_trip(
        &lab,
        "two-gcm",
        &["-aes-256-gcm", "-outform", "DER"],
        &[&alice, &bob],
        ContentCipher::Aes256Gcm,
    );
    round_trip(
        &lab,
        "two-cbc",
        &["-aes-128-cbc", "-stream"],
        &[&alice, &bob],
        ContentCipher::Aes128Cbc,
    );
}

#[test]
fn subject_key_identifier_recipients() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    let bob = lab.p256_party("bob");
    round_trip(
        &lab,
        "keyid",
        &["-aes-256-gcm", "-keyid", "-outform", "DER"],
        &[&alice, &bob],
        ContentCipher::Aes256Gcm,
    );

    let info = cms::inspect(&lab.path("keyid.env")).unwrap();
    for recipient in &info.recipients {
        assert!(
            matches!(recipient.id, Some(cms::RecipientId::KeyId(_))),
            "{recipient}"
        );
    }
}

#[test]
fn every_kdf_hash_and_cofactor_mode() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    for md in ["sha1", "sha224", "sha256", "sha384", "sha512"] {
        for cofactor in ["0", "1"] {
            let kdf = format!("ecdh_kdf_md:{md}");
            let mode = format!("ecdh_cofactor_mode:{cofactor}");
            let tag = format!("kdf-{md}-{cofactor}");
            let (plain_path, plain) = lab.plaintext(&format!("{tag}.txt"), 5000);
            let envelope = lab.path(&format!("{tag}.env"));
            openssl(
                lab.dir.path(),
                &[
                    "cms",
                    "-encrypt",
                    "-binary",
                    "-aes-256-gcm",
                    "-outform",
                    "DER",
                    "-in",
                    plain_path.to_str().unwrap(),
                    "-out",
                    envelope.to_str().unwrap(),
                    "-recip",
                    alice.cert_path.to_str().unwrap(),
                    "-keyopt",
                    &kdf,
                    "-keyopt",
                    &mode,
                ],
            );
            let output = lab.path(&format!("{tag}.out"));
            cms::decrypt_to_file(&envelope, &output, &alice.cert, &alice.secret())
                .unwrap_or_else(|e| panic!("{tag}: {e}"));
            assert_eq!(std::fs::read(&output).unwrap(), plain, "{tag}");
        }
    }
}

#[test]
fn every_key_wrap() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    for wrap in ["aes128-wrap", "aes192-wrap", "aes256-wrap"] {
        round_trip(
            &lab,
            wrap,
            &["-aes-256-gcm", "-wrap", wrap, "-outform", "DER"],
            &[&alice],
            ContentCipher::Aes256Gcm,
        );
        round_trip(
            &lab,
            &format!("{wrap}-cbc"),
            &["-aes-128-cbc", "-wrap", wrap],
            &[&alice],
            ContentCipher::Aes128Cbc,
        );
    }
}

#[test]
fn inspect_lists_rsa_recipients_as_unsupported() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    let rsa = lab.party("rsa", &["-newkey", "rsa:2048"], "keyEncipherment");
    round_trip(
        &lab,
        "mixed",
        &["-aes-256-gcm", "-outform", "DER"],
        &[&alice],
        ContentCipher::Aes256Gcm,
    );

    let (plain_path, _) = lab.plaintext("mixed2.txt", 10);
    openssl(
        lab.dir.path(),
        &[
            "cms",
            "-encrypt",
            "-binary",
            "-aes-256-gcm",
            "-outform",
            "DER",
            "-in",
            plain_path.to_str().unwrap(),
            "-out",
            "mixed2.env",
            "-recip",
            rsa.cert_path.to_str().unwrap(),
            "-recip",
            alice.cert_path.to_str().unwrap(),
        ],
    );
    let info = cms::inspect(&lab.path("mixed2.env")).unwrap();
    let rsa_entry = info
        .recipients
        .iter()
        .find(|r| r.matches(&rsa.cert))
        .unwrap();
    assert_eq!(rsa_entry.kind, RecipientKind::KeyTransport);
    assert!(!rsa_entry.supported);
    let ec_entry = info
        .recipients
        .iter()
        .find(|r| r.matches(&alice.cert))
        .unwrap();
    assert_eq!(ec_entry.kind, RecipientKind::KeyAgreement);
    assert!(ec_entry.supported);

    let output = lab.path("mixed2.out");
    cms::decrypt_to_file(
        &lab.path("mixed2.env"),
        &output,
        &alice.cert,
        &alice.secret(),
    )
    .unwrap();
    assert_eq!(std::fs::read(&output).unwrap().len(), 10);
}
