//! The desktop's HTTP client of the platform's QR relay: create a request,
//! follow its server-sent events, fetch the answer.
//!
//! The desktop is not logged in: the platform hands it a desktop token with
//! the request ([`CreatedQrRequest::desktop_token`]), sent as
//! `Authorization: Desktop {token}` on the event stream and the answer. The
//! event stream has no overall timeout (it lives as long as the request)
//! but a read timeout: frames arrive every second, so a silent stream is a
//! dead one. A stream that ends before a final state is opened again with
//! `Last-Event-ID`.

use std::time::Duration;

use eventsource_stream::Eventsource;
use futures_util::StreamExt;
use palmbid_core::api::client::{install_ring_provider, parse_base_url};
use palmbid_core::api::hall::UploadedBid;
use palmbid_core::api::pickup::SealKind;
use palmbid_core::api::qr::{
    CreateQrRequest, CreatedQrRequest, DesktopEvent, QrAnswer, QrState, SigningDigest,
};
use palmbid_core::api::{ErrorBody, ErrorCode, paths};
use reqwest::header::AUTHORIZATION;
use serde::de::DeserializeOwned;
use url::Url;
use zeroize::Zeroizing;

use crate::ToolboxError;

/// Time allowed for a plain request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Maximum time a bid upload may take (files of up to 64 MiB).
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(600);

/// Longest silence on the event stream before it counts as dead.
const EVENT_READ_TIMEOUT: Duration = Duration::from_secs(15);

/// Times a broken event stream is opened again before giving up.
const RECONNECTS: u32 = 5;

/// A request the desktop created, with the secret that follows it.
pub struct OpenRequest {
    /// What the platform answered.
    pub created: CreatedQrRequest,
    token: Zeroizing<String>,
    /// Server clock minus local clock, seconds, at creation.
    offset: i64,
    /// Id of the last event received, to resume the stream after it.
    last_event_id: Option<String>,
}

impl OpenRequest {
    /// The server's time now, Unix seconds, as of the request's creation.
    pub fn server_now(&self) -> i64 {
        unix_now() + self.offset
    }
}

/// Where following a request's events stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// A final state, with the platform's reason when cancelled or
    /// expired.
    Final(QrState, Option<String>),
    /// Seal requests: the phone chose a seal; place it, send the digest
    /// ([`Relay::send_digest`]) and follow on.
    SealChosen {
        /// Which seal.
        seal: SealKind,
        /// Its image, PNG, base64.
        seal_png: String,
        /// The holder's name for the signature's `/Name`.
        signer_name: String,
    },
}

impl std::fmt::Debug for OpenRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenRequest")
            .field("created", &self.created)
            .finish_non_exhaustive()
    }
}

/// What the desktop shows while it waits; the CLI draws the QR code in
/// the terminal, tests hand the URL to a phone.
pub trait Screen: Send {
    /// A new frame: draw `url` as a QR code. `match_number` is the login
    /// number to show beside it.
    fn frame(&mut self, url: &str, match_number: Option<u8>, seconds_left: i64);

    /// The request changed state (scanned, matched...).
    fn state(&mut self, state: QrState);
}

/// A client of one platform's relay.
#[derive(Debug, Clone)]
pub struct Relay {
    base: Url,
    http: reqwest::Client,
    events: reqwest::Client,
}

impl Relay {
    /// A client of the platform at `base_url` (`https://`, or `http://` on
    /// loopback).
    ///
    /// # Errors
    /// [`ToolboxError::Api`] for a refused address or a client that cannot
    /// be built.
    pub fn new(base_url: &str) -> Result<Self, ToolboxError> {
        let base = parse_base_url(base_url)?;
        install_ring_provider();
        let agent = concat!("palmbid-toolbox/", env!("CARGO_PKG_VERSION"));
        let build = |builder: reqwest::ClientBuilder| {
            builder
                .user_agent(agent)
                .build()
                .map_err(|e| ToolboxError::Api(palmbid_core::api::ApiError::Client(e)))
        };
        Ok(Relay {
            http: build(reqwest::Client::builder().timeout(REQUEST_TIMEOUT))?,
            events: build(
                reqwest::Client::builder()
                    .connect_timeout(REQUEST_TIMEOUT)
                    .read_timeout(EVENT_READ_TIMEOUT),
            )?,
            base,
        })
    }

    /// The platform's base address, ending in `/`.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// Creates a request.
    ///
    /// # Errors
    /// [`ToolboxError::Api`] with the platform's `qr.invalid_request`
    /// naming the field, or a transport failure.
    pub async fn create(&self, request: &CreateQrRequest) -> Result<OpenRequest, ToolboxError> {
        let response = self
            .http
            .post(self.url(paths::QR_REQUESTS)?)
            .json(request)
            .send()
            .await
            .map_err(transport)?;
        let created: CreatedQrRequest = read_json(response).await?;
        tracing::info!(request = %created.id, kind = request.kind.as_str(), "QR request created");
        let token = Zeroizing::new(created.desktop_token.clone());
        let offset = created.created_at - unix_now();
        Ok(OpenRequest {
            created,
            token,
            offset,
            last_event_id: None,
        })
    }

    /// Follows the request's events, showing frames and states on
    /// `screen`, until it reaches a final state or, for a seal request,
    /// the phone's seal choice. Following again resumes after the last
    /// event seen.
    ///
    /// # Errors
    /// [`ToolboxError::Api`] when the stream cannot be opened;
    /// [`ToolboxError::EventsLost`] when it breaks more than a few times.
    pub async fn follow(
        &self,
        request: &mut OpenRequest,
        screen: &mut dyn Screen,
    ) -> Result<Progress, ToolboxError> {
        let url = self.url(&paths::qr_desktop_path(&request.created.id, "events"))?;
        let mut breaks = 0;
        loop {
            let mut call = self.events.get(url.clone()).header(
                AUTHORIZATION,
                format!("{} {}", paths::DESKTOP_AUTH_SCHEME, request.token.as_str()),
            );
            if let Some(id) = &request.last_event_id {
                call = call.header("Last-Event-ID", id.as_str());
            }
            let response = call.send().await.map_err(transport)?;
            if !response.status().is_success() {
                return Err(refusal(response).await);
            }

            let mut stream = response.bytes_stream().eventsource();
            while let Some(event) = stream.next().await {
                let Ok(event) = event else {
                    break;
                };
                if !event.id.is_empty() {
                    request.last_event_id = Some(event.id.clone());
                }
                let Ok(parsed) = serde_json::from_str::<DesktopEvent>(&event.data) else {
                    tracing::warn!(event = %event.event, "unreadable relay event skipped");
                    continue;
                };
                match parsed {
                    DesktopEvent::Frame { url, .. } => {
                        let left = request.created.answer_by - (unix_now() + request.offset);
                        screen.frame(&url, request.created.match_number, left.max(0));
                    }
                    DesktopEvent::State { state, reason, .. } => {
                        screen.state(state);
                        if state.is_final() {
                            return Ok(Progress::Final(state, reason));
                        }
                    }
                    DesktopEvent::SealChosen {
                        seal,
                        seal_png,
                        signer_name,
                    } => {
                        return Ok(Progress::SealChosen {
                            seal,
                            seal_png,
                            signer_name,
                        });
                    }
                }
            }

            breaks += 1;
            if breaks > RECONNECTS {
                return Err(ToolboxError::EventsLost {
                    id: request.created.id.clone(),
                });
            }
            tracing::info!(request = %request.created.id, breaks, "event stream reopened");
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }

    /// The accepted answer of a request.
    ///
    /// # Errors
    /// [`ToolboxError::Api`] with `qr.not_answered` before the answer.
    pub async fn answer(&self, request: &OpenRequest) -> Result<QrAnswer, ToolboxError> {
        let url = self.url(&paths::qr_desktop_path(&request.created.id, "answer"))?;
        let response = self
            .http
            .get(url)
            .header(
                AUTHORIZATION,
                format!("{} {}", paths::DESKTOP_AUTH_SCHEME, request.token.as_str()),
            )
            .send()
            .await
            .map_err(transport)?;
        read_json(response).await
    }

    /// Sends the digest of the revision prepared with the chosen seal.
    ///
    /// # Errors
    /// [`ToolboxError::Api`] with `qr.seal_not_chosen` or another `qr.*`
    /// refusal.
    pub async fn send_digest(
        &self,
        request: &OpenRequest,
        digest: &SigningDigest,
    ) -> Result<(), ToolboxError> {
        let url = self.url(&paths::qr_desktop_path(&request.created.id, "digest"))?;
        let response = self
            .http
            .post(url)
            .header(
                AUTHORIZATION,
                format!("{} {}", paths::DESKTOP_AUTH_SCHEME, request.token.as_str()),
            )
            .json(digest)
            .send()
            .await
            .map_err(transport)?;
        let _: serde::de::IgnoredAny = read_json(response).await?;
        tracing::info!(request = %request.created.id, seal = digest.seal.as_str(), "seal digest sent");
        Ok(())
    }

    /// Creates a request, waits for its outcome and returns the answer.
    ///
    /// # Errors
    /// As [`Relay::create`] and [`Relay::follow`];
    /// [`ToolboxError::NotAnswered`] when the request was cancelled or
    /// expired, with the platform's reason.
    pub async fn ask(
        &self,
        request: &CreateQrRequest,
        screen: &mut dyn Screen,
    ) -> Result<QrAnswer, ToolboxError> {
        let mut open = self.create(request).await?;
        match self.follow(&mut open, screen).await? {
            Progress::Final(QrState::Answered, _) => self.answer(&open).await,
            Progress::Final(state, reason) => Err(ToolboxError::NotAnswered {
                state,
                reason: reason.unwrap_or_default(),
            }),
            Progress::SealChosen { .. } => Err(ToolboxError::AnswerInvalid {
                reason: "a seal was chosen for a request that is not a seal request".to_owned(),
            }),
        }
    }

    /// Uploads the bid file `envelope` for section `section` of hall
    /// project `project`, authorised by the answered login `login`.
    ///
    /// # Errors
    /// [`ToolboxError::Api`] with the platform's `hall.*` refusal (not an
    /// envelope, too large, not a bidder, upload closed, login too old),
    /// or a transport failure.
    pub async fn upload_bid(
        &self,
        login: &OpenRequest,
        project: &str,
        section: u32,
        envelope: Vec<u8>,
    ) -> Result<UploadedBid, ToolboxError> {
        let mut url = self.url(&paths::hall_project_path(project, "bids"))?;
        url.query_pairs_mut()
            .append_pair("section", &section.to_string());
        let response = self
            .http
            .post(url)
            .timeout(UPLOAD_TIMEOUT)
            .header(
                AUTHORIZATION,
                format!("{} {}", paths::DESKTOP_AUTH_SCHEME, login.token.as_str()),
            )
            .body(envelope)
            .send()
            .await
            .map_err(transport)?;
        let uploaded: UploadedBid = read_json(response).await?;
        tracing::info!(project, section, bid = %uploaded.bid_id, "bid file uploaded");
        Ok(uploaded)
    }

    fn url(&self, path: &str) -> Result<Url, ToolboxError> {
        self.base.join(path.trim_start_matches('/')).map_err(|_| {
            ToolboxError::Api(palmbid_core::api::ApiError::InvalidUrl {
                url: format!("{}{path}", self.base),
                reason: "the path cannot be joined to the base address",
            })
        })
    }
}

fn transport(source: reqwest::Error) -> ToolboxError {
    ToolboxError::Api(palmbid_core::api::ApiError::Transport {
        url: source.url().map(ToString::to_string).unwrap_or_default(),
        source,
    })
}

async fn read_json<T: DeserializeOwned>(response: reqwest::Response) -> Result<T, ToolboxError> {
    if !response.status().is_success() {
        return Err(refusal(response).await);
    }
    let url = response.url().to_string();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.map_err(transport)?;
    serde_json::from_slice(&bytes).map_err(|e| {
        ToolboxError::Api(palmbid_core::api::ApiError::BadResponse {
            url,
            status,
            reason: e.to_string(),
        })
    })
}

async fn refusal(response: reqwest::Response) -> ToolboxError {
    let url = response.url().to_string();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap_or_default();
    let error = match serde_json::from_slice::<ErrorBody>(&bytes) {
        Ok(body) => palmbid_core::api::ApiError::Refused { status, body },
        Err(e) => palmbid_core::api::ApiError::BadResponse {
            url,
            status,
            reason: e.to_string(),
        },
    };
    if let Some(code) = error.server_code().filter(|c| *c != ErrorCode::Unknown) {
        tracing::info!(status, code = code.as_str(), "relay refused");
    }
    ToolboxError::Api(error)
}

pub(crate) fn unix_now() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(now.as_secs()).unwrap_or(i64::MAX)
}
