//! `palmbid hall rounds|quote|draw` against a real platform on loopback,
//! with the experts' rounds and draws made on their console.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod support;

use palmbid_core::api::hall::Phase;
use support::{CREDIT, PIN, Setup};

/// A project of the phone's company, signed in with the CLI and moved to
/// phase evaluation; returns its id.
fn evaluation_project(setup: &Setup, name: &str) -> String {
    let id = setup.hall_project(name, 1800, &format!("{CREDIT} 投标单位"), &[]);
    setup.ok_with_input(&["hall", "sign-in", &id], &format!("{PIN}\n"));
    for phase in [
        Phase::Decryption,
        Phase::QuoteReading,
        Phase::QuoteConfirmation,
        Phase::Evaluation,
    ] {
        setup.move_hall(&id, phase);
    }
    id
}

/// Runs a command that must fail; returns its standard error.
fn refused(setup: &Setup, args: &[&str], input: &str) -> String {
    let out = setup.run_with_input(args, input);
    assert!(!out.status.success(), "palmbid {args:?} must fail");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn hall_quote_rounds_flow() {
    let setup = Setup::with_certificate();
    let id = evaluation_project(&setup, "市政道路工程");
    let pin = format!("{PIN}\n");

    assert_eq!(setup.ok(&["hall", "rounds", &id, "--json"]).trim(), "[]");
    let stderr = refused(
        &setup,
        &["hall", "quote", &id, "--round", "1", "--amount", "100"],
        &pin,
    );
    assert!(stderr.contains("hall.no_round_open"), "{stderr}");

    setup.console_post(
        &format!("/console/experts/{id}/rounds/open"),
        &[("section", "1")],
    );
    // A bad amount is refused before the PIN is asked for.
    let stderr = refused(
        &setup,
        &["hall", "quote", &id, "--round", "1", "--amount", "12.345"],
        "",
    );
    assert!(stderr.contains("hall.invalid_amount"), "{stderr}");
    setup.ok_with_input(
        &["hall", "quote", &id, "--round", "1", "--amount", "100"],
        &pin,
    );
    let out = setup.ok_with_input(
        &[
            "hall", "quote", &id, "--round", "1", "--amount", "99.5", "--json",
        ],
        &pin,
    );
    let quote: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(quote["amount"], "99.5");
    assert_eq!(quote["credit_code"], CREDIT);

    let out = setup.ok(&["hall", "rounds", &id, "--json"]);
    let rounds: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(rounds[0]["state"], "open");
    assert_eq!(rounds[0]["quotes"].as_array().unwrap().len(), 1);
    assert_eq!(rounds[0]["quotes"][0]["amount"], "99.5");

    setup.console_post(
        &format!("/console/experts/{id}/rounds/close"),
        &[("section", "1")],
    );
    let stderr = refused(
        &setup,
        &["hall", "quote", &id, "--round", "1", "--amount", "90"],
        &pin,
    );
    assert!(stderr.contains("hall.round_closed"), "{stderr}");
    let text = setup.ok(&["hall", "rounds", &id]);
    assert!(text.contains("closed"), "{text}");
    assert!(text.contains("99.5"), "{text}");
}

#[test]
fn hall_draw_contributes_then_verifies() {
    let setup = Setup::with_certificate();
    let id = evaluation_project(&setup, "桥梁工程");
    let pin = format!("{PIN}\n");

    let stderr = refused(&setup, &["hall", "draw", &id], "");
    assert!(stderr.contains("hall.no_draw_open"), "{stderr}");

    setup.console_post(
        &format!("/console/experts/{id}/draws/open"),
        &[("candidates", "0.95,0.96,0.97,0.98")],
    );
    let out = setup.ok_with_input(&["hall", "draw", &id, "--json"], &pin);
    let contributed: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(contributed["state"], "contributed");
    assert_eq!(contributed["draw"], 1);
    // Again while open: nothing new is sent, no PIN asked.
    let again: serde_json::Value =
        serde_json::from_str(&setup.ok(&["hall", "draw", &id, "--json"])).unwrap();
    assert_eq!(again, contributed);

    setup.console_post(&format!("/console/experts/{id}/draws/close"), &[]);
    let out = setup.ok(&["hall", "draw", &id, "--json"]);
    let verified: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(verified["state"], "verified");
    let coefficient = verified["coefficient"].as_str().unwrap().to_owned();
    let page = setup.console_get("/console/experts");
    assert!(
        page.contains(&format!("<td class=\"result\">{coefficient}</td>")),
        "{page}"
    );
    let text = setup.ok(&["hall", "draw", &id]);
    assert!(text.contains("verified"), "{text}");
    assert!(text.contains(&coefficient), "{text}");

    // A commitment other than the one kept at the contribution is refused.
    let kept = setup
        .dir
        .path()
        .join("home/hall-draws")
        .join(format!("{id}-1.json"));
    let mut record: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&kept).unwrap()).unwrap();
    record["commitment"]["commitment"] = serde_json::Value::from("00".repeat(32));
    std::fs::write(&kept, serde_json::to_vec(&record).unwrap()).unwrap();
    let stderr = refused(&setup, &["hall", "draw", &id], "");
    assert!(stderr.contains("hall.draw_seed_mismatch"), "{stderr}");
    assert!(stderr.contains("report it to the platform"), "{stderr}");
}
