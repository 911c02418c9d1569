//! The phone's guarantee endpoints and the institutions' callback. Every
//! phone call needs the bearer session; a project's sections and codes
//! open only to its bidders.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use palmbid_core::api::guarantee::{
    ApplyRequest, CallbackReceipt, GuaranteeCallback, GuaranteeCode, GuaranteeProjectList,
    GuaranteeState, GuaranteeStatus, Institution, InstitutionList, SectionList,
};
use palmbid_core::error::Localized;

use super::store::{self, CodeRow};
use super::{GuaranteeError, accept_callback};
use crate::AppState;
use crate::accounts::BoundSession;
use crate::error::Failure;
use crate::hall::store::phone_credit_codes;

/// Logs a refusal with the action and code, then passes it on.
fn logged<T>(action: &'static str, result: Result<T, GuaranteeError>) -> Result<T, Failure> {
    if let Err(err) = &result {
        tracing::info!(action, code = err.code(), "guarantee call rejected");
    }
    result.map_err(Failure::from)
}

/// `GET /api/v1/guarantee/projects`.
pub(super) async fn projects(
    State(state): State<AppState>,
    session: BoundSession,
) -> Result<Json<GuaranteeProjectList>, Failure> {
    let result = state
        .db
        .call(move |conn| {
            let codes = phone_credit_codes(conn, &session.info.phone)?;
            store::projects_of(conn, &codes)
        })
        .await;
    Ok(Json(GuaranteeProjectList {
        projects: logged("projects", result)?,
    }))
}

/// `GET /api/v1/guarantee/projects/{id}/sections`.
pub(super) async fn sections(
    State(state): State<AppState>,
    session: BoundSession,
    Path(id): Path<String>,
) -> Result<Json<SectionList>, Failure> {
    let result = state
        .db
        .call(move |conn| {
            let project = store::project(conn, &id)?;
            let codes = phone_credit_codes(conn, &session.info.phone)?;
            let sections = store::sections(conn, &id, &codes)?;
            if sections.iter().all(|s| s.credit_code.is_none()) {
                return Err(GuaranteeError::NotABidder { id, section: 0 });
            }
            Ok(SectionList { project, sections })
        })
        .await;
    Ok(Json(logged("sections", result)?))
}

/// `POST /api/v1/guarantee/projects/{id}/sections/{position}/code`.
pub(super) async fn code(
    State(state): State<AppState>,
    session: BoundSession,
    Path((id, position)): Path<(String, u32)>,
) -> Result<Json<GuaranteeCode>, Failure> {
    let now = state.clock.now();
    let result = state
        .db
        .call(move |conn| {
            let codes = phone_credit_codes(conn, &session.info.phone)?;
            store::code_for(conn, &id, position, &codes, now)
        })
        .await;
    Ok(Json(logged("code", result)?))
}

/// `GET /api/v1/guarantee/institutions`.
pub(super) async fn institutions(
    State(state): State<AppState>,
    _session: BoundSession,
) -> Result<Json<InstitutionList>, Failure> {
    let result = state.db.call(|conn| store::institutions(conn)).await;
    let institutions = logged("institutions", result)?
        .into_iter()
        .map(|row| Institution {
            id: row.id,
            name: row.name,
            kind: row.kind,
            fee_rate_bp: row.fee_rate_bp,
            apply_url: row.apply_url,
            certificate: STANDARD.encode(&row.certificate),
            development: row.development,
        })
        .collect();
    Ok(Json(InstitutionList { institutions }))
}

/// Loads the row of `code` when it belongs to one of the session's
/// companies.
fn own_code(
    conn: &rusqlite::Connection,
    phone: &str,
    code: &str,
) -> Result<CodeRow, GuaranteeError> {
    let row = store::code_row(conn, code)?;
    let codes = phone_credit_codes(conn, phone)?;
    if !codes.contains(&row.code.credit_code) {
        // The same error as for an unknown code, so that codes of other
        // companies cannot be probed.
        return Err(GuaranteeError::CodeNotFound {
            code: code.to_owned(),
        });
    }
    Ok(row)
}

fn status_of(row: CodeRow) -> GuaranteeStatus {
    let document = match row.state {
        GuaranteeState::Issued => row.document.as_deref().map(|d| STANDARD.encode(d)),
        _ => None,
    };
    GuaranteeStatus {
        code: row.code.code,
        state: row.state,
        institution: row.institution,
        guarantee_no: row.guarantee_no,
        reason: row.reason,
        updated_at: row.updated_at,
        document,
    }
}

/// `GET /api/v1/guarantee/codes/{code}`.
pub(super) async fn status(
    State(state): State<AppState>,
    session: BoundSession,
    Path(code): Path<String>,
) -> Result<Json<GuaranteeStatus>, Failure> {
    let result = state
        .db
        .call(move |conn| own_code(conn, &session.info.phone, &code))
        .await;
    Ok(Json(status_of(logged("status", result)?)))
}

/// `POST /api/v1/guarantee/codes/{code}/apply`.
pub(super) async fn apply(
    State(state): State<AppState>,
    session: BoundSession,
    Path(code): Path<String>,
    body: Result<Json<ApplyRequest>, JsonRejection>,
) -> Result<Json<GuaranteeStatus>, Failure> {
    let Json(request) = body?;
    let now = state.clock.now();
    let result = state
        .db
        .call(move |conn| {
            own_code(conn, &session.info.phone, &code)?;
            let institution = store::institution(conn, &request.institution)?;
            store::apply(conn, &code, &institution.id, now)?;
            store::code_row(conn, &code)
        })
        .await;
    Ok(Json(status_of(logged("apply", result)?)))
}

/// `POST /api/v1/guarantee/callback`, from an institution.
pub(super) async fn callback(
    State(state): State<AppState>,
    body: Result<Json<GuaranteeCallback>, JsonRejection>,
) -> Result<Json<CallbackReceipt>, Failure> {
    let Json(callback) = body?;
    let now = state.clock.now();
    let root = state.ca.certificate().clone();
    let result = state
        .db
        .call(move |conn| accept_callback(conn, &callback, &root, now))
        .await;
    Ok(Json(logged("callback", result)?))
}
