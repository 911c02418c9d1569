//! Bad envelopes: each fails with its own error and leaves no output file.
#![allow(
    clippy::unwrap_used,
    reason = "a failed step fails the test, which is what it is for"
)]

mod cms_envelope_support;

use std::path::{Path, PathBuf};

use cms_envelope_support::{Lab, Party, openssl};
use palmbid_core::cms::{self, CmsError};
use palmbid_core::error::Localized;

/// Makes an envelope with `openssl cms -encrypt -binary -outform DER`.
fn openssl_envelope(lab: &Lab, name: &str, options: &[&str], to: &Party) -> PathBuf {
    let (plain_path, _) = lab.plaintext(&format!("{name}.txt"), 10_000);
    let mut args = vec![
        "cms",
        "-encrypt",
        "-binary",
        "-in",
        plain_path.to_str().unwrap(),
        "-out",
        name,
    ];
    args.extend_from_slice(options);
    args.extend_from_slice(&["-recip", to.cert_path.to_str().unwrap()]);
    openssl(lab.dir.path(), &args);
    lab.path(name)
}

/// Writes `bytes` to `name` and decrypts it for `party`; returns the error
/// after checking that no output was left.
fn decrypt_fails(lab: &Lab, name: &str, bytes: &[u8], party: &Party) -> CmsError {
    let input = lab.path(name);
    std::fs::write(&input, bytes).unwrap();
    decrypt_path_fails(lab, &input, party)
}

fn decrypt_path_fails(lab: &Lab, input: &Path, party: &Party) -> CmsError {
    let output = lab.path("out.bin");
    let error = cms::decrypt_to_file(input, &output, &party.cert, &party.secret()).unwrap_err();
    lab.assert_no_output(&output);
    assert!(!error.message_zh().is_empty());
    error
}

#[test]
fn truncated_envelopes_at_several_cut_points() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    let gcm = std::fs::read(openssl_envelope(
        &lab,
        "gcm.der",
        &["-aes-256-gcm", "-outform", "DER"],
        &alice,
    ))
    .unwrap();
    let streamed = std::fs::read(openssl_envelope(
        &lab,
        "stream.der",
        &["-aes-128-cbc", "-stream", "-outform", "DER"],
        &alice,
    ))
    .unwrap();

    for (kind, bytes) in [("gcm", &gcm), ("stream", &streamed)] {
        for cut in [
            1,
            10,
            100,
            300,
            bytes.len() / 2,
            bytes.len() - 20,
            bytes.len() - 2,
            bytes.len() - 1,
        ] {
            let error = decrypt_fails(&lab, "cut.der", &bytes[..cut], &alice);
            assert!(
                matches!(error, CmsError::Truncated { .. }),
                "{kind} cut at {cut}: {error}"
            );
            assert_eq!(error.code(), "cms.truncated");
        }
    }

    let error = cms::inspect(&lab.path("cut.der")).map(|_| ());
    assert!(
        error.is_ok(),
        "the header of the last cut is whole: {error:?}"
    );
}

#[test]
fn flipped_gcm_ciphertext_and_tag() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    let bytes = std::fs::read(openssl_envelope(
        &lab,
        "gcm.der",
        &["-aes-256-gcm", "-outform", "DER"],
        &alice,
    ))
    .unwrap();

    // The DER ends with the mac: OCTET STRING of 16 bytes.
    assert_eq!(bytes[bytes.len() - 18..bytes.len() - 16], [0x04, 0x10]);
    for (what, at) in [
        ("ciphertext", bytes.len() - 18 - 5000),
        ("last ciphertext byte", bytes.len() - 19),
        ("tag", bytes.len() - 1),
    ] {
        let mut damaged = bytes.clone();
        damaged[at] ^= 0x01;
        let error = decrypt_fails(&lab, "damaged.der", &damaged, &alice);
        assert!(
            matches!(error, CmsError::AuthenticationFailed),
            "{what}: {error}"
        );
        assert_eq!(error.code(), "cms.authentication_failed");
    }
}

#[test]
fn flipped_gcm_byte_in_streamed_ber() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    let path = openssl_envelope(
        &lab,
        "gcm.der",
        &["-aes-256-gcm", "-stream", "-outform", "DER"],
        &alice,
    );
    let mut bytes = std::fs::read(&path).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x40;
    let error = decrypt_fails(&lab, "damaged.der", &bytes, &alice);
    assert!(matches!(error, CmsError::AuthenticationFailed), "{error}");
}

#[test]
fn flipped_cbc_byte_breaks_the_padding() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    let bytes = std::fs::read(openssl_envelope(
        &lab,
        "cbc.der",
        &["-aes-256-cbc", "-outform", "DER"],
        &alice,
    ))
    .unwrap();

    // In DER EnvelopedData the content ends the file. Flipping the last
    // byte of the next-to-last block flips the padding byte of the last
    // plaintext block. NOTE: CBC has no integrity; a flip elsewhere only
    // garbles the plaintext, which is why palmbid writes GCM.
    let mut damaged = bytes.clone();
    damaged[bytes.len() - 17] ^= 0x80;
    let error = decrypt_fails(&lab, "damaged.der", &damaged, &alice);
    assert!(matches!(error, CmsError::BadPadding), "{error}");
    assert_eq!(error.code(), "cms.bad_padding");
}

#[test]
fn wrong_recipient_lists_the_envelope_recipients() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    let mallory = lab.p256_party("mallory");
    let path = openssl_envelope(
        &lab,
        "gcm.der",
        &["-aes-256-gcm", "-outform", "DER"],
        &alice,
    );
    let error = decrypt_path_fails(&lab, &path, &mallory);
    match &error {
        CmsError::NoRecipient { recipients } => {
            assert!(recipients.contains("CN=alice"), "{recipients}");
        }
        other => panic!("expected NoRecipient, got {other}"),
    }
    assert!(error.message_zh().contains("CN=alice"));

    // The right certificate with another private key.
    let output = lab.path("out.bin");
    let error = cms::decrypt_to_file(&path, &output, &alice.cert, &mallory.secret()).unwrap_err();
    assert!(matches!(error, CmsError::KeyUnwrapFailed), "{error}");
    lab.assert_no_output(&output);
}

#[test]
fn unsupported_algorithms_are_named() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    let des3 = openssl_envelope(
        &lab,
        "des3.der",
        &["-des3", "-wrap", "aes256-wrap", "-outform", "DER"],
        &alice,
    );
    let error = decrypt_path_fails(&lab, &des3, &alice);
    match &error {
        CmsError::UnsupportedContentAlgorithm { oid, .. } => assert_eq!(oid, "1.2.840.113549.3.7"),
        other => panic!("expected UnsupportedContentAlgorithm, got {other}"),
    }
    let info = cms::inspect(&des3).unwrap();
    assert_eq!(info.content_cipher, None);
    assert_eq!(info.content_cipher_oid, "1.2.840.113549.3.7");

    // With -des3 alone, OpenSSL also wraps the key with 3DES.
    let des3_wrap = openssl_envelope(&lab, "des3wrap.der", &["-des3", "-outform", "DER"], &alice);
    let error = decrypt_path_fails(&lab, &des3_wrap, &alice);
    match &error {
        CmsError::UnsupportedKeyAlgorithm { oid, .. } => {
            assert_eq!(oid, "1.2.840.113549.1.9.16.3.6");
        }
        other => panic!("expected UnsupportedKeyAlgorithm, got {other}"),
    }

    let rsa = lab.party("rsa", &["-newkey", "rsa:2048"], "keyEncipherment");
    let ktri = openssl_envelope(&lab, "rsa.der", &["-aes-256-gcm", "-outform", "DER"], &rsa);
    let output = lab.path("out.bin");
    let error = cms::decrypt_to_file(&ktri, &output, &rsa.cert, &alice.secret()).unwrap_err();
    match &error {
        CmsError::UnsupportedKeyAlgorithm { name, oid } => {
            assert_eq!(name, "rsaEncryption");
            assert_eq!(oid, "1.2.840.113549.1.1.1");
        }
        other => panic!("expected UnsupportedKeyAlgorithm, got {other}"),
    }
    lab.assert_no_output(&output);
}

#[test]
fn garbage_empty_and_other_cms_inputs() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");

    let error = decrypt_fails(&lab, "empty.p7m", b"", &alice);
    assert!(matches!(error, CmsError::EmptyInput { .. }), "{error}");

    let error = decrypt_fails(
        &lab,
        "garbage.p7m",
        b"\x89PNG\r\n\x1a\n\x00\x00 not an envelope",
        &alice,
    );
    assert!(matches!(error, CmsError::NotAnEnvelope { .. }), "{error}");

    let error = decrypt_fails(&lab, "text.p7m", b"hello world, this is not cms\n", &alice);
    assert!(matches!(error, CmsError::NotAnEnvelope { .. }), "{error}");

    // A SEQUENCE that is not a ContentInfo.
    let error = decrypt_fails(&lab, "seq.p7m", &[0x30, 0x03, 0x02, 0x01, 0x00], &alice);
    assert!(
        matches!(error, CmsError::Malformed { offset: 2, .. }),
        "{error}"
    );

    // PEM with broken base64.
    let error = decrypt_fails(
        &lab,
        "bad.pem",
        b"-----BEGIN CMS-----\nMIIB*AAA\n-----END CMS-----\n",
        &alice,
    );
    assert!(matches!(error, CmsError::Malformed { .. }), "{error}");

    // A signed message is CMS, but no envelope.
    let (plain_path, _) = lab.plaintext("signed.txt", 100);
    openssl(
        lab.dir.path(),
        &[
            "req",
            "-x509",
            "-nodes",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-keyout",
            "s.key",
            "-out",
            "s.crt",
            "-subj",
            "/CN=signer",
        ],
    );
    openssl(
        lab.dir.path(),
        &[
            "cms",
            "-sign",
            "-binary",
            "-outform",
            "DER",
            "-in",
            plain_path.to_str().unwrap(),
            "-out",
            "signed.p7s",
            "-signer",
            "s.crt",
            "-inkey",
            "s.key",
        ],
    );
    let error = decrypt_path_fails(&lab, &lab.path("signed.p7s"), &alice);
    match &error {
        CmsError::NotAnEnvelope { found, .. } => {
            assert!(found.contains("1.2.840.113549.1.7.2"), "{found}");
        }
        other => panic!("expected NotAnEnvelope, got {other}"),
    }
    openssl(
        lab.dir.path(),
        &[
            "cms",
            "-sign",
            "-in",
            plain_path.to_str().unwrap(),
            "-out",
            "signed.smime",
            "-signer",
            "s.crt",
            "-inkey",
            "s.key",
            "-nodetach",
        ],
    );
    let error = decrypt_path_fails(&lab, &lab.path("signed.smime"), &alice);
    assert!(matches!(error, CmsError::NotAnEnvelope { .. }), "{error}");
}

#[test]
fn every_header_byte_flip_fails_cleanly_or_decrypts_right() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    let (plain_path, plain) = lab.plaintext("flip.txt", 3000);
    for (name, options) in [
        ("flip-gcm.der", vec!["-aes-256-gcm", "-outform", "DER"]),
        ("flip-cbc.der", vec!["-aes-128-cbc", "-outform", "DER"]),
    ] {
        let mut args = vec![
            "cms",
            "-encrypt",
            "-binary",
            "-in",
            plain_path.to_str().unwrap(),
            "-out",
            name,
        ];
        args.extend_from_slice(&options);
        args.extend_from_slice(&["-recip", alice.cert_path.to_str().unwrap()]);
        openssl(lab.dir.path(), &args);
        let bytes = std::fs::read(lab.path(name)).unwrap();

        // Everything before the content, which DER puts last (GCM: 3000
        // bytes, then the 18-byte mac; CBC: 3008 padded bytes).
        let content_and_after = if name.contains("gcm") {
            3000 + 18
        } else {
            3008
        };
        let mut failures = 0;
        for at in 0..bytes.len() - content_and_after {
            for mask in [0x01u8, 0x80] {
                let mut damaged = bytes.clone();
                damaged[at] ^= mask;
                let input = lab.path("flipped.p7m");
                std::fs::write(&input, &damaged).unwrap();
                let output = lab.path("flipped.out");
                let result = cms::decrypt_to_file(&input, &output, &alice.cert, &alice.secret());
                if result.is_err() {
                    lab.assert_no_output(&output);
                    failures += 1;
                    continue;
                }

                // Fields outside the key and the authenticated data, such as
                // the version, do not matter to decryption. A flipped CBC IV
                // changes the first block only: CBC has no integrity, which
                // is why palmbid writes GCM.
                let opened = std::fs::read(&output).unwrap();
                let intact_from = if name.contains("cbc") { 16 } else { 0 };
                assert_eq!(opened.len(), plain.len(), "{name}: flip at {at}");
                assert!(
                    opened[intact_from..] == plain[intact_from..],
                    "{name}: flip at {at} gave other plaintext"
                );
                std::fs::remove_file(&output).unwrap();
            }
        }
        assert!(failures > 300, "{name}: only {failures} flips were noticed");
    }
}
