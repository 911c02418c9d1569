//! Hall projects and their event log on the database.
//!
//! Every phase change, the automatic sign-in included, is recorded in the
//! same transaction as its event, so the log and the project never
//! disagree. Sign-in is recorded lazily by [`settle`], which every read
//! calls first.

use palmbid_core::api::hall::{HallEvent, HallEventKind, Phase, SIGN_IN_BEFORE_SECS};
use palmbid_core::pki::{IssuedWithKey, IssuingCa, KeyRole, Subject, Validity};
use rand_core::{OsRng, RngCore};
use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};
use zeroize::Zeroizing;

use super::HallError;

/// A project as the platform keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// 128 random bits, lower-case hex.
    pub id: String,
    /// The project's name.
    pub name: String,
    /// Opening time, Unix seconds.
    pub opening_at: i64,
    /// The phase recorded (after [`settle`]).
    pub phase: Phase,
    /// Section names, in order.
    pub sections: Vec<String>,
    /// The opening certificate, DER: bid keys are released to its key.
    pub opening_cert: Vec<u8>,
}

/// One bidder of a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bidder {
    /// The company's unified social credit code.
    pub credit_code: String,
    /// The company's name.
    pub company: String,
}

/// A project the agent enters: one section with its bidders.
#[derive(Debug, Clone)]
pub struct NewProject {
    /// The project's name.
    pub name: String,
    /// Opening time, Unix seconds.
    pub opening_at: i64,
    /// The section's name.
    pub section: String,
    /// The section's bidders.
    pub bidders: Vec<Bidder>,
}

/// Longest project, section or company name, in characters.
const MAX_NAME_CHARS: usize = 200;

fn checked_name(field: &'static str, value: &str) -> Result<String, HallError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > MAX_NAME_CHARS {
        return Err(HallError::InvalidProject {
            field,
            reason: format!("1 to {MAX_NAME_CHARS} characters"),
        });
    }
    Ok(value.to_owned())
}

/// Records a new project in phase not open with its opening key pair
/// (`opening`, from [`opening_key_pair`]); returns its id.
///
/// # Errors
/// [`HallError::InvalidProject`] for an empty name, no bidder, a bidder
/// twice or a credit code that fails its check character.
pub fn create(
    conn: &mut Connection,
    new: &NewProject,
    opening: &IssuedWithKey,
    now: i64,
) -> Result<String, HallError> {
    let name = checked_name("name", &new.name)?;
    let section = checked_name("section", &new.section)?;
    if new.bidders.is_empty() {
        return Err(HallError::InvalidProject {
            field: "bidders",
            reason: "at least one bidder".to_owned(),
        });
    }
    let mut bidders = Vec::with_capacity(new.bidders.len());
    for bidder in &new.bidders {
        palmbid_core::pki::validate_credit_code(&bidder.credit_code).map_err(|err| {
            HallError::InvalidProject {
                field: "bidders",
                reason: err.to_string(),
            }
        })?;
        if bidders
            .iter()
            .any(|b: &Bidder| b.credit_code == bidder.credit_code)
        {
            return Err(HallError::InvalidProject {
                field: "bidders",
                reason: format!("{} is listed twice", bidder.credit_code),
            });
        }
        bidders.push(Bidder {
            credit_code: bidder.credit_code.clone(),
            company: checked_name("bidders", &bidder.company)?,
        });
    }

    let mut bytes = [0_u8; 16];
    OsRng.fill_bytes(&mut bytes);
    let id = hex::encode(bytes);

    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    tx.execute(
        "INSERT INTO hall_projects (id, name, opening_at, phase, created_at, opening_cert,
                                    opening_key)
         VALUES (?1, ?2, ?3, 'not_open', ?4, ?5, ?6)",
        params![
            id,
            name,
            new.opening_at,
            now,
            opening.cert.der,
            opening.key_pkcs8_pem.as_str()
        ],
    )?;
    tx.execute(
        "INSERT INTO hall_sections (project_id, position, name) VALUES (?1, 1, ?2)",
        params![id, section],
    )?;
    for bidder in &bidders {
        tx.execute(
            "INSERT INTO hall_bidders (project_id, section, credit_code, company)
             VALUES (?1, 1, ?2, ?3)",
            params![id, bidder.credit_code, bidder.company],
        )?;
    }
    tx.commit()?;
    tracing::info!(project = %id, bidders = bidders.len(), "hall project created");
    Ok(id)
}

/// Records sign-in when the clock has reached it; returns whether it did.
///
/// # Errors
/// [`HallError::Db`].
pub fn settle(conn: &mut Connection, id: &str, now: i64) -> Result<bool, HallError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let changed = tx.execute(
        "UPDATE hall_projects SET phase = 'sign_in'
         WHERE id = ?1 AND phase = 'not_open' AND opening_at - ?2 <= ?3",
        params![id, SIGN_IN_BEFORE_SECS, now],
    )?;
    if changed == 1 {
        append(
            &tx,
            id,
            &HallEventKind::PhaseChanged {
                phase: Phase::SignIn,
            },
            now,
        )?;
        tracing::info!(project = %id, phase = %Phase::SignIn, "hall phase changed by the clock");
    }
    tx.commit()?;
    Ok(changed == 1)
}

/// The project `id`, settled first.
///
/// # Errors
/// [`HallError::NotFound`] or [`HallError::Db`].
pub fn load(conn: &mut Connection, id: &str, now: i64) -> Result<Project, HallError> {
    settle(conn, id, now)?;
    let row = conn
        .query_row(
            "SELECT name, opening_at, phase, opening_cert FROM hall_projects WHERE id = ?1",
            [id],
            |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, i64>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, Vec<u8>>(3)?,
                ))
            },
        )
        .optional()?;
    let Some((name, opening_at, phase, opening_cert)) = row else {
        return Err(HallError::NotFound { id: id.to_owned() });
    };
    let phase = Phase::parse(&phase)
        .ok_or_else(|| HallError::Db(crate::db::DbError::Task(format!("phase {phase}"))))?;
    let sections = conn
        .prepare("SELECT name FROM hall_sections WHERE project_id = ?1 ORDER BY position")?
        .query_map([id], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(Project {
        id: id.to_owned(),
        name,
        opening_at,
        phase,
        sections,
        opening_cert,
    })
}

/// Holder name of every opening certificate; its company and credit code
/// are [`OPENING_COMPANY`] and [`OPENING_CREDIT_CODE`].
const OPENING_HOLDER: &str = "开标解密 (bid opening)";

/// Company named in opening certificates.
const OPENING_COMPANY: &str = "palmbid 开标大厅 (bid-opening hall)";

/// Credit code in opening certificates. NOTE: a placeholder with a valid
/// check character, because the CA's certificates always carry one; a
/// production platform puts its operator's own code here.
const OPENING_CREDIT_CODE: &str = "91110000000000000E";

/// Days an opening certificate is valid: long enough for any opening.
const OPENING_VALIDITY_DAYS: u32 = 3 * 365;

/// Makes a project's opening key pair: a fresh P-256 key with a
/// key-agreement certificate from the platform CA.
///
/// # Errors
/// [`HallError::Db`] when the CA fails to issue.
pub fn opening_key_pair(ca: &IssuingCa, now: i64) -> Result<IssuedWithKey, HallError> {
    let subject = Subject {
        name: OPENING_HOLDER.to_owned(),
        company: OPENING_COMPANY.to_owned(),
        credit_code: OPENING_CREDIT_CODE.to_owned(),
    };
    let validity = Validity {
        not_before: now - crate::ca::BACKDATE_SECONDS,
        days: OPENING_VALIDITY_DAYS,
    };
    ca.issue_with_new_key(&subject, KeyRole::Encryption, validity)
        .map_err(|e| HallError::Db(crate::db::DbError::Task(format!("opening key: {e}"))))
}

/// The opening private key of project `id`, PKCS#8 PEM.
///
/// # Errors
/// [`HallError::NotFound`] or [`HallError::Db`].
pub fn opening_key(conn: &Connection, id: &str) -> Result<Zeroizing<String>, HallError> {
    conn.query_row(
        "SELECT opening_key FROM hall_projects WHERE id = ?1",
        [id],
        |row| row.get::<_, String>(0),
    )
    .optional()?
    .map(Zeroizing::new)
    .ok_or_else(|| HallError::NotFound { id: id.to_owned() })
}

/// Every project, by opening time.
///
/// # Errors
/// [`HallError::Db`].
pub fn all(conn: &mut Connection, now: i64) -> Result<Vec<Project>, HallError> {
    let ids: Vec<String> = conn
        .prepare("SELECT id FROM hall_projects ORDER BY opening_at, id")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    ids.iter().map(|id| load(conn, id, now)).collect()
}

/// The bidders of project `id`.
///
/// # Errors
/// [`HallError::Db`].
pub fn bidders(conn: &Connection, id: &str) -> Result<Vec<Bidder>, HallError> {
    let rows = conn
        .prepare(
            "SELECT credit_code, company FROM hall_bidders WHERE project_id = ?1
             ORDER BY section, company",
        )?
        .query_map([id], |row| {
            Ok(Bidder {
                credit_code: row.get(0)?,
                company: row.get(1)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Moves project `id` to phase `to`, which must be the next one, and
/// records the event. Sign-in cannot be set by hand: the clock starts it.
///
/// # Errors
/// [`HallError::NotFound`], [`HallError::PhaseOrder`] or [`HallError::Db`].
pub fn advance(
    conn: &mut Connection,
    id: &str,
    to: Phase,
    now: i64,
) -> Result<HallEvent, HallError> {
    let from = load(conn, id, now)?.phase;
    if to == Phase::SignIn || from.next() != Some(to) {
        return Err(HallError::PhaseOrder {
            id: id.to_owned(),
            from,
            to,
        });
    }

    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // The phase in the WHERE clause keeps two agents from both moving on.
    let changed = tx.execute(
        "UPDATE hall_projects SET phase = ?2 WHERE id = ?1 AND phase = ?3",
        params![id, to.as_str(), from.as_str()],
    )?;
    if changed != 1 {
        return Err(HallError::PhaseOrder {
            id: id.to_owned(),
            from,
            to,
        });
    }
    let event = append(&tx, id, &HallEventKind::PhaseChanged { phase: to }, now)?;
    tx.commit()?;
    tracing::info!(project = %id, %from, %to, "hall phase changed by the agent");
    Ok(event)
}

/// Appends an event with the next sequence number.
pub(crate) fn append(
    tx: &Transaction<'_>,
    id: &str,
    kind: &HallEventKind,
    now: i64,
) -> Result<HallEvent, HallError> {
    let seq: u64 = tx.query_row(
        "SELECT coalesce(max(seq), 0) + 1 FROM hall_events WHERE project_id = ?1",
        [id],
        |row| row.get(0),
    )?;
    tx.execute(
        "INSERT INTO hall_events (project_id, seq, kind, body, at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, seq, kind.name(), serde_json::to_string(kind)?, now],
    )?;
    Ok(HallEvent {
        seq,
        at: now,
        kind: kind.clone(),
    })
}

/// The events of project `id` numbered above `after`, in order.
///
/// # Errors
/// [`HallError::Db`], also for a stored event that does not parse.
pub fn events_after(conn: &Connection, id: &str, after: u64) -> Result<Vec<HallEvent>, HallError> {
    let rows: Vec<(u64, i64, String)> = conn
        .prepare(
            "SELECT seq, at, body FROM hall_events WHERE project_id = ?1 AND seq > ?2
             ORDER BY seq",
        )?
        .query_map(params![id, after], |row| {
            Ok((row.get(0)?, row.get(1)?, row.get(2)?))
        })?
        .collect::<Result<_, _>>()?;
    rows.into_iter()
        .map(|(seq, at, body)| {
            Ok(HallEvent {
                seq,
                at,
                kind: serde_json::from_str(&body)?,
            })
        })
        .collect()
}

/// Credit codes of the companies whose certificates the platform issued
/// to `phone`: order issued, its signing certificate not revoked, the
/// company in the entity registry.
///
/// # Errors
/// [`HallError::Db`].
pub fn phone_credit_codes(conn: &Connection, phone: &str) -> Result<Vec<String>, HallError> {
    let codes = conn
        .prepare(
            "SELECT DISTINCT o.credit_code FROM orders o
             JOIN registry r ON r.credit_code = o.credit_code
             JOIN order_certs c ON c.order_id = o.id AND c.role = 'signing'
             WHERE o.phone = ?1 AND o.state = 'issued'
               AND c.fingerprint NOT IN (SELECT fingerprint FROM revocations)
             ORDER BY o.credit_code",
        )?
        .query_map([phone], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(codes)
}

/// Whether one of `codes` bids in project `id`.
///
/// # Errors
/// [`HallError::Db`].
pub fn is_bidder(conn: &Connection, id: &str, codes: &[String]) -> Result<bool, HallError> {
    for code in codes {
        let found: Option<i64> = conn
            .query_row(
                "SELECT 1 FROM hall_bidders WHERE project_id = ?1 AND credit_code = ?2 LIMIT 1",
                params![id, code],
                |row| row.get(0),
            )
            .optional()?;
        if found.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Ids of the projects one of `codes` bids in.
///
/// # Errors
/// [`HallError::Db`].
pub fn projects_of(conn: &Connection, codes: &[String]) -> Result<Vec<String>, HallError> {
    let mut ids: Vec<String> = Vec::new();
    let mut statement =
        conn.prepare("SELECT DISTINCT project_id FROM hall_bidders WHERE credit_code = ?1")?;
    for code in codes {
        for id in statement.query_map([code], |row| row.get::<_, String>(0))? {
            let id = id?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    Ok(ids)
}
