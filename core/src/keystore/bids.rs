//! The bid registry and the key guard.
//!
//! At a mobile bid opening the phone must open its bid file at the opening
//! hour; a key deleted or a certificate replaced before then is found only
//! when it is too late. So every bid the phone must still open is recorded
//! with the encryption key it opens with, and while a bid is `pending` no
//! operation may delete that key or replace its certificate (envelopes name
//! their recipient by the certificate's issuer and serial number, RFC 5652,
//! section 6.2.2). The guard runs inside the writing transaction, so a bid
//! registered concurrently cannot slip past it.
//!
//! NOTE: a pending bid past its deadline still guards its key: a late
//! opening may still be allowed, so only the app, by marking the bid opened
//! or abandoned, lifts the guard.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::rows::now;
use super::{CredentialId, KeyId, KeystoreError};

/// Where a registered bid stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BidState {
    /// Still to be opened: its key is guarded.
    Pending,
    /// Opened at the bid opening.
    Opened,
    /// Given up (withdrawn, or the opening is over); its key is free.
    Abandoned,
}

impl BidState {
    /// The stored name.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            BidState::Pending => "pending",
            BidState::Opened => "opened",
            BidState::Abandoned => "abandoned",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        match name {
            "pending" => Some(BidState::Pending),
            "opened" => Some(BidState::Opened),
            "abandoned" => Some(BidState::Abandoned),
            _ => None,
        }
    }
}

/// A bid to register: what the phone must open, and with which key.
#[derive(Debug, Clone)]
pub struct NewBid {
    /// The platform's project (tender) id.
    pub project_id: String,
    /// The platform's id of this bid within the project.
    pub bid_id: String,
    /// SHA-256 of the encrypted bid file, to tell a re-upload apart.
    pub envelope_sha256: [u8; 32],
    /// The encryption key that opens the envelope.
    pub key_id: KeyId,
    /// The opening deadline, Unix time in seconds.
    pub deadline: i64,
}

/// A registered bid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BidRecord {
    /// The platform's project (tender) id.
    pub project_id: String,
    /// The platform's id of this bid within the project.
    pub bid_id: String,
    /// SHA-256 of the encrypted bid file.
    pub envelope_sha256: [u8; 32],
    /// The encryption key that opens the envelope.
    pub key_id: KeyId,
    /// The opening deadline, Unix time in seconds.
    pub deadline: i64,
    /// Pending, opened or abandoned.
    pub state: BidState,
}

impl BidRecord {
    /// `project/bid (opening deadline 2026-12-05 09:30 UTC)`, for messages.
    #[must_use]
    pub fn describe(&self) -> String {
        format!(
            "{}/{} (opening deadline {})",
            self.project_id,
            self.bid_id,
            format_deadline(self.deadline)
        )
    }
}

/// A credential whose encryption key pending bids still need: renewing or
/// deleting it now would leave those bids unopenable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenewalWarning {
    /// The credential.
    pub credential: CredentialId,
    /// Its key that the bids open with.
    pub key_id: KeyId,
    /// The pending bids, earliest deadline first.
    pub bids: Vec<BidRecord>,
}

/// A Unix time as `YYYY-MM-DD HH:MM UTC`, or the raw seconds when out of
/// range.
fn format_deadline(unix: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|at| at.format(&format).ok())
        .unwrap_or_else(|| format!("{unix} s"))
}

const COLUMNS: &str = "project_id, bid_id, envelope_sha256, key_id, deadline, state";

fn read_bid(row: &rusqlite::Row<'_>) -> rusqlite::Result<(BidRecordRaw, String)> {
    Ok((
        BidRecordRaw {
            project_id: row.get(0)?,
            bid_id: row.get(1)?,
            envelope_sha256: row.get(2)?,
            key_id: row.get(3)?,
            deadline: row.get(4)?,
        },
        row.get(5)?,
    ))
}

struct BidRecordRaw {
    project_id: String,
    bid_id: String,
    envelope_sha256: Vec<u8>,
    key_id: String,
    deadline: i64,
}

fn parse_bid((raw, state): (BidRecordRaw, String)) -> Result<BidRecord, KeystoreError> {
    let corrupted = |detail: &str| KeystoreError::Corrupted {
        item: format!("bid {}/{}", raw.project_id, raw.bid_id),
        detail: detail.to_owned(),
    };
    let envelope_sha256 = <[u8; 32]>::try_from(raw.envelope_sha256.as_slice())
        .map_err(|_| corrupted("has an envelope digest that is not 32 bytes"))?;
    let state = BidState::parse(&state).ok_or_else(|| corrupted("has an unknown state"))?;
    Ok(BidRecord {
        project_id: raw.project_id,
        bid_id: raw.bid_id,
        envelope_sha256,
        key_id: KeyId(raw.key_id),
        deadline: raw.deadline,
        state,
    })
}

fn query_bids(
    conn: &Connection,
    filter: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<BidRecord>, KeystoreError> {
    let sql = format!("SELECT {COLUMNS} FROM bids {filter} ORDER BY deadline, project_id, bid_id");
    let mut statement = conn.prepare(&sql).map_err(crate::store::StoreError::from)?;
    let raws = statement
        .query_map(args, read_bid)
        .and_then(Iterator::collect::<rusqlite::Result<Vec<_>>>)?;
    raws.into_iter().map(parse_bid).collect()
}

/// Every registered bid, earliest deadline first.
pub(super) fn all(conn: &Connection) -> Result<Vec<BidRecord>, KeystoreError> {
    query_bids(conn, "", [])
}

/// The pending bids that open with `key`.
pub(super) fn pending_for_key(
    conn: &Connection,
    key: &KeyId,
) -> Result<Vec<BidRecord>, KeystoreError> {
    query_bids(conn, "WHERE state = 'pending' AND key_id = ?1", [&key.0])
}

/// Refuses when a pending bid opens with `key`.
///
/// # Errors
/// [`KeystoreError::KeyNeededByBids`] naming the bids and deadlines.
pub(super) fn guard(
    conn: &Connection,
    key: &KeyId,
    action: &'static str,
) -> Result<(), KeystoreError> {
    let pending = pending_for_key(conn, key)?;
    if pending.is_empty() {
        return Ok(());
    }
    let bids = pending
        .iter()
        .map(BidRecord::describe)
        .collect::<Vec<_>>()
        .join("; ");
    tracing::warn!(key = %key, action, pending = pending.len(), "key guard refused");
    Err(KeystoreError::KeyNeededByBids {
        key: key.clone(),
        action,
        bids,
    })
}

/// Records `bid`, or replaces a pending bid of the same ids (a re-upload).
///
/// # Errors
/// [`KeystoreError::BidClosed`] when that bid is already opened or
/// abandoned; storage errors.
pub(super) fn register(tx: &Transaction<'_>, bid: &NewBid) -> Result<BidRecord, KeystoreError> {
    let existing: Option<String> = tx
        .query_row(
            "SELECT state FROM bids WHERE project_id = ?1 AND bid_id = ?2",
            [&bid.project_id, &bid.bid_id],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(state) = existing.filter(|state| state != "pending") {
        return Err(KeystoreError::BidClosed {
            project_id: bid.project_id.clone(),
            bid_id: bid.bid_id.clone(),
            state,
        });
    }

    let at = now();
    tx.execute(
        "INSERT INTO bids (project_id, bid_id, envelope_sha256, key_id, deadline, state, \
         registered_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?6) \
         ON CONFLICT (project_id, bid_id) DO UPDATE SET envelope_sha256 = excluded.envelope_sha256, \
         key_id = excluded.key_id, deadline = excluded.deadline, updated_at = excluded.updated_at",
        params![
            bid.project_id,
            bid.bid_id,
            bid.envelope_sha256.as_slice(),
            bid.key_id.0,
            bid.deadline,
            at
        ],
    )?;
    Ok(BidRecord {
        project_id: bid.project_id.clone(),
        bid_id: bid.bid_id.clone(),
        envelope_sha256: bid.envelope_sha256,
        key_id: bid.key_id.clone(),
        deadline: bid.deadline,
        state: BidState::Pending,
    })
}

/// Moves a pending bid to `state`.
///
/// # Errors
/// [`KeystoreError::BidNotFound`], [`KeystoreError::BidClosed`] when it is
/// not pending any more; storage errors.
pub(super) fn close(
    tx: &Transaction<'_>,
    project_id: &str,
    bid_id: &str,
    state: BidState,
) -> Result<(), KeystoreError> {
    let current: Option<String> = tx
        .query_row(
            "SELECT state FROM bids WHERE project_id = ?1 AND bid_id = ?2",
            [project_id, bid_id],
            |row| row.get(0),
        )
        .optional()?;
    match current.as_deref() {
        None => Err(KeystoreError::BidNotFound {
            project_id: project_id.to_owned(),
            bid_id: bid_id.to_owned(),
        }),
        Some("pending") => {
            tx.execute(
                "UPDATE bids SET state = ?1, updated_at = ?2 WHERE project_id = ?3 AND bid_id = ?4",
                params![state.name(), now(), project_id, bid_id],
            )?;
            Ok(())
        }
        Some(other) => Err(KeystoreError::BidClosed {
            project_id: project_id.to_owned(),
            bid_id: bid_id.to_owned(),
            state: other.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadline_is_shown_in_utc() {
        assert_eq!(format_deadline(1_764_927_000), "2025-12-05 09:30 UTC");
        assert_eq!(format_deadline(i64::MAX), format!("{} s", i64::MAX));
    }

    #[test]
    fn state_names_round_trip() {
        for state in [BidState::Pending, BidState::Opened, BidState::Abandoned] {
            assert_eq!(BidState::parse(state.name()), Some(state));
        }
        assert_eq!(BidState::parse("lost"), None);
    }
}
