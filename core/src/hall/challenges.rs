//! Challenges (质疑) on the phone: submitting one, signed, with
//! attachments, and reading the company's own challenges with the
//! agent's answers.
//!
//! The rules of [`crate::api::hall::challenges::check_challenge`] run
//! before the PIN is used, so an empty text, a file of the wrong type or
//! over the size limit costs no PIN try and sends nothing.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::HallError;
use super::actions::Session;
use crate::account::AccountStore;
use crate::api::hall::Phase;
use crate::api::hall::challenges::{
    AttachmentUpload, ChallengeRecord, ChallengeRequest, challenge_payload, check_challenge,
};
use crate::keystore::{Keystore, Pin};

/// An attachment to send: its file name and content.
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The file name, for people.
    pub name: String,
    /// The content.
    pub content: Vec<u8>,
}

impl std::fmt::Debug for Attachment {
    // Bid-related documents stay out of logs: name and size only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment")
            .field("name", &self.name)
            .field("size", &self.content.len())
            .finish()
    }
}

/// Submits a challenge of `text` with `attachments` to project
/// `project_id`, signed by the phone's signing certificate.
///
/// # Errors
/// Before the PIN: [`HallError::Challenge`] for a rule broken,
/// [`HallError::ProjectClosed`]; then [`HallError::Keystore`] for a wrong
/// PIN and [`HallError::Api`] with the platform's refusal.
pub async fn submit_challenge(
    store: &AccountStore,
    keystore: &Keystore,
    platform: &str,
    project_id: &str,
    text: &str,
    attachments: &[Attachment],
    pin: &Pin,
) -> Result<ChallengeRecord, HallError> {
    let pairs: Vec<(&str, &[u8])> = attachments
        .iter()
        .map(|a| (a.name.as_str(), a.content.as_slice()))
        .collect();
    let (text, records) = check_challenge(text, &pairs)?;

    let session = Session::open(store, platform)?;
    let project = session.client.hall_project(project_id).await?;
    if project.phase == Phase::Closed {
        return Err(HallError::ProjectClosed {
            project: project_id.to_owned(),
        });
    }
    let signer = session.signer(keystore)?;

    let payload = challenge_payload(&text, &records);
    let proof = session
        .prove(keystore, &signer, project_id, &payload, pin)
        .await?;
    let request = ChallengeRequest {
        text,
        attachments: attachments
            .iter()
            .map(|a| AttachmentUpload {
                name: a.name.clone(),
                content: STANDARD.encode(&a.content),
            })
            .collect(),
        proof,
    };
    let record = session
        .client
        .hall_submit_challenge(project_id, &request)
        .await?;
    tracing::info!(
        project = project_id,
        challenge = %record.id,
        attachments = record.attachments.len(),
        "hall challenge submitted"
    );
    Ok(record)
}

/// Fetches the company's own challenges in project `project_id`, oldest first,
/// with the agent's answers once given.
///
/// # Errors
/// [`HallError::Api`] with the platform's refusal.
pub async fn challenges(
    store: &AccountStore,
    platform: &str,
    project_id: &str,
) -> Result<Vec<ChallengeRecord>, HallError> {
    let session = Session::open(store, platform)?;
    Ok(session.client.hall_challenges(project_id).await?.challenges)
}
