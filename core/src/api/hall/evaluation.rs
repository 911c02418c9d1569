//! Wire types of the evaluation phase (评标): multi-round quotes (多轮报价)
//! and the coefficient draw (抽系数). The rules are in the parent module's
//! doc, sections "Multi-round quotes" and "Coefficient draw".

use serde::{Deserialize, Serialize};

use super::ActionProof;
use crate::hall::draw::{Contribution, DrawCommitment};

/// Whether a quote round or a draw still takes submissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundState {
    /// Taking submissions.
    Open,
    /// Closed by the experts or by its deadline; nothing more is taken.
    Closed,
}

impl RoundState {
    /// Returns the state as sent and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            RoundState::Open => "open",
            RoundState::Closed => "closed",
        }
    }
}

/// One bidder's quote in a round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundQuote {
    /// The company's unified social credit code.
    pub credit_code: String,
    /// The company's name.
    pub company: String,
    /// Amount in yuan ([`super::is_amount`]).
    pub amount: String,
    /// When the platform recorded it, Unix seconds, server clock.
    pub submitted_at: i64,
}

/// One quote round of a section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundView {
    /// The section, from 1.
    pub section: u32,
    /// The round, from 1 in each section.
    pub round: u32,
    /// Open or closed.
    pub state: RoundState,
    /// When the experts opened it, Unix seconds, server clock.
    pub opened_at: i64,
    /// Its deadline, if the experts set one, Unix seconds, server clock.
    pub deadline: Option<i64>,
    /// When it closed, Unix seconds, server clock.
    pub closed_at: Option<i64>,
    /// While open: the session company's quote only; once closed: every
    /// quote, by company.
    pub quotes: Vec<RoundQuote>,
}

/// `GET .../projects/{id}/rounds`: every round of the project, by section
/// and round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundList {
    /// The rounds.
    pub rounds: Vec<RoundView>,
}

/// `POST .../projects/{id}/rounds/quote`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundQuoteRequest {
    /// The section, from 1.
    pub section: u32,
    /// The round, from 1.
    pub round: u32,
    /// Amount in yuan ([`super::is_amount`]).
    pub amount: String,
    /// Proof of [`super::ActionPayload::RoundQuote`].
    pub proof: ActionProof,
}

/// One coefficient draw of a project, as the phone reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawView {
    /// The draw's number in the project, from 1; its draw id is this
    /// number in decimal.
    pub draw: u32,
    /// Open (taking contributions) or closed (revealed).
    pub state: RoundState,
    /// The candidate coefficients, in published order.
    pub candidates: Vec<String>,
    /// The commitment published when the draw opened.
    pub commitment: DrawCommitment,
    /// When it opened, Unix seconds, server clock.
    pub opened_at: i64,
    /// When it closed, Unix seconds, server clock.
    pub closed_at: Option<i64>,
    /// While open: the session company's contribution only; once
    /// revealed: every contribution the result used.
    pub contributions: Vec<Contribution>,
    /// The seed, lower-case hex, once revealed.
    pub seed: Option<String>,
    /// The index of the drawn candidate, from 0, once revealed.
    pub index: Option<u32>,
}

/// `GET .../projects/{id}/draws`: every draw of the project, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrawList {
    /// The draws.
    pub draws: Vec<DrawView>,
}

/// `POST .../projects/{id}/draws/{draw}/contribute`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContributeRequest {
    /// 32 random bytes, lower-case hex.
    pub value: String,
    /// Proof of [`super::ActionPayload::DrawContribution`].
    pub proof: ActionProof,
}

/// Most candidates a draw takes.
pub const MAX_DRAW_CANDIDATES: usize = 64;

/// Maximum length of a candidate, in characters.
pub const MAX_CANDIDATE_CHARS: usize = 32;
