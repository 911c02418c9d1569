//! The evaluation phase through the bindings: quote rounds (多轮报价) and
//! the coefficient draw (抽系数) as `Account` methods.
//!
//! A contribution returns the record the app must keep until the reveal
//! ([`HallDrawContribution::kept`], JSON with nothing secret in it);
//! `hallVerifyDraw` checks the reveal against it with
//! `palmbid_core::hall::verify_revealed`.

use palmbid_core::api::hall as wire;
use palmbid_core::hall as core;
use palmbid_core::keystore::Pin;

use crate::account::Account;
use crate::error::PalmbidError;
use crate::runtime::{blocking_future, spawn};

/// One bidder's quote in a round.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HallRoundQuote {
    /// The company's unified social credit code.
    pub credit_code: String,
    /// The company's name.
    pub company: String,
    /// Amount in yuan, at most two decimals.
    pub amount: String,
    /// When the platform recorded it, Unix seconds, server clock.
    pub submitted_at: i64,
}

/// One quote round of a section.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HallRound {
    /// The section, from 1.
    pub section: u32,
    /// The round, from 1.
    pub round: u32,
    /// Whether it still takes quotes.
    pub open: bool,
    /// When it opened, Unix seconds, server clock.
    pub opened_at: i64,
    /// Its deadline, if any, Unix seconds, server clock.
    pub deadline: Option<i64>,
    /// When it closed, Unix seconds, server clock.
    pub closed_at: Option<i64>,
    /// While open the company's own quote only; once closed every quote.
    pub quotes: Vec<HallRoundQuote>,
}

impl From<wire::RoundQuote> for HallRoundQuote {
    fn from(quote: wire::RoundQuote) -> Self {
        HallRoundQuote {
            credit_code: quote.credit_code,
            company: quote.company,
            amount: quote.amount,
            submitted_at: quote.submitted_at,
        }
    }
}

impl From<wire::RoundView> for HallRound {
    fn from(round: wire::RoundView) -> Self {
        HallRound {
            section: round.section,
            round: round.round,
            open: round.state == wire::RoundState::Open,
            opened_at: round.opened_at,
            deadline: round.deadline,
            closed_at: round.closed_at,
            quotes: round.quotes.into_iter().map(Into::into).collect(),
        }
    }
}

/// One coefficient draw as the platform shows it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HallDraw {
    /// The draw's number, from 1.
    pub draw: u32,
    /// Whether it still takes contributions.
    pub open: bool,
    /// The candidate coefficients, in published order.
    pub candidates: Vec<String>,
    /// The published commitment, lower-case hex.
    pub commitment: String,
    /// Contributions shown: the company's own while open, all once
    /// revealed.
    pub contributions: u32,
    /// The drawn candidate's index, from 0, once revealed (not yet
    /// verified: call `hallVerifyDraw`).
    pub index: Option<u32>,
}

impl From<wire::DrawView> for HallDraw {
    fn from(view: wire::DrawView) -> Self {
        HallDraw {
            draw: view.draw,
            open: view.state == wire::RoundState::Open,
            candidates: view.candidates,
            commitment: hex::encode(view.commitment.commitment),
            contributions: u32::try_from(view.contributions.len()).unwrap_or(u32::MAX),
            index: view.index,
        }
    }
}

/// This phone's contribution to a draw.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HallDrawContribution {
    /// The draw's number, from 1.
    pub draw: u32,
    /// The candidates as published at the opening.
    pub candidates: Vec<String>,
    /// The commitment published at the opening, lower-case hex.
    pub commitment: String,
    /// What to keep until the reveal and pass to `hallVerifyDraw`: JSON,
    /// nothing secret.
    pub kept: String,
}

/// A draw whose reveal this phone verified.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HallVerifiedDraw {
    /// The draw's number, from 1.
    pub draw: u32,
    /// The drawn candidate's index, from 0.
    pub index: u32,
    /// The drawn candidate.
    pub coefficient: String,
}

#[uniffi::export(async_runtime = "tokio")]
impl Account {
    /// Lists the quote rounds of project `project` (多轮报价).
    ///
    /// # Errors
    /// The platform's refusal.
    pub async fn hall_rounds(
        &self,
        platform: String,
        project: String,
    ) -> Result<Vec<HallRound>, PalmbidError> {
        let store = self.store();
        spawn("Account.hall_rounds", async move {
            let rounds = core::rounds(&store, &platform, &project)
                .await
                .map_err(PalmbidError::from_core)?;
            Ok(rounds.into_iter().map(HallRound::from).collect())
        })
        .await
    }

    /// Quotes `amount` (yuan, at most two decimals) in open round `round`
    /// of section `section`; a new quote in the same round replaces the
    /// last.
    ///
    /// # Errors
    /// `hall.invalid_amount` before the PIN is used; keystore errors; the
    /// platform's `hall.no_round_open`, `hall.round_closed`,
    /// `hall.not_a_section_bidder`, `hall.not_signed_in` or another
    /// refusal.
    pub async fn hall_submit_round_quote(
        &self,
        platform: String,
        project: String,
        section: u32,
        round: u32,
        amount: String,
        pin: String,
    ) -> Result<HallRoundQuote, PalmbidError> {
        let pin = Pin::entered(pin);
        let (store, keystore) = (self.store(), self.keystore());
        blocking_future("Account.hall_submit_round_quote", async move {
            core::submit_round_quote(
                &store, &keystore, &platform, &project, section, round, &amount, &pin,
            )
            .await
            .map(HallRoundQuote::from)
            .map_err(PalmbidError::from_core)
        })
        .await
    }

    /// Lists the coefficient draws of project `project` (抽系数), in order.
    ///
    /// # Errors
    /// The platform's refusal.
    pub async fn hall_draws(
        &self,
        platform: String,
        project: String,
    ) -> Result<Vec<HallDraw>, PalmbidError> {
        let store = self.store();
        spawn("Account.hall_draws", async move {
            let draws = core::draws(&store, &platform, &project)
                .await
                .map_err(PalmbidError::from_core)?;
            Ok(draws.into_iter().map(HallDraw::from).collect())
        })
        .await
    }

    /// Contributes 32 random bytes to the open draw of project `project`.
    /// Keep [`HallDrawContribution::kept`] until the reveal.
    ///
    /// # Errors
    /// `hall.no_draw_open` before the PIN is used; keystore errors; the
    /// platform's `hall.draw_closed`, `hall.already_contributed` or
    /// another refusal.
    pub async fn hall_contribute_draw(
        &self,
        platform: String,
        project: String,
        pin: String,
    ) -> Result<HallDrawContribution, PalmbidError> {
        let pin = Pin::entered(pin);
        let (store, keystore) = (self.store(), self.keystore());
        blocking_future("Account.hall_contribute_draw", async move {
            let own = core::contribute(&store, &keystore, &platform, &project, &pin)
                .await
                .map_err(PalmbidError::from_core)?;
            let kept = serde_json::to_string(&own).map_err(|e| {
                PalmbidError::new(
                    "ffi.serialize",
                    format!("无法保存抽系数记录：{e}"),
                    format!("cannot serialize the draw record: {e}"),
                )
            })?;
            Ok(HallDrawContribution {
                draw: own.draw,
                candidates: own.candidates,
                commitment: hex::encode(own.commitment.commitment),
                kept,
            })
        })
        .await
    }

    /// Verifies the reveal of the draw `kept` (from
    /// `hallContributeDraw`) belongs to, and returns the drawn
    /// coefficient.
    ///
    /// # Errors
    /// `invalid_argument` when `kept` is not such a record;
    /// `hall.draw_not_revealed` while the draw is open; one
    /// `hall.draw_*` code per broken promise (seed, candidates, own
    /// contribution, index); the platform's refusal.
    pub async fn hall_verify_draw(
        &self,
        platform: String,
        project: String,
        kept: String,
    ) -> Result<HallVerifiedDraw, PalmbidError> {
        let own: core::OwnContribution = serde_json::from_str(&kept)
            .map_err(|e| PalmbidError::invalid_argument("kept", &e.to_string()))?;
        let store = self.store();
        spawn("Account.hall_verify_draw", async move {
            let verified = core::verify_draw(&store, &platform, &project, &own)
                .await
                .map_err(PalmbidError::from_core)?;
            Ok(HallVerifiedDraw {
                draw: verified.draw,
                index: verified.index,
                coefficient: verified.coefficient,
            })
        })
        .await
    }
}
