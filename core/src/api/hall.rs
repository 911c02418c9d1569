//! The bid-opening hall (掌上开标): projects, their phases, and the event
//! log the phone follows.
//!
//! Endpoints (paths in [`super::paths`]), all with the bearer session:
//!
//! - `GET /api/v1/hall/projects`: the projects the phone's company bids in
//!   ([`ProjectList`]).
//! - `GET /api/v1/hall/projects/{id}`: one of them ([`ProjectSummary`]).
//! - `GET /api/v1/hall/projects/{id}/events`: the project's event log as
//!   server-sent events ([`HallEvent`]); the SSE `event:` is the kind
//!   ([`HallEventKind::name`]), `id:` the event's sequence number and
//!   `data:` the whole [`HallEvent`] as JSON. The stream ends after the
//!   phase changed to [`Phase::Closed`].
//!
//! Who is a bidder: the platform matches the unified social credit codes
//! of the certificates it issued to the session's phone number (issued,
//! not revoked, company in the entity registry) against the project's
//! bidders. Anything else is refused with `hall.not_a_bidder`; an unknown
//! project with `hall.not_found`.
//!
//! Resume rule: sequence numbers count from 1 per project, without gaps,
//! in the order the platform recorded the events. A stream opened with
//! `Last-Event-ID: N` first sends every event with a number above `N` in
//! order, then the live ones; without the header (or with one that is not
//! a number) it starts at 1. So a client that reconnects with the last id
//! it saw misses nothing and sees nothing twice.
//!
//! Phases follow [`Phase::ALL`] and never go back. Sign-in begins by the
//! server clock [`SIGN_IN_BEFORE_SECS`] before the opening time; each
//! later phase starts when the agent moves it on. Times are Unix seconds,
//! server clock.
//!
//! # Bidder actions
//!
//! Sign-in, key release and the decryption check are signed by the
//! phone's signing certificate, like a QR answer:
//!
//! - `POST .../projects/{id}/nonce` gives a one-use nonce ([`HallNonce`])
//!   bound to the session and the project, valid [`HALL_NONCE_SECS`].
//! - The phone signs [`action_message`]: `palmbid-hall-action-v1`, the
//!   platform's base address, the project id, the nonce, the action name
//!   and the SHA-256 of the action's canonical payload
//!   ([`ActionPayload::digest`]), and the signing time. It sends an
//!   [`ActionProof`] with the request. The platform rebuilds the message
//!   from its own record and the request body, so a proof cannot be moved
//!   to another project, action or payload, and the nonce is spent by the
//!   first request that carries it (accepted or not).
//! - The signing certificate must chain to the platform CA, have the
//!   signing key usage, be valid and not revoked, and name (by its credit
//!   code) a company that bids in the project; the signing time must lie
//!   within a minute of the nonce's life.
//!
//! Actions:
//!
//! - `POST .../projects/{id}/sign-in` ([`SignInRequest`] →
//!   [`SignInRecord`]): accepted while the server clock is in
//!   `[opening_at - SIGN_IN_BEFORE_SECS, opening_at)` and the phase is
//!   sign-in; earlier is `hall.sign_in_not_open`, at or after the opening
//!   (or another phase) `hall.sign_in_closed`. A second sign-in of the
//!   same company returns the first record.
//! - `GET .../projects/{id}/sign-in/receipt`: the sign-in receipt (签到凭证)
//!   as `application/pdf`; `hall.not_signed_in` before sign-in.
//! - `POST .../projects/{id}/bids?section=N` (N counts sections from 1),
//!   with `Authorization: Desktop {token}` of a toolbox QR login that the
//!   phone answered (valid [`DESKTOP_LOGIN_SECS`] after the answer, for the
//!   login certificate's company), body the envelope file, at most
//!   [`MAX_BID_BYTES`] ([`UploadedBid`]). Refused: not an envelope
//!   (`hall.not_an_envelope`), too large (`hall.bid_too_large`), a company
//!   not bidding in that section (`hall.not_a_bidder`), at or after the
//!   opening time or once the decryption has started
//!   (`hall.upload_closed`). A new upload before then replaces the
//!   company's bid of that section.
//! - `GET .../projects/{id}/bids` ([`BidList`]): the session company's
//!   bids, with their envelope headers for the decryption check.
//! - `POST .../projects/{id}/bids/{bid}/check` ([`CheckRequest`] →
//!   [`DecryptionCheck`]): the phone ran the decryption check on the
//!   header and records it; refused with `hall.check_mismatch` when the
//!   digest is not the stored file's or the entry is not one of its
//!   recipients.
//! - `POST .../projects/{id}/bids/{bid}/release` ([`ReleaseRequest`] →
//!   [`ReleaseResult`]): in phase decryption, by a signed-in bidder, the
//!   phone releases the content key to the project's opening certificate
//!   ([`ProjectSummary::opening_certificate`]); the platform decrypts the
//!   file and reads the [`BidPackage`] in it. `hall.wrong_key` when the
//!   released key does not open the content, `hall.damaged_bid` when the
//!   content fails its check or is not a package of this project, section
//!   and company. Repeating a successful release returns the result again;
//!   one by another certificate is `hall.already_decrypted`.
//!
//! After each sign-in, decryption and first quote confirmation a
//! [`HallEventKind::Progress`] event is recorded in the same transaction.
//!
//! # Quote reading, confirmation, details and challenges
//!
//! - `GET .../projects/{id}/quotes` ([`quotes::QuoteTable`]): every
//!   bidder's quote from phase quote reading on; `hall.quotes_sealed`
//!   before ([`quotes`]).
//! - `POST .../projects/{id}/bids/{bid}/confirm` ([`quotes::ConfirmRequest`]
//!   → [`quotes::QuoteConfirmation`]): in phase quote confirmation, signed
//!   ([`ActionPayload::ConfirmQuote`]); `hall.not_your_bid`,
//!   `hall.amount_mismatch`, `hall.wrong_phase`; a second confirmation
//!   returns the first record.
//! - `GET .../projects/{id}/details` ([`details::ProjectDetails`]): the
//!   tenderer, agent, code, sections with bidder counts, opening time,
//!   place, notes, phase and progress, in any phase.
//! - `POST .../projects/{id}/challenges` ([`challenges::ChallengeRequest`]
//!   → [`challenges::ChallengeRecord`]) and `GET .../projects/{id}/challenges`
//!   ([`challenges::ChallengeList`]): signed challenges with PDF, PNG or
//!   JPEG attachments before the close, and the company's own challenges
//!   with answers; an answer is announced by a
//!   [`HallEventKind::ChallengeAnswered`] event that names only the
//!   challenge ([`challenges`]).
//!
//! # Multi-round quotes (多轮报价)
//!
//! In phase evaluation the experts open quote rounds on their console, per
//! section, numbered from 1, one open at a time, with an optional deadline
//! by the server clock. Opening is a [`HallEventKind::RoundOpened`] event;
//! closing, by the experts or by the deadline passing (recorded at the
//! deadline's time by the next read), a [`HallEventKind::RoundClosed`].
//!
//! - `GET .../projects/{id}/rounds` ([`RoundList`]): every round; in an
//!   open round only the session company's quote, in a closed one every
//!   quote.
//! - `POST .../projects/{id}/rounds/quote` ([`RoundQuoteRequest`] →
//!   [`RoundQuote`]), signed as [`ActionPayload::RoundQuote`], which binds
//!   section, round and amount. A second quote of the company in the same
//!   open round replaces the first. Refused: outside phase evaluation
//!   (`hall.wrong_phase`), an amount that fails [`is_amount`]
//!   (`hall.invalid_amount`), a round that was never opened
//!   (`hall.no_round_open`), a closed round or one past its deadline
//!   (`hall.round_closed`), a company not bidding in that section
//!   (`hall.not_a_section_bidder`), a company that did not sign in
//!   (`hall.not_signed_in`). Sign-in is required because it records the
//!   bidder's attendance at the opening; a decrypted bid is not, because
//!   whether a bid stays in the evaluation is the experts' judgement, not
//!   a rule the platform can check.
//!
//! # Coefficient draw (抽系数)
//!
//! Commit-reveal with [`crate::hall::draw`] on both sides. The draw id is
//! the draw's number in decimal, a bidder's id its credit code.
//!
//! - The experts start a draw with a candidate list (1 to
//!   [`MAX_DRAW_CANDIDATES`] distinct values of at most
//!   [`MAX_CANDIDATE_CHARS`] characters). The platform makes a 32-byte
//!   seed and records [`HallEventKind::DrawOpened`] with the commitment
//!   ([`crate::hall::draw::commit`]) in the same transaction, before it
//!   takes any contribution. One draw is open at a time.
//! - `POST .../projects/{id}/draws/{n}/contribute` ([`ContributeRequest`]
//!   → [`DrawView`]), signed as [`ActionPayload::DrawContribution`]: 32
//!   random bytes from a signed-in bidder, once; the same value again is
//!   accepted as a retry, another value is `hall.already_contributed`.
//!   Also refused: `hall.draw_not_found`, `hall.draw_closed`,
//!   `hall.invalid_draw` (not 64 hex digits), `hall.wrong_phase`,
//!   `hall.not_signed_in`.
//! - The experts close the draw; the platform derives the index
//!   ([`crate::hall::draw::derive_index`]) over the seed and every
//!   contribution and records [`HallEventKind::DrawRevealed`].
//! - `GET .../projects/{id}/draws` ([`DrawList`]): while a draw is open,
//!   the commitment and the session company's own contribution; once
//!   revealed, also the seed, every contribution and the index.
//!
//! The phone keeps the commitment and its contribution from the moment it
//! contributes, and after the reveal runs [`crate::hall::draw::verify`]
//! against them ([`crate::hall::verify_draw`]); every broken promise has
//! its own `hall.draw_*` code.

pub mod challenges;
pub mod details;
pub mod quotes;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::Localized;

pub mod evaluation;

pub use evaluation::{
    ContributeRequest, DrawList, DrawView, MAX_CANDIDATE_CHARS, MAX_DRAW_CANDIDATES, RoundList,
    RoundQuote, RoundQuoteRequest, RoundState, RoundView,
};

/// Sign-in opens this many seconds before the opening time.
pub const SIGN_IN_BEFORE_SECS: i64 = 3600;

/// The phase of a project's bid opening, in their fixed order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Before sign-in.
    NotOpen,
    /// Bidders sign in (签到).
    SignIn,
    /// Bidders decrypt their bid files (解密).
    Decryption,
    /// The quotes are read out (唱标).
    QuoteReading,
    /// Bidders confirm the quotes read (确认).
    QuoteConfirmation,
    /// The experts evaluate, with multi-round quotes (评标).
    Evaluation,
    /// The opening is over.
    Closed,
}

impl Phase {
    /// Every phase, in order.
    pub const ALL: [Phase; 7] = [
        Phase::NotOpen,
        Phase::SignIn,
        Phase::Decryption,
        Phase::QuoteReading,
        Phase::QuoteConfirmation,
        Phase::Evaluation,
        Phase::Closed,
    ];

    /// The name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::NotOpen => "not_open",
            Phase::SignIn => "sign_in",
            Phase::Decryption => "decryption",
            Phase::QuoteReading => "quote_reading",
            Phase::QuoteConfirmation => "quote_confirmation",
            Phase::Evaluation => "evaluation",
            Phase::Closed => "closed",
        }
    }

    /// The phase named `name` on the wire, if any.
    pub fn parse(name: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|phase| phase.as_str() == name)
    }

    /// The phase after this one; `None` after [`Phase::Closed`].
    pub fn next(self) -> Option<Phase> {
        Phase::ALL
            .into_iter()
            .skip_while(|phase| *phase != self)
            .nth(1)
    }
}

impl std::fmt::Display for Phase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A project as a bidder sees it in the hall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectSummary {
    /// The project's id (128 random bits, lower-case hex).
    pub id: String,
    /// The project's name.
    pub name: String,
    /// Names of its sections (标段), in order.
    pub sections: Vec<String>,
    /// When the bids open, Unix seconds, server clock.
    pub opening_at: i64,
    /// The phase now, by the server clock.
    pub phase: Phase,
    /// The project's opening certificate, DER, base64: the platform's
    /// per-project key-agreement certificate that bid keys are released
    /// to at the decryption.
    pub opening_certificate: String,
}

/// `GET /api/v1/hall/projects`: the session's projects, by opening time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectList {
    /// The projects.
    pub projects: Vec<ProjectSummary>,
}

/// One entry of a project's event log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HallEvent {
    /// Sequence number in the project, from 1, without gaps; the SSE id.
    pub seq: u64,
    /// When the platform recorded it, Unix seconds, server clock.
    pub at: i64,
    /// What happened.
    #[serde(flatten)]
    pub kind: HallEventKind,
}

/// What a [`HallEvent`] says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum HallEventKind {
    /// The project entered `phase`.
    PhaseChanged {
        /// The new phase.
        phase: Phase,
    },
    /// How far the bidders are in the current phase.
    Progress {
        /// Bidders of the project.
        bidders: u32,
        /// Bidders signed in.
        signed_in: u32,
        /// Bidders whose bid files are decrypted.
        decrypted: u32,
        /// Bidders that confirmed their quotes; absent (0) in events of
        /// platforms before quote confirmation.
        #[serde(default)]
        confirmed: u32,
    },
    /// The agent answered challenge `challenge_id`. Every bidder sees the
    /// event, so it names nothing else: the challenger fetches its own
    /// challenges to read the answer.
    ChallengeAnswered {
        /// The challenge.
        challenge_id: String,
    },
    /// The experts opened quote round `round` of `section` (多轮报价).
    RoundOpened {
        /// The section, from 1.
        section: u32,
        /// The round, from 1.
        round: u32,
        /// Its deadline, if any, Unix seconds, server clock.
        deadline: Option<i64>,
    },
    /// Quote round `round` of `section` closed; its quotes are now shown
    /// to every bidder.
    RoundClosed {
        /// The section, from 1.
        section: u32,
        /// The round, from 1.
        round: u32,
        /// How many bidders quoted.
        quotes: u32,
    },
    /// The experts opened coefficient draw `draw` (抽系数): the platform
    /// committed to its seed and takes contributions.
    DrawOpened {
        /// The draw's number, from 1.
        draw: u32,
        /// The candidate coefficients, in published order.
        candidates: Vec<String>,
        /// The commitment to the seed, the ids and the candidates.
        commitment: crate::hall::draw::DrawCommitment,
    },
    /// Draw `draw` closed and was revealed (`GET .../draws`).
    DrawRevealed {
        /// The draw's number, from 1.
        draw: u32,
        /// The index of the drawn candidate, from 0.
        index: u32,
        /// The drawn candidate.
        coefficient: String,
    },
}

impl HallEventKind {
    /// The SSE `event:` name, as the `kind` field on the wire.
    pub fn name(&self) -> &'static str {
        match self {
            HallEventKind::PhaseChanged { .. } => "phase_changed",
            HallEventKind::Progress { .. } => "progress",
            HallEventKind::ChallengeAnswered { .. } => "challenge_answered",
            HallEventKind::RoundOpened { .. } => "round_opened",
            HallEventKind::RoundClosed { .. } => "round_closed",
            HallEventKind::DrawOpened { .. } => "draw_opened",
            HallEventKind::DrawRevealed { .. } => "draw_revealed",
        }
    }
}

/// Seconds a hall action nonce stays usable.
pub const HALL_NONCE_SECS: i64 = 120;

/// Seconds a toolbox login stays valid for bid uploads, counted from the
/// phone's confirmation.
pub const DESKTOP_LOGIN_SECS: i64 = 12 * 3600;

/// Largest bid file (the envelope) the platform takes, in bytes.
pub const MAX_BID_BYTES: usize = 64 * 1024 * 1024;

/// The format tag of a [`BidPackage`].
pub const BID_PACKAGE_FORMAT: &str = "palmbid-bid-v1";

/// `POST .../projects/{id}/nonce`: a one-use nonce for one action proof.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HallNonce {
    /// 128 random bits, lower-case hex.
    pub nonce: String,
    /// Until when it can be used, Unix seconds, server clock.
    pub expires_at: i64,
}

/// A bidder action, with the fields its proof binds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionPayload {
    /// Sign in to the project.
    SignIn,
    /// Release the content key of a bid to the opening certificate.
    Release {
        /// The bid.
        bid_id: String,
        /// The released key, as sent ([`ReleaseRequest::released_key`]).
        released_key: String,
    },
    /// Record a decryption check of a bid.
    Check {
        /// The bid.
        bid_id: String,
        /// SHA-256 of the envelope file checked, lower-case hex.
        envelope_sha256: String,
        /// The entry that opened, as [`crate::cms::RecipientId`] prints it.
        recipient: String,
    },
    /// Confirm the quote read for a bid (确认报价).
    ConfirmQuote {
        /// The bid.
        bid_id: String,
        /// The amount confirmed, yuan, as the quote table shows it.
        amount: String,
    },
    /// Submit a challenge (质疑).
    Challenge {
        /// SHA-256 of the text's UTF-8 bytes, lower-case hex.
        text_sha256: String,
        /// SHA-256 of each attachment's content, lower-case hex, in order.
        attachments: Vec<String>,
    },
    /// Quote `amount` in round `round` of section `section`.
    RoundQuote {
        /// The section, from 1.
        section: u32,
        /// The round, from 1.
        round: u32,
        /// Amount in yuan, as sent ([`RoundQuoteRequest::amount`]).
        amount: String,
    },
    /// Contribute `value` to coefficient draw `draw`.
    DrawContribution {
        /// The draw's number, from 1.
        draw: u32,
        /// The 32 random bytes, lower-case hex, as sent
        /// ([`ContributeRequest::value`]).
        value: String,
    },
}

impl ActionPayload {
    /// Returns the action's name in the signed message.
    pub fn name(&self) -> &'static str {
        match self {
            ActionPayload::SignIn => "sign_in",
            ActionPayload::Release { .. } => "release",
            ActionPayload::Check { .. } => "check",
            ActionPayload::ConfirmQuote { .. } => "confirm_quote",
            ActionPayload::Challenge { .. } => "challenge",
            ActionPayload::RoundQuote { .. } => "round_quote",
            ActionPayload::DrawContribution { .. } => "draw_contribution",
        }
    }

    /// SHA-256 of the canonical payload: the name, then each field's text
    /// in order, each followed by a newline.
    pub fn digest(&self) -> [u8; 32] {
        let mut hash = Sha256::new();
        let mut field = |text: &str| {
            hash.update(text.as_bytes());
            hash.update(b"\n");
        };
        field(self.name());
        match self {
            ActionPayload::SignIn => {}
            ActionPayload::Release {
                bid_id,
                released_key,
            } => {
                field(bid_id);
                field(released_key);
            }
            ActionPayload::Check {
                bid_id,
                envelope_sha256,
                recipient,
            } => {
                field(bid_id);
                field(envelope_sha256);
                field(recipient);
            }
            ActionPayload::ConfirmQuote { bid_id, amount } => {
                field(bid_id);
                field(amount);
            }
            ActionPayload::Challenge {
                text_sha256,
                attachments,
            } => {
                field(text_sha256);
                for attachment in attachments {
                    field(attachment);
                }
            }
            ActionPayload::RoundQuote {
                section,
                round,
                amount,
            } => {
                field(&section.to_string());
                field(&round.to_string());
                field(amount);
            }
            ActionPayload::DrawContribution { draw, value } => {
                field(&draw.to_string());
                field(value);
            }
        }
        hash.finalize().into()
    }
}

/// Context that an action proof binds besides its payload.
#[derive(Debug, Clone, Copy)]
pub struct ActionContext<'a> {
    /// The platform's base address as the phone configured it and as the
    /// platform publishes it (`https://host/`).
    pub platform: &'a str,
    /// The project.
    pub project_id: &'a str,
    /// The nonce from `POST .../nonce`.
    pub nonce: &'a str,
    /// When the phone signed, Unix seconds, server clock as the phone
    /// keeps it.
    pub signed_at: i64,
}

/// Builds the canonical message that an action proof's signature covers: UTF-8
/// lines, each `name=value`, in this order, ending with a newline:
///
/// ```text
/// palmbid-hall-action-v1
/// platform={base address}
/// project={project id}
/// nonce={nonce}
/// action={ActionPayload::name}
/// payload={sha256 hex of ActionPayload::digest}
/// signed_at={Unix seconds}
/// ```
pub fn action_message(context: &ActionContext<'_>, payload: &ActionPayload) -> Vec<u8> {
    format!(
        "palmbid-hall-action-v1\nplatform={}\nproject={}\nnonce={}\naction={}\npayload={}\nsigned_at={}\n",
        context.platform,
        context.project_id,
        context.nonce,
        payload.name(),
        hex::encode(payload.digest()),
        context.signed_at,
    )
    .into_bytes()
}

/// A signed bidder action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionProof {
    /// The nonce, from `POST .../nonce`.
    pub nonce: String,
    /// The signing certificate, DER, base64.
    pub certificate: String,
    /// Its issuing chain, DER base64 each, issuer first.
    pub chain: Vec<String>,
    /// ECDSA P-256 with SHA-256 over [`action_message`], DER, base64.
    pub signature: String,
    /// When the phone signed, Unix seconds, server clock as the phone
    /// keeps it.
    pub signed_at: i64,
}

/// `POST .../projects/{id}/sign-in`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInRequest {
    /// Proof of [`ActionPayload::SignIn`].
    pub proof: ActionProof,
}

/// A company's sign-in, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInRecord {
    /// The project.
    pub project_id: String,
    /// The company's name.
    pub company: String,
    /// Its unified social credit code.
    pub credit_code: String,
    /// Serial of the signing certificate that signed in, lower-case hex.
    pub certificate_serial: String,
    /// The proof's signing time, Unix seconds.
    pub signed_at: i64,
    /// When the platform recorded it, Unix seconds, server clock.
    pub signed_in_at: i64,
    /// The receipt's id, printed on the sign-in receipt.
    pub receipt_id: String,
}

/// The plaintext of a bid file: what the toolbox encrypts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidPackage {
    /// Always [`BID_PACKAGE_FORMAT`].
    pub format: String,
    /// The project.
    pub project_id: String,
    /// The section, from 1.
    pub section: u32,
    /// The bidder's unified social credit code.
    pub credit_code: String,
    /// The quote.
    pub quote: Quote,
    /// The bid documents.
    pub documents: Vec<BidDocument>,
}

/// A bid's quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// Amount in yuan as a decimal string: digits, optionally a point and
    /// one or two digits ([`is_amount`]).
    pub amount: String,
}

/// One document of a [`BidPackage`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidDocument {
    /// File name.
    pub name: String,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
    /// The content, base64.
    pub content: String,
}

/// Returns whether `amount` is a valid [`Quote`] amount in yuan: 1 to 15
/// digits, then optionally a point and 1 or 2 digits.
pub fn is_amount(amount: &str) -> bool {
    let (whole, fraction) = match amount.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (amount, None),
    };
    let digits = |text: &str, max: usize| {
        !text.is_empty() && text.len() <= max && text.bytes().all(|b| b.is_ascii_digit())
    };
    digits(whole, 15) && fraction.is_none_or(|f| digits(f, 2))
}

/// Errors of reading or checking a [`BidPackage`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BidPackageError {
    /// Not JSON of a bid package.
    #[error("the bid package is not readable JSON: {reason}")]
    Unreadable {
        /// The parser's reason.
        reason: String,
    },
    /// A field is wrong.
    #[error("the bid package's {field} is not usable: {reason}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// The fault.
        reason: String,
    },
}

impl Localized for BidPackageError {
    fn code(&self) -> &'static str {
        "hall.invalid_package"
    }

    fn message_zh(&self) -> String {
        match self {
            BidPackageError::Unreadable { .. } => "投标文件包不是可读的 JSON".to_owned(),
            BidPackageError::Invalid { field, reason } => {
                format!("投标文件包的字段 {field} 不正确：{reason}")
            }
        }
    }
}

impl BidPackage {
    /// Reads and checks a package ([`BidPackage::check`]).
    ///
    /// # Errors
    /// [`BidPackageError`].
    pub fn from_json(bytes: &[u8]) -> Result<Self, BidPackageError> {
        let package: BidPackage =
            serde_json::from_slice(bytes).map_err(|e| BidPackageError::Unreadable {
                reason: e.to_string(),
            })?;
        package.check()?;
        Ok(package)
    }

    /// Checks the format tag, the amount, and that every document's
    /// content is base64 whose SHA-256 is the one given.
    ///
    /// # Errors
    /// [`BidPackageError::Invalid`] naming the first field that fails.
    pub fn check(&self) -> Result<(), BidPackageError> {
        use base64::Engine;
        let invalid = |field, reason: String| BidPackageError::Invalid { field, reason };

        if self.format != BID_PACKAGE_FORMAT {
            return Err(invalid("format", format!("must be {BID_PACKAGE_FORMAT}")));
        }
        if self.section == 0 {
            return Err(invalid("section", "sections count from 1".to_owned()));
        }
        if !is_amount(&self.quote.amount) {
            return Err(invalid(
                "quote.amount",
                "yuan as digits with at most 2 decimals, such as 1234567.89".to_owned(),
            ));
        }
        for document in &self.documents {
            if !super::qr::is_display_text(&document.name, super::qr::MAX_DOCUMENT_NAME_CHARS) {
                return Err(invalid(
                    "documents.name",
                    "1 to 200 printable characters".to_owned(),
                ));
            }
            let content = base64::engine::general_purpose::STANDARD
                .decode(&document.content)
                .map_err(|_| {
                    invalid(
                        "documents.content",
                        format!("{} is not base64", document.name),
                    )
                })?;
            if hex::encode(Sha256::digest(&content)) != document.sha256 {
                return Err(invalid(
                    "documents.sha256",
                    format!("{} does not match its content", document.name),
                ));
            }
        }
        Ok(())
    }
}

/// `POST .../projects/{id}/bids?section=N`: the stored bid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedBid {
    /// The bid's id (128 random bits, lower-case hex); a replacing upload
    /// gets a new one.
    pub bid_id: String,
    /// The section, from 1.
    pub section: u32,
    /// SHA-256 of the envelope file, lower-case hex.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
    /// When it was stored, Unix seconds, server clock.
    pub uploaded_at: i64,
    /// Its recipient entries, as [`crate::cms::RecipientId`] prints them.
    pub recipients: Vec<String>,
}

/// State of a bid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BidState {
    /// Stored, still encrypted.
    Uploaded,
    /// Decrypted by the platform after the bidder released the key.
    Decrypted,
}

impl BidState {
    /// The state as sent and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            BidState::Uploaded => "uploaded",
            BidState::Decrypted => "decrypted",
        }
    }
}

/// A recorded decryption check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecryptionCheck {
    /// The bid.
    pub bid_id: String,
    /// When the platform recorded it, Unix seconds, server clock.
    pub checked_at: i64,
    /// Serial of the signing certificate of the proof, lower-case hex.
    pub certificate_serial: String,
    /// The entry that opened, as the phone reported it.
    pub recipient: String,
}

/// One bid in [`BidList`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidView {
    /// The bid's id.
    pub bid_id: String,
    /// The section, from 1.
    pub section: u32,
    /// SHA-256 of the envelope file, lower-case hex.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
    /// When it was stored, Unix seconds, server clock.
    pub uploaded_at: i64,
    /// The envelope up to its encrypted content, base64, for
    /// [`crate::cms::check_decryption`].
    pub envelope_header: String,
    /// Its recipient entries, as [`crate::cms::RecipientId`] prints them.
    pub recipients: Vec<String>,
    /// The last decryption check recorded, if any.
    pub check: Option<DecryptionCheck>,
    /// Encrypted or decrypted.
    pub state: BidState,
    /// The quote, once decrypted.
    pub quote: Option<Quote>,
}

/// `GET .../projects/{id}/bids`: the session company's bids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidList {
    /// The bids, by section.
    pub bids: Vec<BidView>,
}

/// `POST .../projects/{id}/bids/{bid}/check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckRequest {
    /// SHA-256 of the envelope file the phone checked, lower-case hex.
    pub envelope_sha256: String,
    /// The entry that opened, as [`crate::cms::RecipientId`] prints it.
    pub recipient: String,
    /// Proof of [`ActionPayload::Check`].
    pub proof: ActionProof,
}

/// `POST .../projects/{id}/bids/{bid}/release`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseRequest {
    /// The content key re-encrypted to the opening certificate's key
    /// ([`crate::cms::release_key_from_header`]), DER
    /// `KeyAgreeRecipientInfo`, base64.
    pub released_key: String,
    /// Proof of [`ActionPayload::Release`].
    pub proof: ActionProof,
}

/// Response to [`ReleaseRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseResult {
    /// Always [`BidState::Decrypted`].
    pub state: BidState,
    /// The quote read from the package.
    pub quote: Quote,
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn phases_round_trip_in_order() {
        for pair in Phase::ALL.windows(2) {
            assert!(pair[0] < pair[1]);
            assert_eq!(pair[0].next(), Some(pair[1]));
        }
        assert_eq!(Phase::Closed.next(), None);

        for phase in Phase::ALL {
            assert_eq!(Phase::parse(phase.as_str()), Some(phase));
            let json = serde_json::to_string(&phase).unwrap();
            assert_eq!(json, format!("\"{}\"", phase.as_str()));
        }
        assert_eq!(Phase::parse("opening"), None);
        assert_eq!(Phase::parse("SIGN_IN"), None);
    }

    #[test]
    fn events_carry_their_kind() {
        let event = HallEvent {
            seq: 3,
            at: 1_796_416_200,
            kind: HallEventKind::PhaseChanged {
                phase: Phase::QuoteReading,
            },
        };
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "seq": 3, "at": 1_796_416_200_i64,
                "kind": "phase_changed", "phase": "quote_reading"
            })
        );
        assert_eq!(json["kind"], event.kind.name());
        assert_eq!(serde_json::from_value::<HallEvent>(json).unwrap(), event);

        let progress = HallEventKind::Progress {
            bidders: 3,
            signed_in: 2,
            decrypted: 0,
            confirmed: 0,
        };
        let json = serde_json::to_value(&progress).unwrap();
        assert_eq!(json["kind"], progress.name());

        // An event of a platform before quote confirmation still reads.
        let old = serde_json::json!({
            "seq": 4, "at": 1, "kind": "progress", "bidders": 3, "signed_in": 2, "decrypted": 1
        });
        let old: HallEvent = serde_json::from_value(old).unwrap();
        assert!(matches!(
            old.kind,
            HallEventKind::Progress { confirmed: 0, .. }
        ));

        let answered = HallEventKind::ChallengeAnswered {
            challenge_id: "c1".into(),
        };
        let json = serde_json::to_value(&answered).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "kind": "challenge_answered", "challenge_id": "c1" })
        );
    }

    #[test]
    fn action_message_is_fixed_text() {
        let context = ActionContext {
            platform: "http://127.0.0.1:8080/",
            project_id: "0123456789abcdef0123456789abcdef",
            nonce: &"aa".repeat(16),
            signed_at: 1_010,
        };
        let text = String::from_utf8(action_message(&context, &ActionPayload::SignIn)).unwrap();
        let expected = format!(
            "palmbid-hall-action-v1\nplatform=http://127.0.0.1:8080/\n\
             project=0123456789abcdef0123456789abcdef\nnonce={}\naction=sign_in\n\
             payload={}\nsigned_at=1010\n",
            "aa".repeat(16),
            hex::encode(Sha256::digest(b"sign_in\n")),
        );
        assert_eq!(text, expected);

        let release = |key: &str| ActionPayload::Release {
            bid_id: "b1".into(),
            released_key: key.into(),
        };
        assert_ne!(
            action_message(&context, &release("AAAA")),
            action_message(&context, &release("AAAB"))
        );
        let check = ActionPayload::Check {
            bid_id: "b1".into(),
            envelope_sha256: "AAAA".into(),
            recipient: String::new(),
        };
        assert_ne!(
            check.digest(),
            release("AAAA").digest(),
            "the name is bound"
        );
        let other = ActionContext {
            project_id: "ffffffffffffffffffffffffffffffff",
            ..context
        };
        assert_ne!(
            action_message(&other, &ActionPayload::SignIn),
            action_message(&context, &ActionPayload::SignIn)
        );
    }

    #[test]
    fn evaluation_payloads_bind_their_fields() {
        let quote = |section, round, amount: &str| ActionPayload::RoundQuote {
            section,
            round,
            amount: amount.into(),
        };
        let base = quote(1, 2, "100").digest();
        assert_ne!(base, quote(2, 2, "100").digest());
        assert_ne!(base, quote(1, 3, "100").digest());
        assert_ne!(base, quote(1, 2, "100.00").digest());
        assert_eq!(
            base,
            <[u8; 32]>::from(Sha256::digest(b"round_quote\n1\n2\n100\n"))
        );

        let draw = |draw, value: &str| ActionPayload::DrawContribution {
            draw,
            value: value.into(),
        };
        assert_ne!(draw(1, "aa").digest(), draw(2, "aa").digest());
        assert_ne!(draw(1, "aa").digest(), draw(1, "ab").digest());
        assert_eq!(draw(1, "aa").name(), "draw_contribution");

        let opened = HallEventKind::RoundOpened {
            section: 1,
            round: 1,
            deadline: None,
        };
        let json = serde_json::to_value(&opened).unwrap();
        assert_eq!(json["kind"], "round_opened");
        assert_eq!(
            serde_json::from_value::<HallEventKind>(json).unwrap(),
            opened
        );
    }

    #[test]
    fn amounts() {
        for good in ["0", "1234567.89", "5.5", "100.00", "999999999999999"] {
            assert!(is_amount(good), "{good}");
        }
        for bad in [
            "",
            ".5",
            "5.",
            "1.234",
            "-1",
            "+1",
            "1,000",
            "1e3",
            " 1",
            "１",
            "1.2.3",
            "1234567890123456",
        ] {
            assert!(!is_amount(bad), "{bad}");
        }
    }

    fn package() -> BidPackage {
        use base64::Engine;
        BidPackage {
            format: BID_PACKAGE_FORMAT.into(),
            project_id: "p".into(),
            section: 1,
            credit_code: "91350100M000100Y43".into(),
            quote: Quote {
                amount: "1234.50".into(),
            },
            documents: vec![BidDocument {
                name: "商务标.pdf".into(),
                sha256: hex::encode(Sha256::digest(b"%PDF-1.7")),
                content: base64::engine::general_purpose::STANDARD.encode(b"%PDF-1.7"),
            }],
        }
    }

    #[test]
    fn packages_are_checked() {
        let good = package();
        let json = serde_json::to_vec(&good).unwrap();
        assert_eq!(BidPackage::from_json(&json).unwrap(), good);

        let mut bad = good.clone();
        bad.format = "palmbid-bid-v2".into();
        assert!(bad.check().is_err());
        let mut bad = good.clone();
        bad.quote.amount = "12.345".into();
        assert!(bad.check().is_err());
        let mut bad = good.clone();
        bad.documents[0].sha256 = "00".repeat(32);
        assert!(bad.check().is_err());
        let mut bad = good;
        bad.section = 0;
        assert!(bad.check().is_err());
        let err = BidPackage::from_json(b"{}").unwrap_err();
        assert_eq!(err.code(), "hall.invalid_package");
    }
}
