//! `palmbid hall quotes|confirm|details|challenge|challenges` against a
//! real platform on loopback, with the tender agent's console entering
//! the project, moving its phases and answering challenges.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod support;

use palmbid_core::api::hall::Phase;
use palmbid_core::api::hall::challenges::MAX_ATTACHMENT_BYTES;
use support::{CREDIT, PIN, Setup};

/// Runs a command that must fail; returns its exit code and stderr.
fn fails(setup: &Setup, args: &[&str], input: &str) -> (i32, String) {
    let out = setup.run_with_input(args, input);
    assert!(!out.status.success(), "palmbid {args:?} succeeded");
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn details_and_quotes_by_phase() {
    let setup = Setup::with_certificate();
    let id = setup.hall_project(
        "市政排水工程",
        1800,
        &format!("{CREDIT} 示例科技有限公司"),
        &[
            ("code", "SZPS-2026-07"),
            ("tenderer", "某区住房和城乡建设局"),
            ("agent", "某工程咨询有限公司"),
            ("place", "二号开标厅"),
        ],
    );

    let json: serde_json::Value =
        serde_json::from_str(&setup.ok(&["hall", "details", &id, "--json"])).unwrap();
    assert_eq!(json["code"], "SZPS-2026-07");
    assert_eq!(json["tenderer"], "某区住房和城乡建设局");
    assert_eq!(json["agent"], "某工程咨询有限公司");
    assert_eq!(json["place"], "二号开标厅");
    assert_eq!(json["notes"], serde_json::Value::Null);
    assert_eq!(json["phase"], "sign_in");
    assert_eq!(json["sections"][0]["bidders"], 1);
    let text = setup.ok(&["hall", "details", &id]);
    assert!(
        text.contains("某区住房和城乡建设局") && text.contains("(not given)"),
        "{text}"
    );

    // Sealed until the quote reading.
    let (_, stderr) = fails(&setup, &["hall", "quotes", &id], "");
    assert!(stderr.contains("hall.quotes_sealed"), "{stderr}");

    setup.move_hall(&id, Phase::Decryption);
    setup.move_hall(&id, Phase::QuoteReading);
    let json: serde_json::Value =
        serde_json::from_str(&setup.ok(&["hall", "quotes", &id, "--json"])).unwrap();
    assert_eq!(json["phase"], "quote_reading");
    let row = &json["quotes"][0];
    assert_eq!(row["credit_code"], CREDIT);
    assert_eq!(
        row["bid_id"],
        serde_json::Value::Null,
        "no bid was uploaded"
    );
    assert_eq!(row["decrypted"], false);
    let text = setup.ok(&["hall", "quotes", &id]);
    assert!(text.contains("not decrypted"), "{text}");

    // A malformed amount is a usage error named with its fix. The wrong
    // phase and a bid not the company's are rejected before the PIN.
    let (status, stderr) = fails(
        &setup,
        &["hall", "confirm", &id, "b1", "--amount", "1,000"],
        "",
    );
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.contains("cli.bad_amount") && stderr.contains("1234567.89"),
        "{stderr}"
    );
    let (_, stderr) = fails(
        &setup,
        &["hall", "confirm", &id, "b1", "--amount", "1000"],
        "",
    );
    assert!(stderr.contains("hall.not_confirmation_phase"), "{stderr}");
    setup.move_hall(&id, Phase::QuoteConfirmation);
    let (_, stderr) = fails(
        &setup,
        &["hall", "confirm", &id, &"0".repeat(32), "--amount", "1000"],
        "",
    );
    assert!(stderr.contains("hall.bid_not_found"), "{stderr}");
    let json: serde_json::Value =
        serde_json::from_str(&setup.ok(&["hall", "quotes", &id, "--json"])).unwrap();
    assert_eq!(json["quotes"][0]["confirmed"], false);
}

#[test]
fn challenge_sent_and_answer_read() {
    let setup = Setup::with_certificate();
    let id = setup.hall_project(
        "体育馆装修工程",
        1800,
        &format!("{CREDIT} 示例科技有限公司"),
        &[],
    );
    let dir = setup.dir.path();
    let pdf = dir.join("说明.pdf");
    std::fs::write(&pdf, b"%PDF-1.7\n% challenge\n").unwrap();
    let zip = dir.join("证据.pdf");
    std::fs::write(&zip, b"PK\x03\x04 not a pdf").unwrap();
    let big = dir.join("big.pdf");
    let mut content = b"%PDF-1.7\n".to_vec();
    content.resize(MAX_ATTACHMENT_BYTES + 1, b' ');
    std::fs::write(&big, content).unwrap();
    let path = |p: &std::path::Path| p.to_str().unwrap().to_owned();

    // Refused before the PIN: no input is given.
    let (_, stderr) = fails(
        &setup,
        &[
            "hall",
            "challenge",
            &id,
            "--text",
            "资格条件",
            "--attach",
            &path(&zip),
        ],
        "",
    );
    assert!(stderr.contains("hall.attachment_type"), "{stderr}");
    let (_, stderr) = fails(
        &setup,
        &[
            "hall",
            "challenge",
            &id,
            "--text",
            "资格条件",
            "--attach",
            &path(&big),
        ],
        "",
    );
    assert!(stderr.contains("hall.attachment_too_large"), "{stderr}");
    let (_, stderr) = fails(&setup, &["hall", "challenge", &id, "--text", "  "], "");
    assert!(stderr.contains("hall.challenge_empty"), "{stderr}");
    let missing = path(&dir.join("missing.pdf"));
    let (_, stderr) = fails(
        &setup,
        &[
            "hall",
            "challenge",
            &id,
            "--text",
            "资格条件",
            "--attach",
            &missing,
        ],
        "",
    );
    assert!(stderr.contains("cli.io"), "{stderr}");

    let out = setup.ok_with_input(
        &[
            "hall",
            "challenge",
            &id,
            "--text",
            "资格条件要求过高，请说明依据。",
            "--attach",
            &path(&pdf),
        ],
        &format!("{PIN}\n"),
    );
    assert!(out.contains("challenge submitted"), "{out}");

    let json: serde_json::Value =
        serde_json::from_str(&setup.ok(&["hall", "challenges", &id, "--json"])).unwrap();
    let challenge = &json[0];
    assert_eq!(challenge["text"], "资格条件要求过高，请说明依据。");
    assert_eq!(challenge["attachments"][0]["name"], "说明.pdf");
    assert_eq!(challenge["attachments"][0]["kind"], "pdf");
    assert_eq!(challenge["answer"], serde_json::Value::Null);
    let challenge_id = challenge["id"].as_str().unwrap().to_owned();

    setup.console_post(
        &format!("/console/hall/{id}/challenges/{challenge_id}/answer"),
        &[("answer", "依据招标文件第三章。")],
    );
    let text = setup.ok(&["hall", "challenges", &id]);
    assert!(text.contains("依据招标文件第三章。"), "{text}");
    assert!(text.contains(&challenge_id), "{text}");
}
