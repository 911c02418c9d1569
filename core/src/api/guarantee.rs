//! Electronic bid guarantees (电子保函): guarantee codes, the catalogue of
//! issuing institutions, the bidder's signed statement and the
//! institutions' callbacks.
//!
//! Endpoints (paths in [`super::paths`]); the phone's need the bearer
//! session:
//!
//! - `GET /api/v1/guarantee/projects`: the hall projects that require a
//!   bid guarantee and in which the phone's company bids
//!   ([`GuaranteeProjectList`]).
//! - `GET /api/v1/guarantee/projects/{id}/sections`: the project's
//!   sections, each saying whether the phone's company bids in it
//!   ([`SectionList`]).
//! - `POST /api/v1/guarantee/projects/{id}/sections/{position}/code`: the
//!   guarantee code (保函编码) of the company and section, made on first
//!   request and the same afterwards ([`GuaranteeCode`]).
//! - `GET /api/v1/guarantee/institutions`: the catalogue
//!   ([`InstitutionList`]).
//! - `POST /api/v1/guarantee/codes/{code}/apply` ([`ApplyRequest`]): the
//!   bidder opens the chosen institution's application page; the platform
//!   records the state applied ([`GuaranteeStatus`]).
//! - `GET /api/v1/guarantee/codes/{code}`: the guarantee's state and, once
//!   issued, its document ([`GuaranteeStatus`]).
//! - `POST /api/v1/guarantee/callback`, no session: an institution reports
//!   a guarantee issued, rejected or cancelled ([`GuaranteeCallback`]).
//!
//! Who is a bidder: as in the hall ([`super::hall`]), the credit codes of
//! the certificates the platform issued to the session's phone number.
//!
//! The application address ("去申请") is the institution's `apply_url`
//! with the query `code={code}&statement={statement}`. The statement
//! ([`BidderStatement`], JSON in unpadded base64url) is signed by the
//! phone's signing key over [`statement_message`] and is valid for
//! [`STATEMENT_LIFETIME_SECS`]. It names the platform, the institution,
//! the code and the company's credit code, so the institution need not ask
//! who the bidder is and cannot reuse it elsewhere. The institution checks
//! it against the platform's CA.
//!
//! Callbacks are signed with the institution's key over
//! [`callback_message`]; the platform checks the signature against the
//! certificate in its catalogue, refuses a callback id it has seen and a
//! send time more than [`CALLBACK_WINDOW_SECS`] from its clock. An issued
//! guarantee carries its document: a PDF with one `PAdES` signature by the
//! institution's certificate over the whole file, whose document
//! information names the guarantee ([`DOC_KEY_CODE`] and the keys beside
//! it). The phone checks that signature itself before it shows "issued".
//!
//! Messages to sign are a domain tag, a line feed, then a JSON array of
//! strings, so that no field can run into the next.

use serde::{Deserialize, Serialize};

/// How long a bidder's statement is valid, seconds.
pub const STATEMENT_LIFETIME_SECS: i64 = 600;

/// How far a callback's send time may lie from the server clock, seconds.
pub const CALLBACK_WINDOW_SECS: i64 = 300;

/// Document information key (PDF `/Info`) of the guarantee code.
pub const DOC_KEY_CODE: &str = "PalmbidGuaranteeCode";
/// Document information key of the hall project id.
pub const DOC_KEY_PROJECT: &str = "PalmbidProject";
/// Document information key of the section position, in decimal.
pub const DOC_KEY_SECTION: &str = "PalmbidSection";
/// Document information key of the bidder's credit code.
pub const DOC_KEY_CREDIT_CODE: &str = "PalmbidCreditCode";
/// Document information key of the institution's guarantee number.
pub const DOC_KEY_GUARANTEE_NO: &str = "PalmbidGuaranteeNo";

/// A project that requires a bid guarantee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuaranteeProject {
    /// The hall project id.
    pub id: String,
    /// The project's name.
    pub name: String,
    /// Opening time, Unix seconds.
    pub opening_at: i64,
}

/// `GET /api/v1/guarantee/projects`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuaranteeProjectList {
    /// By opening time.
    pub projects: Vec<GuaranteeProject>,
}

/// One section of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuaranteeSection {
    /// Position in the project, from 1.
    pub position: u32,
    /// The section's name.
    pub name: String,
    /// The phone's bidding company in this section, if it bids in it.
    pub credit_code: Option<String>,
}

/// `GET /api/v1/guarantee/projects/{id}/sections`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionList {
    /// The project.
    pub project: GuaranteeProject,
    /// In order.
    pub sections: Vec<GuaranteeSection>,
}

/// A guarantee code (保函编码) and what it stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuaranteeCode {
    /// The code, `BH` and 20 upper-case hex digits.
    pub code: String,
    /// The hall project id.
    pub project_id: String,
    /// The project's name.
    pub project_name: String,
    /// Section position.
    pub section: u32,
    /// Section name.
    pub section_name: String,
    /// The bidder's credit code.
    pub credit_code: String,
    /// The bidder's company name.
    pub company: String,
}

/// Kind of issuing institution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstitutionKind {
    /// A bank (银行保函).
    Bank,
    /// An insurer (保证保险).
    Insurer,
    /// A guarantee company (担保公司).
    Guarantor,
}

impl InstitutionKind {
    /// Returns the name on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            InstitutionKind::Bank => "bank",
            InstitutionKind::Insurer => "insurer",
            InstitutionKind::Guarantor => "guarantor",
        }
    }

    /// Reads [`Self::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Bank, Self::Insurer, Self::Guarantor]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// An institution of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Institution {
    /// Stable id, lower-case letters, digits and `-`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Bank, insurer or guarantee company.
    pub kind: InstitutionKind,
    /// Fee as a rate of the guaranteed amount, basis points (1 = 0.01 %).
    pub fee_rate_bp: u32,
    /// The application page the phone opens.
    pub apply_url: String,
    /// The certificate that signs its callbacks and documents, base64 DER.
    pub certificate: String,
    /// A development institution: its guarantees are not real.
    pub development: bool,
}

/// `GET /api/v1/guarantee/institutions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstitutionList {
    /// By name.
    pub institutions: Vec<Institution>,
}

/// `POST /api/v1/guarantee/codes/{code}/apply`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyRequest {
    /// The chosen institution's id.
    pub institution: String,
}

/// The state of a section's guarantee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuaranteeState {
    /// Nothing applied for.
    None,
    /// The bidder opened an institution's application page.
    Applied,
    /// The institution issued the guarantee.
    Issued,
    /// The institution refused it.
    Rejected,
    /// The institution cancelled it after issue.
    Cancelled,
}

impl GuaranteeState {
    /// Returns the name on the wire and in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            GuaranteeState::None => "none",
            GuaranteeState::Applied => "applied",
            GuaranteeState::Issued => "issued",
            GuaranteeState::Rejected => "rejected",
            GuaranteeState::Cancelled => "cancelled",
        }
    }

    /// Reads [`Self::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::None,
            Self::Applied,
            Self::Issued,
            Self::Rejected,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

/// `GET /api/v1/guarantee/codes/{code}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuaranteeStatus {
    /// The guarantee code.
    pub code: String,
    /// Its state.
    pub state: GuaranteeState,
    /// The institution applied to or reporting, by id.
    pub institution: Option<String>,
    /// The institution's guarantee number, once issued.
    pub guarantee_no: Option<String>,
    /// The institution's reason for a rejection or a cancellation.
    pub reason: Option<String>,
    /// When the state last changed, Unix seconds.
    pub updated_at: Option<i64>,
    /// The signed guarantee PDF, base64, while issued.
    pub document: Option<String>,
}

/// The event an institution reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallbackEvent {
    /// Issued, with the document.
    Issued,
    /// Refused, with a reason.
    Rejected,
    /// Cancelled after issue, with a reason.
    Cancelled,
}

impl CallbackEvent {
    /// Returns the name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            CallbackEvent::Issued => "issued",
            CallbackEvent::Rejected => "rejected",
            CallbackEvent::Cancelled => "cancelled",
        }
    }
}

/// `POST /api/v1/guarantee/callback`, from an institution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GuaranteeCallback {
    /// The institution's catalogue id.
    pub institution: String,
    /// The guarantee code.
    pub code: String,
    /// What happened.
    pub event: CallbackEvent,
    /// Unique per callback, 16 to 64 characters of `[A-Za-z0-9-]`; a
    /// callback id seen before is refused as a replay.
    pub callback_id: String,
    /// Send time, Unix seconds.
    pub sent_at: i64,
    /// The institution's guarantee number (issued).
    pub guarantee_no: Option<String>,
    /// The reason (rejected, cancelled).
    pub reason: Option<String>,
    /// The signed guarantee PDF, base64 (issued).
    pub document: Option<String>,
    /// ECDSA P-256 over [`callback_message`], DER, base64.
    pub signature: String,
}

/// `POST /api/v1/guarantee/callback` accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallbackReceipt {
    /// The guarantee's state after the callback.
    pub state: GuaranteeState,
}

/// The bidder's signed statement, carried to the institution in the
/// application address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BidderStatement {
    /// The platform's base address, as the phone trusts it.
    pub platform: String,
    /// The institution's catalogue id.
    pub institution: String,
    /// The guarantee code.
    pub code: String,
    /// The bidder's credit code, as in its certificate.
    pub credit_code: String,
    /// Signing time, Unix seconds, server clock.
    pub issued_at: i64,
    /// `issued_at` + [`STATEMENT_LIFETIME_SECS`].
    pub expires_at: i64,
    /// The phone's signing certificate, base64 DER.
    pub certificate: String,
    /// ECDSA P-256 over [`statement_message`], DER, base64.
    pub signature: String,
}

/// Builds the bytes a [`BidderStatement`] signature covers.
pub fn statement_message(statement: &BidderStatement) -> Vec<u8> {
    tagged(
        "palmbid guarantee statement v1",
        &[
            &statement.platform,
            &statement.institution,
            &statement.code,
            &statement.credit_code,
            &statement.issued_at.to_string(),
            &statement.expires_at.to_string(),
            &statement.certificate,
        ],
    )
}

/// Builds the bytes a [`GuaranteeCallback`] signature covers. `document_sha256`
/// is the lower-case hex SHA-256 of the decoded document, or empty.
pub fn callback_message(callback: &GuaranteeCallback, document_sha256: &str) -> Vec<u8> {
    tagged(
        "palmbid guarantee callback v1",
        &[
            &callback.institution,
            &callback.code,
            callback.event.as_str(),
            &callback.callback_id,
            &callback.sent_at.to_string(),
            callback.guarantee_no.as_deref().unwrap_or(""),
            callback.reason.as_deref().unwrap_or(""),
            document_sha256,
        ],
    )
}

fn tagged(tag: &str, fields: &[&str]) -> Vec<u8> {
    let mut message = format!("{tag}\n").into_bytes();
    // An array of strings always serializes.
    message.extend(serde_json::to_vec(fields).unwrap_or_default());
    message
}

/// Tells whether `code` has the form of a guarantee code.
pub fn is_guarantee_code(code: &str) -> bool {
    code.len() == 22
        && code.starts_with("BH")
        && code[2..]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn states_and_kinds_round_trip() {
        for state in ["none", "applied", "issued", "rejected", "cancelled"] {
            let parsed = GuaranteeState::parse(state).unwrap();
            assert_eq!(parsed.as_str(), state);
            assert_eq!(
                serde_json::to_string(&parsed).unwrap(),
                format!("\"{state}\"")
            );
        }
        assert_eq!(
            InstitutionKind::parse("insurer"),
            Some(InstitutionKind::Insurer)
        );
        assert_eq!(InstitutionKind::parse("shop"), None);
    }

    #[test]
    fn messages_keep_fields_apart() {
        let mut callback = GuaranteeCallback {
            institution: "a".into(),
            code: "BH00000000000000000000".into(),
            event: CallbackEvent::Rejected,
            callback_id: "x".repeat(16),
            sent_at: 1,
            guarantee_no: None,
            reason: Some("b\nc".into()),
            document: None,
            signature: String::new(),
        };
        let one = callback_message(&callback, "");
        assert!(one.starts_with(b"palmbid guarantee callback v1\n[\"a\","));
        callback.reason = Some("b".into());
        callback.guarantee_no = Some("\nc".into());
        assert_ne!(one, callback_message(&callback, ""));
    }

    #[test]
    fn code_form() {
        assert!(is_guarantee_code("BH0123456789ABCDEF0123"));
        assert!(!is_guarantee_code("BH0123456789abcdef0123"));
        assert!(!is_guarantee_code("BH0123"));
        assert!(!is_guarantee_code("XX0123456789ABCDEF0123"));
    }
}
