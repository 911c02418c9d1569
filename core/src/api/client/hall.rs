//! The hall's calls: the session's projects, one project, and its event
//! stream (protocol in [`crate::api::hall`]).

use std::pin::Pin;

use eventsource_stream::{EventStreamError, Eventsource};
use futures_util::{Stream, StreamExt};

use super::{PlatformClient, read_limited, refusal};
use crate::api::hall::{
    BidList, CheckRequest, DecryptionCheck, HallEvent, HallNonce, ProjectList, ProjectSummary,
    ReleaseRequest, ReleaseResult, SignInRecord, SignInRequest,
};
use crate::api::{ApiError, paths};

type RawEvents = Pin<
    Box<
        dyn Stream<Item = Result<eventsource_stream::Event, EventStreamError<reqwest::Error>>>
            + Send,
    >,
>;

/// One item of a hall event stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HallStreamItem {
    /// An event this build understands.
    Event(HallEvent),
    /// An event of a kind added to the protocol after this build. It still
    /// takes its place in the sequence, so resuming stays exact.
    Unrecognized {
        /// Its sequence number.
        seq: u64,
        /// Its `kind` as sent.
        kind: String,
    },
}

impl HallStreamItem {
    /// The item's sequence number.
    pub fn seq(&self) -> u64 {
        match self {
            HallStreamItem::Event(event) => event.seq,
            HallStreamItem::Unrecognized { seq, .. } => *seq,
        }
    }
}

/// An open event stream of one project.
pub struct HallEventStream {
    url: String,
    events: RawEvents,
}

impl std::fmt::Debug for HallEventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HallEventStream")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl HallEventStream {
    /// The next event; `None` when the platform ended the stream (after
    /// the closed phase) or the connection closed cleanly.
    ///
    /// # Errors
    /// [`ApiError::Transport`] when the connection breaks or stays silent
    /// too long; [`ApiError::BadResponse`] for an event without a
    /// sequence number. The stream cannot be used after an error: open a
    /// new one after the last sequence number seen.
    pub async fn next(&mut self) -> Option<Result<HallStreamItem, ApiError>> {
        let event = match self.events.next().await? {
            Ok(event) => event,
            Err(EventStreamError::Transport(source)) => {
                return Some(Err(ApiError::Transport {
                    url: self.url.clone(),
                    source,
                }));
            }
            Err(error) => return Some(Err(self.bad(error.to_string()))),
        };
        Some(self.parse(&event.data))
    }

    fn parse(&self, data: &str) -> Result<HallStreamItem, ApiError> {
        if let Ok(event) = serde_json::from_str::<HallEvent>(data) {
            return Ok(HallStreamItem::Event(event));
        }

        // Not a kind this build knows: keep its place in the sequence.
        let value: serde_json::Value =
            serde_json::from_str(data).map_err(|e| self.bad(format!("event data: {e}")))?;
        let seq = value
            .get("seq")
            .and_then(serde_json::Value::as_u64)
            .filter(|seq| *seq >= 1)
            .ok_or_else(|| self.bad("an event without a sequence number".to_owned()))?;
        let kind = value
            .get("kind")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("-")
            .to_owned();
        Ok(HallStreamItem::Unrecognized { seq, kind })
    }

    fn bad(&self, reason: String) -> ApiError {
        ApiError::BadResponse {
            url: self.url.clone(),
            status: 200,
            reason,
        }
    }
}

impl PlatformClient {
    /// The hall projects of the session's company, by opening time.
    ///
    /// # Errors
    /// [`ApiError::NotLoggedIn`] without a session; a transport error or
    /// the platform's refusal.
    pub async fn hall_projects(&self) -> Result<ProjectList, ApiError> {
        let request = self.authorized(self.http.get(self.url(paths::HALL_PROJECTS)?))?;
        self.send(request).await
    }

    /// One hall project, its phase settled by the server clock.
    ///
    /// # Errors
    /// As [`PlatformClient::hall_projects`]; `hall.not_found` and
    /// `hall.not_a_bidder` refusals.
    pub async fn hall_project(&self, id: &str) -> Result<ProjectSummary, ApiError> {
        let path = paths::hall_project_path(id, "");
        let request = self.authorized(self.http.get(self.url(&path)?))?;
        self.send(request).await
    }

    /// Opens the event stream of project `id`, starting after sequence
    /// number `after` (0 for the whole log).
    ///
    /// # Errors
    /// As [`PlatformClient::hall_project`].
    pub async fn hall_events(&self, id: &str, after: u64) -> Result<HallEventStream, ApiError> {
        let url = self.url(&paths::hall_project_path(id, "events"))?;
        let mut request = self
            .authorized(self.events.get(url.clone()))?
            .header(reqwest::header::ACCEPT, "text/event-stream");
        if after > 0 {
            request = request.header("Last-Event-ID", after.to_string());
        }
        let response = request.send().await.map_err(|source| ApiError::Transport {
            url: url.to_string(),
            source,
        })?;
        self.note_server_time(&response);

        let status = response.status();
        if !status.is_success() {
            let bytes = read_limited(response, url.as_str()).await?;
            return Err(refusal(url.as_str(), status, &bytes));
        }
        Ok(HallEventStream {
            url: url.to_string(),
            events: Box::pin(response.bytes_stream().eventsource()),
        })
    }
}

/// Largest sign-in receipt read, in bytes.
const MAX_RECEIPT_BYTES: usize = 4 * 1024 * 1024;

impl PlatformClient {
    /// A one-use nonce for an action proof in project `id`.
    ///
    /// # Errors
    /// As [`PlatformClient::hall_project`].
    pub async fn hall_nonce(&self, id: &str) -> Result<HallNonce, ApiError> {
        self.post_authorized(
            &paths::hall_project_path(id, "nonce"),
            &serde_json::json!({}),
        )
        .await
    }

    /// Signs in to project `id`.
    ///
    /// # Errors
    /// As [`PlatformClient::hall_project`]; `hall.sign_in_not_open`,
    /// `hall.sign_in_closed` and the proof's refusals.
    pub async fn hall_sign_in(
        &self,
        id: &str,
        request: &SignInRequest,
    ) -> Result<SignInRecord, ApiError> {
        self.post_authorized(&paths::hall_project_path(id, "sign-in"), request)
            .await
    }

    /// The sign-in receipt of project `id`, a PDF.
    ///
    /// # Errors
    /// As [`PlatformClient::hall_project`]; `hall.not_signed_in`;
    /// [`ApiError::BadResponse`] when the body is not a PDF.
    pub async fn hall_sign_in_receipt(&self, id: &str) -> Result<Vec<u8>, ApiError> {
        let url = self.url(&paths::hall_project_path(id, "sign-in/receipt"))?;
        let response = self
            .authorized(self.http.get(url.clone()))?
            .send()
            .await
            .map_err(|source| ApiError::Transport {
                url: url.to_string(),
                source,
            })?;
        self.note_server_time(&response);
        let status = response.status();
        let bytes = read_limited(response, url.as_str()).await?;
        if !status.is_success() {
            return Err(refusal(url.as_str(), status, &bytes));
        }
        if !bytes.starts_with(b"%PDF-") || bytes.len() > MAX_RECEIPT_BYTES {
            return Err(ApiError::BadResponse {
                url: url.to_string(),
                status: status.as_u16(),
                reason: "the sign-in receipt is not a PDF file".to_owned(),
            });
        }
        Ok(bytes)
    }

    /// The session company's bids in project `id`.
    ///
    /// # Errors
    /// As [`PlatformClient::hall_project`].
    pub async fn hall_bids(&self, id: &str) -> Result<BidList, ApiError> {
        let path = paths::hall_project_path(id, "bids");
        let request = self.authorized(self.http.get(self.url(&path)?))?;
        self.send(request).await
    }

    /// Records a decryption check of bid `bid` in project `id`.
    ///
    /// # Errors
    /// As [`PlatformClient::hall_project`]; `hall.check_mismatch` and the
    /// proof's refusals.
    pub async fn hall_check(
        &self,
        id: &str,
        bid: &str,
        request: &CheckRequest,
    ) -> Result<DecryptionCheck, ApiError> {
        self.post_authorized(&paths::hall_bid_path(id, bid, "check"), request)
            .await
    }

    /// Releases the content key of bid `bid` in project `id` to the
    /// opening certificate; the platform decrypts and answers the quote.
    ///
    /// # Errors
    /// As [`PlatformClient::hall_project`]; `hall.wrong_key`,
    /// `hall.damaged_bid`, `hall.already_decrypted` and the proof's
    /// refusals.
    pub async fn hall_release(
        &self,
        id: &str,
        bid: &str,
        request: &ReleaseRequest,
    ) -> Result<ReleaseResult, ApiError> {
        self.post_authorized(&paths::hall_bid_path(id, bid, "release"), request)
            .await
    }
}
