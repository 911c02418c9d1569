//! Quote reading (唱标), quote confirmation (确认报价) and project details
//! (项目详情) on the phone.
//!
//! The confirmation takes the amount the bidder saw and agrees to. It is
//! checked against the phone's own bid list before the PIN is used, so a
//! stale screen or another company's bid costs no PIN try, and the proof
//! binds that amount, so the platform records exactly what was agreed.

use super::HallError;
use super::actions::Session;
use crate::account::AccountStore;
use crate::api::hall::details::ProjectDetails;
use crate::api::hall::quotes::{ConfirmRequest, QuoteConfirmation, QuoteTable};
use crate::api::hall::{ActionPayload, Phase};
use crate::keystore::{Keystore, Pin};

/// Fetches every bidder's quote of project `project_id`, from the quote
/// reading on.
///
/// # Errors
/// [`HallError::Api`] with `hall.quotes_sealed` before the quote reading,
/// or another refusal.
pub async fn quotes(
    store: &AccountStore,
    platform: &str,
    project_id: &str,
) -> Result<QuoteTable, HallError> {
    let session = Session::open(store, platform)?;
    let table = session.client.hall_quotes(project_id).await?;
    tracing::info!(
        project = project_id,
        rows = table.quotes.len(),
        "hall quotes read"
    );
    Ok(table)
}

/// Confirms that bid `bid_id` of the session's company was read as
/// `amount` yuan. A second confirmation returns the first record.
///
/// # Errors
/// Before the PIN: [`HallError::NotConfirmationPhase`],
/// [`HallError::BidNotFound`] for a bid that is not the company's,
/// [`HallError::AmountMismatch`]; then [`HallError::Keystore`] for a wrong
/// PIN and [`HallError::Api`] with the platform's refusal.
pub async fn confirm_quote(
    store: &AccountStore,
    keystore: &Keystore,
    platform: &str,
    project_id: &str,
    bid_id: &str,
    amount: &str,
    pin: &Pin,
) -> Result<QuoteConfirmation, HallError> {
    let session = Session::open(store, platform)?;
    confirmable(&session, project_id, bid_id, amount).await?;
    let signer = session.signer(keystore)?;

    let payload = ActionPayload::ConfirmQuote {
        bid_id: bid_id.to_owned(),
        amount: amount.to_owned(),
    };
    let proof = session
        .prove(keystore, &signer, project_id, &payload, pin)
        .await?;
    let request = ConfirmRequest {
        amount: amount.to_owned(),
        proof,
    };
    let confirmation = session
        .client
        .hall_confirm(project_id, bid_id, &request)
        .await?;
    tracing::info!(project = project_id, bid = bid_id, "hall quote confirmed");
    Ok(confirmation)
}

/// Checks, without the PIN, that [`confirm_quote`] of `amount` for bid
/// `bid_id` can succeed now: the app calls it before showing the PIN pad.
///
/// # Errors
/// As [`confirm_quote`] before the PIN.
pub async fn check_confirmation(
    store: &AccountStore,
    platform: &str,
    project_id: &str,
    bid_id: &str,
    amount: &str,
) -> Result<(), HallError> {
    let session = Session::open(store, platform)?;
    confirmable(&session, project_id, bid_id, amount).await
}

/// Checks that the phase is quote confirmation and that `bid_id` is the
/// company's bid read as `amount`.
async fn confirmable(
    session: &Session,
    project_id: &str,
    bid_id: &str,
    amount: &str,
) -> Result<(), HallError> {
    let project = session.client.hall_project(project_id).await?;
    if project.phase != Phase::QuoteConfirmation {
        return Err(HallError::NotConfirmationPhase {
            project: project_id.to_owned(),
            phase: project.phase,
        });
    }
    let bid = session.bid(project_id, bid_id).await?;
    let recorded = bid.quote.map(|q| q.amount);
    if recorded.as_deref() != Some(amount) {
        return Err(HallError::AmountMismatch {
            bid: bid_id.to_owned(),
            given: amount.to_owned(),
            recorded: recorded.unwrap_or_else(|| "no amount".to_owned()),
        });
    }
    Ok(())
}

/// Fetches the details of project `project_id`, in any phase.
///
/// # Errors
/// [`HallError::Api`] with the platform's refusal.
pub async fn project_details(
    store: &AccountStore,
    platform: &str,
    project_id: &str,
) -> Result<ProjectDetails, HallError> {
    let session = Session::open(store, platform)?;
    Ok(session.client.hall_details(project_id).await?)
}
