//! The phone's accounts with platforms: the trusted-platform list, SMS
//! code login and logout.
//!
//! A platform becomes trusted with [`add_platform`]: the phone fetches the
//! root certificate of the platform's CA (development set-up: the
//! platform's own `/api/v1/dev/ca`) and keeps it with the base address.
//! Later scans are accepted only for hosts of trusted platforms.
//!
//! Login is two calls, as on the phone's screen: [`request_login_code`]
//! sends the SMS and returns the agreement versions the user must accept;
//! [`login`] sends the code with the accepted versions and stores the
//! session token in the keystore database ([`AccountStore`]). [`logout`]
//! ends the session on the platform and forgets the token.
//!
//! Identity verification: [`request_identity_code`], [`submit_identity`],
//! [`identity_status`].
//!
//! Certificate pickup: [`scan`], [`pick_up`], [`download`].
//!
//! Electronic bid guarantees: [`guarantee_projects`], [`guarantee_sections`],
//! [`guarantee_code`], [`guarantee_institutions`], [`apply_for_guarantee`]
//! with [`guarantee_pin_credential`], [`guarantee_status`] (module
//! `guarantee`).
//!
//! Calls are async over the caller's tokio runtime; database work is short
//! and runs inline.

pub mod certs;
mod error;
mod guarantee;
mod identity;
mod pickup;
mod seals;
mod store;

use crate::api::auth::{
    LoginRequest, MeResponse, SmsCodeResponse, TermsResponse, is_mobile_number, is_sms_code,
};
use crate::api::client::PlatformClient;
use crate::pki::CertInfo;

pub use error::AccountError;
pub use guarantee::{
    GuaranteeApplication, GuaranteeView, VerifiedGuarantee, apply_for_guarantee,
    check_guarantee_document, guarantee_code, guarantee_institutions, guarantee_pin_credential,
    guarantee_projects, guarantee_sections, guarantee_status,
};
pub use identity::{identity_status, request_identity_code, submit_identity};
pub use pickup::{
    PickupRecord, PickupState, ScannedPickup, download, parse_pickup_url, pick_up, pickups, scan,
};
pub use seals::{CertificateSeals, seals, seals_of};
pub use store::{AccountStore, StoredSession, TrustedPlatform};

/// Maximum length of a platform name, in characters.
const MAX_NAME_CHARS: usize = 64;

/// The document versions the user accepted on the login screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcceptedTerms {
    /// User agreement (用户协议) version.
    pub agreement_version: String,
    /// Privacy policy (隐私政策) version.
    pub privacy_version: String,
}

impl From<TermsResponse> for AcceptedTerms {
    fn from(answer: TermsResponse) -> Self {
        AcceptedTerms {
            agreement_version: answer.agreement_version,
            privacy_version: answer.privacy_version,
        }
    }
}

impl From<&SmsCodeResponse> for AcceptedTerms {
    fn from(answer: &SmsCodeResponse) -> Self {
        AcceptedTerms {
            agreement_version: answer.agreement_version.clone(),
            privacy_version: answer.privacy_version.clone(),
        }
    }
}

/// Fetches the trust anchor of the platform at `base_url` and stores the
/// platform as `name`. `now` is the local time of adding, Unix seconds.
///
/// # Errors
/// [`AccountError::InvalidName`], [`AccountError::PlatformExists`],
/// [`AccountError::AnchorNotCa`], [`AccountError::Api`] when the address is
/// refused or the platform cannot be reached, [`AccountError::Pki`] when
/// the certificate cannot be parsed.
pub async fn add_platform(
    store: &AccountStore,
    name: &str,
    base_url: &str,
    now: i64,
) -> Result<TrustedPlatform, AccountError> {
    check_name(name)?;
    let client = PlatformClient::new(base_url)?;

    let answer = client.trust_anchor().await?;
    let anchor =
        CertInfo::from_pem_or_der(answer.certificate_pem.as_bytes(), "platform trust anchor")?;
    if !anchor.is_ca || !anchor.key_usage.key_cert_sign {
        return Err(AccountError::AnchorNotCa {
            fingerprint: anchor.fingerprint,
        });
    }

    let platform = TrustedPlatform {
        name: name.to_owned(),
        base_url: client.base_url().clone(),
        anchor,
        added_at: now,
    };
    store.add_platform(&platform)?;
    tracing::info!(platform = name, anchor = %platform.anchor.fingerprint, outcome = "ok", "platform added");
    Ok(platform)
}

/// A client of the trusted platform `name`, holding its session token when
/// one is stored.
///
/// # Errors
/// [`AccountError::UnknownPlatform`], [`AccountError::Api`] for a stored
/// address the client refuses.
pub fn client_for(store: &AccountStore, name: &str) -> Result<PlatformClient, AccountError> {
    let platform = store.platform(name)?;
    let mut client = PlatformClient::new(platform.base_url.as_str())?;
    if let Some(session) = store.session(name)? {
        client.set_token(session.token.clone());
    }
    Ok(client)
}

/// The terms platform `name` currently asks a login to accept.
///
/// # Errors
/// [`AccountError::UnknownPlatform`], [`AccountError::Api`].
pub async fn current_terms(
    store: &AccountStore,
    name: &str,
) -> Result<AcceptedTerms, AccountError> {
    Ok(client_for(store, name)?.terms().await?.into())
}

/// Asks platform `name` to send a login code to `phone`.
///
/// # Errors
/// [`AccountError::InvalidPhone`] before any request;
/// [`AccountError::Api`] with the platform's refusal
/// (`auth.sms_rate_limited`, ...).
pub async fn request_login_code(
    store: &AccountStore,
    name: &str,
    phone: &str,
) -> Result<SmsCodeResponse, AccountError> {
    check_phone(phone)?;
    let client = client_for(store, name)?;
    let answer = client.request_sms_code(phone).await?;
    tracing::info!(platform = name, outcome = "sent", "login code requested");
    Ok(answer)
}

/// Logs in to platform `name` with the SMS `code` and the accepted terms,
/// and stores the session.
///
/// # Errors
/// [`AccountError::InvalidPhone`] or [`AccountError::InvalidCode`] before
/// any request; [`AccountError::Api`] with the platform's refusal
/// (`auth.sms_code_wrong`, `auth.sms_code_expired`, ...).
pub async fn login(
    store: &AccountStore,
    name: &str,
    phone: &str,
    code: &str,
    terms: &AcceptedTerms,
) -> Result<StoredSession, AccountError> {
    check_phone(phone)?;
    if !is_sms_code(code) {
        return Err(AccountError::InvalidCode);
    }
    let mut client = client_for(store, name)?;

    let request = LoginRequest {
        phone: phone.to_owned(),
        code: code.to_owned(),
        agreement_version: terms.agreement_version.clone(),
        privacy_version: terms.privacy_version.clone(),
    };
    let answer = client.login(&request).await?;

    let session = StoredSession {
        platform: name.to_owned(),
        phone: answer.phone.clone(),
        token: zeroize::Zeroizing::new(answer.token.clone()),
        expires_at: answer.expires_at,
    };
    store.save_session(&session, client.server_now())?;
    tracing::info!(platform = name, outcome = "ok", "logged in");
    Ok(session)
}

/// The account of the stored session with platform `name`, as the
/// platform reports it.
///
/// # Errors
/// [`AccountError::NotLoggedIn`] without a stored session;
/// [`AccountError::Api`] with `auth.unauthorized` when the platform ended
/// it.
pub async fn whoami(store: &AccountStore, name: &str) -> Result<MeResponse, AccountError> {
    if store.session(name)?.is_none() {
        return Err(AccountError::NotLoggedIn {
            platform: name.to_owned(),
        });
    }
    Ok(client_for(store, name)?.me().await?)
}

/// How a logout went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoutOutcome {
    /// The platform ended the session and the phone forgot the token.
    Ended,
    /// The platform had already ended it (expired or revoked); the phone
    /// forgot the token.
    AlreadyEnded,
}

/// Ends the session with platform `name` and forgets its token.
///
/// # Errors
/// [`AccountError::NotLoggedIn`] without a stored session;
/// [`AccountError::Api`] when the platform cannot be reached, in which
/// case the token is kept so the logout can be retried.
pub async fn logout(store: &AccountStore, name: &str) -> Result<LogoutOutcome, AccountError> {
    if store.session(name)?.is_none() {
        return Err(AccountError::NotLoggedIn {
            platform: name.to_owned(),
        });
    }
    let mut client = client_for(store, name)?;

    let outcome = match client.logout().await {
        Ok(()) => LogoutOutcome::Ended,
        Err(err) if err.server_code() == Some(crate::api::ErrorCode::Unauthorized) => {
            LogoutOutcome::AlreadyEnded
        }
        Err(err) => return Err(err.into()),
    };
    store.delete_session(name)?;
    tracing::info!(platform = name, ?outcome, "logged out");
    Ok(outcome)
}

fn check_phone(phone: &str) -> Result<(), AccountError> {
    if is_mobile_number(phone) {
        Ok(())
    } else {
        Err(AccountError::InvalidPhone {
            phone: phone.chars().take(32).collect(),
        })
    }
}

fn check_name(name: &str) -> Result<(), AccountError> {
    let count = name.chars().count();
    if count == 0
        || count > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
        || name.trim() != name
    {
        return Err(AccountError::InvalidName {
            name: name.chars().take(MAX_NAME_CHARS).collect(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_names() {
        assert!(check_name("广东省公共资源交易平台").is_ok());
        assert!(check_name("dev").is_ok());
        for bad in ["", " dev", "dev\n", &"x".repeat(65)] {
            assert!(
                matches!(check_name(bad), Err(AccountError::InvalidName { .. })),
                "{bad:?}"
            );
        }
    }
}
