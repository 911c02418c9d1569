//! The bid-opening hall (开标大厅) on the phone.
//!
//! - [`projects`]: the project list (手机开标), with opening times and
//!   phases by the server clock;
//! - [`state`]: one project's state and the pure state machine that
//!   applies its events in order, exactly once;
//! - [`watch`]: follows a project's event stream, reconnecting and
//!   resuming after the last event, and calls the app's
//!   [`HallListener`] with each new state, notices (phase started,
//!   reminders before the opening) and the connection status;
//! - [`actions`]: the bidder's signed actions: sign-in and its receipt,
//!   the decryption check before the opening, the key release at the
//!   decryption;
//! - [`quotes`]: quote reading, the signed quote confirmation and the
//!   project details;
//! - [`challenges`]: signed challenges with attachments, and their
//!   answers;
//! - [`evaluation`]: quotes in multi-round quoting and the bidder's
//!   contribution to the coefficient draw, with the check of its reveal;
//! - [`draw`]: the commit-reveal coefficient draw (抽系数) that every
//!   bidder's phone can check.
//!
//! The protocol is in [`crate::api::hall`].

pub mod actions;
pub mod challenges;
pub mod draw;
mod error;
pub mod evaluation;
pub mod quotes;
pub mod state;
pub mod watch;

use crate::account::AccountStore;
use crate::api::hall::ProjectSummary;

pub use actions::{bids, check_bid, pin_credential, release_bid, sign_in, sign_in_receipt};
pub use challenges::{Attachment, challenges, submit_challenge};
pub use draw::{Contribution, DrawCommitment};
pub use error::{DrawError, HallError};
pub use evaluation::{
    OwnContribution, VerifiedDraw, contribute, draws, rounds, submit_round_quote, verify_draw,
    verify_revealed,
};
pub use quotes::{check_confirmation, confirm_quote, project_details, quotes};
pub use state::{Applied, DrawStatus, OpenRound, Progress, ProjectState};
pub use watch::{HallListener, HallNotice, StreamStatus, watch};

/// The hall projects of the session's company on platform `platform`, by
/// opening time.
///
/// # Errors
/// [`HallError::NotLoggedIn`] without a session; [`HallError::Api`] for a
/// transport error or the platform's refusal; [`HallError::Account`] when
/// the platform is not configured.
pub async fn projects(
    store: &AccountStore,
    platform: &str,
) -> Result<Vec<ProjectSummary>, HallError> {
    let client = logged_in_client(store, platform)?;
    let list = client.hall_projects().await?;
    tracing::info!(
        platform,
        projects = list.projects.len(),
        "hall projects listed"
    );
    Ok(list.projects)
}

/// Follows project `project_id` on platform `platform` until it closes or
/// `stop` completes; see [`watch::watch`].
///
/// # Errors
/// As [`projects`] and [`watch::watch`].
pub async fn watch_project(
    store: &AccountStore,
    platform: &str,
    project_id: &str,
    resume: Option<ProjectState>,
    listener: &dyn HallListener,
    stop: impl std::future::Future<Output = ()>,
) -> Result<ProjectState, HallError> {
    let client = logged_in_client(store, platform)?;
    watch::watch(&client, project_id, resume, listener, stop).await
}

fn logged_in_client(
    store: &AccountStore,
    platform: &str,
) -> Result<crate::api::client::PlatformClient, HallError> {
    Ok(actions::Session::open(store, platform)?.client)
}
