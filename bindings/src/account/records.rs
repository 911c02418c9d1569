//! Plain values of the account and pickup calls. None contains the session
//! token. The one short code that crosses (the identity code, read aloud in
//! the verification video) is kept out of `Debug`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use palmbid_core::account as core;
use palmbid_core::api::{auth, identity, pickup};

use crate::error::PalmbidError;
use crate::records::CertificateInfo;

/// A platform the phone trusts: scans are accepted only for its address.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TrustedPlatform {
    /// The user's name for it; every account call takes it.
    pub name: String,
    /// Its base address, ending in `/`.
    pub base_url: String,
    /// The root certificate its CA issues under.
    pub anchor: CertificateInfo,
    /// When it was added, seconds since the Unix epoch, phone clock.
    pub added_at_unix: i64,
}

impl From<core::TrustedPlatform> for TrustedPlatform {
    fn from(platform: core::TrustedPlatform) -> Self {
        TrustedPlatform {
            name: platform.name,
            base_url: platform.base_url.into(),
            anchor: platform.anchor.into(),
            added_at_unix: platform.added_at,
        }
    }
}

/// Versions of the user agreement (用户协议) and privacy policy (隐私政策):
/// those a platform requires a login to accept, or those accepted.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Terms {
    /// User agreement version.
    pub agreement_version: String,
    /// Privacy policy version.
    pub privacy_version: String,
}

impl From<core::AcceptedTerms> for Terms {
    fn from(terms: core::AcceptedTerms) -> Self {
        Terms {
            agreement_version: terms.agreement_version,
            privacy_version: terms.privacy_version,
        }
    }
}

impl From<Terms> for core::AcceptedTerms {
    fn from(terms: Terms) -> Self {
        core::AcceptedTerms {
            agreement_version: terms.agreement_version,
            privacy_version: terms.privacy_version,
        }
    }
}

/// A login code was sent by SMS. The code itself never passes through
/// palmbid on its way to the user.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LoginCodeSent {
    /// When the code expires, seconds since the Unix epoch, server clock.
    pub expires_at_unix: i64,
    /// Earliest time of the next code request for this number, same clock.
    pub resend_after_unix: i64,
    /// The terms the login screen shows for the user to accept.
    pub terms: Terms,
}

impl From<auth::SmsCodeResponse> for LoginCodeSent {
    fn from(answer: auth::SmsCodeResponse) -> Self {
        LoginCodeSent {
            terms: core::AcceptedTerms::from(&answer).into(),
            expires_at_unix: answer.expires_at,
            resend_after_unix: answer.resend_after,
        }
    }
}

/// A session held with a platform. Its bearer token stays in the keystore
/// database: the app never needs it, every call that uses it is here.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Session {
    /// The platform's name.
    pub platform: String,
    /// The logged-in phone number.
    pub phone: String,
    /// When the session ends, seconds since the Unix epoch, server clock.
    pub expires_at_unix: i64,
}

impl From<core::StoredSession> for Session {
    fn from(session: core::StoredSession) -> Self {
        // The token stays behind and is wiped when `session` drops.
        Session {
            platform: session.platform,
            phone: session.phone,
            expires_at_unix: session.expires_at,
        }
    }
}

/// The account of a session, as the platform reports it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AccountInfo {
    /// The logged-in phone number.
    pub phone: String,
    /// When the session ends, seconds since the Unix epoch, server clock.
    pub session_expires_at_unix: i64,
    /// The terms accepted at login.
    pub accepted_terms: Terms,
}

impl From<auth::MeResponse> for AccountInfo {
    fn from(me: auth::MeResponse) -> Self {
        AccountInfo {
            phone: me.phone,
            session_expires_at_unix: me.session_expires_at,
            accepted_terms: Terms {
                agreement_version: me.agreement_version,
                privacy_version: me.privacy_version,
            },
        }
    }
}

/// Outcome of a logout. In both cases the phone deleted the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum LogoutOutcome {
    /// The platform ended the session.
    Ended,
    /// The platform had already ended it (expired or revoked).
    AlreadyEnded,
}

impl From<core::LogoutOutcome> for LogoutOutcome {
    fn from(outcome: core::LogoutOutcome) -> Self {
        match outcome {
            core::LogoutOutcome::Ended => LogoutOutcome::Ended,
            core::LogoutOutcome::AlreadyEnded => LogoutOutcome::AlreadyEnded,
        }
    }
}

/// The code the user reads aloud in the identity verification video.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct IdentityCode {
    /// Four digits.
    pub code: String,
    /// When it expires, seconds since the Unix epoch, server clock.
    pub expires_at_unix: i64,
}

impl std::fmt::Debug for IdentityCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityCode")
            .field("expires_at_unix", &self.expires_at_unix)
            .finish_non_exhaustive()
    }
}

impl From<identity::IdentityCodeResponse> for IdentityCode {
    fn from(answer: identity::IdentityCodeResponse) -> Self {
        IdentityCode {
            code: answer.code,
            expires_at_unix: answer.expires_at,
        }
    }
}

/// State of an identity verification case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum IdentityState {
    /// Nothing submitted yet. (Not `None`, which Swift reads as an empty
    /// optional.)
    NotSubmitted,
    /// Waiting for an operator.
    Pending,
    /// Approved: certificate pickup is open.
    Approved,
    /// Rejected, for the status's `reason`. A new case may be submitted.
    Rejected,
}

impl From<identity::IdentityState> for IdentityState {
    fn from(state: identity::IdentityState) -> Self {
        match state {
            identity::IdentityState::None => IdentityState::NotSubmitted,
            identity::IdentityState::Pending => IdentityState::Pending,
            identity::IdentityState::Approved => IdentityState::Approved,
            identity::IdentityState::Rejected => IdentityState::Rejected,
        }
    }
}

/// The latest identity verification case with a platform.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct IdentityStatus {
    /// Its state.
    pub state: IdentityState,
    /// The case id, once submitted.
    pub case_id: Option<String>,
    /// The name verified or under review.
    pub name: Option<String>,
    /// The operator's reason for a rejection.
    pub reason: Option<String>,
    /// When it was submitted, seconds since the Unix epoch, server clock.
    pub submitted_at_unix: Option<i64>,
    /// When it was decided, same clock.
    pub decided_at_unix: Option<i64>,
}

impl From<identity::IdentityStatus> for IdentityStatus {
    fn from(status: identity::IdentityStatus) -> Self {
        IdentityStatus {
            state: status.state.into(),
            case_id: status.case_id,
            name: status.name,
            reason: status.reason,
            submitted_at_unix: status.submitted_at,
            decided_at_unix: status.decided_at,
        }
    }
}

/// A seal a certificate order issues (印章).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum SealKind {
    /// Personal seal (个人章).
    Personal,
    /// Legal representative's seal (法人章).
    LegalRepresentative,
    /// Company seal (公章).
    Company,
}

impl From<pickup::SealKind> for SealKind {
    fn from(kind: pickup::SealKind) -> Self {
        match kind {
            pickup::SealKind::Personal => SealKind::Personal,
            pickup::SealKind::LegalRepresentative => SealKind::LegalRepresentative,
            pickup::SealKind::Company => SealKind::Company,
        }
    }
}

impl From<SealKind> for pickup::SealKind {
    fn from(kind: SealKind) -> Self {
        match kind {
            SealKind::Personal => pickup::SealKind::Personal,
            SealKind::LegalRepresentative => pickup::SealKind::LegalRepresentative,
            SealKind::Company => pickup::SealKind::Company,
        }
    }
}

/// State of a certificate order on the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum OrderState {
    /// Waiting for the operator's review.
    Pending,
    /// Approved: the pickup code is shown.
    Approved,
    /// Rejected by the operator.
    Rejected,
    /// Certificates issued to a phone, not yet downloaded.
    PickedUp,
    /// Downloaded and installed.
    Issued,
}

impl From<pickup::OrderState> for OrderState {
    fn from(state: pickup::OrderState) -> Self {
        match state {
            pickup::OrderState::Pending => OrderState::Pending,
            pickup::OrderState::Approved => OrderState::Approved,
            pickup::OrderState::Rejected => OrderState::Rejected,
            pickup::OrderState::PickedUp => OrderState::PickedUp,
            pickup::OrderState::Issued => OrderState::Issued,
        }
    }
}

impl From<OrderState> for pickup::OrderState {
    fn from(state: OrderState) -> Self {
        match state {
            OrderState::Pending => pickup::OrderState::Pending,
            OrderState::Approved => pickup::OrderState::Approved,
            OrderState::Rejected => pickup::OrderState::Rejected,
            OrderState::PickedUp => pickup::OrderState::PickedUp,
            OrderState::Issued => pickup::OrderState::Issued,
        }
    }
}

/// A scanned pickup code: what the phone shows before the PIN pad. Pass it
/// back unchanged to `Account.pickUp`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ScannedPickup {
    /// The trusted platform whose code it is.
    pub platform: String,
    /// The pickup id (32 hex characters).
    pub pickup_id: String,
    /// The certificate holder's name; it becomes the subject's CN.
    pub name: String,
    /// The order's phone number, the logged-in one.
    pub phone: String,
    /// Company name (O).
    pub company: String,
    /// Unified social credit code (统一社会信用代码).
    pub credit_code: String,
    /// Seals the order issues.
    pub seals: Vec<SealKind>,
    /// The order's state.
    pub state: OrderState,
}

impl From<core::ScannedPickup> for ScannedPickup {
    fn from(scanned: core::ScannedPickup) -> Self {
        let offer = scanned.offer;
        ScannedPickup {
            platform: scanned.platform.name,
            pickup_id: offer.pickup_id,
            name: offer.name,
            phone: offer.phone,
            company: offer.company,
            credit_code: offer.credit_code,
            seals: offer.seals.into_iter().map(SealKind::from).collect(),
            state: offer.state.into(),
        }
    }
}

impl From<ScannedPickup> for pickup::PickupOffer {
    fn from(scanned: ScannedPickup) -> Self {
        pickup::PickupOffer {
            pickup_id: scanned.pickup_id,
            name: scanned.name,
            phone: scanned.phone,
            company: scanned.company,
            credit_code: scanned.credit_code,
            seals: scanned.seals.into_iter().map(Into::into).collect(),
            state: scanned.state.into(),
        }
    }
}

/// A seal image issued with the certificates.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SealImage {
    /// Which seal.
    pub kind: SealKind,
    /// The image, PNG.
    pub png: Vec<u8>,
}

impl SealImage {
    /// Decodes a seal image as the platform issued it (PNG in base64).
    ///
    /// # Errors
    /// `account.bad_answer` when the image is not base64.
    pub(crate) fn decode(seal: &pickup::SealImage) -> Result<Self, PalmbidError> {
        let png = STANDARD.decode(&seal.png_base64).map_err(|e| {
            PalmbidError::from_core(core::AccountError::BadAnswer {
                reason: format!("the {} seal image is not base64: {e}", seal.kind.as_str()),
            })
        })?;
        Ok(SealImage {
            kind: seal.kind.into(),
            png,
        })
    }
}

/// The seals held with one installed signing certificate, for the
/// certificate screen.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CertificateSeals {
    /// The platform whose CA issued the certificate and its seals.
    pub platform: String,
    /// The credential of the certificate's key.
    pub credential_id: String,
    /// The signing certificate.
    pub certificate: CertificateInfo,
    /// Its seals, in the order the CA sent them.
    pub seals: Vec<SealImage>,
}

impl TryFrom<core::CertificateSeals> for CertificateSeals {
    type Error = PalmbidError;

    fn try_from(held: core::CertificateSeals) -> Result<Self, PalmbidError> {
        Ok(CertificateSeals {
            seals: held
                .seals
                .iter()
                .map(SealImage::decode)
                .collect::<Result<_, _>>()?,
            platform: held.platform,
            credential_id: held.credential.0,
            certificate: held.certificate.into(),
        })
    }
}

/// Certificates picked up: received, checked against the platform's trust
/// anchor, stored, but not usable until `Account.download` installs them.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PickedUp {
    /// The platform's name.
    pub platform: String,
    /// The pickup id.
    pub pickup_id: String,
    /// The signing certificate.
    pub signing_certificate: CertificateInfo,
    /// The encryption certificate.
    pub encryption_certificate: CertificateInfo,
    /// The issuing chain, issuer first, up to the root.
    pub chain: Vec<CertificateInfo>,
    /// Seal images of the order.
    pub seals: Vec<SealImage>,
}

/// State of a pickup on this phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum PickupState {
    /// Keys made and requests sent, but no response stored yet. Picking up
    /// again resends the same requests.
    Requested,
    /// Certificates received, not installed: download them.
    Received,
    /// Downloaded and installed.
    Installed,
}

impl From<core::PickupState> for PickupState {
    fn from(state: core::PickupState) -> Self {
        match state {
            core::PickupState::Requested => PickupState::Requested,
            core::PickupState::Received => PickupState::Received,
            core::PickupState::Installed => PickupState::Installed,
        }
    }
}

/// A pickup stored on this phone.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PickupRecord {
    /// The platform's name.
    pub platform: String,
    /// The pickup id.
    pub pickup_id: String,
    /// Its state.
    pub state: PickupState,
}

impl From<core::PickupRecord> for PickupRecord {
    fn from(record: core::PickupRecord) -> Self {
        PickupRecord {
            platform: record.platform,
            pickup_id: record.pickup_id,
            state: record.state.into(),
        }
    }
}

/// A download: the company the platform matched in its entity registry
/// (主体库), and the two certificates now installed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Downloaded {
    /// Company name as registered.
    pub company: String,
    /// Its unified social credit code.
    pub credit_code: String,
    /// The installed signing and encryption certificates, with their key
    /// ids for signing and decrypting.
    pub certificates: Vec<crate::records::CertificateRecord>,
}
