//! `palmbid toolbox` and `palmbid scan` as two processes, the way a
//! bidder uses them: the toolbox prints a `qr:` line a frame, the phone
//! command scans the newest one and answers with the PIN on standard
//! input. The platform runs in-process on a free loopback port.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod support;

use std::path::Path;
use std::process::Command;

use support::{COMPANY, CREDIT, PIN, Setup, finish, fresh_frame, next_frame};

#[test]
fn toolbox_login_with_the_number_shown() {
    let setup = Setup::with_certificate();
    let (toolbox, lines) = setup.toolbox(&["--machine", "PC-07", "login"]);
    let mut number = None;
    next_frame(&lines, &mut number);
    let number = number.expect("the toolbox shows the number before the code");
    let url = fresh_frame(&lines, &mut None);

    let answered = setup.ok_with_input(&["scan", &url, "--number", &number], &format!("{PIN}\n"));
    let (output, rest) = finish(toolbox, &lines);

    assert!(answered.contains("log in"), "{answered}");
    assert!(answered.contains("PC-07"), "{answered}");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        rest.contains("Logged in as:") && rest.contains(COMPANY),
        "{rest}"
    );
}

#[test]
fn toolbox_sign_then_openssl_verifies() {
    let setup = Setup::with_certificate();
    let document = setup.dir.path().join("bid.pdf");
    std::fs::write(&document, b"%PDF-1.7 a bid").unwrap();
    let signature = setup.dir.path().join("bid.p7s");
    let (toolbox, lines) = setup.toolbox(&[
        "sign",
        "--in",
        document.to_str().unwrap(),
        "--out",
        signature.to_str().unwrap(),
    ]);

    let url = fresh_frame(&lines, &mut None);
    let answered = setup.ok_with_input(&["scan", &url], &format!("{PIN}\n"));
    let (output, _) = finish(toolbox, &lines);

    assert!(answered.contains("bid.pdf"), "{answered}");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let verified = Command::new("openssl")
        .args([
            "cms", "-verify", "-binary", "-inform", "DER", "-purpose", "any",
        ])
        .arg("-in")
        .arg(&signature)
        .arg("-content")
        .arg(&document)
        .arg("-CAfile")
        .arg(setup.ca())
        .args(["-out", "/dev/null"])
        .output()
        .unwrap();
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
}

#[test]
fn toolbox_encrypt_then_decrypt_by_key_release() {
    let setup = Setup::with_certificate();
    let plain = setup.dir.path().join("bid.txt");
    std::fs::write(&plain, "投标报价：人民币 12,345,678.00 元\n").unwrap();
    let envelope = setup.dir.path().join("bid.p7m");
    let opened = setup.dir.path().join("bid.opened.txt");

    let (toolbox, lines) = setup.toolbox(&[
        "encrypt",
        "--in",
        plain.to_str().unwrap(),
        "--out",
        envelope.to_str().unwrap(),
    ]);
    let url = fresh_frame(&lines, &mut None);
    setup.ok_with_input(&["scan", &url], &format!("{PIN}\n"));
    let (encrypted, _) = finish(toolbox, &lines);
    assert!(
        encrypted.status.success(),
        "{}",
        String::from_utf8_lossy(&encrypted.stderr)
    );

    let (toolbox, lines) = setup.toolbox(&[
        "decrypt",
        "--in",
        envelope.to_str().unwrap(),
        "--out",
        opened.to_str().unwrap(),
    ]);
    let url = fresh_frame(&lines, &mut None);
    let wrong = setup.run_with_input(&["scan", &url], "000000\n");
    let url = fresh_frame(&lines, &mut None);
    setup.ok_with_input(&["scan", &url], &format!("{PIN}\n"));
    let (decrypted, _) = finish(toolbox, &lines);

    assert_eq!(wrong.status.code(), Some(1));
    let wrong_err = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        wrong_err.contains("[keystore.pin_incorrect]"),
        "{wrong_err}"
    );
    assert!(
        decrypted.status.success(),
        "{}",
        String::from_utf8_lossy(&decrypted.stderr)
    );
    assert_eq!(
        std::fs::read(&opened).unwrap(),
        std::fs::read(&plain).unwrap()
    );
}

#[test]
fn toolbox_refuses_files_before_showing_a_code() {
    let setup = Setup::with_certificate();
    let missing: &Path = &setup.dir.path().join("missing.pdf");
    let out = setup.run_with_input(
        &[
            "toolbox",
            "--platform",
            &setup.server.base_url(),
            "sign",
            "--in",
            missing.to_str().unwrap(),
            "--out",
            setup.dir.path().join("x.p7s").to_str().unwrap(),
        ],
        "",
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(!stdout.contains("qr:"), "{stdout}");

    // A file that is not a PDF, and a page the PDF does not have.
    let text = setup.dir.path().join("letter.txt");
    std::fs::write(&text, "not a PDF").unwrap();
    let ca = setup.ca();
    for (input, page, code) in [
        (&text, "1", "[pades.not_pdf]"),
        (
            &setup.dir.path().join("letter.pdf"),
            "9",
            "[pades.page_out_of_range]",
        ),
    ] {
        if input.extension().is_some_and(|e| e == "pdf") {
            std::fs::write(input, palmbid_toolbox::pades::sample_bid_document("Letter")).unwrap();
        }
        let out = setup.run_with_input(
            &[
                "toolbox",
                "--platform",
                &setup.server.base_url(),
                "--ca",
                ca.to_str().unwrap(),
                "seal",
                "--in",
                input.to_str().unwrap(),
                "--out",
                setup.dir.path().join("sealed.pdf").to_str().unwrap(),
                "--page",
                page,
                "--at",
                "100,100",
            ],
            "",
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(code), "{stderr}");
        assert!(!stdout.contains("qr:"), "{stdout}");
    }
}

#[test]
fn toolbox_pack_encrypt_and_upload_to_the_hall() {
    use sha2::Digest;

    let setup = Setup::with_certificate();
    let project = setup.hall_project("办公楼工程", 7200, &format!("{CREDIT} {COMPANY}"), &[]);

    let document = setup.dir.path().join("商务标.pdf");
    std::fs::write(&document, b"%PDF-1.7 commercial bid").unwrap();
    let package = setup.dir.path().join("bid.json");
    let refused = setup.run_with_input(
        &[
            "toolbox",
            "pack",
            "--project",
            &project,
            "--quote",
            "12.345",
            "--credit-code",
            CREDIT,
            document.to_str().unwrap(),
            "-o",
            package.to_str().unwrap(),
        ],
        "",
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("[hall.invalid_package]"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    setup.ok(&[
        "toolbox",
        "pack",
        "--project",
        &project,
        "--quote",
        "1234567.89",
        "--credit-code",
        CREDIT,
        document.to_str().unwrap(),
        "-o",
        package.to_str().unwrap(),
    ]);
    let packed: palmbid_core::api::hall::BidPackage =
        palmbid_core::api::hall::BidPackage::from_json(&std::fs::read(&package).unwrap()).unwrap();
    assert_eq!(packed.quote.amount, "1234567.89");
    assert_eq!(packed.documents[0].name, "商务标.pdf");

    let envelope = setup.dir.path().join("bid.p7m");
    let (toolbox, lines) = setup.toolbox(&[
        "encrypt",
        "--in",
        package.to_str().unwrap(),
        "--out",
        envelope.to_str().unwrap(),
    ]);
    let url = fresh_frame(&lines, &mut None);
    setup.ok_with_input(&["scan", &url], &format!("{PIN}\n"));
    let (encrypted, _) = finish(toolbox, &lines);
    assert!(
        encrypted.status.success(),
        "{}",
        String::from_utf8_lossy(&encrypted.stderr)
    );

    let (toolbox, lines) =
        setup.toolbox(&["upload", "--project", &project, envelope.to_str().unwrap()]);
    let mut number = None;
    next_frame(&lines, &mut number);
    let url = fresh_frame(&lines, &mut None);
    setup.ok_with_input(
        &["scan", &url, "--number", &number.unwrap()],
        &format!("{PIN}\n"),
    );
    let (uploaded, rest) = finish(toolbox, &lines);
    assert!(
        uploaded.status.success(),
        "{:?}: {}\n{rest}",
        uploaded.status,
        String::from_utf8_lossy(&uploaded.stderr)
    );
    let sha256 = hex::encode(sha2::Sha256::digest(std::fs::read(&envelope).unwrap()));
    assert!(rest.contains(&format!("sha256: {sha256}")), "{rest}");
    assert!(rest.contains("bid: "), "{rest}");
    let stored = std::fs::read_dir(setup.dir.path().join("platform/bids"))
        .unwrap()
        .count();
    assert_eq!(stored, 1);
}
