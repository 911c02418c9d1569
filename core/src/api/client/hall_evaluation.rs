//! The hall's calls of the evaluation phase: quote rounds and coefficient
//! draws (protocol in [`crate::api::hall`]).

use super::PlatformClient;
use crate::api::hall::{
    ContributeRequest, DrawList, DrawView, RoundList, RoundQuote, RoundQuoteRequest,
};
use crate::api::{ApiError, paths};

impl PlatformClient {
    /// Fetches the quote rounds of project `id`: the session company's own quote
    /// in an open round, every quote in a closed one.
    ///
    /// # Errors
    /// As [`PlatformClient::hall_project`].
    pub async fn hall_rounds(&self, id: &str) -> Result<RoundList, ApiError> {
        let path = paths::hall_project_path(id, "rounds");
        let request = self.authorized(self.http.get(self.url(&path)?))?;
        self.send(request).await
    }

    /// Submits a quote in an open round of project `id`; a second one in
    /// the same round replaces the first.
    ///
    /// # Errors
    /// As [`PlatformClient::hall_project`]; `hall.no_round_open`,
    /// `hall.round_closed`, `hall.not_a_section_bidder`,
    /// `hall.invalid_amount`, `hall.not_signed_in` and the proof's
    /// refusals.
    pub async fn hall_round_quote(
        &self,
        id: &str,
        request: &RoundQuoteRequest,
    ) -> Result<RoundQuote, ApiError> {
        self.post_authorized(&paths::hall_project_path(id, "rounds/quote"), request)
            .await
    }

    /// Fetches the coefficient draws of project `id`, in order.
    ///
    /// # Errors
    /// As [`PlatformClient::hall_project`].
    pub async fn hall_draws(&self, id: &str) -> Result<DrawList, ApiError> {
        let path = paths::hall_project_path(id, "draws");
        let request = self.authorized(self.http.get(self.url(&path)?))?;
        self.send(request).await
    }

    /// Contributes 32 random bytes to open draw `draw` of project `id`.
    ///
    /// # Errors
    /// As [`PlatformClient::hall_project`]; `hall.draw_not_found`,
    /// `hall.draw_closed`, `hall.already_contributed`,
    /// `hall.invalid_draw` and the proof's refusals.
    pub async fn hall_contribute(
        &self,
        id: &str,
        draw: u32,
        request: &ContributeRequest,
    ) -> Result<DrawView, ApiError> {
        let path = paths::hall_project_path(id, &format!("draws/{draw}/contribute"));
        self.post_authorized(&path, request).await
    }
}
