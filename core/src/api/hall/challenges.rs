//! Challenges (质疑): a bidder's formal objection, with attachments,
//! signed by its signing certificate.
//!
//! - `POST .../projects/{id}/challenges` ([`ChallengeRequest`] →
//!   [`ChallengeRecord`]), in any phase before [`Phase::Closed`]
//!   (`hall.project_closed` after). The text is 1 to
//!   [`MAX_CHALLENGE_TEXT_CHARS`] characters after trimming; up to
//!   [`MAX_ATTACHMENTS`] attachments, each a PDF, PNG or JPEG judged by
//!   its first bytes, not its name ([`AttachmentKind::sniff`]), each at
//!   most [`MAX_ATTACHMENT_BYTES`] and together at most
//!   [`MAX_ATTACHMENTS_TOTAL_BYTES`]. [`check_challenge`] is the one rule
//!   the phone and the platform both apply; its codes are in
//!   [`ChallengeError`]. The proof signs [`ActionPayload::Challenge`]:
//!   the SHA-256 of the text and of each attachment in order, so the
//!   platform cannot swap a file behind the signature.
//! - `GET .../projects/{id}/challenges` ([`ChallengeList`]): the session
//!   company's challenges with the agent's answers, without attachment
//!   contents.
//! - When the agent answers, the platform records a
//!   [`super::HallEventKind::ChallengeAnswered`] event naming only the
//!   challenge id: the log is every bidder's, and neither the content nor
//!   the challenger is theirs to learn.
//!
//! Attachments travel as base64 inside the JSON body, which stays under
//! [`MAX_CHALLENGE_REQUEST_BYTES`] at the limits above.
//!
//! [`Phase::Closed`]: super::Phase::Closed

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::{ActionPayload, ActionProof};
use crate::error::Localized;

/// Maximum length of a challenge text, in characters.
pub const MAX_CHALLENGE_TEXT_CHARS: usize = 2000;

/// Maximum length of the agent's answer, in characters.
pub const MAX_ANSWER_CHARS: usize = 2000;

/// Most attachments of one challenge.
pub const MAX_ATTACHMENTS: usize = 5;

/// Largest attachment, in bytes.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// Largest sum of a challenge's attachments, in bytes.
pub const MAX_ATTACHMENTS_TOTAL_BYTES: usize = 20 * 1024 * 1024;

/// Largest request body of `POST .../challenges`, in bytes: the
/// attachments' base64 (4/3 of [`MAX_ATTACHMENTS_TOTAL_BYTES`]) with room
/// for the text, names and proof.
pub const MAX_CHALLENGE_REQUEST_BYTES: usize = 28 * 1024 * 1024;

/// Maximum length of an attachment name, in characters.
pub const MAX_ATTACHMENT_NAME_CHARS: usize = 200;

/// The file type of an attachment, by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// A PDF document (`%PDF-`).
    Pdf,
    /// A PNG image (its 8-byte signature).
    Png,
    /// A JPEG image (`FF D8 FF`).
    Jpeg,
}

impl AttachmentKind {
    /// Returns the kind of `content` by its first bytes, or `None` for
    /// anything else.
    pub fn sniff(content: &[u8]) -> Option<Self> {
        if content.starts_with(b"%PDF-") {
            Some(AttachmentKind::Pdf)
        } else if content.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(AttachmentKind::Png)
        } else if content.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(AttachmentKind::Jpeg)
        } else {
            None
        }
    }

    /// Returns the media type to serve it with.
    pub fn media_type(self) -> &'static str {
        match self {
            AttachmentKind::Pdf => "application/pdf",
            AttachmentKind::Png => "image/png",
            AttachmentKind::Jpeg => "image/jpeg",
        }
    }

    /// Returns the file extension to store it with, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            AttachmentKind::Pdf => "pdf",
            AttachmentKind::Png => "png",
            AttachmentKind::Jpeg => "jpg",
        }
    }
}

/// An attachment as the phone sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentUpload {
    /// File name, for people; the kind comes from the content.
    pub name: String,
    /// The content, base64.
    pub content: String,
}

/// `POST .../projects/{id}/challenges`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeRequest {
    /// The challenge's text.
    pub text: String,
    /// Its attachments, in order.
    pub attachments: Vec<AttachmentUpload>,
    /// Proof of [`ActionPayload::Challenge`] over the text and contents.
    pub proof: ActionProof,
}

/// An attachment as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeAttachment {
    /// File name as sent.
    pub name: String,
    /// Its kind, by content.
    pub kind: AttachmentKind,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
}

/// The agent's answer to a challenge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeAnswer {
    /// The answer's text.
    pub text: String,
    /// When the agent answered, Unix seconds, server clock.
    pub answered_at: i64,
}

/// A challenge as recorded, with its answer once given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeRecord {
    /// The challenge's id (128 random bits, lower-case hex).
    pub id: String,
    /// The project.
    pub project_id: String,
    /// The challenger's company name.
    pub company: String,
    /// Its unified social credit code.
    pub credit_code: String,
    /// The text, trimmed.
    pub text: String,
    /// The attachments, in order.
    pub attachments: Vec<ChallengeAttachment>,
    /// Serial of the signing certificate, lower-case hex.
    pub certificate_serial: String,
    /// The proof's signing time, Unix seconds.
    pub signed_at: i64,
    /// When the platform recorded it, Unix seconds, server clock.
    pub submitted_at: i64,
    /// The agent's answer, once given.
    pub answer: Option<ChallengeAnswer>,
}

/// `GET .../projects/{id}/challenges`: the session company's challenges,
/// oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeList {
    /// The challenges.
    pub challenges: Vec<ChallengeRecord>,
}

/// A rule a challenge breaks, found before anything is signed or stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChallengeError {
    /// The text is empty or white space.
    #[error("the challenge text is empty; write what is challenged and why")]
    EmptyText,
    /// The text is too long.
    #[error(
        "the challenge text has {chars} characters, more than {MAX_CHALLENGE_TEXT_CHARS}; shorten it or attach the details as a PDF"
    )]
    TextTooLong {
        /// Characters given.
        chars: usize,
    },
    /// Too many attachments.
    #[error("{count} attachments is more than {MAX_ATTACHMENTS}; combine them into one PDF")]
    TooManyAttachments {
        /// Attachments given.
        count: usize,
    },
    /// An attachment name is empty, too long or has control characters.
    #[error(
        "attachment {index} has an unusable name; use 1 to {MAX_ATTACHMENT_NAME_CHARS} printable characters"
    )]
    AttachmentName {
        /// Its position, from 1.
        index: usize,
    },
    /// An attachment is not base64.
    #[error("attachment {name} is not base64")]
    AttachmentEncoding {
        /// Its name.
        name: String,
    },
    /// An attachment is not a PDF, PNG or JPEG by its content.
    #[error(
        "attachment {name} is not a PDF, PNG or JPEG file by its content; convert it to one of those"
    )]
    AttachmentType {
        /// Its name.
        name: String,
    },
    /// An attachment is too large.
    #[error(
        "attachment {name} has {size} bytes, more than {MAX_ATTACHMENT_BYTES}; compress or split it"
    )]
    AttachmentTooLarge {
        /// Its name.
        name: String,
        /// Its size, bytes.
        size: usize,
    },
    /// The attachments together are too large.
    #[error(
        "the attachments have {total} bytes together, more than {MAX_ATTACHMENTS_TOTAL_BYTES}; leave some out or compress them"
    )]
    ChallengeTooLarge {
        /// Their sum, bytes.
        total: usize,
    },
}

impl Localized for ChallengeError {
    fn code(&self) -> &'static str {
        match self {
            ChallengeError::EmptyText => "hall.challenge_empty",
            ChallengeError::TextTooLong { .. } => "hall.challenge_text_too_long",
            ChallengeError::TooManyAttachments { .. } => "hall.too_many_attachments",
            ChallengeError::AttachmentName { .. } | ChallengeError::AttachmentEncoding { .. } => {
                "hall.attachment_invalid"
            }
            ChallengeError::AttachmentType { .. } => "hall.attachment_type",
            ChallengeError::AttachmentTooLarge { .. } => "hall.attachment_too_large",
            ChallengeError::ChallengeTooLarge { .. } => "hall.challenge_too_large",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            ChallengeError::EmptyText => "质疑内容为空；请写明质疑事项和理由".to_owned(),
            ChallengeError::TextTooLong { chars } => format!(
                "质疑内容有 {chars} 个字，超过 {MAX_CHALLENGE_TEXT_CHARS} 字；请精简，或把详情作为 PDF 附件"
            ),
            ChallengeError::TooManyAttachments { count } => {
                format!("附件有 {count} 个，最多 {MAX_ATTACHMENTS} 个；请合并为一个 PDF")
            }
            ChallengeError::AttachmentName { index } => format!(
                "第 {index} 个附件的文件名不可用；请使用 1 至 {MAX_ATTACHMENT_NAME_CHARS} 个可打印字符"
            ),
            ChallengeError::AttachmentEncoding { name } => format!("附件 {name} 不是 base64 编码"),
            ChallengeError::AttachmentType { name } => {
                format!("附件 {name} 按内容不是 PDF、PNG 或 JPEG 文件；请转换为其中一种")
            }
            ChallengeError::AttachmentTooLarge { name, size } => format!(
                "附件 {name} 有 {size} 字节，超过 {MAX_ATTACHMENT_BYTES} 字节；请压缩或拆分"
            ),
            ChallengeError::ChallengeTooLarge { total } => format!(
                "附件合计 {total} 字节，超过 {MAX_ATTACHMENTS_TOTAL_BYTES} 字节；请删减或压缩"
            ),
        }
    }
}

/// Checks a challenge by the rules of this module; returns the trimmed
/// text and each attachment's record, in order.
///
/// # Errors
/// The first [`ChallengeError`] found, the text first.
pub fn check_challenge(
    text: &str,
    attachments: &[(&str, &[u8])],
) -> Result<(String, Vec<ChallengeAttachment>), ChallengeError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ChallengeError::EmptyText);
    }
    let chars = text.chars().count();
    if chars > MAX_CHALLENGE_TEXT_CHARS {
        return Err(ChallengeError::TextTooLong { chars });
    }
    if attachments.len() > MAX_ATTACHMENTS {
        return Err(ChallengeError::TooManyAttachments {
            count: attachments.len(),
        });
    }

    let mut total = 0_usize;
    let mut records = Vec::with_capacity(attachments.len());
    for (index, (name, content)) in attachments.iter().enumerate() {
        if !super::super::qr::is_display_text(name, MAX_ATTACHMENT_NAME_CHARS) {
            return Err(ChallengeError::AttachmentName { index: index + 1 });
        }
        if content.len() > MAX_ATTACHMENT_BYTES {
            return Err(ChallengeError::AttachmentTooLarge {
                name: (*name).to_owned(),
                size: content.len(),
            });
        }
        total += content.len();
        if total > MAX_ATTACHMENTS_TOTAL_BYTES {
            return Err(ChallengeError::ChallengeTooLarge { total });
        }
        let kind =
            AttachmentKind::sniff(content).ok_or_else(|| ChallengeError::AttachmentType {
                name: (*name).to_owned(),
            })?;
        records.push(ChallengeAttachment {
            name: (*name).to_owned(),
            kind,
            size: content.len() as u64,
            sha256: hex::encode(Sha256::digest(content)),
        });
    }
    Ok((text.to_owned(), records))
}

/// Builds the payload a challenge's proof signs: the SHA-256 of the trimmed
/// `text` and the attachments' digests in order.
pub fn challenge_payload(text: &str, attachments: &[ChallengeAttachment]) -> ActionPayload {
    ActionPayload::Challenge {
        text_sha256: hex::encode(Sha256::digest(text.as_bytes())),
        attachments: attachments.iter().map(|a| a.sha256.clone()).collect(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7 objection";
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n....";

    #[test]
    fn kinds_come_from_content() {
        assert_eq!(AttachmentKind::sniff(PDF), Some(AttachmentKind::Pdf));
        assert_eq!(AttachmentKind::sniff(PNG), Some(AttachmentKind::Png));
        assert_eq!(
            AttachmentKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(AttachmentKind::Jpeg)
        );
        assert_eq!(AttachmentKind::sniff(b"PK\x03\x04 a.pdf"), None);
        assert_eq!(AttachmentKind::sniff(b""), None);
    }

    #[test]
    fn challenges_are_checked() {
        let (text, records) =
            check_challenge("  报价异常  ", &[("a.pdf", PDF), ("b.png", PNG)]).unwrap();
        assert_eq!(text, "报价异常");
        assert_eq!(records[1].kind, AttachmentKind::Png);
        assert_eq!(records[0].size, PDF.len() as u64);

        let fails = |text: &str, files: &[(&str, &[u8])]| check_challenge(text, files).unwrap_err();
        assert_eq!(fails(" \n", &[]).code(), "hall.challenge_empty");
        let long = "字".repeat(MAX_CHALLENGE_TEXT_CHARS + 1);
        assert_eq!(fails(&long, &[]).code(), "hall.challenge_text_too_long");
        assert_eq!(
            fails("x", &[("a.exe", b"MZ\x90\x00")]).code(),
            "hall.attachment_type"
        );
        assert_eq!(fails("x", &[("", PDF)]).code(), "hall.attachment_invalid");
        let six = vec![("a.pdf", PDF); MAX_ATTACHMENTS + 1];
        assert_eq!(fails("x", &six).code(), "hall.too_many_attachments");

        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_ATTACHMENT_BYTES + 1, b' ');
        assert_eq!(
            fails("x", &[("big.pdf", &big)]).code(),
            "hall.attachment_too_large"
        );
        big.truncate(MAX_ATTACHMENT_BYTES);
        assert!(check_challenge("x", &[("max.pdf", &big)]).is_ok());
        assert_eq!(
            fails("x", &[("1.pdf", &big), ("2.pdf", &big), ("3.pdf", PDF)]).code(),
            "hall.challenge_too_large"
        );
    }

    #[test]
    fn payload_binds_text_and_contents() {
        let (text, one) = check_challenge("a", &[("a.pdf", PDF)]).unwrap();
        let (_, other) = check_challenge("a", &[("a.pdf", b"%PDF-2")]).unwrap();
        assert_ne!(
            challenge_payload(&text, &one).digest(),
            challenge_payload(&text, &other).digest()
        );
        assert_ne!(
            challenge_payload("a", &one).digest(),
            challenge_payload("b", &one).digest()
        );
        assert_eq!(challenge_payload("a", &one).name(), "challenge");
    }
}
