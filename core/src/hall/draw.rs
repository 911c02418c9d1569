//! The verifiable coefficient draw (抽系数) of a bid opening.
//!
//! At the opening the experts draw a coefficient, for example the K of a
//! price formula, from a published list of candidates. This module makes
//! that draw a commit-reveal protocol that each bidder's phone checks on
//! its own, so nobody, the platform included, can steer the result alone:
//!
//! 1. Before the draw the platform picks a 32-byte random seed and
//!    publishes a [`DrawCommitment`] ([`commit`]): SHA-256 over the
//!    project id, the draw id, the SHA-256 of the candidate list
//!    ([`candidates_sha256`]) and the seed. The seed stays secret.
//! 2. While the draw is open each bidder sends 32 random bytes, a
//!    [`Contribution`], signed over [`contribution_message`]. Signing is
//!    the caller's business.
//! 3. The platform closes the draw, reveals the seed and the list of
//!    contributions, and announces the index [`derive_index`] gives.
//! 4. The phone runs [`verify`]: the list is the published one, the seed
//!    opens the commitment, its own contribution is in the list exactly
//!    once and unchanged, no bidder id repeats, and the announced index is
//!    the derived one.
//!
//! The platform cannot pick a seed after seeing the contributions (it is
//! committed), and a bidder cannot aim at a result without knowing the seed.
//! As long as one contribution or the seed is random, so is the result.
//!
//! # Encodings
//!
//! Every hashed input is a sequence of fields, each encoded as its length
//! in bytes (8 bytes, big-endian) followed by the bytes. Every input starts
//! with a versioned domain-separation label, and each kind of input has a
//! fixed number of fields (or a field count in front), so no two distinct
//! inputs encode to the same bytes, and no input of one kind can be read
//! as one of another. Strings are UTF-8.
//!
//! - Candidate list: SHA-256 of `field("palmbid-draw-candidates-v1")`,
//!   the count (8 bytes, big-endian), then `field(candidate)` for each, in
//!   published order.
//! - Commitment: SHA-256 of `field("palmbid-draw-commit-v1")`,
//!   `field(project_id)`, `field(draw_id)`, `field(candidates_sha256)`,
//!   `field(seed)`. Binding the draw id and the candidate list besides
//!   the project and the seed keeps one commitment from serving another
//!   draw or a swapped list.
//! - Message to sign for a contribution: `field("palmbid-draw-contribution-v1")`,
//!   `field(project_id)`, `field(draw_id)`, `field(bidder_id)`, `field(value)`.
//! - Derivation: HKDF-SHA256 (RFC 5869). Extract with salt
//!   `"palmbid-draw-result-v1"` over `field(project_id)`, `field(draw_id)`,
//!   `field(seed)`, the contribution count (8 bytes, big-endian), then
//!   `field(bidder_id)`, `field(value)` for each contribution sorted by
//!   bidder id (byte order of the UTF-8), so the order the platform lists
//!   them in does not matter. Round `r` (from 0) expands 8 bytes with info
//!   `"palmbid-draw-index-v1"`, the candidate count (8 bytes, big-endian)
//!   and `r` (4 bytes, big-endian), read as a big-endian `u64` `x`.
//!
//! # Mapping without modulo bias
//!
//! With `n` candidates, `x mod n` favours the low indices whenever `n` does
//! not divide 2^64. Rejection sampling removes that: a round is accepted
//! when `x < 2^64 - (2^64 mod n)`, a multiple of `n`, and then gives
//! `x mod n`; otherwise the next round is tried. A round is rejected with
//! probability `(2^64 mod n) / 2^64`, below `n / 2^64` and never above 1/2,
//! so for a real draw of at most 64 candidates it is below 2^-58, and
//! [`MAX_ROUNDS`] rounds all fail with probability under 2^-64 for any `n`.
//! Reaching the cap is reported as [`DrawError::RoundsExhausted`] instead of
//! looping on.

use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::error::DrawError;

/// Label of the candidate-list digest.
const CANDIDATES_LABEL: &[u8] = b"palmbid-draw-candidates-v1";
/// Label of the commitment.
const COMMIT_LABEL: &[u8] = b"palmbid-draw-commit-v1";
/// Label of the message a bidder signs over a contribution.
const CONTRIBUTION_LABEL: &[u8] = b"palmbid-draw-contribution-v1";
/// HKDF salt of the derivation.
const RESULT_SALT: &[u8] = b"palmbid-draw-result-v1";
/// HKDF info prefix of each rejection-sampling round.
const INDEX_INFO: &[u8] = b"palmbid-draw-index-v1";

/// Rounds of rejection sampling before [`derive_index`] gives up. Each
/// round fails with probability at most 1/2 (far less for real candidate
/// counts), so all of them fail with probability under 2^-64.
pub const MAX_ROUNDS: u32 = 64;

/// The commitment the platform publishes before the draw opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawCommitment {
    /// The project (招标项目) the draw belongs to.
    pub project_id: String,
    /// The draw within the project, for example a round number.
    pub draw_id: String,
    /// SHA-256 of the candidate list, see [`candidates_sha256`].
    #[serde(with = "hex32")]
    pub candidates_sha256: [u8; 32],
    /// SHA-256 binding the ids, the candidate list and the secret seed.
    #[serde(with = "hex32")]
    pub commitment: [u8; 32],
}

/// A bidder's 32 random bytes for one draw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contribution {
    /// The bidder (投标人) who sent it.
    pub bidder_id: String,
    /// The random bytes.
    #[serde(with = "hex32")]
    pub value: [u8; 32],
}

/// SHA-256 of a candidate list, in published order (see the module doc).
pub fn candidates_sha256(candidates: &[String]) -> [u8; 32] {
    let mut input = Vec::new();
    put_field(&mut input, CANDIDATES_LABEL);
    input.extend_from_slice(&len_be(candidates.len()));

    for candidate in candidates {
        put_field(&mut input, candidate.as_bytes());
    }
    Sha256::digest(&input).into()
}

/// The commitment the platform publishes before the draw, for a seed it
/// keeps secret until the draw closes.
pub fn commit(
    project_id: &str,
    draw_id: &str,
    candidates: &[String],
    seed: &[u8; 32],
) -> DrawCommitment {
    let candidates_sha256 = candidates_sha256(candidates);

    let mut input = Vec::new();
    put_field(&mut input, COMMIT_LABEL);
    put_field(&mut input, project_id.as_bytes());
    put_field(&mut input, draw_id.as_bytes());
    put_field(&mut input, &candidates_sha256);
    put_field(&mut input, seed);

    DrawCommitment {
        project_id: project_id.to_owned(),
        draw_id: draw_id.to_owned(),
        candidates_sha256,
        commitment: Sha256::digest(&input).into(),
    }
}

/// The canonical bytes a bidder signs when sending a contribution.
pub fn contribution_message(
    project_id: &str,
    draw_id: &str,
    contribution: &Contribution,
) -> Vec<u8> {
    let mut message = Vec::new();
    put_field(&mut message, CONTRIBUTION_LABEL);
    put_field(&mut message, project_id.as_bytes());
    put_field(&mut message, draw_id.as_bytes());
    put_field(&mut message, contribution.bidder_id.as_bytes());
    put_field(&mut message, &contribution.value);
    message
}

/// The index in `0..candidate_count` that the seed and all contributions
/// give, whatever order the contributions are listed in.
///
/// # Errors
///
/// [`DrawError::NoCandidates`] when `candidate_count` is 0,
/// [`DrawError::DuplicateBidder`] when a bidder id is listed twice, and
/// [`DrawError::RoundsExhausted`] when no round out of [`MAX_ROUNDS`] is
/// unbiased (probability under 2^-64).
pub fn derive_index(
    project_id: &str,
    draw_id: &str,
    seed: &[u8; 32],
    contributions: &[Contribution],
    candidate_count: usize,
) -> Result<usize, DrawError> {
    if candidate_count == 0 {
        return Err(DrawError::NoCandidates);
    }

    let sorted = sorted_unique(contributions)?;

    let mut ikm = Vec::new();
    put_field(&mut ikm, project_id.as_bytes());
    put_field(&mut ikm, draw_id.as_bytes());
    put_field(&mut ikm, seed);
    ikm.extend_from_slice(&len_be(sorted.len()));
    for contribution in &sorted {
        put_field(&mut ikm, contribution.bidder_id.as_bytes());
        put_field(&mut ikm, &contribution.value);
    }
    let hkdf = Hkdf::<Sha256>::new(Some(RESULT_SALT), &ikm);

    let round_value = |round: u32| {
        let mut info = Vec::with_capacity(INDEX_INFO.len() + 12);
        info.extend_from_slice(INDEX_INFO);
        info.extend_from_slice(&len_be(candidate_count));
        info.extend_from_slice(&round.to_be_bytes());

        let mut okm = [0u8; 8];
        hkdf.expand(&info, &mut okm)
            .expect("8 bytes is far below HKDF-SHA256's 8160-byte output limit");
        u64::from_be_bytes(okm)
    };
    pick_unbiased(round_value, candidate_count, MAX_ROUNDS)
}

/// Checks a revealed draw on the bidder's phone and returns the index.
///
/// `own` is the contribution this phone sent. The derivation runs over the
/// ids in `commitment`.
///
/// # Errors
///
/// One variant per broken promise, checked in this order:
/// [`DrawError::CandidatesChanged`], [`DrawError::SeedMismatch`],
/// [`DrawError::OwnContributionMissing`],
/// [`DrawError::OwnContributionRepeated`],
/// [`DrawError::OwnContributionAltered`], then the errors of
/// [`derive_index`], then [`DrawError::IndexMismatch`].
pub fn verify(
    commitment: &DrawCommitment,
    candidates: &[String],
    seed: &[u8; 32],
    contributions: &[Contribution],
    own: &Contribution,
    claimed_index: usize,
) -> Result<usize, DrawError> {
    let outcome = check(
        commitment,
        candidates,
        seed,
        contributions,
        own,
        claimed_index,
    );

    // Ids and the outcome only; the values are public after the reveal
    // but say nothing useful in a log.
    match &outcome {
        Ok(index) => tracing::info!(
            project = %commitment.project_id,
            draw = %commitment.draw_id,
            contributions = contributions.len(),
            index,
            "coefficient draw verified"
        ),
        Err(error) => tracing::warn!(
            project = %commitment.project_id,
            draw = %commitment.draw_id,
            code = crate::error::Localized::code(error),
            "coefficient draw refused"
        ),
    }
    outcome
}

/// The checks of [`verify`], without the logging.
fn check(
    commitment: &DrawCommitment,
    candidates: &[String],
    seed: &[u8; 32],
    contributions: &[Contribution],
    own: &Contribution,
    claimed_index: usize,
) -> Result<usize, DrawError> {
    let actual = candidates_sha256(candidates);
    if actual != commitment.candidates_sha256 {
        return Err(DrawError::CandidatesChanged {
            published: hex::encode(commitment.candidates_sha256),
            actual: hex::encode(actual),
        });
    }

    let reopened = commit(
        &commitment.project_id,
        &commitment.draw_id,
        candidates,
        seed,
    );
    if reopened.commitment != commitment.commitment {
        return Err(DrawError::SeedMismatch {
            project_id: commitment.project_id.clone(),
            draw_id: commitment.draw_id.clone(),
        });
    }

    check_own(contributions, own)?;

    let derived = derive_index(
        &commitment.project_id,
        &commitment.draw_id,
        seed,
        contributions,
        candidates.len(),
    )?;
    if derived != claimed_index {
        return Err(DrawError::IndexMismatch {
            claimed: claimed_index,
            derived,
        });
    }
    Ok(derived)
}

/// The bidder's own contribution is listed exactly once, unchanged.
fn check_own(contributions: &[Contribution], own: &Contribution) -> Result<(), DrawError> {
    let listed: Vec<&Contribution> = contributions
        .iter()
        .filter(|c| c.bidder_id == own.bidder_id)
        .collect();

    match listed.as_slice() {
        [] => Err(DrawError::OwnContributionMissing {
            bidder_id: own.bidder_id.clone(),
        }),
        [only] if only.value == own.value => Ok(()),
        [_] => Err(DrawError::OwnContributionAltered {
            bidder_id: own.bidder_id.clone(),
        }),
        several => Err(DrawError::OwnContributionRepeated {
            bidder_id: own.bidder_id.clone(),
            count: several.len(),
        }),
    }
}

/// The contributions sorted by bidder id, refusing a repeated id.
fn sorted_unique(contributions: &[Contribution]) -> Result<Vec<&Contribution>, DrawError> {
    let mut sorted: Vec<&Contribution> = contributions.iter().collect();
    sorted.sort_by(|a, b| a.bidder_id.as_bytes().cmp(b.bidder_id.as_bytes()));

    if let Some(pair) = sorted
        .windows(2)
        .find(|pair| pair[0].bidder_id == pair[1].bidder_id)
    {
        return Err(DrawError::DuplicateBidder {
            bidder_id: pair[0].bidder_id.clone(),
        });
    }
    Ok(sorted)
}

/// Rejection sampling: the first round value below the largest multiple of
/// `count` that fits in 2^64, reduced modulo `count`.
fn pick_unbiased(
    mut round_value: impl FnMut(u32) -> u64,
    count: usize,
    max_rounds: u32,
) -> Result<usize, DrawError> {
    let n = u128::try_from(count).expect("usize is at most 64 bits on every supported target");
    let span = 1u128 << 64;
    let limit = span - span % n;

    for round in 0..max_rounds {
        let value = u128::from(round_value(round));
        if value < limit {
            let index = value % n;
            return Ok(usize::try_from(index).expect("index is below count, which is a usize"));
        }
    }
    Err(DrawError::RoundsExhausted {
        rounds: max_rounds,
        candidates: count,
    })
}

/// A length or count as 8 bytes, big-endian.
fn len_be(len: usize) -> [u8; 8] {
    u64::try_from(len)
        .expect("usize is at most 64 bits on every supported target")
        .to_be_bytes()
}

/// Appends one length-prefixed field.
fn put_field(buffer: &mut Vec<u8>, bytes: &[u8]) {
    buffer.extend_from_slice(&len_be(bytes.len()));
    buffer.extend_from_slice(bytes);
}

/// Serde for `[u8; 32]` as a lowercase hex string, as the wire carries it.
mod hex32 {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub(super) fn serialize<S: Serializer>(
        bytes: &[u8; 32],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&hex::encode(bytes))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<[u8; 32], D::Error> {
        let text = String::deserialize(deserializer)?;
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(&text, &mut bytes)
            .map_err(|e| D::Error::custom(format!("expected 64 hex digits (32 bytes): {e}")))?;
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_value_just_below_the_limit_is_accepted() {
        // 2^64 mod 3 = 1, so the limit is 2^64 - 1: u64::MAX is the one
        // rejected value, and u64::MAX - 1 = 2 (mod 3) is kept.
        let mut values = [u64::MAX, u64::MAX - 1].into_iter();
        let index = pick_unbiased(|_| values.next().unwrap_or(0), 3, MAX_ROUNDS);
        assert_eq!(index, Ok(2));
    }

    #[test]
    fn a_power_of_two_count_never_rejects() {
        let mut rounds = Vec::new();
        let index = pick_unbiased(
            |round| {
                rounds.push(round);
                u64::MAX
            },
            8,
            MAX_ROUNDS,
        );
        assert_eq!(index, Ok(7));
        assert_eq!(rounds, [0]);
    }

    #[test]
    fn rejecting_every_round_stops_at_the_cap() {
        let mut calls = 0u32;
        let result = pick_unbiased(
            |_| {
                calls += 1;
                u64::MAX
            },
            3,
            MAX_ROUNDS,
        );
        assert_eq!(
            result,
            Err(DrawError::RoundsExhausted {
                rounds: MAX_ROUNDS,
                candidates: 3
            })
        );
        assert_eq!(calls, MAX_ROUNDS);
        assert_eq!(
            crate::error::Localized::code(&result.expect_err("capped")),
            "hall.draw_rounds_exhausted"
        );
    }

    #[test]
    fn fields_are_length_prefixed() {
        let mut buffer = Vec::new();
        put_field(&mut buffer, b"ab");
        assert_eq!(buffer, [0, 0, 0, 0, 0, 0, 0, 2, b'a', b'b']);
    }
}
