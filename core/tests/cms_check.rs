//! The decryption check against envelopes made by palmbid and by the real
//! `openssl cms -encrypt` (OpenSSL 3.0): every form a bid file comes in,
//! and each way the check must refuse.
#![allow(
    clippy::unwrap_used,
    reason = "a failed step fails the test, which is what it is for"
)]

mod cms_envelope_support;

use std::process::Command;

use cms_envelope_support::{Lab, Party, openssl};
use palmbid_core::cms::{self, CmsError, ContentCipher, EnvelopeKind, RecipientId};

const HEADER_LIMIT: usize = 64 * 1024;

/// Encrypts a plaintext to `to` with `openssl cms -encrypt` plus `options`
/// and returns the envelope's header.
fn openssl_header(lab: &Lab, tag: &str, options: &[&str], to: &Party) -> Vec<u8> {
    let (plain, _) = lab.plaintext(&format!("{tag}.txt"), 5_000);
    let envelope = format!("{tag}.env");
    let mut args = vec![
        "cms",
        "-encrypt",
        "-binary",
        "-in",
        plain.to_str().unwrap(),
        "-out",
        &envelope,
    ];
    args.extend_from_slice(options);
    args.extend_from_slice(&["-recip", to.cert_path.to_str().unwrap()]);
    openssl(lab.dir.path(), &args);
    cms::envelope_header(&lab.path(&envelope), HEADER_LIMIT).unwrap()
}

/// The wrapped key of the single recipient of a DER envelope, as
/// `openssl cms -cmsout -print` shows it.
fn openssl_encrypted_key(lab: &Lab, envelope: &str) -> Vec<u8> {
    let out = Command::new("openssl")
        .args([
            "cms", "-cmsout", "-print", "-inform", "DER", "-in", envelope,
        ])
        .current_dir(lab.dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut lines = text.lines().skip_while(|l| !l.contains("encryptedKey:"));
    lines.next();
    let mut key = Vec::new();
    for line in lines {
        let Some((offset, rest)) = line.trim().split_once(" - ") else {
            break;
        };
        if u32::from_str_radix(offset, 16).is_err() {
            break;
        }
        // A hex dump line of 14 bytes: "0000 - 9a cf ... 5e-6e ... 3c   ascii".
        let hex_part = rest.split_once("   ").map_or(rest, |(hex, _)| hex);
        for byte in hex_part.replace('-', " ").split_whitespace() {
            key.push(u8::from_str_radix(byte, 16).unwrap());
        }
    }
    assert!(!key.is_empty(), "no encryptedKey in {text}");
    key
}

#[test]
fn openssl_envelopes_in_every_form_pass() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    for (tag, options, cipher) in [
        (
            "der-gcm",
            &["-aes-256-gcm", "-outform", "DER"][..],
            ContentCipher::Aes256Gcm,
        ),
        (
            "der-cbc",
            &["-aes-128-cbc", "-outform", "DER"][..],
            ContentCipher::Aes128Cbc,
        ),
        ("smime-gcm", &["-aes-128-gcm"][..], ContentCipher::Aes128Gcm),
        ("smime-cbc", &["-aes-256-cbc"][..], ContentCipher::Aes256Cbc),
        (
            "pem-gcm",
            &["-aes-192-gcm", "-outform", "PEM"][..],
            ContentCipher::Aes192Gcm,
        ),
    ] {
        let header = openssl_header(&lab, tag, options, &alice);
        let report = cms::check_decryption(&header, &alice.cert, &alice.secret())
            .unwrap_or_else(|e| panic!("{tag}: {e}"));
        assert_eq!(report.content_cipher, cipher, "{tag}");
        assert_eq!(report.key_len, cipher.key_len(), "{tag}");
        assert_eq!(report.kind == EnvelopeKind::AuthEnveloped, cipher.is_gcm());
        assert!(report.recipient.matches(&alice.cert), "{tag}");
    }
}

#[test]
fn palmbid_envelope_passes_for_each_recipient() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    let bob = lab.p256_party("bob");
    let (plain, _) = lab.plaintext("bid.txt", 20_000);
    let envelope = lab.path("bid.p7m");
    cms::encrypt_to_file(&plain, &envelope, &[alice.cert.clone(), bob.cert.clone()]).unwrap();
    let header = cms::envelope_header(&envelope, HEADER_LIMIT).unwrap();

    for party in [&alice, &bob] {
        let report = cms::check_decryption(&header, &party.cert, &party.secret()).unwrap();
        assert_eq!(report.content_cipher, ContentCipher::Aes256Gcm);
        assert_eq!(report.key_len, 32);
        assert!(report.recipient.matches(&party.cert));
    }
}

#[test]
fn envelope_for_another_certificate_lists_its_recipients() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    let mallory = lab.p256_party("mallory");
    let header = openssl_header(&lab, "other", &["-aes-256-gcm", "-outform", "DER"], &alice);

    let error = cms::check_decryption(&header, &mallory.cert, &mallory.secret()).unwrap_err();
    let CmsError::NoRecipient { recipients } = &error else {
        panic!("expected NoRecipient, got {error:?}");
    };
    assert!(recipients.contains("alice"), "{recipients}");
}

#[test]
fn right_certificate_with_the_wrong_key_fails() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    let renewed = lab.p256_party("renewed");
    let header = openssl_header(&lab, "wrong", &["-aes-256-gcm", "-outform", "DER"], &alice);

    let error = cms::check_decryption(&header, &alice.cert, &renewed.secret()).unwrap_err();
    assert!(matches!(error, CmsError::KeyUnwrapFailed), "{error:?}");
}

#[test]
fn damaged_wrapped_key_fails() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    let mut header = openssl_header(
        &lab,
        "damaged",
        &["-aes-256-cbc", "-outform", "DER"],
        &alice,
    );
    let wrapped = openssl_encrypted_key(&lab, "damaged.env");
    let at = header
        .windows(wrapped.len())
        .position(|w| w == wrapped.as_slice())
        .unwrap();
    header[at + wrapped.len() - 1] ^= 0x01;

    let error = cms::check_decryption(&header, &alice.cert, &alice.secret()).unwrap_err();
    assert!(matches!(error, CmsError::KeyUnwrapFailed), "{error:?}");
}

#[test]
fn malformed_headers_are_refused() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    let header = openssl_header(&lab, "cut", &["-aes-256-gcm", "-outform", "DER"], &alice);

    let error =
        cms::check_decryption(b"not an envelope at all", &alice.cert, &alice.secret()).unwrap_err();
    assert!(matches!(error, CmsError::NotAnEnvelope { .. }), "{error:?}");

    let error = cms::check_decryption(&header[..header.len() / 2], &alice.cert, &alice.secret())
        .unwrap_err();
    assert!(matches!(error, CmsError::Truncated { .. }), "{error:?}");

    let error = cms::check_decryption(&[], &alice.cert, &alice.secret()).unwrap_err();
    assert!(
        matches!(error, CmsError::Truncated { offset: 0 }),
        "{error:?}"
    );
}

#[test]
fn report_names_the_recipient_entry() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    let header = openssl_header(&lab, "rid", &["-aes-256-gcm", "-outform", "DER"], &alice);
    let report = cms::check_decryption(&header, &alice.cert, &alice.secret()).unwrap();
    assert!(
        matches!(report.recipient, RecipientId::IssuerSerial { .. }),
        "{:?}",
        report.recipient
    );
}
