//! Quote reading, quote confirmation, project details and challenges as
//! `Account` methods; the rules live in `palmbid_core::hall::quotes` and
//! `palmbid_core::hall::challenges`.

use palmbid_core::hall as core;
use palmbid_core::keystore::Pin;

use super::quote_records::{
    HallAttachment, HallChallenge, HallProjectDetails, HallQuoteConfirmation, HallQuoteTable,
};
use crate::account::Account;
use crate::error::PalmbidError;
use crate::runtime::{blocking_future, spawn};

#[uniffi::export(async_runtime = "tokio")]
impl Account {
    /// Fetches every bidder's quote of project `project` (唱标), from the
    /// quote reading on.
    ///
    /// # Errors
    /// `hall.quotes_sealed` before the quote reading; the platform's
    /// refusal.
    pub async fn hall_quotes(
        &self,
        platform: String,
        project: String,
    ) -> Result<HallQuoteTable, PalmbidError> {
        let store = self.store();
        spawn("Account.hall_quotes", async move {
            core::quotes(&store, &platform, &project)
                .await
                .map(HallQuoteTable::from)
                .map_err(PalmbidError::from_core)
        })
        .await
    }

    /// Checks, without the PIN, that `hallConfirmQuote` of `amount` for
    /// bid `bid` can succeed now; call it before showing the PIN pad.
    ///
    /// # Errors
    /// `hall.not_confirmation_phase`, `hall.bid_not_found`,
    /// `hall.amount_mismatch`; the platform's refusal.
    pub async fn hall_check_confirmation(
        &self,
        platform: String,
        project: String,
        bid: String,
        amount: String,
    ) -> Result<(), PalmbidError> {
        let store = self.store();
        spawn("Account.hall_check_confirmation", async move {
            core::check_confirmation(&store, &platform, &project, &bid, &amount)
                .await
                .map_err(PalmbidError::from_core)
        })
        .await
    }

    /// Confirms that the company's bid `bid` was read as `amount` yuan
    /// (确认报价), signed with the signing certificate. A second
    /// confirmation returns the first record.
    ///
    /// # Errors
    /// As `hallCheckConfirmation` before the PIN is used; keystore
    /// errors; the platform's `hall.not_your_bid` or another refusal.
    pub async fn hall_confirm_quote(
        &self,
        platform: String,
        project: String,
        bid: String,
        amount: String,
        pin: String,
    ) -> Result<HallQuoteConfirmation, PalmbidError> {
        let pin = Pin::entered(pin);
        let (store, keystore) = (self.store(), self.keystore());
        blocking_future("Account.hall_confirm_quote", async move {
            core::confirm_quote(&store, &keystore, &platform, &project, &bid, &amount, &pin)
                .await
                .map(HallQuoteConfirmation::from)
                .map_err(PalmbidError::from_core)
        })
        .await
    }

    /// Fetches the details of project `project` (项目详情), in any phase.
    ///
    /// # Errors
    /// The platform's refusal.
    pub async fn hall_project_details(
        &self,
        platform: String,
        project: String,
    ) -> Result<HallProjectDetails, PalmbidError> {
        let store = self.store();
        spawn("Account.hall_project_details", async move {
            core::project_details(&store, &platform, &project)
                .await
                .map(HallProjectDetails::from)
                .map_err(PalmbidError::from_core)
        })
        .await
    }

    /// Submits a challenge (质疑) of `text` with `attachments` (PDF, PNG or
    /// JPEG; up to 5, 10 MiB each, 20 MiB together), signed with the
    /// signing certificate.
    ///
    /// # Errors
    /// `hall.challenge_empty`, `hall.attachment_type`,
    /// `hall.attachment_too_large`, `hall.challenge_too_large` and the
    /// other rules, and `hall.project_closed`, before the PIN is used;
    /// keystore errors; the platform's refusal.
    pub async fn hall_submit_challenge(
        &self,
        platform: String,
        project: String,
        text: String,
        attachments: Vec<HallAttachment>,
        pin: String,
    ) -> Result<HallChallenge, PalmbidError> {
        let pin = Pin::entered(pin);
        let (store, keystore) = (self.store(), self.keystore());
        let attachments: Vec<core::Attachment> = attachments
            .into_iter()
            .map(|a| core::Attachment {
                name: a.name,
                content: a.content,
            })
            .collect();
        blocking_future("Account.hall_submit_challenge", async move {
            core::submit_challenge(
                &store,
                &keystore,
                &platform,
                &project,
                &text,
                &attachments,
                &pin,
            )
            .await
            .map(HallChallenge::from)
            .map_err(PalmbidError::from_core)
        })
        .await
    }

    /// Fetches the company's challenges in project `project`, oldest first, with
    /// the agent's answers once given.
    ///
    /// # Errors
    /// The platform's refusal.
    pub async fn hall_challenges(
        &self,
        platform: String,
        project: String,
    ) -> Result<Vec<HallChallenge>, PalmbidError> {
        let store = self.store();
        spawn("Account.hall_challenges", async move {
            let list = core::challenges(&store, &platform, &project)
                .await
                .map_err(PalmbidError::from_core)?;
            Ok(list.into_iter().map(HallChallenge::from).collect())
        })
        .await
    }
}
