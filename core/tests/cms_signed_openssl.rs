//! Detached CMS `SignedData`, judged both ways by the `openssl cms` command
//! line (OpenSSL 3.0): palmbid's signatures verify in OpenSSL, OpenSSL's
//! verify in palmbid, and every tampering fails with its own error.

#[path = "pki_support/mod.rs"]
mod pki_support;

use std::path::Path;

use palmbid_core::cms::{
    CmsError, sign_detached_digest, sign_detached_file, verify_detached_digest,
    verify_detached_file,
};
use palmbid_core::pki::{CertInfo, IssuingCa, KeyRole, PkiError, Validity, parse_private_key};
use pki_support::*;
use sha2::{Digest, Sha256};

struct Signer {
    root: IssuingCa,
    sub: IssuingCa,
    cert: CertInfo,
    key: p256::SecretKey,
}

/// A root, an intermediate and a signing certificate, written as root.pem,
/// sub.pem, leaf.pem and key.pem, and a bid file `bid.bin`.
fn setup(dir: &Path, role: KeyRole, validity: Validity) -> Signer {
    let root = root("palmbid 测试根 CA");
    let sub = root
        .new_intermediate("palmbid 测试二级 CA", ten_years())
        .expect("sub");
    let issued = sub
        .issue_with_new_key(&subject(), role, validity)
        .expect("issue");
    write(dir, "root.pem", root.certificate().to_pem());
    write(dir, "sub.pem", sub.certificate().to_pem());
    write(dir, "leaf.pem", issued.cert.to_pem());
    write(dir, "key.pem", issued.key_pkcs8_pem.as_bytes());
    let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    write(dir, "bid.bin", &content);
    let key = parse_private_key(issued.key_pkcs8_pem.as_bytes(), None).expect("key");
    Signer {
        root,
        sub,
        cert: issued.cert,
        key,
    }
}

/// The machine's clock, for OpenSSL-made signatures (signingTime = now).
fn now() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock");
    i64::try_from(since.as_secs()).expect("seconds")
}

fn openssl_verifies(dir: &Path, sig: &str, content: &str) -> pki_support::Run {
    openssl(
        dir,
        &[
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            sig,
            "-content",
            content,
            "-CAfile",
            "root.pem",
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ],
    )
}

#[test]
fn palmbid_signature_verifies_in_openssl() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let s = setup(d, KeyRole::Signing, ten_years());

    let sig = sign_detached_file(
        &d.join("bid.bin"),
        &s.key,
        &s.cert,
        &[s.sub.certificate().clone()],
        now(),
    )
    .expect("sign");
    write(d, "bid.p7s", &sig);

    let run = openssl_verifies(d, "bid.p7s", "bid.bin");
    assert!(
        run.ok && run.stderr.contains("Verification successful"),
        "{}{}",
        run.stdout,
        run.stderr
    );

    // OpenSSL sees the four signed attributes.
    let printed = openssl_ok(
        d,
        &[
            "cms", "-cmsout", "-print", "-inform", "DER", "-in", "bid.p7s",
        ],
    );
    for attr in [
        "contentType",
        "signingTime",
        "messageDigest",
        "id-smime-aa-signingCertificateV2",
    ] {
        assert!(printed.contains(attr), "{attr} missing:\n{printed}");
    }
    assert!(printed.contains("ecdsa-with-SHA256"), "{printed}");

    // One changed byte of the content fails in OpenSSL too.
    let mut changed = std::fs::read(d.join("bid.bin")).expect("read");
    changed[1000] ^= 0x01;
    write(d, "changed.bin", &changed);
    let run = openssl_verifies(d, "bid.p7s", "changed.bin");
    assert!(!run.ok, "a changed file must not verify:\n{}", run.stderr);

    // And palmbid agrees with itself.
    let verified = verify_detached_file(
        &sig,
        &d.join("bid.bin"),
        &[s.root.certificate().clone()],
        now(),
    )
    .expect("verify");
    assert_eq!(verified.signer.fingerprint, s.cert.fingerprint);
}

#[test]
fn signature_over_a_digest_matches_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let s = setup(d, KeyRole::Signing, ten_years());
    let digest: [u8; 32] = Sha256::digest(std::fs::read(d.join("bid.bin")).expect("read")).into();
    let signing_time = JAN_2026 + 3 * DAY;

    let sig = sign_detached_digest(
        &digest,
        &s.key,
        &s.cert,
        &[s.sub.certificate().clone()],
        signing_time,
    )
    .expect("sign");
    write(d, "bid.p7s", &sig);
    let run = openssl_verifies(d, "bid.p7s", "bid.bin");
    assert!(run.ok, "{}", run.stderr);

    let anchors = [s.root.certificate().clone()];
    let verified = verify_detached_digest(&sig, &digest, &anchors, now()).expect("verify digest");
    assert_eq!(verified.signing_time, Some(signing_time));
    verify_detached_file(&sig, &d.join("bid.bin"), &anchors, now()).expect("verify file");
}

#[test]
fn openssl_signature_verifies_in_palmbid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let s = setup(d, KeyRole::Signing, ten_years());
    let anchors = [s.root.certificate().clone()];

    for (name, extra) in [("plain.p7s", vec![]), ("cades.p7s", vec!["-cades"])] {
        let mut args = vec![
            "cms",
            "-sign",
            "-binary",
            "-md",
            "sha256",
            "-in",
            "bid.bin",
            "-signer",
            "leaf.pem",
            "-inkey",
            "key.pem",
            "-certfile",
            "sub.pem",
            "-outform",
            "DER",
            "-out",
            name,
        ];
        args.extend(extra);
        openssl_ok(d, &args);
        let sig = std::fs::read(d.join(name)).expect("read");

        let verified = verify_detached_file(&sig, &d.join("bid.bin"), &anchors, now())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(verified.signer.fingerprint, s.cert.fingerprint, "{name}");
        let time = verified.signing_time.expect("OpenSSL adds signingTime");
        assert!((time - now()).abs() < 600, "{name}: signing time {time}");

        let mut changed = std::fs::read(d.join("bid.bin")).expect("read");
        changed[0] ^= 0x80;
        write(d, "changed.bin", &changed);
        let err = verify_detached_file(&sig, &d.join("changed.bin"), &anchors, now())
            .expect_err("changed");
        assert!(
            matches!(err, CmsError::SignedContentMismatch),
            "{name}: {err}"
        );
    }
}

#[test]
fn tampered_attributes_fail_the_signature() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let s = setup(d, KeyRole::Signing, ten_years());
    let signing_time = JAN_2026 + DAY; // UTCTime 260102000000Z
    let mut sig = sign_detached_file(
        &d.join("bid.bin"),
        &s.key,
        &s.cert,
        &[s.sub.certificate().clone()],
        signing_time,
    )
    .expect("sign");

    let time = b"260102000000Z";
    let at = sig
        .windows(time.len())
        .position(|w| w == time)
        .expect("signingTime in DER");
    sig[at + 5] = b'3';
    let err = verify_detached_file(
        &sig,
        &d.join("bid.bin"),
        &[s.root.certificate().clone()],
        now(),
    )
    .expect_err("tampered");
    assert!(matches!(err, CmsError::SignatureInvalid { .. }), "{err}");
}

#[test]
fn untrusted_and_malformed_signatures_fail_distinctly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let s = setup(d, KeyRole::Signing, ten_years());
    let sig = sign_detached_file(
        &d.join("bid.bin"),
        &s.key,
        &s.cert,
        &[s.sub.certificate().clone()],
        now(),
    )
    .expect("sign");
    let file = d.join("bid.bin");

    let other = root("另一个根 CA");
    let err = verify_detached_file(&sig, &file, &[other.certificate().clone()], now())
        .expect_err("untrusted");
    assert!(
        matches!(
            err,
            CmsError::SignerNotTrusted {
                source: PkiError::UnknownIssuer { .. }
            }
        ),
        "{err}"
    );

    let err = verify_detached_file(b"not a signature", &file, &[], now()).expect_err("garbage");
    assert!(matches!(err, CmsError::SignatureMalformed { .. }), "{err}");
    let err =
        verify_detached_file(&sig[..sig.len() / 2], &file, &[], now()).expect_err("truncated");
    assert!(matches!(err, CmsError::SignatureMalformed { .. }), "{err}");

    let err = verify_detached_file(&sig, &d.join("missing.bin"), &[], now()).expect_err("no file");
    assert!(matches!(err, CmsError::Io { .. }), "{err}");
}

#[test]
fn signer_checks_at_signing_time_and_role() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = dir.path();
    let short = Validity {
        not_before: JAN_2026,
        days: 30,
    };
    let s = setup(d, KeyRole::Signing, short);
    let anchors = [s.root.certificate().clone()];
    let chain = [s.sub.certificate().clone()];

    // Signed while valid: verifies later, at its signing time.
    let sig = sign_detached_file(&d.join("bid.bin"), &s.key, &s.cert, &chain, JAN_2026 + DAY)
        .expect("sign");
    verify_detached_file(&sig, &d.join("bid.bin"), &anchors, JAN_2026 + 100 * DAY)
        .expect("valid then");

    // Claimed signing time after expiry: refused.
    let sig = sign_detached_file(
        &d.join("bid.bin"),
        &s.key,
        &s.cert,
        &chain,
        JAN_2026 + 40 * DAY,
    )
    .expect("sign");
    let err = verify_detached_file(&sig, &d.join("bid.bin"), &anchors, now()).expect_err("expired");
    assert!(
        matches!(
            err,
            CmsError::SignerNotTrusted {
                source: PkiError::Expired { .. }
            }
        ),
        "{err}"
    );

    // An encryption certificate may not sign.
    let enc = s
        .sub
        .issue_with_new_key(&subject(), KeyRole::Encryption, ten_years())
        .expect("issue");
    let enc_key = parse_private_key(enc.key_pkcs8_pem.as_bytes(), None).expect("key");
    let sig = sign_detached_file(
        &d.join("bid.bin"),
        &enc_key,
        &enc.cert,
        &chain,
        JAN_2026 + DAY,
    )
    .expect("sign");
    let err =
        verify_detached_file(&sig, &d.join("bid.bin"), &anchors, now()).expect_err("wrong usage");
    assert!(
        matches!(
            err,
            CmsError::SignerNotTrusted {
                source: PkiError::WrongKeyUsage { .. }
            }
        ),
        "{err}"
    );

    // Signing with a certificate of another key is refused up front.
    let err = sign_detached_file(&d.join("bid.bin"), &enc_key, &s.cert, &chain, JAN_2026)
        .expect_err("mismatch");
    assert!(matches!(err, CmsError::SignerKeyMismatch { .. }), "{err}");
}
