//! Plain values of quote reading, quote confirmation, project details and
//! challenges. None contains a secret.

use palmbid_core::api::hall::challenges as challenge_wire;
use palmbid_core::api::hall::details as details_wire;
use palmbid_core::api::hall::quotes as quote_wire;

use super::records::{HallPhase, HallProgress};

/// One row of the quote table (唱标): a bidder in a section.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HallQuote {
    /// The section, from 1.
    pub section: u32,
    /// The section's name.
    pub section_name: String,
    /// The company's name.
    pub company: String,
    /// Its unified social credit code.
    pub credit_code: String,
    /// The bid, if the company uploaded one.
    pub bid_id: Option<String>,
    /// Whether the bid is decrypted.
    pub decrypted: bool,
    /// The amount in yuan, once decrypted.
    pub amount: Option<String>,
    /// Whether the company confirmed; absent before the confirmation.
    pub confirmed: Option<bool>,
    /// When it confirmed, Unix seconds, server clock.
    pub confirmed_at: Option<i64>,
}

/// The quote table of a project.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HallQuoteTable {
    /// The phase when it was read.
    pub phase: HallPhase,
    /// By section, then company.
    pub quotes: Vec<HallQuote>,
}

impl From<quote_wire::QuoteTable> for HallQuoteTable {
    fn from(table: quote_wire::QuoteTable) -> Self {
        HallQuoteTable {
            phase: table.phase.into(),
            quotes: table
                .quotes
                .into_iter()
                .map(|q| HallQuote {
                    section: q.section,
                    section_name: q.section_name,
                    company: q.company,
                    credit_code: q.credit_code,
                    bid_id: q.bid_id,
                    decrypted: q.decrypted,
                    amount: q.amount,
                    confirmed: q.confirmed,
                    confirmed_at: q.confirmed_at,
                })
                .collect(),
        }
    }
}

/// A quote confirmation (确认报价), as recorded.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HallQuoteConfirmation {
    /// The bid.
    pub bid_id: String,
    /// The section, from 1.
    pub section: u32,
    /// The company's name.
    pub company: String,
    /// The amount confirmed, yuan.
    pub amount: String,
    /// Serial of the signing certificate, lower-case hex.
    pub certificate_serial: String,
    /// When the platform recorded it, Unix seconds, server clock.
    pub confirmed_at: i64,
}

impl From<quote_wire::QuoteConfirmation> for HallQuoteConfirmation {
    fn from(c: quote_wire::QuoteConfirmation) -> Self {
        HallQuoteConfirmation {
            bid_id: c.bid_id,
            section: c.section,
            company: c.company,
            amount: c.amount,
            certificate_serial: c.certificate_serial,
            confirmed_at: c.confirmed_at,
        }
    }
}

/// A section with its number of bidders.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HallSection {
    /// The section, from 1.
    pub position: u32,
    /// Its name.
    pub name: String,
    /// Companies bidding in it.
    pub bidders: u32,
}

/// A project's details (项目详情).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HallProjectDetails {
    /// The project's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Project code (项目编号), if entered.
    pub code: Option<String>,
    /// Tenderer (招标人), if entered.
    pub tenderer: Option<String>,
    /// Tender agent (招标代理), if entered.
    pub agent: Option<String>,
    /// Opening time, Unix seconds, server clock.
    pub opening_at: i64,
    /// Place of the opening, if entered.
    pub place: Option<String>,
    /// The agent's notes, if entered.
    pub notes: Option<String>,
    /// The sections, in order.
    pub sections: Vec<HallSection>,
    /// The phase now.
    pub phase: HallPhase,
    /// The bidders' progress now.
    pub progress: HallProgress,
}

impl From<details_wire::ProjectDetails> for HallProjectDetails {
    fn from(d: details_wire::ProjectDetails) -> Self {
        HallProjectDetails {
            id: d.id,
            name: d.name,
            code: d.code,
            tenderer: d.tenderer,
            agent: d.agent,
            opening_at: d.opening_at,
            place: d.place,
            notes: d.notes,
            sections: d
                .sections
                .into_iter()
                .map(|s| HallSection {
                    position: s.position,
                    name: s.name,
                    bidders: s.bidders,
                })
                .collect(),
            phase: d.phase.into(),
            progress: HallProgress {
                bidders: d.progress.bidders,
                signed_in: d.progress.signed_in,
                decrypted: d.progress.decrypted,
                confirmed: d.progress.confirmed,
            },
        }
    }
}

/// A file to attach to a challenge.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
pub struct HallAttachment {
    /// The file name, for people.
    pub name: String,
    /// The content: a PDF, PNG or JPEG file.
    pub content: Vec<u8>,
}

impl std::fmt::Debug for HallAttachment {
    // Documents stay out of logs: name and size only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HallAttachment")
            .field("name", &self.name)
            .field("size", &self.content.len())
            .finish()
    }
}

/// An attachment as the platform recorded it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HallChallengeAttachment {
    /// The file name as sent.
    pub name: String,
    /// `pdf`, `png` or `jpeg`, by content.
    pub kind: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
}

/// A challenge (质疑) of this company, with the agent's answer once given.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HallChallenge {
    /// The challenge's id.
    pub id: String,
    /// The text.
    pub text: String,
    /// The attachments, in order.
    pub attachments: Vec<HallChallengeAttachment>,
    /// Serial of the signing certificate, lower-case hex.
    pub certificate_serial: String,
    /// When the platform recorded it, Unix seconds, server clock.
    pub submitted_at: i64,
    /// The agent's answer, once given.
    pub answer: Option<String>,
    /// When the agent answered, Unix seconds, server clock.
    pub answered_at: Option<i64>,
}

impl From<challenge_wire::ChallengeRecord> for HallChallenge {
    fn from(c: challenge_wire::ChallengeRecord) -> Self {
        HallChallenge {
            id: c.id,
            text: c.text,
            attachments: c
                .attachments
                .into_iter()
                .map(|a| HallChallengeAttachment {
                    name: a.name,
                    kind: match a.kind {
                        challenge_wire::AttachmentKind::Pdf => "pdf",
                        challenge_wire::AttachmentKind::Png => "png",
                        challenge_wire::AttachmentKind::Jpeg => "jpeg",
                    }
                    .to_owned(),
                    size: a.size,
                    sha256: a.sha256,
                })
                .collect(),
            certificate_serial: c.certificate_serial,
            submitted_at: c.submitted_at,
            answered_at: c.answer.as_ref().map(|a| a.answered_at),
            answer: c.answer.map(|a| a.text),
        }
    }
}
