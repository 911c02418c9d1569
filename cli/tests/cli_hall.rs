//! `palmbid hall list` and `palmbid hall watch` against a real platform on
//! loopback, with the tender agent's phase changes made on its console.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod support;

use std::io::{BufRead, BufReader};
use std::sync::mpsc;
use std::time::Duration;

use palmbid_core::api::hall::Phase;
use support::{CREDIT, Setup};

/// A second valid credit code (check character per GB 32100-2015).
const OTHER: &str = "91310000132200821H";

/// The next JSON line of a running `hall watch --json`.
fn next_line(lines: &mpsc::Receiver<String>) -> serde_json::Value {
    let line = lines
        .recv_timeout(Duration::from_secs(20))
        .expect("hall watch printed a line in time");
    serde_json::from_str(&line).unwrap()
}

/// Reads lines until a state in `phase`; returns the lines read.
fn until_phase(lines: &mpsc::Receiver<String>, phase: Phase) -> Vec<serde_json::Value> {
    let mut seen = Vec::new();
    loop {
        let line = next_line(lines);
        let reached = line["type"] == "state" && line["project"]["phase"] == phase.as_str();
        seen.push(line);
        if reached {
            return seen;
        }
    }
}

#[test]
fn hall_list_shows_own_projects() {
    let setup = Setup::with_certificate();
    let own = setup.hall_project("道路工程施工", 7200, &format!("{CREDIT} 投标单位"), &[]);
    setup.hall_project("他人项目", 7200, &format!("{OTHER} 投标单位"), &[]);

    let out = setup.ok(&["hall", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_str(&out).unwrap();
    let projects = list.as_array().unwrap();
    assert_eq!(projects.len(), 1, "{out}");
    assert_eq!(projects[0]["id"], own.as_str());
    assert_eq!(projects[0]["name"], "道路工程施工");
    assert_eq!(projects[0]["phase"], "not_open");
    assert_eq!(projects[0]["sections"][0], "第一标段");

    let text = setup.ok(&["hall", "list"]);
    assert!(text.contains(&own), "{text}");
    assert!(text.contains("not open"), "{text}");
}

#[test]
fn hall_watch_follows_to_close() {
    let setup = Setup::with_certificate();
    // Within the hour before opening: sign-in has begun by the clock.
    let id = setup.hall_project("桥梁维修工程", 1800, &format!("{CREDIT} 投标单位"), &[]);

    let mut child = setup
        .command(&["hall", "watch", &id, "--json"])
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (sender, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });

    let first = next_line(&lines);
    assert_eq!(first["type"], "state");
    assert_eq!(first["project"]["id"], id.as_str());
    assert_eq!(first["project"]["phase"], "sign_in");

    setup.move_hall(&id, Phase::Decryption);
    let seen = until_phase(&lines, Phase::Decryption);
    let notice = seen
        .iter()
        .chain(std::iter::once(&next_line(&lines)))
        .any(|line| line["type"] == "notice" && line["phase_started"] == "decryption");
    assert!(notice, "a notice for the start of decryption: {seen:?}");

    for phase in [
        Phase::QuoteReading,
        Phase::QuoteConfirmation,
        Phase::Evaluation,
        Phase::Closed,
    ] {
        setup.move_hall(&id, phase);
        let seen = until_phase(&lines, phase);
        let last = seen.last().unwrap();
        assert!(last["last_seq"].as_u64().unwrap() >= 2, "{last}");
    }

    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "hall watch exits after the close: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn hall_watch_rejects_other_project() {
    let setup = Setup::with_certificate();
    let other = setup.hall_project("他人项目", 7200, &format!("{OTHER} 投标单位"), &[]);

    let out = setup.run_with_input(&["hall", "watch", &other], "");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("hall.not_a_bidder"), "{stderr}");

    let out = setup.run_with_input(&["hall", "watch", "00000000000000000000000000000000"], "");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("hall.not_found"), "{stderr}");
}
