//! The bidder's side of the evaluation phase: quotes in multi-round
//! quoting (多轮报价) and the coefficient draw (抽系数).
//!
//! A round quote and a draw contribution are signed actions like the
//! sign-in ([`super::actions`]). The amount is checked before the PIN is
//! used, so a quote that cannot be taken costs no PIN try.
//!
//! For the draw the phone keeps what it needs to check the result on its
//! own: the commitment it saw before contributing and its contribution
//! ([`OwnContribution`]). After the reveal, [`verify_draw`] checks the
//! revealed seed and contributions against that record with
//! [`super::draw::verify`], not against what the platform reports later,
//! so a platform that changed the commitment or dropped the contribution
//! is caught.

use rand_core::{OsRng, RngCore};
use serde::{Deserialize, Serialize};

use super::HallError;
use super::actions::Session;
use super::draw::{self, Contribution, DrawCommitment};
use crate::account::AccountStore;
use crate::api::hall::{
    ActionPayload, ContributeRequest, DrawView, RoundQuote, RoundQuoteRequest, RoundState,
    RoundView, is_amount,
};
use crate::keystore::{Keystore, Pin};

/// What the phone keeps of its contribution to a draw, to verify the
/// result after the reveal. Store it until then; it contains nothing secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnContribution {
    /// The draw's number in the project, from 1.
    pub draw: u32,
    /// The candidates as published when the draw opened.
    pub candidates: Vec<String>,
    /// The commitment as published when the draw opened.
    pub commitment: DrawCommitment,
    /// The contribution sent.
    pub contribution: Contribution,
}

/// A draw whose reveal this phone verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifiedDraw {
    /// The draw's number, from 1.
    pub draw: u32,
    /// The index of the drawn candidate, from 0.
    pub index: u32,
    /// The drawn candidate.
    pub coefficient: String,
}

/// Lists the quote rounds of project `project_id`: in an open round only the
/// company's own quote, in a closed one every quote.
///
/// # Errors
/// [`HallError::Api`] with the platform's refusal.
pub async fn rounds(
    store: &AccountStore,
    platform: &str,
    project_id: &str,
) -> Result<Vec<RoundView>, HallError> {
    let session = Session::open(store, platform)?;
    Ok(session.client.hall_rounds(project_id).await?.rounds)
}

/// Submits `amount` (yuan, at most two decimals) in round `round` of
/// section `section`; a second quote in the same open round replaces the
/// first.
///
/// # Errors
/// [`HallError::InvalidAmount`] before the PIN; [`HallError::Keystore`]
/// for a wrong PIN; [`HallError::Api`] with `hall.no_round_open`,
/// `hall.round_closed`, `hall.not_a_section_bidder`, `hall.not_signed_in`
/// or another refusal.
#[allow(
    clippy::too_many_arguments,
    reason = "the signed action needs the store, keystore, PIN and each bound field"
)]
pub async fn submit_round_quote(
    store: &AccountStore,
    keystore: &Keystore,
    platform: &str,
    project_id: &str,
    section: u32,
    round: u32,
    amount: &str,
    pin: &Pin,
) -> Result<RoundQuote, HallError> {
    if !is_amount(amount) {
        return Err(HallError::InvalidAmount {
            amount: amount.to_owned(),
        });
    }
    let session = Session::open(store, platform)?;
    let signer = session.signer(keystore)?;
    let payload = ActionPayload::RoundQuote {
        section,
        round,
        amount: amount.to_owned(),
    };
    let proof = session
        .prove(keystore, &signer, project_id, &payload, pin)
        .await?;
    let request = RoundQuoteRequest {
        section,
        round,
        amount: amount.to_owned(),
        proof,
    };
    let quote = session
        .client
        .hall_round_quote(project_id, &request)
        .await?;
    tracing::info!(
        project = project_id,
        section,
        round,
        "hall round quote recorded"
    );
    Ok(quote)
}

/// Lists the coefficient draws of project `project_id`, in order.
///
/// # Errors
/// [`HallError::Api`] with the platform's refusal.
pub async fn draws(
    store: &AccountStore,
    platform: &str,
    project_id: &str,
) -> Result<Vec<DrawView>, HallError> {
    let session = Session::open(store, platform)?;
    Ok(session.client.hall_draws(project_id).await?.draws)
}

/// Contributes 32 fresh random bytes to the open draw of project
/// `project_id` and returns the record to keep for [`verify_draw`].
///
/// # Errors
/// [`HallError::NoDrawOpen`] before the PIN when no draw is open;
/// [`HallError::Keystore`] for a wrong PIN; [`HallError::Incomplete`]
/// when the platform's answer does not list the value sent;
/// [`HallError::Api`] with `hall.draw_closed`, `hall.already_contributed`
/// or another refusal.
pub async fn contribute(
    store: &AccountStore,
    keystore: &Keystore,
    platform: &str,
    project_id: &str,
    pin: &Pin,
) -> Result<OwnContribution, HallError> {
    let session = Session::open(store, platform)?;
    let open = session
        .client
        .hall_draws(project_id)
        .await?
        .draws
        .into_iter()
        .rev()
        .find(|d| d.state == RoundState::Open)
        .ok_or_else(|| HallError::NoDrawOpen {
            project: project_id.to_owned(),
        })?;
    let signer = session.signer(keystore)?;

    let mut value = [0_u8; 32];
    OsRng.fill_bytes(&mut value);
    let payload = ActionPayload::DrawContribution {
        draw: open.draw,
        value: hex::encode(value),
    };
    let proof = session
        .prove(keystore, &signer, project_id, &payload, pin)
        .await?;
    let request = ContributeRequest {
        value: hex::encode(value),
        proof,
    };
    let answer = session
        .client
        .hall_contribute(project_id, open.draw, &request)
        .await?;

    // The platform names the company it recorded; the value must be ours.
    let contribution = answer
        .contributions
        .into_iter()
        .find(|c| c.value == value)
        .ok_or(HallError::Incomplete {
            field: "contributions",
        })?;
    tracing::info!(
        project = project_id,
        draw = open.draw,
        "hall draw contribution recorded"
    );
    Ok(OwnContribution {
        draw: open.draw,
        candidates: open.candidates,
        commitment: open.commitment,
        contribution,
    })
}

/// Fetches draw `own.draw` of project `project_id` and verifies its reveal
/// against `own` ([`verify_revealed`]).
///
/// # Errors
/// [`HallError::DrawNotRevealed`] while the draw is open;
/// [`HallError::Draw`] when the reveal does not verify; as [`draws`].
pub async fn verify_draw(
    store: &AccountStore,
    platform: &str,
    project_id: &str,
    own: &OwnContribution,
) -> Result<VerifiedDraw, HallError> {
    let view = draws(store, platform, project_id)
        .await?
        .into_iter()
        .find(|d| d.draw == own.draw)
        .ok_or_else(|| HallError::Incomplete { field: "draws" })?;
    verify_revealed(&view, own)
}

/// Verifies a revealed draw against what the phone kept when it
/// contributed: the candidates and the commitment published at the
/// opening (the revealed ones must be the same), then
/// [`draw::verify`] over the seed and the contributions.
///
/// # Errors
/// [`HallError::DrawNotRevealed`] while open or without seed and index;
/// [`HallError::Draw`] naming the broken promise.
pub fn verify_revealed(view: &DrawView, own: &OwnContribution) -> Result<VerifiedDraw, HallError> {
    let (RoundState::Closed, Some(seed), Some(index)) = (view.state, &view.seed, view.index) else {
        return Err(HallError::DrawNotRevealed { draw: view.draw });
    };
    let mut seed_bytes = [0_u8; 32];
    hex::decode_to_slice(seed, &mut seed_bytes)
        .map_err(|_| HallError::Incomplete { field: "seed" })?;
    if view.commitment != own.commitment {
        return Err(super::DrawError::SeedMismatch {
            project_id: own.commitment.project_id.clone(),
            draw_id: own.commitment.draw_id.clone(),
        }
        .into());
    }
    let claimed = usize::try_from(index).map_err(|_| HallError::Incomplete { field: "index" })?;

    // The candidates as revealed are checked against the commitment kept.
    let derived = draw::verify(
        &own.commitment,
        &view.candidates,
        &seed_bytes,
        &view.contributions,
        &own.contribution,
        claimed,
    )?;
    let coefficient = view
        .candidates
        .get(derived)
        .cloned()
        .ok_or(HallError::Incomplete { field: "index" })?;
    Ok(VerifiedDraw {
        draw: view.draw,
        index,
        coefficient,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;
    use crate::error::Localized;

    const PROJECT: &str = "00112233445566778899aabbccddeeff";

    fn candidates() -> Vec<String> {
        ["0.95", "0.96", "0.97"].map(String::from).to_vec()
    }

    /// A revealed draw of two contributions, and what bidder `A` kept.
    fn revealed() -> (DrawView, OwnContribution) {
        let seed = [9_u8; 32];
        let commitment = draw::commit(PROJECT, "1", &candidates(), &seed);
        let mine = Contribution {
            bidder_id: "A".into(),
            value: [1; 32],
        };
        let theirs = Contribution {
            bidder_id: "B".into(),
            value: [2; 32],
        };
        let contributions = vec![theirs, mine.clone()];
        let index = draw::derive_index(PROJECT, "1", &seed, &contributions, 3).unwrap();
        let view = DrawView {
            draw: 1,
            state: RoundState::Closed,
            candidates: candidates(),
            commitment: commitment.clone(),
            opened_at: 100,
            closed_at: Some(200),
            contributions,
            seed: Some(hex::encode(seed)),
            index: Some(u32::try_from(index).unwrap()),
        };
        let own = OwnContribution {
            draw: 1,
            candidates: candidates(),
            commitment,
            contribution: mine,
        };
        (view, own)
    }

    #[test]
    fn verify_revealed_accepts_honest_reveal() {
        let (view, own) = revealed();
        let verified = verify_revealed(&view, &own).unwrap();
        assert_eq!(Some(verified.index), view.index);
        assert_eq!(verified.coefficient, candidates()[verified.index as usize]);
    }

    #[test]
    fn verify_revealed_rejects_broken_promises() {
        let (view, own) = revealed();
        let refused = |view: &DrawView| verify_revealed(view, &own).unwrap_err().code();

        let mut open = view.clone();
        open.state = RoundState::Open;
        assert_eq!(refused(&open), "hall.draw_not_revealed");

        let mut other_seed = view.clone();
        other_seed.seed = Some("00".repeat(32));
        assert_eq!(refused(&other_seed), "hall.draw_seed_mismatch");

        // A commitment replaced after the opening, even a consistent one.
        let mut recommitted = view.clone();
        recommitted.commitment = draw::commit(PROJECT, "1", &candidates(), &[0; 32]);
        recommitted.seed = Some("00".repeat(32));
        assert_eq!(refused(&recommitted), "hall.draw_seed_mismatch");

        let mut swapped = view.clone();
        swapped.candidates.reverse();
        assert_eq!(refused(&swapped), "hall.draw_candidates_changed");

        let mut dropped = view.clone();
        dropped.contributions.retain(|c| c.bidder_id != "A");
        assert_eq!(refused(&dropped), "hall.draw_own_contribution_missing");

        let mut moved = view.clone();
        moved.index = moved.index.map(|i| (i + 1) % 3);
        assert_eq!(refused(&moved), "hall.draw_index_mismatch");
    }
}
