//! Project details (项目详情): what the agent entered beside the name and
//! sections, kept as optional columns of the project, and the phone's
//! `GET .../projects/{id}/details`.

use axum::Json;
use axum::extract::{Path, State};
use palmbid_core::api::hall::HallEventKind;
use palmbid_core::api::hall::details::{
    MAX_DETAIL_CHARS, MAX_NOTES_CHARS, MAX_PROJECT_CODE_CHARS, ProjectDetails, ProjectProgress,
    SectionDetails,
};
use rusqlite::{Connection, params};

use super::HallError;
use super::phone::{bidder_project, logged};
use super::sign_in::progress;
use crate::AppState;
use crate::accounts::BoundSession;
use crate::error::Failure;

/// The optional details of a project as the agent enters them; an empty
/// field is absent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Details {
    /// Project code (项目编号).
    pub code: Option<String>,
    /// Tenderer (招标人).
    pub tenderer: Option<String>,
    /// Tender agent (招标代理).
    pub agent: Option<String>,
    /// Place of the opening (开标地点).
    pub place: Option<String>,
    /// Notes.
    pub notes: Option<String>,
}

/// `value` trimmed, `None` when empty; refused over `max` characters.
fn optional(field: &'static str, value: &str, max: usize) -> Result<Option<String>, HallError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    if value.chars().count() > max {
        return Err(HallError::InvalidProject {
            field,
            reason: format!("at most {max} characters"),
        });
    }
    Ok(Some(value.to_owned()))
}

impl Details {
    /// Builds the details from the console's form fields, each trimmed.
    ///
    /// # Errors
    /// [`HallError::InvalidProject`] naming a field over its limit.
    pub fn from_form(
        code: &str,
        tenderer: &str,
        agent: &str,
        place: &str,
        notes: &str,
    ) -> Result<Self, HallError> {
        Ok(Details {
            code: optional("code", code, MAX_PROJECT_CODE_CHARS)?,
            tenderer: optional("tenderer", tenderer, MAX_DETAIL_CHARS)?,
            agent: optional("agent", agent, MAX_DETAIL_CHARS)?,
            place: optional("place", place, MAX_DETAIL_CHARS)?,
            notes: optional("notes", notes, MAX_NOTES_CHARS)?,
        })
    }
}

/// Records the details of project `id`.
///
/// # Errors
/// [`HallError::NotFound`] or [`HallError::Db`].
pub fn set(conn: &Connection, id: &str, details: &Details) -> Result<(), HallError> {
    let changed = conn.execute(
        "UPDATE hall_projects SET code = ?2, tenderer = ?3, agent = ?4, place = ?5, notes = ?6
         WHERE id = ?1",
        params![
            id,
            details.code,
            details.tenderer,
            details.agent,
            details.place,
            details.notes
        ],
    )?;
    if changed != 1 {
        return Err(HallError::NotFound { id: id.to_owned() });
    }
    Ok(())
}

/// Reads the details of project `id`.
///
/// # Errors
/// [`HallError::NotFound`] or [`HallError::Db`].
pub fn get(conn: &Connection, id: &str) -> Result<Details, HallError> {
    use rusqlite::OptionalExtension;
    conn.query_row(
        "SELECT code, tenderer, agent, place, notes FROM hall_projects WHERE id = ?1",
        [id],
        |row| {
            Ok(Details {
                code: row.get(0)?,
                tenderer: row.get(1)?,
                agent: row.get(2)?,
                place: row.get(3)?,
                notes: row.get(4)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| HallError::NotFound { id: id.to_owned() })
}

/// Reads each section of project `id` with its number of bidders.
fn sections(conn: &Connection, id: &str) -> Result<Vec<SectionDetails>, HallError> {
    let rows = conn
        .prepare(
            "SELECT s.position, s.name, count(b.credit_code) FROM hall_sections s
             LEFT JOIN hall_bidders b ON b.project_id = s.project_id AND b.section = s.position
             WHERE s.project_id = ?1 GROUP BY s.position, s.name ORDER BY s.position",
        )?
        .query_map([id], |row| {
            Ok(SectionDetails {
                position: row.get(0)?,
                name: row.get(1)?,
                bidders: row.get(2)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Counts the progress of project `id` now, as the progress event does.
pub(crate) fn progress_now(conn: &Connection, id: &str) -> Result<ProjectProgress, HallError> {
    match progress(conn, id)? {
        HallEventKind::Progress {
            bidders,
            signed_in,
            decrypted,
            confirmed,
        } => Ok(ProjectProgress {
            bidders,
            signed_in,
            decrypted,
            confirmed,
        }),
        _ => Ok(ProjectProgress::default()),
    }
}

/// `GET .../projects/{id}/details`.
pub(super) async fn details(
    State(state): State<AppState>,
    session: BoundSession,
    Path(id): Path<String>,
) -> Result<Json<ProjectDetails>, Failure> {
    let result = bidder_project(&state, session, &id).await;
    let project = logged(&id, "details", result)?;
    let project_id = id.clone();
    let result = state
        .db
        .call(move |conn| {
            let details = get(conn, &project_id)?;
            Ok::<_, HallError>((
                details,
                sections(conn, &project_id)?,
                progress_now(conn, &project_id)?,
            ))
        })
        .await;
    let (details, sections, progress) = logged(&id, "details", result)?;
    Ok(Json(ProjectDetails {
        id: project.id,
        name: project.name,
        code: details.code,
        tenderer: details.tenderer,
        agent: details.agent,
        opening_at: project.opening_at,
        place: details.place,
        notes: details.notes,
        sections,
        phase: project.phase,
        progress,
    }))
}
