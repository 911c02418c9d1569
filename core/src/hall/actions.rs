//! The bidder's signed actions in the hall: sign-in and its receipt, the
//! decryption check before the opening, and the key release at the
//! decryption.
//!
//! Each action fetches a one-use nonce, signs
//! [`crate::api::hall::action_message`] with the signing certificate that
//! chains to the platform, and sends the proof with the request. Checks
//! that need no key (the sign-in window, the phase, which of the phone's
//! encryption keys opens the bid) run before the PIN is used, so a request
//! that cannot succeed costs no PIN try.
//!
//! The key of a bid is found by the envelope's recipient entries among
//! every encryption certificate the phone holds, old ones included: a bid
//! encrypted before a renewal opens with the key it was encrypted to. The
//! keystore's bid registry guards that key from the check (or the first
//! release attempt) until the release succeeds.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use p256::ecdsa::{DerSignature, SigningKey, signature::Signer};
use spki::DecodePublicKey;

use super::HallError;
use crate::account::{AccountStore, TrustedPlatform, certs, client_for};
use crate::api::client::PlatformClient;
use crate::api::hall::{
    ActionContext, ActionPayload, ActionProof, BidState, BidView, CheckRequest, DecryptionCheck,
    Phase, ProjectSummary, ReleaseRequest, ReleaseResult, SIGN_IN_BEFORE_SECS, SignInRecord,
    SignInRequest, action_message,
};
use crate::cms;
use crate::keystore::{
    CertificateRecord, CredentialId, KeyOperation, KeyUse, Keystore, KeystoreError, NewBid, Pin,
};
use crate::pki::KeyRole;

/// A logged-in client of one trusted platform.
pub(super) struct Session {
    platform: TrustedPlatform,
    pub(super) client: PlatformClient,
}

impl Session {
    /// Opens the client of `platform` with its stored session.
    pub(super) fn open(store: &AccountStore, platform: &str) -> Result<Self, HallError> {
        let trusted = store.platform(platform)?;
        if store.session(platform)?.is_none() {
            return Err(HallError::NotLoggedIn {
                platform: platform.to_owned(),
            });
        }
        Ok(Session {
            platform: trusted,
            client: client_for(store, platform)?,
        })
    }

    /// Returns the signing certificate that acts for this platform now.
    pub(super) fn signer(&self, keystore: &Keystore) -> Result<CertificateRecord, HallError> {
        let certificates = keystore.certificates()?;
        certs::signing_certificate(&self.platform, &certificates, self.client.server_now())
            .ok_or_else(|| HallError::NoCertificate {
                platform: self.platform.name.clone(),
            })
    }

    /// Returns the signing certificate that proves an action on a bid
    /// whose key is `recipient`. That is `recipient`'s own credential's while
    /// it still acts for this platform, so check and release need one PIN.
    /// Otherwise it is [`Session::signer`], whose PIN [`proof_pin`] requests.
    pub(super) fn bid_signer(
        &self,
        keystore: &Keystore,
        recipient: &CertificateRecord,
    ) -> Result<CertificateRecord, HallError> {
        let own: Vec<CertificateRecord> = keystore
            .certificates()?
            .into_iter()
            .filter(|c| c.credential == recipient.credential)
            .collect();
        match certs::signing_certificate(&self.platform, &own, self.client.server_now()) {
            Some(signer) => Ok(signer),
            None => self.signer(keystore),
        }
    }

    /// Signs `payload` for project `project_id` with `signer`.
    pub(super) async fn prove(
        &self,
        keystore: &Keystore,
        signer: &CertificateRecord,
        project_id: &str,
        payload: &ActionPayload,
        pin: &Pin,
    ) -> Result<ActionProof, HallError> {
        let nonce = self.client.hall_nonce(project_id).await?;
        let usage = self.usage(operation(payload), project_id);
        let key = keystore.unlock(&signer.key_id, pin, &usage)?;
        let signed_at = self.client.server_now();
        let context = ActionContext {
            platform: self.platform.base_url.as_str(),
            project_id,
            nonce: &nonce.nonce,
            signed_at,
        };
        let signature: DerSignature =
            SigningKey::from(key.secret()).sign(&action_message(&context, payload));
        Ok(ActionProof {
            nonce: nonce.nonce,
            certificate: STANDARD.encode(&signer.cert.der),
            chain: signer
                .chain
                .iter()
                .map(|c| STANDARD.encode(&c.der))
                .collect(),
            signature: STANDARD.encode(signature.as_bytes()),
            signed_at,
        })
    }

    /// Describes `operation` in `project_id` for the signature log.
    pub(super) fn usage(&self, operation: KeyOperation, project_id: &str) -> KeyUse {
        KeyUse::new(operation)
            .platform(&self.platform.name)
            .project(project_id)
    }

    /// Bid `bid_id` of the session's company in project `project_id`.
    pub(super) async fn bid(&self, project_id: &str, bid_id: &str) -> Result<BidView, HallError> {
        self.client
            .hall_bids(project_id)
            .await?
            .bids
            .into_iter()
            .find(|bid| bid.bid_id == bid_id)
            .ok_or_else(|| HallError::BidNotFound {
                project: project_id.to_owned(),
                bid: bid_id.to_owned(),
            })
    }
}

/// The credential whose PIN an action on project `project_id` asks for,
/// so the app can show that credential's tries left before the PIN is
/// typed. With `bid_id` it is the credential holding the key that opens
/// the bid (the decryption check and the key release); without, the
/// credential of the signing certificate that acts for the platform now
/// (sign-in, confirmation, challenges, round quotes, the draw). Uses no
/// PIN.
///
/// # Errors
/// [`HallError::NotLoggedIn`], [`HallError::NoCertificate`];
/// with `bid_id`, [`HallError::BidNotFound`] and
/// [`HallError::NoKeyForBid`]; [`HallError::Api`].
pub async fn pin_credential(
    store: &AccountStore,
    keystore: &Keystore,
    platform: &str,
    project_id: &str,
    bid_id: Option<&str>,
) -> Result<CredentialId, HallError> {
    let session = Session::open(store, platform)?;
    let Some(bid_id) = bid_id else {
        return Ok(session.signer(keystore)?.credential);
    };
    let bid = session.bid(project_id, bid_id).await?;
    let header = decode_header(&bid)?;
    Ok(bid_key(keystore, &bid, &header)?.credential)
}

/// Signs in to project `project_id` (签到). Refused before the PIN is used
/// outside the window `[opening - 1 h, opening)` by the server clock or
/// when the phase is not sign-in; a second sign-in returns the first
/// record.
///
/// # Errors
/// [`HallError::SignInNotOpen`], [`HallError::SignInClosed`],
/// [`HallError::NoCertificate`], [`HallError::Keystore`] for a wrong PIN,
/// [`HallError::Api`] with the platform's refusal.
pub async fn sign_in(
    store: &AccountStore,
    keystore: &Keystore,
    platform: &str,
    project_id: &str,
    pin: &Pin,
) -> Result<SignInRecord, HallError> {
    let session = Session::open(store, platform)?;
    let project = session.client.hall_project(project_id).await?;
    check_sign_in_window(&project, session.client.server_now())?;
    let signer = session.signer(keystore)?;

    let proof = session
        .prove(keystore, &signer, project_id, &ActionPayload::SignIn, pin)
        .await?;
    let record = session
        .client
        .hall_sign_in(project_id, &SignInRequest { proof })
        .await?;
    tracing::info!(project = project_id, receipt = %record.receipt_id, "hall signed in");
    Ok(record)
}

/// Checks whether a sign-in is accepted at `now` (Unix seconds, server clock).
///
/// # Errors
/// [`HallError::SignInNotOpen`] before the window,
/// [`HallError::SignInClosed`] at or after the opening or in a later
/// phase.
pub fn check_sign_in_window(project: &ProjectSummary, now: i64) -> Result<(), HallError> {
    let opens_at = project.opening_at - SIGN_IN_BEFORE_SECS;
    if now < opens_at && project.phase <= Phase::SignIn {
        return Err(HallError::SignInNotOpen {
            project: project.id.clone(),
            opens_at,
        });
    }
    if now >= project.opening_at || project.phase > Phase::SignIn {
        return Err(HallError::SignInClosed {
            project: project.id.clone(),
            closed_at: project.opening_at,
        });
    }
    Ok(())
}

/// The sign-in receipt (签到凭证) of project `project_id`, a PDF.
///
/// # Errors
/// [`HallError::Api`] with `hall.not_signed_in` before sign-in, or a
/// transport error.
pub async fn sign_in_receipt(
    store: &AccountStore,
    platform: &str,
    project_id: &str,
) -> Result<Vec<u8>, HallError> {
    let session = Session::open(store, platform)?;
    Ok(session.client.hall_sign_in_receipt(project_id).await?)
}

/// The session company's bids in project `project_id`, with their check
/// and decryption state.
///
/// # Errors
/// [`HallError::Api`] with the platform's refusal.
pub async fn bids(
    store: &AccountStore,
    platform: &str,
    project_id: &str,
) -> Result<Vec<BidView>, HallError> {
    let session = Session::open(store, platform)?;
    Ok(session.client.hall_bids(project_id).await?.bids)
}

/// Checks, without releasing anything, that this phone opens bid `bid_id`
/// (解密检测), registers the bid so its key is kept until the opening, and
/// records the signed check on the platform.
///
/// # Errors
/// [`HallError::NoKeyForBid`] (before the PIN) when no encryption key of
/// the phone is a recipient; [`HallError::Cms`] when the key does not open
/// its entry; [`HallError::Keystore`] for a wrong PIN;
/// [`HallError::Api`] with the platform's refusal.
pub async fn check_bid(
    store: &AccountStore,
    keystore: &Keystore,
    platform: &str,
    project_id: &str,
    bid_id: &str,
    pin: &Pin,
    signer_pin: Option<&Pin>,
) -> Result<DecryptionCheck, HallError> {
    let session = Session::open(store, platform)?;
    let project = session.client.hall_project(project_id).await?;
    let bid = session.bid(project_id, bid_id).await?;
    let header = decode_header(&bid)?;
    let recipient = bid_key(keystore, &bid, &header)?;
    let signer = session.bid_signer(keystore, &recipient)?;
    let signing_pin = proof_pin(bid_id, &recipient, &signer, pin, signer_pin)?;

    let report = {
        let usage = bid_usage(
            &session,
            KeyOperation::HallDecryptionCheck,
            project_id,
            &bid,
        );
        let key = keystore.unlock(&recipient.key_id, pin, &usage)?;
        cms::check_decryption(&header, &recipient.cert, key.secret())?
    };
    register(keystore, &project, &bid, &recipient)?;

    let payload = ActionPayload::Check {
        bid_id: bid_id.to_owned(),
        envelope_sha256: bid.sha256.clone(),
        recipient: report.recipient.to_string(),
    };
    let proof = session
        .prove(keystore, &signer, project_id, &payload, signing_pin)
        .await?;
    let request = CheckRequest {
        envelope_sha256: bid.sha256.clone(),
        recipient: report.recipient.to_string(),
        proof,
    };
    let check = session
        .client
        .hall_check(project_id, bid_id, &request)
        .await?;
    tracing::info!(
        project = project_id,
        bid = bid_id,
        "hall decryption check recorded"
    );
    Ok(check)
}

/// Releases the content key of bid `bid_id` to the project's opening
/// certificate (解密), in the decryption phase. A bid the platform already
/// decrypted is not released again: its result is returned, so a retry
/// after a lost answer is safe.
///
/// # Errors
/// [`HallError::NotDecryptionPhase`] and [`HallError::NoKeyForBid`]
/// before the PIN; [`HallError::Keystore`] for a wrong PIN;
/// [`HallError::Api`] with `hall.wrong_key`, `hall.damaged_bid` or
/// another refusal.
pub async fn release_bid(
    store: &AccountStore,
    keystore: &Keystore,
    platform: &str,
    project_id: &str,
    bid_id: &str,
    pin: &Pin,
    signer_pin: Option<&Pin>,
) -> Result<ReleaseResult, HallError> {
    let session = Session::open(store, platform)?;
    let project = session.client.hall_project(project_id).await?;
    let bid = session.bid(project_id, bid_id).await?;
    if let (BidState::Decrypted, Some(quote)) = (bid.state, &bid.quote) {
        tracing::info!(
            project = project_id,
            bid = bid_id,
            "hall bid already decrypted"
        );
        mark_opened(keystore, project_id, bid_id);
        return Ok(ReleaseResult {
            state: BidState::Decrypted,
            quote: quote.clone(),
        });
    }
    if project.phase != Phase::Decryption {
        return Err(HallError::NotDecryptionPhase {
            project: project_id.to_owned(),
            phase: project.phase,
        });
    }
    let opening_key = opening_key(&project)?;
    let header = decode_header(&bid)?;
    let recipient = bid_key(keystore, &bid, &header)?;
    let signer = session.bid_signer(keystore, &recipient)?;
    let signing_pin = proof_pin(bid_id, &recipient, &signer, pin, signer_pin)?;

    let released = {
        let usage = bid_usage(&session, KeyOperation::HallKeyRelease, project_id, &bid);
        let key = keystore.unlock(&recipient.key_id, pin, &usage)?;
        cms::release_key_from_header(&header, &recipient.cert, key.secret(), &opening_key)?
    };
    register(keystore, &project, &bid, &recipient)?;
    let released_key = STANDARD.encode(released);
    let payload = ActionPayload::Release {
        bid_id: bid_id.to_owned(),
        released_key: released_key.clone(),
    };
    let proof = session
        .prove(keystore, &signer, project_id, &payload, signing_pin)
        .await?;
    let result = session
        .client
        .hall_release(
            project_id,
            bid_id,
            &ReleaseRequest {
                released_key,
                proof,
            },
        )
        .await?;
    mark_opened(keystore, project_id, bid_id);
    tracing::info!(project = project_id, bid = bid_id, "hall bid decrypted");
    Ok(result)
}

/// Maps a signed hall action to its signature log operation.
fn operation(payload: &ActionPayload) -> KeyOperation {
    match payload {
        ActionPayload::SignIn => KeyOperation::HallSignIn,
        ActionPayload::Release { .. } => KeyOperation::HallKeyRelease,
        ActionPayload::Check { .. } => KeyOperation::HallDecryptionCheck,
        ActionPayload::ConfirmQuote { .. } => KeyOperation::HallQuoteConfirmation,
        ActionPayload::Challenge { .. } => KeyOperation::HallChallenge,
        ActionPayload::RoundQuote { .. } => KeyOperation::HallRoundQuote,
        ActionPayload::DrawContribution { .. } => KeyOperation::HallDrawContribution,
    }
}

/// Describes an encryption-key use on `bid` for the signature log. The
/// bid id names its file.
fn bid_usage(
    session: &Session,
    operation: KeyOperation,
    project_id: &str,
    bid: &BidView,
) -> KeyUse {
    session
        .usage(operation, project_id)
        .document(&bid.bid_id, &bid.sha256)
}

fn decode_header(bid: &BidView) -> Result<Vec<u8>, HallError> {
    STANDARD
        .decode(&bid.envelope_header)
        .map_err(|_| HallError::Incomplete {
            field: "envelope_header",
        })
}

/// The project's opening certificate's public key.
fn opening_key(project: &ProjectSummary) -> Result<p256::PublicKey, HallError> {
    let incomplete = HallError::Incomplete {
        field: "opening_certificate",
    };
    let der = STANDARD
        .decode(&project.opening_certificate)
        .map_err(|_| incomplete)?;
    let cert = crate::pki::CertInfo::from_pem_or_der(&der, "opening certificate")?;
    p256::PublicKey::from_public_key_der(&cert.spki_der).map_err(|_| HallError::Incomplete {
        field: "opening_certificate",
    })
}

/// The phone's encryption certificate named by a recipient entry of the
/// bid's envelope.
fn bid_key(
    keystore: &Keystore,
    bid: &BidView,
    header: &[u8],
) -> Result<CertificateRecord, HallError> {
    let info = cms::inspect_header(header)?;
    let certificates = keystore.certificates()?;
    certificates
        .into_iter()
        .filter(|c| c.role == KeyRole::Encryption)
        .filter(|c| info.recipients.iter().any(|r| r.matches(&c.cert)))
        .max_by_key(|c| c.cert.not_before)
        .ok_or_else(|| HallError::NoKeyForBid {
            bid: bid.bid_id.clone(),
            recipients: info
                .recipients
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        })
}

/// Returns the PIN that unlocks `signer` for a bid opened by `recipient`:
/// `pin` when both keys are of one credential, else `signer_pin`. Without
/// it the action is refused before any PIN is used, naming the signing
/// credential, so the app can ask for its PIN too.
fn proof_pin<'p>(
    bid: &str,
    recipient: &CertificateRecord,
    signer: &CertificateRecord,
    pin: &'p Pin,
    signer_pin: Option<&'p Pin>,
) -> Result<&'p Pin, HallError> {
    if signer.credential == recipient.credential {
        return Ok(pin);
    }
    signer_pin.ok_or_else(|| HallError::SignerPinNeeded {
        bid: bid.to_owned(),
        signer: signer.credential.0.clone(),
    })
}

/// Registers the bid with the key that opens it, so that key is kept
/// until the bid is opened. Registering again replaces the record.
fn register(
    keystore: &Keystore,
    project: &ProjectSummary,
    bid: &BidView,
    recipient: &CertificateRecord,
) -> Result<(), HallError> {
    let mut envelope_sha256 = [0_u8; 32];
    hex::decode_to_slice(&bid.sha256, &mut envelope_sha256).map_err(|_| HallError::Incomplete {
        field: "bids.sha256",
    })?;
    let new = NewBid {
        project_id: project.id.clone(),
        bid_id: bid.bid_id.clone(),
        envelope_sha256,
        key_id: recipient.key_id.clone(),
        deadline: project.opening_at,
    };
    match keystore.register_bid(&new) {
        // Opened or abandoned already: nothing left to guard.
        Ok(_) | Err(KeystoreError::BidClosed { .. }) => Ok(()),
        Err(error) => Err(error.into()),
    }
}

/// Lifts the key guard of an opened bid. A bid never registered, or closed
/// already, has no guard; any other failure is logged, because the release
/// itself succeeded.
fn mark_opened(keystore: &Keystore, project_id: &str, bid_id: &str) {
    match keystore.mark_bid_opened(project_id, bid_id) {
        Ok(()) | Err(KeystoreError::BidNotFound { .. } | KeystoreError::BidClosed { .. }) => {}
        Err(error) => {
            tracing::warn!(project = project_id, bid = bid_id, %error, "bid guard not lifted");
        }
    }
}
