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
