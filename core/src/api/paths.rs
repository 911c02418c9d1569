//! The `/api/v1` paths, one constant an endpoint.

/// `GET`: liveness and the server clock ([`super::health::HealthResponse`]).
pub const HEALTH: &str = "/api/v1/health";

/// `GET`: the agreement versions a login must accept
/// ([`super::auth::TermsResponse`]).
pub const TERMS: &str = "/api/v1/auth/terms";

/// `POST`: send a login code by SMS ([`super::auth::SmsCodeRequest`]).
pub const SMS_CODE: &str = "/api/v1/auth/sms-code";

/// `POST`: log in with the SMS code ([`super::auth::LoginRequest`]).
pub const LOGIN: &str = "/api/v1/auth/login";

/// `POST`, bearer token: end the session.
pub const LOGOUT: &str = "/api/v1/auth/logout";

/// `GET`, bearer token: who the session belongs to ([`super::auth::MeResponse`]).
pub const ME: &str = "/api/v1/me";

/// `GET`, development only: the platform CA's root certificate
/// ([`super::platform::TrustAnchorResponse`]).
pub const DEV_CA: &str = "/api/v1/dev/ca";

/// `POST`, bearer token: a 4-digit code to read in the verification video
/// ([`super::identity::IdentityCodeResponse`]).
pub const IDENTITY_CODE: &str = "/api/v1/identity/code";

/// `POST`, bearer token: submit a verification case
/// ([`super::identity::IdentitySubmission`]); `GET`: its status
/// ([`super::identity::IdentityStatus`]).
pub const IDENTITY: &str = "/api/v1/identity";

/// `POST`, desktop: create a QR request ([`super::qr::CreateQrRequest`]).
pub const QR_REQUESTS: &str = "/api/v1/qr/requests";

/// Paths of a desktop's request, with `Authorization: Desktop {token}`:
/// `GET events` (server-sent [`super::qr::DesktopEvent`]s), `GET answer`
/// ([`super::qr::QrAnswer`]), `POST digest` ([`super::qr::SigningDigest`]).
pub fn qr_desktop_path(id: &str, action: &str) -> String {
    format!("/api/v1/qr/requests/{id}/{action}")
}

/// Paths of the phone's side of a request, bearer token: `POST scan`
/// ([`super::qr::ScanRequest`]), `POST match` ([`super::qr::MatchRequest`]),
/// `POST seal` ([`super::qr::SealChoice`]), `GET digest`
/// ([`super::qr::SigningDigest`]), `POST answer` ([`super::qr::QrAnswer`]),
/// `POST cancel`.
pub fn qr_phone_path(id: &str, action: &str) -> String {
    format!("/api/v1/qr/{id}/{action}")
}

/// Header scheme of the desktop token: `Authorization: Desktop {token}`.
pub const DESKTOP_AUTH_SCHEME: &str = "Desktop";

/// `GET`, bearer token: the session's hall projects
/// ([`super::hall::ProjectList`]).
pub const HALL_PROJECTS: &str = "/api/v1/hall/projects";

/// Paths of one hall project: `GET ""` (the project itself,
/// [`super::hall::ProjectSummary`]), `GET "events"` (server-sent
/// [`super::hall::HallEvent`]s), `POST "nonce"` ([`super::hall::HallNonce`]),
/// `POST "sign-in"` ([`super::hall::SignInRequest`]), `GET
/// "sign-in/receipt"` (PDF), `GET "bids"` ([`super::hall::BidList`]),
/// `GET "rounds"` ([`super::hall::RoundList`]), `POST "rounds/quote"`
/// ([`super::hall::RoundQuoteRequest`]), `GET "draws"`
/// ([`super::hall::DrawList`]), `POST "draws/{n}/contribute"`
/// ([`super::hall::ContributeRequest`]), all with the bearer session; `POST "bids"` with `?section=N` and
/// `Authorization: Desktop {token}` (the envelope file,
/// [`super::hall::UploadedBid`]).
pub fn hall_project_path(id: &str, action: &str) -> String {
    if action.is_empty() {
        format!("/api/v1/hall/projects/{id}")
    } else {
        format!("/api/v1/hall/projects/{id}/{action}")
    }
}

/// Paths of one bid of a hall project, bearer token: `POST "release"`
/// ([`super::hall::ReleaseRequest`]) and `POST "check"`
/// ([`super::hall::CheckRequest`]).
pub fn hall_bid_path(project: &str, bid: &str, action: &str) -> String {
    format!("/api/v1/hall/projects/{project}/bids/{bid}/{action}")
}

/// `GET`, bearer token: the session's projects that require a bid
/// guarantee ([`super::guarantee::GuaranteeProjectList`]).
pub const GUARANTEE_PROJECTS: &str = "/api/v1/guarantee/projects";

/// `GET`, bearer token: a project's sections
/// ([`super::guarantee::SectionList`]).
pub fn guarantee_sections_path(project: &str) -> String {
    format!("/api/v1/guarantee/projects/{project}/sections")
}

/// `POST`, bearer token: the guarantee code of a section
/// ([`super::guarantee::GuaranteeCode`]).
pub fn guarantee_code_path(project: &str, section: u32) -> String {
    format!("/api/v1/guarantee/projects/{project}/sections/{section}/code")
}

/// `GET`, bearer token: the institution catalogue
/// ([`super::guarantee::InstitutionList`]).
pub const GUARANTEE_INSTITUTIONS: &str = "/api/v1/guarantee/institutions";

/// Paths of one guarantee code, bearer token: `GET ""` (its
/// [`super::guarantee::GuaranteeStatus`]) and `POST "apply"`
/// ([`super::guarantee::ApplyRequest`]).
pub fn guarantee_status_path(code: &str, action: &str) -> String {
    if action.is_empty() {
        format!("/api/v1/guarantee/codes/{code}")
    } else {
        format!("/api/v1/guarantee/codes/{code}/{action}")
    }
}

/// `POST`, from an institution, no session: a guarantee issued, rejected
/// or cancelled ([`super::guarantee::GuaranteeCallback`]).
pub const GUARANTEE_CALLBACK: &str = "/api/v1/guarantee/callback";
