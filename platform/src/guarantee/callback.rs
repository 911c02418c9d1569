//! An institution's callback: checked, then recorded with the guarantee's
//! new state in one transaction.
//!
//! The checks, in order, each failure with its own code:
//! 1. the callback's form (`guarantee.callback_invalid`);
//! 2. the institution is in the catalogue (`guarantee.institution_unknown`);
//! 3. the signature over `palmbid_core::api::guarantee::callback_message`
//!    verifies with the catalogue's certificate
//!    (`guarantee.callback_signature_invalid`);
//! 4. the send time is within the window (`guarantee.callback_invalid`);
//! 5. the callback id was not seen before (`guarantee.callback_replayed`);
//! 6. the code exists (`guarantee.code_not_found`);
//! 7. for an issue, the document has one `PAdES` signature over the whole
//!    PDF by the institution's certificate, chained to the platform root
//!    (`guarantee.document_invalid`), and document information naming this
//!    code, project, section, company and guarantee number
//!    (`guarantee.document_mismatch`);
//! 8. the state change is allowed (`guarantee.state_conflict`): an issue or
//!    a rejection of an application (or of an unrecorded one), a cancel of
//!    an issued guarantee, each by the institution the guarantee is with.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use palmbid_core::api::guarantee::{
    CALLBACK_WINDOW_SECS, CallbackEvent, CallbackReceipt, DOC_KEY_CODE, DOC_KEY_CREDIT_CODE,
    DOC_KEY_GUARANTEE_NO, DOC_KEY_PROJECT, DOC_KEY_SECTION, GuaranteeCallback, GuaranteeState,
    callback_message,
};
use palmbid_core::pki::{self, CertInfo};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use sha2::{Digest, Sha256};

use super::GuaranteeError;
use super::store::{self, CodeRow, InstitutionRow};

/// Maximum length of a reason or guarantee number, in characters.
const MAX_TEXT_CHARS: usize = 500;

fn invalid(reason: impl Into<String>) -> GuaranteeError {
    GuaranteeError::CallbackInvalid {
        reason: reason.into(),
    }
}

/// Checks `callback` as the module doc says and records it; `root` is the
/// platform CA, `now` the server time.
///
/// # Errors
/// The [`GuaranteeError`] of the first check that fails.
pub(crate) fn accept(
    conn: &mut Connection,
    callback: &GuaranteeCallback,
    root: &CertInfo,
    now: i64,
) -> Result<CallbackReceipt, GuaranteeError> {
    let (institution, certificate, document) = authenticate(conn, callback, now)?;
    let id = &callback.callback_id;

    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let seen: Option<i64> = tx
        .query_row(
            "SELECT 1 FROM guarantee_callbacks WHERE institution = ?1 AND callback_id = ?2",
            params![institution.id, id],
            |row| row.get(0),
        )
        .optional()?;
    if seen.is_some() {
        return Err(GuaranteeError::CallbackReplayed {
            institution: institution.id,
            callback_id: id.clone(),
        });
    }
    let row = store::code_row(&tx, &callback.code)?;
    let to = match callback.event {
        CallbackEvent::Issued => {
            let document = document
                .as_deref()
                .ok_or_else(|| invalid("an issue needs its document"))?;
            let guarantee_no = callback
                .guarantee_no
                .as_deref()
                .ok_or_else(|| invalid("an issue needs its guarantee number"))?;
            check_document(document, guarantee_no, &row, &certificate, root, now)?;
            GuaranteeState::Issued
        }
        CallbackEvent::Rejected => GuaranteeState::Rejected,
        CallbackEvent::Cancelled => GuaranteeState::Cancelled,
    };
    check_transition(&row, &institution.id, to)?;

    tx.execute(
        "INSERT INTO guarantee_callbacks (institution, callback_id, code, event, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            institution.id,
            id,
            callback.code,
            callback.event.as_str(),
            now
        ],
    )?;
    let (guarantee_no, stored_document) = match to {
        GuaranteeState::Issued => (callback.guarantee_no.clone(), document),
        // A cancelled guarantee keeps its number; its document is no
        // longer handed out.
        _ => (row.guarantee_no.clone(), None),
    };
    tx.execute(
        "UPDATE guarantee_codes SET state = ?2, institution = ?3, guarantee_no = ?4,
             reason = ?5, document = ?6, updated_at = ?7
         WHERE code = ?1",
        params![
            callback.code,
            to.as_str(),
            institution.id,
            guarantee_no,
            callback.reason,
            stored_document,
            now
        ],
    )?;
    tx.commit()?;
    tracing::info!(
        code = %callback.code,
        institution = %institution.id,
        callback = %id,
        state = to.as_str(),
        "guarantee callback accepted"
    );
    Ok(CallbackReceipt { state: to })
}

/// Runs the checks that need no state: the form, the institution, the
/// signature and the time window. Returns the institution, its
/// certificate and the decoded document.
fn authenticate(
    conn: &Connection,
    callback: &GuaranteeCallback,
    now: i64,
) -> Result<(InstitutionRow, CertInfo, Option<Vec<u8>>), GuaranteeError> {
    let id = &callback.callback_id;
    if !(16..=64).contains(&id.len()) || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(invalid(
            "the callback id must be 16 to 64 of A-Z, a-z, 0-9 and -",
        ));
    }
    for text in [&callback.guarantee_no, &callback.reason]
        .into_iter()
        .flatten()
    {
        if text.chars().count() > MAX_TEXT_CHARS || text.chars().any(char::is_control) {
            return Err(invalid(format!(
                "a guarantee number or reason must be at most {MAX_TEXT_CHARS} printable characters"
            )));
        }
    }
    let institution = store::institution(conn, &callback.institution)?;
    let document = callback
        .document
        .as_deref()
        .map(|b64| {
            STANDARD
                .decode(b64)
                .map_err(|_| invalid("the document is not base64"))
        })
        .transpose()?;
    let document_sha256 = document
        .as_deref()
        .map(|d| hex::encode(Sha256::digest(d)))
        .unwrap_or_default();

    let certificate = CertInfo::from_der(&institution.certificate, "institution certificate")
        .map_err(|e| GuaranteeError::Institution(e.to_string()))?;
    let signature = STANDARD
        .decode(&callback.signature)
        .map_err(|_| invalid("the signature is not base64"))?;
    let message = callback_message(callback, &document_sha256);
    let verified =
        pki::verify_ecdsa_prehash(&certificate.spki_der, &Sha256::digest(&message), &signature)
            .unwrap_or(false);
    if !verified {
        return Err(GuaranteeError::CallbackSignatureInvalid {
            institution: institution.id,
        });
    }
    if (callback.sent_at - now).abs() > CALLBACK_WINDOW_SECS {
        return Err(invalid(format!(
            "it was sent at {}, more than {CALLBACK_WINDOW_SECS} seconds from the server time {now}",
            callback.sent_at
        )));
    }

    Ok((institution, certificate, document))
}

/// Checks whether the guarantee of `row` may become `to` by `institution`.
fn check_transition(
    row: &CodeRow,
    institution: &str,
    to: GuaranteeState,
) -> Result<(), GuaranteeError> {
    let conflict = |by: String| GuaranteeError::StateConflict {
        code: row.code.code.clone(),
        state: row.state.as_str(),
        to: to.as_str(),
        by,
    };
    let same_institution = row.institution.as_deref().is_none_or(|i| i == institution);
    let allowed = match to {
        GuaranteeState::Issued | GuaranteeState::Rejected => matches!(
            row.state,
            GuaranteeState::None | GuaranteeState::Applied | GuaranteeState::Rejected
        ),
        GuaranteeState::Cancelled => row.state == GuaranteeState::Issued,
        GuaranteeState::None | GuaranteeState::Applied => false,
    };
    if !allowed {
        return Err(conflict(String::new()));
    }
    // An application records the institution. Another institution may not
    // decide it, nor cancel what another issued.
    let pending = matches!(row.state, GuaranteeState::Applied | GuaranteeState::Issued);
    if pending && !same_institution {
        return Err(conflict(format!(
            "; it is with institution {}",
            row.institution.as_deref().unwrap_or("")
        )));
    }
    Ok(())
}

/// Checks an issued guarantee's PDF against the code it is for.
fn check_document(
    pdf: &[u8],
    guarantee_no: &str,
    row: &CodeRow,
    institution: &CertInfo,
    root: &CertInfo,
    now: i64,
) -> Result<(), GuaranteeError> {
    let signed = palmbid_core::pdf::verify_signed_pdf(pdf, std::slice::from_ref(root), now)
        .map_err(|e| GuaranteeError::DocumentInvalid {
            reason: e.to_string(),
        })?;
    if signed.signer.fingerprint != institution.fingerprint {
        return Err(GuaranteeError::DocumentInvalid {
            reason: format!(
                "it is signed by {}, not by the institution's certificate",
                signed.signer.subject
            ),
        });
    }
    let section = row.code.section.to_string();
    for (field, expected) in [
        (DOC_KEY_CODE, row.code.code.as_str()),
        (DOC_KEY_PROJECT, row.code.project_id.as_str()),
        (DOC_KEY_SECTION, section.as_str()),
        (DOC_KEY_CREDIT_CODE, row.code.credit_code.as_str()),
        (DOC_KEY_GUARANTEE_NO, guarantee_no),
    ] {
        let found = signed.info.get(field);
        if found.map(String::as_str) != Some(expected) {
            return Err(GuaranteeError::DocumentMismatch {
                field,
                found: found.cloned(),
                expected: expected.to_owned(),
            });
        }
    }
    Ok(())
}
