//! `palmbid hall check|decrypt` and the key guard behind them, the check
//! shown in `palmbid hall list`, against a
//! real platform on loopback: a bid uploaded by the toolbox is checked
//! before the opening, which keeps its encryption key (shown by `palmbid
//! certs`) until the phone releases it at the decryption; the quote read
//! out is then confirmed with `palmbid hall confirm`. A bid encrypted to
//! an imported USB-KEY key, whose credential signs nothing for the
//! platform, needs the signing credential's PIN as well.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod support;

use palmbid_core::api::hall::Phase;
use palmbid_core::pki::{IssuingCa, KeyRole, Subject, Validity};
use support::{COMPANY, CREDIT, PIN, Setup};

/// The line `palmbid certs` prints for a key a pending bid still needs.
const KEPT: &str = "key kept until the opening of";

#[test]
fn check_keeps_key_until_decryption_then_confirm() {
    let setup = Setup::with_certificate();
    let project = setup.hall_project("水厂扩建工程", 1800, &format!("{CREDIT} {COMPANY}"), &[]);
    let bid = setup.upload_bid(&project, "2345678.00");
    assert!(!setup.ok(&["certs"]).contains(KEPT));

    let listed = |setup: &Setup| -> serde_json::Value {
        let list: serde_json::Value =
            serde_json::from_str(&setup.ok(&["hall", "list", "--json"])).unwrap();
        list[0]["bids"][0].clone()
    };
    assert_eq!(listed(&setup)["bid_id"], bid.as_str());
    assert!(listed(&setup)["checked_at"].is_null());

    setup.ok_with_input(&["hall", "check", &project, &bid], &format!("{PIN}\n"));
    assert!(listed(&setup)["checked_at"].is_i64());
    let listed = setup.ok(&["certs"]);
    assert!(
        listed.contains(&format!("{KEPT}: {project}/{bid}")),
        "{listed}"
    );
    let json: serde_json::Value = serde_json::from_str(&setup.ok(&["certs", "--json"])).unwrap();
    let pending: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["pending_bids"].as_array().unwrap())
        .map(|b| b.as_str().unwrap())
        .collect();
    assert_eq!(pending, [format!("{project}/{bid}")]);
    let bids: serde_json::Value =
        serde_json::from_str(&setup.ok(&["hall", "bids", &project, "--json"])).unwrap();
    assert!(bids[0]["checked_at"].is_i64(), "{bids}");

    setup.ok_with_input(&["hall", "sign-in", &project], &format!("{PIN}\n"));
    let early = setup.run_with_input(&["hall", "decrypt", &project, &bid], &format!("{PIN}\n"));
    let stderr = String::from_utf8_lossy(&early.stderr);
    assert_eq!(early.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("[hall.not_decryption_phase]"), "{stderr}");

    setup.move_hall(&project, Phase::Decryption);
    let decrypted = setup.ok_with_input(&["hall", "decrypt", &project, &bid], &format!("{PIN}\n"));
    assert!(decrypted.contains("2345678.00"), "{decrypted}");
    let after = setup.ok(&["certs"]);
    assert!(!after.contains(KEPT), "{after}");

    // The quote read out, then confirmed by the bidder, signed.
    setup.move_hall(&project, Phase::QuoteReading);
    setup.move_hall(&project, Phase::QuoteConfirmation);
    setup.ok_with_input(
        &["hall", "confirm", &project, &bid, "--amount", "2345678.00"],
        &format!("{PIN}\n"),
    );
    let quotes: serde_json::Value =
        serde_json::from_str(&setup.ok(&["hall", "quotes", &project, "--json"])).unwrap();
    let row = &quotes["quotes"][0];
    assert_eq!(row["amount"], "2345678.00", "{quotes}");
    assert_eq!(row["confirmed"], true, "{quotes}");
}

#[test]
fn imported_bid_key_needs_signer_pin() {
    let setup = Setup::with_certificate();
    let project = setup.hall_project("污水管网工程", 1800, &format!("{CREDIT} {COMPANY}"), &[]);

    // A USB-KEY's encryption key and certificate, imported under its own PIN.
    let ca = IssuingCa::new_root(
        "USB-KEY CA",
        Validity {
            not_before: 0,
            days: 36500,
        },
    )
    .unwrap();
    let usb = ca
        .issue_with_new_key(
            &Subject {
                name: "张三".into(),
                company: COMPANY.into(),
                credit_code: CREDIT.into(),
            },
            KeyRole::Encryption,
            Validity {
                not_before: 1_700_000_000,
                days: 3650,
            },
        )
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let key = write("usb-key.pem", &usb.key_pkcs8_pem);
    let cert = write("usb-cert.pem", &usb.cert.to_pem());
    let chain = write("usb-ca.pem", &ca.certificate().to_pem());
    let usb_pin = "246813";
    setup.ok_with_input(
        &["import", "--key", &key, "--cert", &cert, "--chain", &chain],
        &format!("{usb_pin}\n{usb_pin}\n"),
    );

    let package = setup.pack_bid(&project, "3456789.00");
    let envelope = dir.path().join("usb.p7m");
    setup.ok(&[
        "encrypt",
        "--to",
        &cert,
        "--in",
        package.to_str().unwrap(),
        "--out",
        envelope.to_str().unwrap(),
    ]);
    let bid = setup.upload_envelope(&project, &envelope);

    // One PIN line: the second prompt, for the signing credential, finds
    // standard input ended.
    let one = setup.run_with_input(&["hall", "check", &project, &bid], &format!("{usb_pin}\n"));
    let stderr = String::from_utf8_lossy(&one.stderr);
    assert_eq!(one.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("[cli.pin_missing]"), "{stderr}");
    assert!(stderr.contains("signing credential"), "{stderr}");

    let checked = setup.ok_with_input(
        &["hall", "check", &project, &bid],
        &format!("{usb_pin}\n{PIN}\n"),
    );
    assert!(checked.contains(&bid), "{checked}");

    setup.ok_with_input(&["hall", "sign-in", &project], &format!("{PIN}\n"));
    setup.move_hall(&project, Phase::Decryption);
    let decrypted = setup.ok_with_input(
        &["hall", "decrypt", &project, &bid],
        &format!("{usb_pin}\n{PIN}\n"),
    );
    assert!(decrypted.contains("3456789.00"), "{decrypted}");
}
