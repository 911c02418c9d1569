//! Plain values of the hall calls: projects, their state, notices and the
//! bidder's records. None contains a secret.

use palmbid_core::api::hall as wire;
use palmbid_core::hall as core;

/// The phase of a bid opening, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum HallPhase {
    /// Before sign-in (未开始).
    NotOpen,
    /// Sign-in, from one hour before the opening (签到).
    SignIn,
    /// Bidders decrypt their bid files (解密).
    Decryption,
    /// The quotes are read out (唱标).
    QuoteReading,
    /// Bidders confirm their quotes (确认报价).
    QuoteConfirmation,
    /// The experts evaluate, with multi-round quotes (评标).
    Evaluation,
    /// The opening is over (已结束).
    Closed,
}

impl From<wire::Phase> for HallPhase {
    fn from(phase: wire::Phase) -> Self {
        match phase {
            wire::Phase::NotOpen => HallPhase::NotOpen,
            wire::Phase::SignIn => HallPhase::SignIn,
            wire::Phase::Decryption => HallPhase::Decryption,
            wire::Phase::QuoteReading => HallPhase::QuoteReading,
            wire::Phase::QuoteConfirmation => HallPhase::QuoteConfirmation,
            wire::Phase::Evaluation => HallPhase::Evaluation,
            wire::Phase::Closed => HallPhase::Closed,
        }
    }
}

/// A project of the hall (手机开标 list entry).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HallProject {
    /// The project's id.
    pub id: String,
    /// The project's name.
    pub name: String,
    /// Its sections (标段), in order.
    pub sections: Vec<String>,
    /// When the bids open, Unix seconds, server clock.
    pub opening_at: i64,
    /// The phase now.
    pub phase: HallPhase,
}

impl From<wire::ProjectSummary> for HallProject {
    fn from(project: wire::ProjectSummary) -> Self {
        HallProject {
            id: project.id,
            name: project.name,
            sections: project.sections,
            opening_at: project.opening_at,
            phase: project.phase.into(),
        }
    }
}

/// How far the bidders of a project are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct HallProgress {
    /// Bidders of the project.
    pub bidders: u32,
    /// Bidders signed in.
    pub signed_in: u32,
    /// Bidders whose bid files are decrypted.
    pub decrypted: u32,
    /// Bidders that confirmed their quotes.
    pub confirmed: u32,
}

/// A project's state as the hall screen draws it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HallProjectState {
    /// The project, its phase following the events.
    pub project: HallProject,
    /// The bidders' progress, once reported.
    pub progress: Option<HallProgress>,
    /// Sequence number of the last event applied; 0 before any.
    pub last_seq: u64,
    /// Server time of the last event applied, Unix seconds; 0 before any.
    pub updated_at: i64,
    /// Challenges the agent answered, any bidder's; `hallChallenges`
    /// tells which are this company's.
    pub answered_challenges: Vec<String>,
    /// The quote rounds open now, by section.
    pub open_rounds: Vec<HallOpenRound>,
    /// The latest coefficient draw, once one opened.
    pub draw: Option<HallDrawStatus>,
}

/// A quote round open now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Record)]
pub struct HallOpenRound {
    /// The section, from 1.
    pub section: u32,
    /// The round, from 1.
    pub round: u32,
    /// Its deadline, if any, Unix seconds, server clock.
    pub deadline: Option<i64>,
}

/// The latest coefficient draw, as the events tell it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HallDrawStatus {
    /// The draw's number, from 1.
    pub draw: u32,
    /// The candidates, in published order.
    pub candidates: Vec<String>,
    /// The announced index, once revealed (verify with `hallVerifyDraw`).
    pub index: Option<u32>,
    /// The announced coefficient, once revealed.
    pub coefficient: Option<String>,
}

impl From<&core::ProjectState> for HallProjectState {
    fn from(state: &core::ProjectState) -> Self {
        HallProjectState {
            project: state.project.clone().into(),
            progress: state.progress.map(|p| HallProgress {
                bidders: p.bidders,
                signed_in: p.signed_in,
                decrypted: p.decrypted,
                confirmed: p.confirmed,
            }),
            last_seq: state.last_seq,
            updated_at: state.updated_at,
            answered_challenges: state.answered_challenges.clone(),
            open_rounds: state
                .open_rounds
                .iter()
                .map(|open| HallOpenRound {
                    section: open.section,
                    round: open.round,
                    deadline: open.deadline,
                })
                .collect(),
            draw: state.draw.as_ref().map(|draw| HallDrawStatus {
                draw: draw.draw,
                candidates: draw.candidates.clone(),
                index: draw.revealed.as_ref().map(|(index, _)| *index),
                coefficient: draw.revealed.as_ref().map(|(_, value)| value.clone()),
            }),
        }
    }
}

/// Something to raise as a notification.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum HallNotice {
    /// The opening starts in `minutes` (60 or 15).
    OpeningSoon {
        /// Minutes left.
        minutes: i64,
    },
    /// The project entered `phase` just now.
    PhaseStarted {
        /// The new phase.
        phase: HallPhase,
    },
    /// The agent answered a challenge just now; it may be another
    /// bidder's, `hallChallenges` shows this company's answers.
    ChallengeAnswered {
        /// The challenge.
        challenge_id: String,
    },
    /// The experts opened quote round `round` of `section`.
    RoundOpened {
        /// The section, from 1.
        section: u32,
        /// The round, from 1.
        round: u32,
        /// Its deadline, if any, Unix seconds, server clock.
        deadline: Option<i64>,
    },
    /// Quote round `round` of `section` closed; every quote is shown.
    RoundClosed {
        /// The section, from 1.
        section: u32,
        /// The round, from 1.
        round: u32,
    },
    /// Coefficient draw `draw` opened: contribute now.
    DrawOpened {
        /// The draw's number, from 1.
        draw: u32,
    },
    /// Draw `draw` was revealed: verify it.
    DrawRevealed {
        /// The draw's number, from 1.
        draw: u32,
        /// The announced coefficient.
        coefficient: String,
    },
}

impl From<&core::HallNotice> for HallNotice {
    fn from(notice: &core::HallNotice) -> Self {
        match notice {
            core::HallNotice::OpeningSoon { minutes } => {
                HallNotice::OpeningSoon { minutes: *minutes }
            }
            core::HallNotice::PhaseStarted { phase } => HallNotice::PhaseStarted {
                phase: (*phase).into(),
            },
            core::HallNotice::ChallengeAnswered { challenge_id } => HallNotice::ChallengeAnswered {
                challenge_id: challenge_id.clone(),
            },
            core::HallNotice::RoundOpened {
                section,
                round,
                deadline,
            } => HallNotice::RoundOpened {
                section: *section,
                round: *round,
                deadline: *deadline,
            },
            core::HallNotice::RoundClosed { section, round } => HallNotice::RoundClosed {
                section: *section,
                round: *round,
            },
            core::HallNotice::DrawOpened { draw } => HallNotice::DrawOpened { draw: *draw },
            core::HallNotice::DrawRevealed { draw, coefficient } => HallNotice::DrawRevealed {
                draw: *draw,
                coefficient: coefficient.clone(),
            },
        }
    }
}

/// The connection to a project's event stream.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum HallStreamStatus {
    /// Open, resuming after event `after`.
    Connected {
        /// The last event applied before it opened.
        after: u64,
    },
    /// Broken; the watch reopens it after a pause.
    Reconnecting {
        /// Failures in a row.
        breaks: u32,
        /// Why, in English, for logs.
        reason: String,
    },
}

impl From<&core::StreamStatus> for HallStreamStatus {
    fn from(status: &core::StreamStatus) -> Self {
        match status {
            core::StreamStatus::Connected { after } => {
                HallStreamStatus::Connected { after: *after }
            }
            core::StreamStatus::Reconnecting { breaks, reason } => HallStreamStatus::Reconnecting {
                breaks: *breaks,
                reason: reason.clone(),
            },
        }
    }
}

/// A company's sign-in (签到), as the platform recorded it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HallSignIn {
    /// The company's name.
    pub company: String,
    /// Its unified social credit code.
    pub credit_code: String,
    /// Serial of the signing certificate, lower-case hex.
    pub certificate_serial: String,
    /// When the platform recorded it, Unix seconds, server clock.
    pub signed_in_at: i64,
    /// The receipt's id, printed on the receipt.
    pub receipt_id: String,
}

impl From<wire::SignInRecord> for HallSignIn {
    fn from(record: wire::SignInRecord) -> Self {
        HallSignIn {
            company: record.company,
            credit_code: record.credit_code,
            certificate_serial: record.certificate_serial,
            signed_in_at: record.signed_in_at,
            receipt_id: record.receipt_id,
        }
    }
}

/// A recorded decryption check (解密检测).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HallDecryptionCheck {
    /// The bid.
    pub bid_id: String,
    /// When the platform recorded it, Unix seconds, server clock.
    pub checked_at: i64,
    /// The recipient entry the phone's key opened.
    pub recipient: String,
}

impl From<wire::DecryptionCheck> for HallDecryptionCheck {
    fn from(check: wire::DecryptionCheck) -> Self {
        HallDecryptionCheck {
            bid_id: check.bid_id,
            checked_at: check.checked_at,
            recipient: check.recipient,
        }
    }
}

/// One of the company's bid files in a project.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HallBid {
    /// The bid's id.
    pub bid_id: String,
    /// The section, from 1.
    pub section: u32,
    /// SHA-256 of the envelope file, lower-case hex.
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
    /// When it was uploaded, Unix seconds, server clock.
    pub uploaded_at: i64,
    /// Its recipient entries, for display.
    pub recipients: Vec<String>,
    /// The last decryption check, if any.
    pub check: Option<HallDecryptionCheck>,
    /// Whether the platform decrypted it.
    pub decrypted: bool,
    /// The quote in yuan, once decrypted.
    pub quote: Option<String>,
}

impl From<wire::BidView> for HallBid {
    fn from(bid: wire::BidView) -> Self {
        HallBid {
            bid_id: bid.bid_id,
            section: bid.section,
            sha256: bid.sha256,
            size: bid.size,
            uploaded_at: bid.uploaded_at,
            recipients: bid.recipients,
            check: bid.check.map(HallDecryptionCheck::from),
            decrypted: bid.state == wire::BidState::Decrypted,
            quote: bid.quote.map(|q| q.amount),
        }
    }
}
