//! Envelopes made by palmbid, opened by the real `openssl cms -decrypt`
//! (OpenSSL 3.0) and by palmbid; recipient checks; key release.
#![allow(
    clippy::unwrap_used,
    reason = "a failed step fails the test, which is what it is for"
)]

mod cms_envelope_support;

use cms_envelope_support::{Lab, openssl, try_openssl};
use palmbid_core::cms::{self, CmsError, ContentCipher, EnvelopeKind, RecipientId};
use palmbid_core::error::Localized;

#[test]
fn one_recipient_opens_with_openssl() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    let (plain_path, plain) = lab.plaintext("bid.pdf", 300_017);
    let envelope = lab.path("bid.p7m");

    let report =
        cms::encrypt_to_file(&plain_path, &envelope, std::slice::from_ref(&alice.cert)).unwrap();
    assert_eq!(report.content_len, plain.len() as u64);
    assert_eq!(
        report.envelope_len,
        std::fs::metadata(&envelope).unwrap().len()
    );

    openssl(
        lab.dir.path(),
        &[
            "cms",
            "-decrypt",
            "-inform",
            "DER",
            "-in",
            "bid.p7m",
            "-out",
            "bid.openssl",
            "-recip",
            alice.cert_path.to_str().unwrap(),
            "-inkey",
            alice.key_path.to_str().unwrap(),
        ],
    );
    assert!(std::fs::read(lab.path("bid.openssl")).unwrap() == plain);

    let info = cms::inspect(&envelope).unwrap();
    assert_eq!(info.kind, EnvelopeKind::AuthEnveloped);
    assert_eq!(info.content_cipher, Some(ContentCipher::Aes256Gcm));
    assert_eq!(info.recipients.len(), 1);
    assert!(info.recipients[0].matches(&alice.cert));
    assert_eq!(
        info.recipients[0].key_algorithm,
        "dhSinglePass-stdDH-sha256kdf-scheme"
    );

    let output = lab.path("bid.palmbid");
    cms::decrypt_to_file(&envelope, &output, &alice.cert, &alice.secret()).unwrap();
    assert!(std::fs::read(&output).unwrap() == plain);
}

#[test]
fn two_recipients_open_with_openssl_for_each() {
    let lab = Lab::new();
    let phone = lab.p256_party("phone");
    let usb_key = lab.p256_party("usbkey");
    let (plain_path, plain) = lab.plaintext("bid.zip", 2 * 1024 * 1024 + 5);
    let envelope = lab.path("bid.p7m");
    cms::encrypt_to_file(
        &plain_path,
        &envelope,
        &[phone.cert.clone(), usb_key.cert.clone()],
    )
    .unwrap();

    for party in [&phone, &usb_key] {
        let out = format!("bid.{}", party.name);
        openssl(
            lab.dir.path(),
            &[
                "cms",
                "-decrypt",
                "-inform",
                "DER",
                "-in",
                "bid.p7m",
                "-out",
                &out,
                "-recip",
                party.cert_path.to_str().unwrap(),
                "-inkey",
                party.key_path.to_str().unwrap(),
            ],
        );
        assert!(
            std::fs::read(lab.path(&out)).unwrap() == plain,
            "{}",
            party.name
        );
    }
}

#[test]
fn empty_plaintext_round_trips() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    let (plain_path, _) = lab.plaintext("empty.txt", 0);
    let envelope = lab.path("empty.p7m");
    cms::encrypt_to_file(&plain_path, &envelope, std::slice::from_ref(&alice.cert)).unwrap();
    openssl(
        lab.dir.path(),
        &[
            "cms",
            "-decrypt",
            "-inform",
            "DER",
            "-in",
            "empty.p7m",
            "-out",
            "empty.openssl",
            "-recip",
            alice.cert_path.to_str().unwrap(),
            "-inkey",
            alice.key_path.to_str().unwrap(),
        ],
    );
    assert_eq!(std::fs::read(lab.path("empty.openssl")).unwrap().len(), 0);
    let report = cms::decrypt_to_file(
        &envelope,
        &lab.path("empty.out"),
        &alice.cert,
        &alice.secret(),
    )
    .unwrap();
    assert_eq!(report.plaintext_len, 0);
}

#[test]
fn unfit_recipients_are_refused_each_clearly() {
    let lab = Lab::new();
    let (plain_path, _) = lab.plaintext("bid.txt", 100);

    let rsa = lab.party("rsa", &["-newkey", "rsa:2048"], "keyEncipherment");
    let error = cms::encrypt_to_file(
        &plain_path,
        &lab.path("a.p7m"),
        std::slice::from_ref(&rsa.cert),
    )
    .unwrap_err();
    assert!(
        matches!(&error, CmsError::RecipientNotP256 { subject } if subject.contains("rsa")),
        "{error}"
    );
    assert_eq!(error.code(), "cms.recipient_not_p256");

    let p384 = lab.party(
        "p384",
        &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"],
        "keyAgreement",
    );
    let error = cms::encrypt_to_file(
        &plain_path,
        &lab.path("b.p7m"),
        std::slice::from_ref(&p384.cert),
    )
    .unwrap_err();
    assert!(
        matches!(error, CmsError::RecipientNotP256 { .. }),
        "{error}"
    );

    let signer = lab.party(
        "signer",
        &["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
        "digitalSignature",
    );
    let error = cms::encrypt_to_file(
        &plain_path,
        &lab.path("c.p7m"),
        std::slice::from_ref(&signer.cert),
    )
    .unwrap_err();
    assert!(
        matches!(&error, CmsError::RecipientNoKeyAgreement { subject } if subject.contains("signer")),
        "{error}"
    );
    assert_eq!(error.code(), "cms.recipient_no_key_agreement");
    assert!(error.message_zh().contains("keyAgreement"));

    let error = cms::encrypt_to_file(&plain_path, &lab.path("d.p7m"), &[]).unwrap_err();
    assert!(matches!(error, CmsError::NoRecipients), "{error}");

    for name in ["a.p7m", "b.p7m", "c.p7m", "d.p7m"] {
        lab.assert_no_output(&lab.path(name));
    }
}

#[test]
fn existing_output_is_never_replaced() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    let (plain_path, _) = lab.plaintext("bid.txt", 100);
    let envelope = lab.path("bid.p7m");
    std::fs::write(&envelope, b"keep me").unwrap();
    let error = cms::encrypt_to_file(&plain_path, &envelope, std::slice::from_ref(&alice.cert))
        .unwrap_err();
    assert!(matches!(error, CmsError::OutputExists { .. }), "{error}");
    assert_eq!(std::fs::read(&envelope).unwrap(), b"keep me");

    std::fs::remove_file(&envelope).unwrap();
    cms::encrypt_to_file(&plain_path, &envelope, std::slice::from_ref(&alice.cert)).unwrap();
    let output = lab.path("bid.out");
    std::fs::write(&output, b"keep me too").unwrap();
    let error = cms::decrypt_to_file(&envelope, &output, &alice.cert, &alice.secret()).unwrap_err();
    assert!(matches!(error, CmsError::OutputExists { .. }), "{error}");
    assert_eq!(std::fs::read(&output).unwrap(), b"keep me too");
}

#[test]
fn key_release_round_trip() {
    let lab = Lab::new();
    let phone = lab.p256_party("phone");
    let (plain_path, plain) = lab.plaintext("bid.pdf", 77_777);

    // One envelope made by palmbid, one by openssl (CBC, S/MIME, sha1 KDF).
    let ours = lab.path("ours.p7m");
    cms::encrypt_to_file(&plain_path, &ours, std::slice::from_ref(&phone.cert)).unwrap();
    openssl(
        lab.dir.path(),
        &[
            "cms",
            "-encrypt",
            "-binary",
            "-aes-128-cbc",
            "-in",
            plain_path.to_str().unwrap(),
            "-out",
            "theirs.p7m",
            "-recip",
            phone.cert_path.to_str().unwrap(),
        ],
    );

    for (i, envelope) in [ours, lab.path("theirs.p7m")].iter().enumerate() {
        let hall = p256::SecretKey::random(&mut rand_core::OsRng);
        let released =
            cms::release_key(envelope, &phone.cert, &phone.secret(), &hall.public_key()).unwrap();

        // A DER KeyAgreeRecipientInfo: SEQUENCE, version 3, then the
        // originator; the CEK does not appear in it.
        assert_eq!(released[0], 0x30);
        let output = lab.path(&format!("hall-{i}.out"));
        let report = cms::decrypt_with_released_key(envelope, &output, &released, &hall).unwrap();
        assert!(matches!(report.recipient, RecipientId::KeyId(ref id) if id.len() == 20));
        assert!(std::fs::read(&output).unwrap() == plain);
    }
}

#[test]
fn key_release_from_the_envelope_header_alone() {
    let lab = Lab::new();
    let phone = lab.p256_party("phone");
    let (plain_path, plain) = lab.plaintext("bid.pdf", 300_000);

    // DER by palmbid; streamed BER (indefinite lengths) in S/MIME by openssl.
    let ours = lab.path("ours.p7m");
    cms::encrypt_to_file(&plain_path, &ours, std::slice::from_ref(&phone.cert)).unwrap();
    openssl(
        lab.dir.path(),
        &[
            "cms",
            "-encrypt",
            "-stream",
            "-binary",
            "-aes-256-gcm",
            "-in",
            plain_path.to_str().unwrap(),
            "-out",
            "theirs.p7m",
            "-recip",
            phone.cert_path.to_str().unwrap(),
        ],
    );

    for (i, envelope) in [ours, lab.path("theirs.p7m")].iter().enumerate() {
        let header = cms::envelope_header(envelope, 16 * 1024).unwrap();
        assert!(header.len() < 2048, "header of {} bytes", header.len());

        let toolbox = p256::SecretKey::random(&mut rand_core::OsRng);
        let released = cms::release_key_from_header(
            &header,
            &phone.cert,
            &phone.secret(),
            &toolbox.public_key(),
        )
        .unwrap();
        let output = lab.path(&format!("toolbox-{i}.out"));
        cms::decrypt_with_released_key(envelope, &output, &released, &toolbox).unwrap();
        assert!(std::fs::read(&output).unwrap() == plain);
    }

    let ours = lab.path("ours.p7m");
    let error = cms::envelope_header(&ours, 100).unwrap_err();
    assert_eq!(error.code(), "cms.envelope_header_too_large", "{error}");
    let error = cms::release_key_from_header(
        b"\x30\x03\x02\x01\x00",
        &phone.cert,
        &phone.secret(),
        &phone.secret().public_key(),
    )
    .unwrap_err();
    assert!(
        matches!(
            error,
            CmsError::NotAnEnvelope { .. }
                | CmsError::Malformed { .. }
                | CmsError::Truncated { .. }
        ),
        "{error}"
    );
}

#[test]
fn released_key_does_not_open_for_another_key() {
    let lab = Lab::new();
    let phone = lab.p256_party("phone");
    let (plain_path, _) = lab.plaintext("bid.pdf", 1000);
    let envelope = lab.path("bid.p7m");
    cms::encrypt_to_file(&plain_path, &envelope, std::slice::from_ref(&phone.cert)).unwrap();

    let key_a = p256::SecretKey::random(&mut rand_core::OsRng);
    let key_b = p256::SecretKey::random(&mut rand_core::OsRng);
    let released =
        cms::release_key(&envelope, &phone.cert, &phone.secret(), &key_a.public_key()).unwrap();
    let output = lab.path("b.out");
    let error = cms::decrypt_with_released_key(&envelope, &output, &released, &key_b).unwrap_err();
    assert!(
        matches!(error, CmsError::ReleasedToOtherKey { .. }),
        "{error}"
    );
    assert_eq!(error.code(), "cms.released_to_other_key");
    lab.assert_no_output(&output);

    let error = cms::decrypt_with_released_key(&envelope, &output, b"\x30\x03\x02\x01\x03", &key_a)
        .unwrap_err();
    assert!(
        matches!(error, CmsError::InvalidReleasedKey { .. }),
        "{error}"
    );

    // The wrong private key for the envelope's own recipient entry.
    let error = cms::release_key(&envelope, &phone.cert, &key_b, &key_a.public_key()).unwrap_err();
    assert!(matches!(error, CmsError::KeyUnwrapFailed), "{error}");
}

#[test]
fn openssl_rejects_a_tampered_palmbid_envelope() {
    let lab = Lab::new();
    let alice = lab.p256_party("alice");
    let (plain_path, _) = lab.plaintext("bid.txt", 4000);
    let envelope = lab.path("bid.p7m");
    cms::encrypt_to_file(&plain_path, &envelope, std::slice::from_ref(&alice.cert)).unwrap();
    let mut bytes = std::fs::read(&envelope).unwrap();
    let at = bytes.len() - 18 - 100;
    bytes[at] ^= 1;
    std::fs::write(lab.path("tampered.p7m"), &bytes).unwrap();
    let (ok, _) = try_openssl(
        lab.dir.path(),
        &[
            "cms",
            "-decrypt",
            "-inform",
            "DER",
            "-in",
            "tampered.p7m",
            "-out",
            "tampered.out",
            "-recip",
            alice.cert_path.to_str().unwrap(),
            "-inkey",
            alice.key_path.to_str().unwrap(),
        ],
    );
    assert!(!ok, "openssl accepted a flipped ciphertext byte");
}
