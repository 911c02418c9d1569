//! The coefficient draw (抽系数) against an independent reference.
//!
//! The judge is `hall_draw_reference.py`, a Python 3 implementation of the
//! encodings written from the module doc with only `hashlib` and `hmac`.
//! The tests run it with `python3` and compare its output with the Rust side.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};

use palmbid_core::error::Localized;
use palmbid_core::hall::DrawError;
use palmbid_core::hall::draw::{
    Contribution, DrawCommitment, candidates_sha256, commit, contribution_message, derive_index,
    verify,
};
use rand_core::{OsRng, RngCore};
use serde_json::{Value, json};

/// One draw as the platform would run it.
struct Case {
    project_id: String,
    draw_id: String,
    candidates: Vec<String>,
    seed: [u8; 32],
    contributions: Vec<Contribution>,
}

impl Case {
    fn to_json(&self, candidate_count: Option<u64>) -> Value {
        let contributions: Vec<Value> = self
            .contributions
            .iter()
            .map(|c| json!({ "bidder_id": c.bidder_id, "value": hex::encode(c.value) }))
            .collect();
        let mut case = json!({
            "project_id": self.project_id,
            "draw_id": self.draw_id,
            "candidates": self.candidates,
            "seed": hex::encode(self.seed),
            "contributions": contributions,
        });
        if let Some(count) = candidate_count {
            case["candidate_count"] = json!(count);
        }
        case
    }
}

/// Runs the Python reference over the cases and returns its results.
fn reference(cases: &[Value]) -> Vec<Value> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/hall_draw_reference.py");
    let mut child = Command::new("python3")
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(
            serde_json::to_string(cases)
                .expect("cases serialise")
                .as_bytes(),
        )
        .expect("cases reach python3");
    let output = child.wait_with_output().expect("python3 finishes");
    assert!(output.status.success(), "the reference script failed");
    serde_json::from_slice(&output.stdout).expect("the reference answers JSON")
}

fn random32() -> [u8; 32] {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    bytes
}

fn contribution(bidder_id: &str, value: [u8; 32]) -> Contribution {
    Contribution {
        bidder_id: bidder_id.to_owned(),
        value,
    }
}

fn coefficients(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("0.{}", 90 + i)).collect()
}

/// Builds a fixed case with Chinese bidder names listed out of order.
fn fixed_case() -> Case {
    Case {
        project_id: "GC-2025-0417".to_owned(),
        draw_id: "1".to_owned(),
        candidates: ["0.95", "0.96", "0.97", "0.98", "0.99"]
            .map(str::to_owned)
            .to_vec(),
        seed: std::array::from_fn(|i| u8::try_from(i).expect("i < 32")),
        contributions: vec![
            contribution("乙公司", [0x22; 32]),
            contribution("甲公司", [0x11; 32]),
        ],
    }
}

/// Derives the index of a case with its own candidate count.
fn index_of(case: &Case) -> Result<usize, DrawError> {
    derive_index(
        &case.project_id,
        &case.draw_id,
        &case.seed,
        &case.contributions,
        case.candidates.len(),
    )
}

/// Verifies a case as the first bidder's phone would, claiming `index`.
fn verify_case(
    case: &Case,
    commitment: &DrawCommitment,
    own: &Contribution,
    index: usize,
) -> Result<usize, DrawError> {
    verify(
        commitment,
        &case.candidates,
        &case.seed,
        &case.contributions,
        own,
        index,
    )
}

#[test]
fn known_answer_matches_the_reference() {
    let case = fixed_case();
    let commitment = commit(
        &case.project_id,
        &case.draw_id,
        &case.candidates,
        &case.seed,
    );
    let index = index_of(&case).expect("the fixed case derives");

    // Pinned once from the reference script, so a change of encoding shows
    // up here even where python3 agrees with a changed Rust side.
    assert_eq!(
        hex::encode(commitment.candidates_sha256),
        "f2fc482c54f44f86abd3b29ff2fc621ab7e8a340442f6d3a5859780039cc001f"
    );
    assert_eq!(
        hex::encode(commitment.commitment),
        "299bf69c698df3e90cfd4bc97b1f7ae31c65681b314761cff654f4a67ab1463a"
    );
    assert_eq!(index, 4);

    let answer = &reference(&[case.to_json(None)])[0];
    assert_eq!(
        answer["candidates_sha256"],
        hex::encode(commitment.candidates_sha256)
    );
    assert_eq!(answer["commitment"], hex::encode(commitment.commitment));
    assert_eq!(answer["index"], json!(index));
    for (i, c) in case.contributions.iter().enumerate() {
        let message = contribution_message(&case.project_id, &case.draw_id, c);
        assert_eq!(answer["messages"][i], hex::encode(message));
    }
}

#[test]
fn random_draws_match_the_reference() {
    let names = [
        "甲公司",
        "乙公司",
        "丙公司",
        "a",
        "ab",
        "b",
        "Zeta Ltd",
        "",
        "😀",
    ];
    let mut cases = Vec::new();

    for round in 0..60usize {
        let bidders = 1 + round % names.len();
        let candidates = 1 + usize::try_from(OsRng.next_u32() % 40).expect("small");
        cases.push(Case {
            project_id: format!("P-{round}"),
            draw_id: (round % 3).to_string(),
            candidates: coefficients(candidates),
            seed: random32(),
            contributions: names[..bidders]
                .iter()
                .map(|n| contribution(n, random32()))
                .collect(),
        });
    }

    let answers = reference(&cases.iter().map(|c| c.to_json(None)).collect::<Vec<_>>());
    for (case, answer) in cases.iter().zip(&answers) {
        let commitment = commit(
            &case.project_id,
            &case.draw_id,
            &case.candidates,
            &case.seed,
        );
        assert_eq!(answer["commitment"], hex::encode(commitment.commitment));
        assert_eq!(
            answer["candidates_sha256"],
            hex::encode(candidates_sha256(&case.candidates))
        );
        assert_eq!(answer["index"], json!(index_of(case).expect("derives")));
    }
}

/// Candidate counts just above 2^63 reject about half the rounds, so this
/// checks the rejection path and the round counter against the reference.
#[cfg(target_pointer_width = "64")]
#[test]
fn rejection_sampling_matches_the_reference() {
    let case = fixed_case();
    let counts: Vec<u64> = vec![(1 << 63) + 1, (1 << 63) + 3, u64::MAX, 3, 7, 1 << 40];
    let mut inputs = Vec::new();
    let mut seeds = Vec::new();

    for &count in &counts {
        for _ in 0..8 {
            let seeded = Case {
                seed: random32(),
                ..fixed_case()
            };
            inputs.push(seeded.to_json(Some(count)));
            seeds.push((seeded.seed, count));
        }
    }

    let answers = reference(&inputs);
    for ((seed, count), answer) in seeds.iter().zip(&answers) {
        let count = usize::try_from(*count).expect("64-bit target");
        let index = derive_index(
            &case.project_id,
            &case.draw_id,
            seed,
            &case.contributions,
            count,
        )
        .expect("derives");
        assert!(index < count);
        assert_eq!(answer["index"], json!(index));
    }
}

#[test]
fn an_honest_draw_verifies() {
    let case = fixed_case();
    let commitment = commit(
        &case.project_id,
        &case.draw_id,
        &case.candidates,
        &case.seed,
    );
    let index = index_of(&case).expect("derives");

    for own in &case.contributions {
        assert_eq!(verify_case(&case, &commitment, own, index), Ok(index));
    }
}

#[test]
fn contribution_order_does_not_matter() {
    let mut case = fixed_case();
    case.contributions = ["丙", "甲", "乙", "丁", "a", "B"]
        .iter()
        .map(|n| contribution(n, random32()))
        .collect();
    let expected = index_of(&case).expect("derives");

    for shift in 1..case.contributions.len() {
        case.contributions.rotate_left(shift);
        assert_eq!(index_of(&case), Ok(expected));
    }
    case.contributions.reverse();
    assert_eq!(index_of(&case), Ok(expected));
}

/// Changing one byte of one contribution moves the result: over many
/// such changes every candidate comes up, none far from its share.
#[test]
fn one_changed_byte_redraws_evenly() {
    let mut case = fixed_case();
    case.contributions = (0..4)
        .map(|i| contribution(&format!("bidder-{i}"), random32()))
        .collect();
    let candidates = case.candidates.len();
    let base = index_of(&case).expect("derives");

    let mut tally: BTreeMap<usize, usize> = BTreeMap::new();
    let mut moved = 0;
    let mut draws = 0;
    for bidder in 0..case.contributions.len() {
        for position in 0..32 {
            for delta in [1u8, 0x80, 0xff] {
                let mut changed = Case {
                    contributions: case.contributions.clone(),
                    ..fixed_case()
                };
                changed.contributions[bidder].value[position] ^= delta;
                let index = index_of(&changed).expect("derives");
                *tally.entry(index).or_default() += 1;
                moved += usize::from(index != base);
                draws += 1;
            }
        }
    }

    // 384 draws over 5 candidates: about 77 each. The bounds are many
    // standard deviations (about 8) wide; an unrelated result would still
    // land elsewhere about four times in five.
    let share = draws / candidates;
    assert_eq!(
        tally.len(),
        candidates,
        "some candidate never came up: {tally:?}"
    );
    for (&index, &count) in &tally {
        assert!(
            count > share / 2 && count < share * 2,
            "candidate {index} came up {count} times of {draws}"
        );
    }
    assert!(
        moved > draws / 2,
        "only {moved} of {draws} changes moved the result"
    );
}

#[test]
fn a_single_candidate_is_always_drawn() {
    let mut case = fixed_case();
    case.candidates = vec!["1.00".to_owned()];
    let commitment = commit(
        &case.project_id,
        &case.draw_id,
        &case.candidates,
        &case.seed,
    );

    assert_eq!(index_of(&case), Ok(0));
    assert_eq!(
        verify_case(&case, &commitment, &case.contributions[0], 0),
        Ok(0)
    );
    assert_eq!(reference(&[case.to_json(None)])[0]["index"], json!(0));
}

#[test]
fn an_empty_candidate_list_is_refused() {
    let mut case = fixed_case();
    case.candidates = Vec::new();
    let commitment = commit(
        &case.project_id,
        &case.draw_id,
        &case.candidates,
        &case.seed,
    );

    assert_eq!(index_of(&case), Err(DrawError::NoCandidates));
    let error = verify_case(&case, &commitment, &case.contributions[0], 0).expect_err("refused");
    assert_eq!(error, DrawError::NoCandidates);
    assert_eq!(error.code(), "hall.draw_no_candidates");
    assert_eq!(reference(&[case.to_json(None)])[0]["index"], Value::Null);
}

#[test]
fn a_changed_candidate_list_is_refused() {
    let case = fixed_case();
    let commitment = commit(
        &case.project_id,
        &case.draw_id,
        &case.candidates,
        &case.seed,
    );
    let index = index_of(&case).expect("derives");

    // Swapping two, changing one, dropping one, or moving a boundary
    // between two entries all change the digest.
    let mut swapped = fixed_case();
    swapped.candidates.swap(0, 4);
    let mut changed = fixed_case();
    changed.candidates[2] = "0.90".to_owned();
    let mut dropped = fixed_case();
    dropped.candidates.pop();
    let mut joined = fixed_case();
    joined.candidates = vec![
        "0.950.96".to_owned(),
        String::new(),
        "0.97".into(),
        "0.98".into(),
        "0.99".into(),
    ];

    for altered in [swapped, changed, dropped, joined] {
        let error =
            verify_case(&altered, &commitment, &case.contributions[0], index).expect_err("refused");
        assert!(
            matches!(error, DrawError::CandidatesChanged { .. }),
            "{error:?}"
        );
        assert_eq!(error.code(), "hall.draw_candidates_changed");
    }
}

#[test]
fn a_different_seed_is_refused() {
    let case = fixed_case();
    let commitment = commit(
        &case.project_id,
        &case.draw_id,
        &case.candidates,
        &case.seed,
    );
    let mut other = fixed_case();
    other.seed[31] ^= 1;
    let index = index_of(&other).expect("derives");

    let error =
        verify_case(&other, &commitment, &case.contributions[0], index).expect_err("refused");
    assert_eq!(
        error,
        DrawError::SeedMismatch {
            project_id: case.project_id.clone(),
            draw_id: case.draw_id.clone()
        }
    );
    assert_eq!(error.code(), "hall.draw_seed_mismatch");

    // A commitment of another draw of the same project does not open either.
    let mut round_two = commitment.clone();
    round_two.draw_id = "2".to_owned();
    let error = verify_case(&case, &round_two, &case.contributions[0], index).expect_err("refused");
    assert_eq!(error.code(), "hall.draw_seed_mismatch");
}

#[test]
fn a_missing_own_contribution_is_refused() {
    let case = fixed_case();
    let commitment = commit(
        &case.project_id,
        &case.draw_id,
        &case.candidates,
        &case.seed,
    );
    let own = contribution("丙公司", random32());

    let error = verify_case(&case, &commitment, &own, 0).expect_err("refused");
    assert_eq!(
        error,
        DrawError::OwnContributionMissing {
            bidder_id: "丙公司".to_owned()
        }
    );
    assert_eq!(error.code(), "hall.draw_own_contribution_missing");
}

#[test]
fn an_altered_own_contribution_is_refused() {
    let case = fixed_case();
    let commitment = commit(
        &case.project_id,
        &case.draw_id,
        &case.candidates,
        &case.seed,
    );
    let mut own = case.contributions[1].clone();
    own.value[0] ^= 0x01;

    let error = verify_case(&case, &commitment, &own, 0).expect_err("refused");
    assert_eq!(
        error,
        DrawError::OwnContributionAltered {
            bidder_id: "甲公司".to_owned()
        }
    );
    assert_eq!(error.code(), "hall.draw_own_contribution_altered");
}

#[test]
fn a_repeated_own_contribution_is_refused() {
    let mut case = fixed_case();
    case.contributions.push(case.contributions[1].clone());
    let commitment = commit(
        &case.project_id,
        &case.draw_id,
        &case.candidates,
        &case.seed,
    );

    let error = verify_case(&case, &commitment, &case.contributions[1], 0).expect_err("refused");
    assert_eq!(
        error,
        DrawError::OwnContributionRepeated {
            bidder_id: "甲公司".to_owned(),
            count: 2
        }
    );
    assert_eq!(error.code(), "hall.draw_own_contribution_repeated");
}

#[test]
fn another_repeated_bidder_is_refused() {
    let mut case = fixed_case();
    case.contributions.push(contribution("乙公司", random32()));
    let commitment = commit(
        &case.project_id,
        &case.draw_id,
        &case.candidates,
        &case.seed,
    );

    let expected = DrawError::DuplicateBidder {
        bidder_id: "乙公司".to_owned(),
    };
    assert_eq!(index_of(&case), Err(expected.clone()));
    let error = verify_case(&case, &commitment, &case.contributions[1], 0).expect_err("refused");
    assert_eq!(error, expected);
    assert_eq!(error.code(), "hall.draw_duplicate_bidder");
}

#[test]
fn a_wrong_claimed_index_is_refused() {
    let case = fixed_case();
    let commitment = commit(
        &case.project_id,
        &case.draw_id,
        &case.candidates,
        &case.seed,
    );
    let derived = index_of(&case).expect("derives");

    for claimed in (0..case.candidates.len() + 2).filter(|&i| i != derived) {
        let error =
            verify_case(&case, &commitment, &case.contributions[0], claimed).expect_err("refused");
        assert_eq!(error, DrawError::IndexMismatch { claimed, derived });
        assert_eq!(error.code(), "hall.draw_index_mismatch");
        assert!(error.message_zh().contains(&format!("第 {claimed} 项")));
        assert!(error.message_zh().contains(&format!("应为第 {derived} 项")));
    }
}

#[test]
fn contribution_messages_bind_every_field() {
    let c = contribution("甲公司", [7; 32]);
    let base = contribution_message("P1", "1", &c);

    // Moving a boundary between two fields changes the bytes.
    assert_ne!(base, contribution_message("P", "11", &c));
    assert_ne!(base, contribution_message("P11", "", &c));
    assert_ne!(base, contribution_message("P1", "2", &c));
    assert_ne!(
        base,
        contribution_message("P1", "1", &contribution("乙公司", [7; 32]))
    );
    assert_ne!(
        base,
        contribution_message("P1", "1", &contribution("甲公司", [8; 32]))
    );
}

#[test]
fn wire_form_round_trips_and_refuses_bad_hex() {
    let case = fixed_case();
    let commitment = commit(
        &case.project_id,
        &case.draw_id,
        &case.candidates,
        &case.seed,
    );

    let text = serde_json::to_string(&commitment).expect("serialises");
    assert!(text.contains("299bf69c698df3e90cfd4bc97b1f7ae31c65681b314761cff654f4a67ab1463a"));
    let back: DrawCommitment = serde_json::from_str(&text).expect("parses");
    assert_eq!(back, commitment);

    let c: Contribution =
        serde_json::from_value(json!({ "bidder_id": "甲", "value": "11".repeat(32) }))
            .expect("parses");
    assert_eq!(c.value, [0x11; 32]);

    for bad in ["11".repeat(31), "11".repeat(33), "zz".repeat(32)] {
        let result =
            serde_json::from_value::<Contribution>(json!({ "bidder_id": "甲", "value": bad }));
        assert!(result.is_err(), "{bad} parsed");
    }
}
