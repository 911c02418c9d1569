//! The hall's calls of quote reading, quote confirmation, project details
//! and challenges (protocol in [`crate::api::hall::quotes`],
//! [`crate::api::hall::details`] and [`crate::api::hall::challenges`]).

use super::PlatformClient;
use crate::api::hall::challenges::{ChallengeList, ChallengeRecord, ChallengeRequest};
use crate::api::hall::details::ProjectDetails;
use crate::api::hall::quotes::{ConfirmRequest, QuoteConfirmation, QuoteTable};
use crate::api::{ApiError, paths};

impl PlatformClient {
    /// Fetches the quote table of project `id` (唱标).
    ///
    /// # Errors
    /// As [`PlatformClient::hall_project`]; `hall.quotes_sealed` before
    /// the quote reading.
    pub async fn hall_quotes(&self, id: &str) -> Result<QuoteTable, ApiError> {
        let path = paths::hall_project_path(id, "quotes");
        let request = self.authorized(self.http.get(self.url(&path)?))?;
        self.send(request).await
    }

    /// Confirms the quote of bid `bid` in project `id`.
    ///
    /// # Errors
    /// As [`PlatformClient::hall_project`]; `hall.wrong_phase`,
    /// `hall.not_your_bid`, `hall.amount_mismatch` and the proof's
    /// refusals.
    pub async fn hall_confirm(
        &self,
        id: &str,
        bid: &str,
        request: &ConfirmRequest,
    ) -> Result<QuoteConfirmation, ApiError> {
        self.post_authorized(&paths::hall_bid_path(id, bid, "confirm"), request)
            .await
    }

    /// Fetches the details of project `id` (项目详情).
    ///
    /// # Errors
    /// As [`PlatformClient::hall_project`].
    pub async fn hall_details(&self, id: &str) -> Result<ProjectDetails, ApiError> {
        let path = paths::hall_project_path(id, "details");
        let request = self.authorized(self.http.get(self.url(&path)?))?;
        self.send(request).await
    }

    /// Submits a challenge to project `id` (质疑).
    ///
    /// # Errors
    /// As [`PlatformClient::hall_project`]; `hall.project_closed`, the
    /// challenge rules' codes and the proof's refusals.
    pub async fn hall_submit_challenge(
        &self,
        id: &str,
        request: &ChallengeRequest,
    ) -> Result<ChallengeRecord, ApiError> {
        self.post_authorized(&paths::hall_project_path(id, "challenges"), request)
            .await
    }

    /// Fetches the session company's challenges in project `id`, with
    /// answers.
    ///
    /// # Errors
    /// As [`PlatformClient::hall_project`].
    pub async fn hall_challenges(&self, id: &str) -> Result<ChallengeList, ApiError> {
        let path = paths::hall_project_path(id, "challenges");
        let request = self.authorized(self.http.get(self.url(&path)?))?;
        self.send(request).await
    }
}
