//! Quote reading (唱标) and quote confirmation (确认报价).
//!
//! - `GET .../projects/{id}/quotes` ([`QuoteTable`]): from phase
//!   [`Phase::QuoteReading`] on, every bidder's quote of the project,
//!   bidders without a bid included; before it `hall.quotes_sealed`, so no
//!   amount leaves the platform while bids are still being decrypted.
//! - `POST .../projects/{id}/bids/{bid}/confirm` ([`ConfirmRequest`] →
//!   [`QuoteConfirmation`]): in phase [`Phase::QuoteConfirmation`], signed
//!   like every bidder action ([`ActionPayload::ConfirmQuote`] binds the
//!   bid and the amount). Refused: another phase (`hall.wrong_phase`),
//!   another company's bid (`hall.not_your_bid`), an amount that is not
//!   the recorded one or a bid not decrypted (`hall.amount_mismatch`). A
//!   second confirmation returns the first record. Each first confirmation
//!   records a [`super::HallEventKind::Progress`] event in the same
//!   transaction.
//!
//! [`ActionPayload::ConfirmQuote`]: super::ActionPayload::ConfirmQuote

use serde::{Deserialize, Serialize};

use super::{ActionProof, Phase};

/// One row of the quote table: a bidder in a section, and its bid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteEntry {
    /// The section, from 1.
    pub section: u32,
    /// The section's name.
    pub section_name: String,
    /// The company's name.
    pub company: String,
    /// Its unified social credit code.
    pub credit_code: String,
    /// The bid, if the company uploaded one.
    pub bid_id: Option<String>,
    /// Whether the bid is decrypted.
    pub decrypted: bool,
    /// The amount in yuan, once decrypted ([`super::is_amount`]).
    pub amount: Option<String>,
    /// Whether the company confirmed the amount; `None` before phase
    /// [`Phase::QuoteConfirmation`].
    pub confirmed: Option<bool>,
    /// When it confirmed, Unix seconds, server clock.
    pub confirmed_at: Option<i64>,
}

/// `GET .../projects/{id}/quotes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteTable {
    /// The project.
    pub project_id: String,
    /// The phase when the table was read.
    pub phase: Phase,
    /// By section, then company name.
    pub quotes: Vec<QuoteEntry>,
}

/// `POST .../projects/{id}/bids/{bid}/confirm`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfirmRequest {
    /// The amount confirmed, as the quote table shows it.
    pub amount: String,
    /// Proof of [`super::ActionPayload::ConfirmQuote`].
    pub proof: ActionProof,
}

/// A company's confirmation of its quote, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteConfirmation {
    /// The project.
    pub project_id: String,
    /// The bid.
    pub bid_id: String,
    /// The section, from 1.
    pub section: u32,
    /// The company's name.
    pub company: String,
    /// Its unified social credit code.
    pub credit_code: String,
    /// The amount confirmed, yuan.
    pub amount: String,
    /// Serial of the signing certificate, lower-case hex.
    pub certificate_serial: String,
    /// The proof's signing time, Unix seconds.
    pub signed_at: i64,
    /// When the platform recorded it, Unix seconds, server clock.
    pub confirmed_at: i64,
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::super::ActionPayload;

    #[test]
    fn confirmation_binds_bid_and_amount() {
        let confirm = |bid: &str, amount: &str| ActionPayload::ConfirmQuote {
            bid_id: bid.into(),
            amount: amount.into(),
        };
        assert_eq!(confirm("b1", "10").name(), "confirm_quote");
        assert_ne!(
            confirm("b1", "10").digest(),
            confirm("b1", "10.00").digest()
        );
        assert_ne!(confirm("b1", "10").digest(), confirm("b2", "10").digest());
    }
}
