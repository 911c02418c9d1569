//! The phone's HTTP client of the platform protocol.
//!
//! Async (reqwest over hyper; the caller supplies a tokio runtime), TLS by
//! rustls with the ring provider. Every response's [`SERVER_TIME_HEADER`]
//! updates the clock offset, so the phone can judge expiries by server
//! time. An error response becomes [`ApiError::Refused`] with the platform's
//! code and both messages.
//!
//! Plain `http://` is accepted only for loopback hosts (development and
//! tests); anything else must be `https://`.

use std::net::IpAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use url::{Host, Url};
use zeroize::Zeroizing;

use super::auth::{
    LoginRequest, LoginResponse, MeResponse, SmsCodeRequest, SmsCodeResponse, TermsResponse,
};
use super::health::HealthResponse;
use super::identity::{IdentityCodeResponse, IdentityStatus, IdentitySubmission};
use super::pickup::{
    CertificateRequest, DownloadRequest, DownloadResponse, IssuedCertificates, PickupOffer,
    pickup_path,
};
use super::platform::TrustAnchorResponse;
use super::qr::{MatchRequest, QrAnswer, QrRequestView, ScanRequest, SealChoice, SigningDigest};
use super::{ApiError, ErrorBody, SERVER_TIME_HEADER, paths};

mod hall;
mod hall_evaluation;
mod hall_quotes;

pub use hall::{HallEventStream, HallStreamItem};

// Calls of electronic bid guarantees, kept apart from the other areas.
mod guarantee;

/// Time allowed for one request, connection included.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// Time allowed to connect, for event streams (which have no overall
/// limit).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Longest silence on an event stream before it counts as broken. The
/// platform sends a keep-alive comment every 15 seconds.
const STREAM_READ_TIMEOUT: Duration = Duration::from_secs(45);

/// Maximum response body read, in bytes; certificate bundles fit easily.
const MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// A client of one platform, optionally holding a session token.
pub struct PlatformClient {
    base: Url,
    http: reqwest::Client,
    /// Without an overall timeout, for long-lived event streams.
    events: reqwest::Client,
    token: Option<Zeroizing<String>>,
    offset_ms: AtomicI64,
}

impl std::fmt::Debug for PlatformClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformClient")
            .field("base", &self.base.as_str())
            .field("logged_in", &self.token.is_some())
            .finish_non_exhaustive()
    }
}

/// Checks a platform base address: `https`, or `http` on a loopback host;
/// no user-info, query or fragment. Returns it with a trailing `/`.
///
/// # Errors
/// [`ApiError::InvalidUrl`] naming the rule broken.
pub fn parse_base_url(text: &str) -> Result<Url, ApiError> {
    let invalid = |reason| ApiError::InvalidUrl {
        url: text.to_owned(),
        reason,
    };
    if text.chars().any(|c| c.is_control() || c == '\\') {
        return Err(invalid("it contains a control character or a backslash"));
    }

    let mut url = Url::parse(text).map_err(|_| invalid("it is not a URL"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("it contains user information"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it contains a query or a fragment"));
    }
    let loopback = match url.host() {
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => return Err(invalid("it has no host")),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => return Err(invalid("plain http is allowed only on loopback")),
        _ => return Err(invalid("the scheme is neither https nor http")),
    }

    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

impl PlatformClient {
    /// A client of the platform at `base_url` (see [`parse_base_url`]).
    ///
    /// # Errors
    /// [`ApiError::InvalidUrl`] for a refused address, [`ApiError::Client`]
    /// when the HTTP client cannot be built.
    pub fn new(base_url: &str) -> Result<Self, ApiError> {
        let base = parse_base_url(base_url)?;

        install_ring_provider();
        let http = reqwest::Client::builder()
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("palmbid/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(ApiError::Client)?;
        let events = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .read_timeout(STREAM_READ_TIMEOUT)
            .user_agent(concat!("palmbid/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(ApiError::Client)?;

        Ok(PlatformClient {
            base,
            http,
            events,
            token: None,
            offset_ms: AtomicI64::new(0),
        })
    }

    /// The platform's base address, ending in `/`.
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// Uses `token` as the bearer token of the following requests.
    pub fn set_token(&mut self, token: Zeroizing<String>) {
        self.token = Some(token);
    }

    /// Server clock minus local clock, in milliseconds, as of the last
    /// response (0 before any).
    pub fn clock_offset_ms(&self) -> i64 {
        self.offset_ms.load(Ordering::Relaxed)
    }

    /// The server's time now, Unix seconds, from the local clock and the
    /// last known offset.
    pub fn server_now(&self) -> i64 {
        (local_now_ms() + self.clock_offset_ms()).div_euclid(1000)
    }

    /// `GET /api/v1/health`.
    ///
    /// # Errors
    /// [`ApiError`] when the platform is unreachable or returns an error.
    pub async fn health(&self) -> Result<HealthResponse, ApiError> {
        let request = self.http.get(self.url(paths::HEALTH)?);
        self.send(request).await
    }

    /// `GET /api/v1/dev/ca`: the platform CA's root certificate, as a
    /// development platform serves it.
    ///
    /// # Errors
    /// [`ApiError`] when the platform is unreachable or has no such
    /// endpoint.
    pub async fn trust_anchor(&self) -> Result<TrustAnchorResponse, ApiError> {
        let request = self.http.get(self.url(paths::DEV_CA)?);
        self.send(request).await
    }

    /// The user agreement and privacy policy versions a login must accept.
    ///
    /// # Errors
    /// [`ApiError`] when the platform is unreachable or returns an error.
    pub async fn terms(&self) -> Result<TermsResponse, ApiError> {
        let request = self.http.get(self.url(paths::TERMS)?);
        self.send(request).await
    }

    /// Asks the platform to send a login code to `phone` by SMS.
    ///
    /// # Errors
    /// [`ApiError::Refused`] with `auth.invalid_phone` or
    /// `auth.sms_rate_limited`; transport errors.
    pub async fn request_sms_code(&self, phone: &str) -> Result<SmsCodeResponse, ApiError> {
        let body = SmsCodeRequest {
            phone: phone.to_owned(),
        };
        self.post(paths::SMS_CODE, &body).await
    }

    /// Logs in with the SMS code and keeps the session token for the
    /// following requests.
    ///
    /// # Errors
    /// [`ApiError::Refused`] with an `auth.sms_code_*` or
    /// `auth.agreement_outdated` code; transport errors.
    pub async fn login(&mut self, request: &LoginRequest) -> Result<LoginResponse, ApiError> {
        let answer: LoginResponse = self.post(paths::LOGIN, request).await?;
        self.token = Some(Zeroizing::new(answer.token.clone()));
        Ok(answer)
    }

    /// Ends the session on the platform and forgets the token.
    ///
    /// # Errors
    /// [`ApiError::NotLoggedIn`] without a token; transport errors. The
    /// token is forgotten in every case.
    pub async fn logout(&mut self) -> Result<(), ApiError> {
        let request = self.authorized(self.http.post(self.url(paths::LOGOUT)?))?;
        self.token = None;
        let _: serde_json::Value = self.send(request).await?;
        Ok(())
    }

    /// The session's account.
    ///
    /// # Errors
    /// [`ApiError::NotLoggedIn`] without a token; `auth.unauthorized` when
    /// the platform no longer knows it.
    pub async fn me(&self) -> Result<MeResponse, ApiError> {
        let request = self.authorized(self.http.get(self.url(paths::ME)?))?;
        self.send(request).await
    }

    /// A 4-digit code to read aloud in the verification video.
    ///
    /// # Errors
    /// [`ApiError::NotLoggedIn`]; `identity.case_open` when a case is
    /// pending or approved.
    pub async fn identity_code(&self) -> Result<IdentityCodeResponse, ApiError> {
        let request = self.authorized(self.http.post(self.url(paths::IDENTITY_CODE)?))?;
        self.send(request).await
    }

    /// Submits a verification case.
    ///
    /// # Errors
    /// [`ApiError::NotLoggedIn`]; an `identity.*` refusal naming the field.
    pub async fn submit_identity(
        &self,
        submission: &IdentitySubmission,
    ) -> Result<IdentityStatus, ApiError> {
        let request = self
            .authorized(self.http.post(self.url(paths::IDENTITY)?))?
            .json(submission);
        self.send(request).await
    }

    /// The state of the latest verification case.
    ///
    /// # Errors
    /// [`ApiError::NotLoggedIn`]; transport errors.
    pub async fn identity_status(&self) -> Result<IdentityStatus, ApiError> {
        let request = self.authorized(self.http.get(self.url(paths::IDENTITY)?))?;
        self.send(request).await
    }

    /// The certificate order behind a pickup code.
    ///
    /// # Errors
    /// [`ApiError::NotLoggedIn`]; `pickup.*` or `identity.not_approved`
    /// refusals.
    pub async fn pickup_offer(&self, pickup_id: &str) -> Result<PickupOffer, ApiError> {
        let path = pickup_path(pickup_id, None);
        let request = self.authorized(self.http.get(self.url(&path)?))?;
        self.send(request).await
    }

    /// Sends both certificate requests of a pickup.
    ///
    /// # Errors
    /// [`ApiError::NotLoggedIn`]; `pickup.*` refusals.
    pub async fn request_certificates(
        &self,
        pickup_id: &str,
        body: &CertificateRequest,
    ) -> Result<IssuedCertificates, ApiError> {
        let path = pickup_path(pickup_id, Some("certificates"));
        let request = self
            .authorized(self.http.post(self.url(&path)?))?
            .json(body);
        self.send(request).await
    }

    /// Asks the platform to match the company before installing.
    ///
    /// # Errors
    /// [`ApiError::NotLoggedIn`]; `pickup.company_not_registered` and
    /// other `pickup.*` refusals.
    pub async fn download(
        &self,
        pickup_id: &str,
        body: &DownloadRequest,
    ) -> Result<DownloadResponse, ApiError> {
        let path = pickup_path(pickup_id, Some("download"));
        let request = self
            .authorized(self.http.post(self.url(&path)?))?
            .json(body);
        self.send(request).await
    }

    /// Scans a QR request: binds it to this session and returns what the
    /// confirm screen shows.
    ///
    /// # Errors
    /// [`ApiError::NotLoggedIn`]; `qr.*` or `identity.not_approved`
    /// refusals.
    pub async fn qr_scan(&self, id: &str, frame: &ScanRequest) -> Result<QrRequestView, ApiError> {
        self.qr_post(id, "scan", frame).await
    }

    /// Sends the number the user chose for a login request.
    ///
    /// # Errors
    /// [`ApiError::NotLoggedIn`]; `qr.wrong_number` (the request is then
    /// cancelled) and other `qr.*` refusals.
    pub async fn qr_match(&self, id: &str, number: u8) -> Result<(), ApiError> {
        let _: IgnoredAny = self.qr_post(id, "match", &MatchRequest { number }).await?;
        Ok(())
    }

    /// Sends the signed answer of a request.
    ///
    /// # Errors
    /// [`ApiError::NotLoggedIn`]; `qr.*` refusals.
    pub async fn qr_answer(&self, id: &str, answer: &QrAnswer) -> Result<(), ApiError> {
        let _: IgnoredAny = self.qr_post(id, "answer", answer).await?;
        Ok(())
    }

    /// Sends the seal chosen for a seal request.
    ///
    /// # Errors
    /// [`ApiError::NotLoggedIn`]; `qr.*` refusals.
    pub async fn qr_seal(&self, id: &str, choice: &SealChoice) -> Result<(), ApiError> {
        let _: IgnoredAny = self.qr_post(id, "seal", choice).await?;
        Ok(())
    }

    /// The digest the desktop prepared with the chosen seal; the platform
    /// waits for it up to [`super::qr::DIGEST_WAIT_SECS`].
    ///
    /// # Errors
    /// [`ApiError::NotLoggedIn`]; `qr.digest_pending` when it has not come
    /// yet; other `qr.*` refusals.
    pub async fn qr_digest(&self, id: &str) -> Result<SigningDigest, ApiError> {
        let path = paths::qr_phone_path(id, "digest");
        let request = self.authorized(self.http.get(self.url(&path)?))?;
        self.send(request).await
    }

    /// Cancels a request this phone scanned.
    ///
    /// # Errors
    /// [`ApiError::NotLoggedIn`]; `qr.*` refusals.
    pub async fn qr_cancel(&self, id: &str) -> Result<(), ApiError> {
        let _: IgnoredAny = self.qr_post(id, "cancel", &serde_json::json!({})).await?;
        Ok(())
    }

    async fn qr_post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        id: &str,
        action: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        self.post_authorized(&paths::qr_phone_path(id, action), body)
            .await
    }

    /// POSTs `body` as JSON to `path` with the bearer token.
    pub(super) async fn post_authorized<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let request = self.authorized(self.http.post(self.url(path)?))?.json(body);
        self.send(request).await
    }

    async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let request = self.http.post(self.url(path)?).json(body);
        self.send(request).await
    }

    pub(super) fn url(&self, path: &str) -> Result<Url, ApiError> {
        // Paths are absolute constants; join keeps a base path prefix
        // when the platform is mounted below the root.
        self.base
            .join(path.trim_start_matches('/'))
            .map_err(|_| ApiError::InvalidUrl {
                url: format!("{}{path}", self.base),
                reason: "the path cannot be joined to the base address",
            })
    }

    pub(super) fn authorized(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::RequestBuilder, ApiError> {
        let token = self.token.as_ref().ok_or(ApiError::NotLoggedIn)?;
        Ok(request.bearer_auth(token.as_str()))
    }

    pub(super) async fn send<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, ApiError> {
        let response = request.send().await.map_err(|source| ApiError::Transport {
            url: source.url().map(ToString::to_string).unwrap_or_default(),
            source,
        })?;
        let url = response.url().to_string();
        let status = response.status();
        self.note_server_time(&response);

        let bytes = read_limited(response, &url).await?;
        let bad = |reason: String| ApiError::BadResponse {
            url: url.clone(),
            status: status.as_u16(),
            reason,
        };
        if status.is_success() {
            return serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()));
        }
        Err(refusal(&url, status, &bytes))
    }

    pub(super) fn note_server_time(&self, response: &reqwest::Response) {
        let server_ms = response
            .headers()
            .get(SERVER_TIME_HEADER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<i64>().ok());
        if let Some(server_ms) = server_ms {
            self.offset_ms
                .store(server_ms - local_now_ms(), Ordering::Relaxed);
        }
    }
}

/// Makes ring the process's rustls provider, as TLS in this project
/// requires; harmless when a provider is installed already. Call it before
/// building any other `reqwest` client in the process.
#[allow(
    deprecated,
    reason = "ring is the project's TLS provider (it cross-compiles to phones without CMake); \
              rustls deprecates it for lacking post-quantum key exchange"
)]
pub fn install_ring_provider() {
    // NOTE: no post-quantum key exchange with ring; revisit when rustls
    // offers it over ring or the project moves provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// Turns an error response's body into [`ApiError::Refused`] with the
/// platform's code, or [`ApiError::BadResponse`] when the body is not an
/// [`ErrorBody`].
pub(super) fn refusal(url: &str, status: reqwest::StatusCode, bytes: &[u8]) -> ApiError {
    let body: ErrorBody = match serde_json::from_slice(bytes) {
        Ok(body) => body,
        Err(e) => {
            return ApiError::BadResponse {
                url: url.to_owned(),
                status: status.as_u16(),
                reason: e.to_string(),
            };
        }
    };
    tracing::info!(
        status = status.as_u16(),
        code = body.code.as_str(),
        "platform refused"
    );
    ApiError::Refused {
        status: status.as_u16(),
        body,
    }
}

/// Reads a response body, rejecting one over [`MAX_RESPONSE_BYTES`].
pub(super) async fn read_limited(
    mut response: reqwest::Response,
    url: &str,
) -> Result<Vec<u8>, ApiError> {
    let status = response.status().as_u16();
    let mut bytes = Vec::new();
    loop {
        let chunk = response
            .chunk()
            .await
            .map_err(|source| ApiError::Transport {
                url: url.to_owned(),
                source,
            })?;
        let Some(chunk) = chunk else {
            return Ok(bytes);
        };
        if bytes.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(ApiError::BadResponse {
                url: url.to_owned(),
                status,
                reason: format!("the body is over {MAX_RESPONSE_BYTES} bytes"),
            });
        }
        bytes.extend_from_slice(&chunk);
    }
}

/// The local clock, Unix milliseconds.
fn local_now_ms() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(now.as_millis()).unwrap_or(i64::MAX)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn base_url_rules() {
        assert_eq!(
            parse_base_url("https://ca.example.cn").unwrap().as_str(),
            "https://ca.example.cn/"
        );
        assert_eq!(
            parse_base_url("http://127.0.0.1:8080/pf").unwrap().as_str(),
            "http://127.0.0.1:8080/pf/"
        );
        assert!(parse_base_url("http://[::1]:80/").is_ok());
        assert!(parse_base_url("http://localhost:80/").is_ok());

        for (text, reason) in [
            (
                "http://ca.example.cn/",
                "plain http is allowed only on loopback",
            ),
            (
                "https://user@ca.example.cn/",
                "it contains user information",
            ),
            (
                "https://ca.example.cn\\@evil/",
                "it contains a control character or a backslash",
            ),
            (
                "https://ca.example.cn/\n",
                "it contains a control character or a backslash",
            ),
            (
                "https://ca.example.cn/?a=1",
                "it contains a query or a fragment",
            ),
            (
                "ftp://ca.example.cn/",
                "the scheme is neither https nor http",
            ),
            ("not a url", "it is not a URL"),
        ] {
            match parse_base_url(text) {
                Err(ApiError::InvalidUrl { reason: got, .. }) => assert_eq!(got, reason, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn calls_needing_a_session_refuse_without_token() {
        let client = PlatformClient::new("http://127.0.0.1:9/").unwrap();

        let err = client
            .authorized(client.http.get("http://127.0.0.1:9/"))
            .unwrap_err();

        assert!(matches!(err, ApiError::NotLoggedIn));
    }
}
