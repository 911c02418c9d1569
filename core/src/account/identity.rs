//! Identity verification from the phone: get the code to read aloud,
//! upload the video with name and ID card number, follow the case.

use base64::Engine;

use super::{AccountError, AccountStore, client_for};
use crate::api::identity::{
    IdentityCodeResponse, IdentityStatus, IdentitySubmission, MAX_VIDEO_BYTES, is_valid_id_number,
};

/// Asks platform `platform` for a 4-digit code to read in the video.
///
/// # Errors
/// [`AccountError::NotLoggedIn`]; [`AccountError::Api`] with
/// `identity.case_open` when a case is pending or approved.
pub async fn request_identity_code(
    store: &AccountStore,
    platform: &str,
) -> Result<IdentityCodeResponse, AccountError> {
    require_session(store, platform)?;
    Ok(client_for(store, platform)?.identity_code().await?)
}

/// Uploads a verification case: the user's `name`, ID card number, the
/// code read in the video, and the video.
///
/// # Errors
/// [`AccountError::InvalidIdNumber`] or [`AccountError::VideoSize`] before
/// any upload; [`AccountError::NotLoggedIn`]; [`AccountError::Api`] with
/// the platform's `identity.*` refusal.
pub async fn submit_identity(
    store: &AccountStore,
    platform: &str,
    name: &str,
    id_number: &str,
    code: &str,
    video: &[u8],
) -> Result<IdentityStatus, AccountError> {
    if !is_valid_id_number(id_number) {
        return Err(AccountError::InvalidIdNumber);
    }
    if video.is_empty() || video.len() > MAX_VIDEO_BYTES {
        return Err(AccountError::VideoSize { bytes: video.len() });
    }
    require_session(store, platform)?;

    let submission = IdentitySubmission {
        name: name.to_owned(),
        id_number: id_number.to_owned(),
        code: code.to_owned(),
        video_base64: base64::engine::general_purpose::STANDARD.encode(video),
    };
    let status = client_for(store, platform)?
        .submit_identity(&submission)
        .await?;
    tracing::info!(platform, state = ?status.state, "identity case submitted");
    Ok(status)
}

/// The latest verification case with platform `platform`.
///
/// # Errors
/// [`AccountError::NotLoggedIn`]; [`AccountError::Api`].
pub async fn identity_status(
    store: &AccountStore,
    platform: &str,
) -> Result<IdentityStatus, AccountError> {
    require_session(store, platform)?;
    Ok(client_for(store, platform)?.identity_status().await?)
}

fn require_session(store: &AccountStore, platform: &str) -> Result<(), AccountError> {
    match store.session(platform)? {
        Some(_) => Ok(()),
        None => Err(AccountError::NotLoggedIn {
            platform: platform.to_owned(),
        }),
    }
}
