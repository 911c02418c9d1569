//! Guarantee codes, the institution catalogue and guarantee states on the
//! database. Projects, sections and bidders are the hall's tables.

use palmbid_core::api::guarantee::{
    GuaranteeCode, GuaranteeProject, GuaranteeSection, GuaranteeState, InstitutionKind,
};
use rand_core::{OsRng, RngCore};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use super::GuaranteeError;
use crate::hall::store::Bidder;

/// An institution as the catalogue keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstitutionRow {
    /// Catalogue id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: InstitutionKind,
    /// Fee rate, basis points.
    pub fee_rate_bp: u32,
    /// Application page.
    pub apply_url: String,
    /// Certificate, DER.
    pub certificate: Vec<u8>,
    /// A development institution.
    pub development: bool,
}

/// A guarantee code's row: what it stands for and the guarantee's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRow {
    /// The code.
    pub code: GuaranteeCode,
    /// State.
    pub state: GuaranteeState,
    /// Institution applied to or reporting.
    pub institution: Option<String>,
    /// Guarantee number, once issued.
    pub guarantee_no: Option<String>,
    /// Reason of a rejection or cancellation.
    pub reason: Option<String>,
    /// The signed PDF, once issued.
    pub document: Option<Vec<u8>>,
    /// Last change, Unix seconds.
    pub updated_at: Option<i64>,
}

/// Marks whether project `id` requires a bid guarantee.
///
/// # Errors
/// [`GuaranteeError::ProjectNotFound`], [`GuaranteeError::Db`].
pub fn set_requires_guarantee(
    conn: &Connection,
    id: &str,
    required: bool,
) -> Result<(), GuaranteeError> {
    let changed = conn.execute(
        "UPDATE hall_projects SET requires_guarantee = ?2 WHERE id = ?1",
        params![id, i64::from(required)],
    )?;
    if changed != 1 {
        return Err(GuaranteeError::ProjectNotFound { id: id.to_owned() });
    }
    tracing::info!(project = %id, required, "guarantee requirement set");
    Ok(())
}

/// Adds a section named `name` with `bidders` to project `id`; returns its
/// position.
///
/// # Errors
/// [`GuaranteeError::ProjectNotFound`], [`GuaranteeError::Db`].
pub fn add_section(
    conn: &mut Connection,
    id: &str,
    name: &str,
    bidders: &[Bidder],
) -> Result<u32, GuaranteeError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let exists: Option<i64> = tx
        .query_row("SELECT 1 FROM hall_projects WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    if exists.is_none() {
        return Err(GuaranteeError::ProjectNotFound { id: id.to_owned() });
    }
    let position: u32 = tx.query_row(
        "SELECT coalesce(max(position), 0) + 1 FROM hall_sections WHERE project_id = ?1",
        [id],
        |r| r.get(0),
    )?;
    tx.execute(
        "INSERT INTO hall_sections (project_id, position, name) VALUES (?1, ?2, ?3)",
        params![id, position, name.trim()],
    )?;
    for bidder in bidders {
        tx.execute(
            "INSERT INTO hall_bidders (project_id, section, credit_code, company)
             VALUES (?1, ?2, ?3, ?4)",
            params![id, position, bidder.credit_code, bidder.company],
        )?;
    }
    tx.commit()?;
    tracing::info!(project = %id, section = position, bidders = bidders.len(), "section added");
    Ok(position)
}

/// Loads project `id` when it requires a guarantee.
///
/// # Errors
/// [`GuaranteeError::ProjectNotFound`], [`GuaranteeError::Db`].
pub fn project(conn: &Connection, id: &str) -> Result<GuaranteeProject, GuaranteeError> {
    conn.query_row(
        "SELECT id, name, opening_at FROM hall_projects WHERE id = ?1 AND requires_guarantee = 1",
        [id],
        |row| {
            Ok(GuaranteeProject {
                id: row.get(0)?,
                name: row.get(1)?,
                opening_at: row.get(2)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| GuaranteeError::ProjectNotFound { id: id.to_owned() })
}

/// Tells whether project `id` requires a guarantee.
///
/// # Errors
/// [`GuaranteeError::Db`].
pub fn requires_guarantee(conn: &Connection, id: &str) -> Result<bool, GuaranteeError> {
    Ok(conn
        .query_row(
            "SELECT requires_guarantee FROM hall_projects WHERE id = ?1",
            [id],
            |row| row.get::<_, i64>(0),
        )
        .optional()?
        == Some(1))
}

/// Lists the projects requiring a guarantee in which one of `codes` bids,
/// by opening time.
///
/// # Errors
/// [`GuaranteeError::Db`].
pub fn projects_of(
    conn: &Connection,
    codes: &[String],
) -> Result<Vec<GuaranteeProject>, GuaranteeError> {
    let mut projects: Vec<GuaranteeProject> = Vec::new();
    let mut statement = conn.prepare(
        "SELECT DISTINCT p.id, p.name, p.opening_at FROM hall_projects p
         JOIN hall_bidders b ON b.project_id = p.id
         WHERE p.requires_guarantee = 1 AND b.credit_code = ?1",
    )?;
    for code in codes {
        let rows = statement.query_map([code], |row| {
            Ok(GuaranteeProject {
                id: row.get(0)?,
                name: row.get(1)?,
                opening_at: row.get(2)?,
            })
        })?;
        for project in rows {
            let project = project?;
            if !projects.iter().any(|p| p.id == project.id) {
                projects.push(project);
            }
        }
    }
    projects.sort_by(|a, b| (a.opening_at, &a.id).cmp(&(b.opening_at, &b.id)));
    Ok(projects)
}

/// Lists the sections of project `id`, each with the first of `codes` that
/// bids in it.
///
/// # Errors
/// [`GuaranteeError::Db`].
pub fn sections(
    conn: &Connection,
    id: &str,
    codes: &[String],
) -> Result<Vec<GuaranteeSection>, GuaranteeError> {
    let rows: Vec<(u32, String)> = conn
        .prepare(
            "SELECT position, name FROM hall_sections WHERE project_id = ?1 ORDER BY position",
        )?
        .query_map([id], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut sections = Vec::with_capacity(rows.len());
    for (position, name) in rows {
        let credit_code = bidder_in(conn, id, position, codes)?.map(|b| b.credit_code);
        sections.push(GuaranteeSection {
            position,
            name,
            credit_code,
        });
    }
    Ok(sections)
}

/// Finds the first of `codes` that bids in section `position` of project
/// `id`.
fn bidder_in(
    conn: &Connection,
    id: &str,
    position: u32,
    codes: &[String],
) -> Result<Option<Bidder>, GuaranteeError> {
    for code in codes {
        let company: Option<String> = conn
            .query_row(
                "SELECT company FROM hall_bidders
                 WHERE project_id = ?1 AND section = ?2 AND credit_code = ?3",
                params![id, position, code],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(company) = company {
            return Ok(Some(Bidder {
                credit_code: code.clone(),
                company,
            }));
        }
    }
    Ok(None)
}

/// Gets the guarantee code of section `position` of project `id` for the
/// first of `codes` that bids in it, made on first request.
///
/// # Errors
/// [`GuaranteeError::ProjectNotFound`], [`GuaranteeError::SectionNotFound`],
/// [`GuaranteeError::NotABidder`], [`GuaranteeError::Db`].
pub fn code_for(
    conn: &mut Connection,
    id: &str,
    position: u32,
    codes: &[String],
    now: i64,
) -> Result<GuaranteeCode, GuaranteeError> {
    let project = project(conn, id)?;
    let section_name: String = conn
        .query_row(
            "SELECT name FROM hall_sections WHERE project_id = ?1 AND position = ?2",
            params![id, position],
            |row| row.get(0),
        )
        .optional()?
        .ok_or_else(|| GuaranteeError::SectionNotFound {
            id: id.to_owned(),
            section: position,
        })?;
    let bidder =
        bidder_in(conn, id, position, codes)?.ok_or_else(|| GuaranteeError::NotABidder {
            id: id.to_owned(),
            section: position,
        })?;

    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let existing: Option<String> = tx
        .query_row(
            "SELECT code FROM guarantee_codes
             WHERE project_id = ?1 AND section = ?2 AND credit_code = ?3",
            params![id, position, bidder.credit_code],
            |row| row.get(0),
        )
        .optional()?;
    let code = if let Some(code) = existing {
        code
    } else {
        let mut bytes = [0_u8; 10];
        OsRng.fill_bytes(&mut bytes);
        let code = format!("BH{}", hex::encode_upper(bytes));
        tx.execute(
            "INSERT INTO guarantee_codes (code, project_id, section, credit_code, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![code, id, position, bidder.credit_code, now],
        )?;
        tracing::info!(project = %id, section = position, %code, "guarantee code made");
        code
    };
    tx.commit()?;
    Ok(GuaranteeCode {
        code,
        project_id: project.id,
        project_name: project.name,
        section: position,
        section_name,
        credit_code: bidder.credit_code,
        company: bidder.company,
    })
}

/// Loads the row of guarantee code `code`.
///
/// # Errors
/// [`GuaranteeError::CodeNotFound`], [`GuaranteeError::Db`].
pub fn code_row(conn: &Connection, code: &str) -> Result<CodeRow, GuaranteeError> {
    let row = conn
        .query_row(
            "SELECT c.project_id, p.name, c.section, s.name, c.credit_code, b.company,
                    c.state, c.institution, c.guarantee_no, c.reason, c.document, c.updated_at
             FROM guarantee_codes c
             JOIN hall_projects p ON p.id = c.project_id
             JOIN hall_sections s ON s.project_id = c.project_id AND s.position = c.section
             JOIN hall_bidders b ON b.project_id = c.project_id AND b.section = c.section
                                AND b.credit_code = c.credit_code
             WHERE c.code = ?1",
            [code],
            |row| {
                Ok((
                    GuaranteeCode {
                        code: code.to_owned(),
                        project_id: row.get(0)?,
                        project_name: row.get(1)?,
                        section: row.get(2)?,
                        section_name: row.get(3)?,
                        credit_code: row.get(4)?,
                        company: row.get(5)?,
                    },
                    row.get::<_, String>(6)?,
                    row.get(7)?,
                    row.get(8)?,
                    row.get(9)?,
                    row.get(10)?,
                    row.get(11)?,
                ))
            },
        )
        .optional()?;
    let Some((code_info, state, institution, guarantee_no, reason, document, updated_at)) = row
    else {
        return Err(GuaranteeError::CodeNotFound {
            code: code.chars().take(64).collect(),
        });
    };
    let state = GuaranteeState::parse(&state)
        .ok_or_else(|| GuaranteeError::Db(crate::db::DbError::Task(format!("state {state}"))))?;
    Ok(CodeRow {
        code: code_info,
        state,
        institution,
        guarantee_no,
        reason,
        document,
        updated_at,
    })
}

/// Adds or replaces an institution of the catalogue.
///
/// # Errors
/// [`GuaranteeError::Db`].
pub fn put_institution(conn: &Connection, row: &InstitutionRow) -> Result<(), GuaranteeError> {
    conn.execute(
        "INSERT INTO guarantee_institutions
             (id, name, kind, fee_rate_bp, apply_url, certificate, development)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (id) DO UPDATE SET name = ?2, kind = ?3, fee_rate_bp = ?4,
             apply_url = ?5, certificate = ?6, development = ?7",
        params![
            row.id,
            row.name,
            row.kind.as_str(),
            row.fee_rate_bp,
            row.apply_url,
            row.certificate,
            i64::from(row.development)
        ],
    )?;
    Ok(())
}

/// Lists the catalogue, by name.
///
/// # Errors
/// [`GuaranteeError::Db`].
pub fn institutions(conn: &Connection) -> Result<Vec<InstitutionRow>, GuaranteeError> {
    let rows = conn
        .prepare(
            "SELECT id, name, kind, fee_rate_bp, apply_url, certificate, development
             FROM guarantee_institutions ORDER BY name, id",
        )?
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, u32>(3)?,
                row.get::<_, String>(4)?,
                row.get::<_, Vec<u8>>(5)?,
                row.get::<_, i64>(6)?,
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(
            |(id, name, kind, fee_rate_bp, apply_url, certificate, development)| {
                let kind = InstitutionKind::parse(&kind).ok_or_else(|| {
                    GuaranteeError::Db(crate::db::DbError::Task(format!("institution kind {kind}")))
                })?;
                Ok(InstitutionRow {
                    id,
                    name,
                    kind,
                    fee_rate_bp,
                    apply_url,
                    certificate,
                    development: development == 1,
                })
            },
        )
        .collect()
}

/// Loads the institution `id` of the catalogue.
///
/// # Errors
/// [`GuaranteeError::InstitutionUnknown`], [`GuaranteeError::Db`].
pub fn institution(conn: &Connection, id: &str) -> Result<InstitutionRow, GuaranteeError> {
    institutions(conn)?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or_else(|| GuaranteeError::InstitutionUnknown {
            id: id.chars().take(64).collect(),
        })
}

/// Records that the bidder applies to `institution` for `code`: allowed
/// while nothing is issued (none, applied, rejected).
///
/// # Errors
/// [`GuaranteeError::StateConflict`], [`GuaranteeError::Db`].
pub fn apply(
    conn: &mut Connection,
    code: &str,
    institution: &str,
    now: i64,
) -> Result<(), GuaranteeError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let changed = tx.execute(
        "UPDATE guarantee_codes SET state = 'applied', institution = ?2, reason = NULL,
             updated_at = ?3
         WHERE code = ?1 AND state IN ('none', 'applied', 'rejected')",
        params![code, institution, now],
    )?;
    if changed != 1 {
        let state = code_row(&tx, code)?.state;
        return Err(GuaranteeError::StateConflict {
            code: code.to_owned(),
            state: state.as_str(),
            to: GuaranteeState::Applied.as_str(),
            by: String::new(),
        });
    }
    tx.commit()?;
    tracing::info!(%code, %institution, "guarantee applied for");
    Ok(())
}
