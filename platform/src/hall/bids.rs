//! Bid files: upload from the toolbox, the phone's list, the decryption
//! check receipt and the decryption by a released key.
//!
//! Files live under `{data}/bids`: `{bid}.p7m` is the envelope as
//! uploaded (written to a temporary name, synced, then renamed), and
//! `{bid}.json` the decrypted bid package once released. NOTE: the
//! decrypted package is kept in clear on the platform's disk, as the
//! evaluation needs the documents; the database keeps only the quote.

use std::path::{Path as FsPath, PathBuf};

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use palmbid_core::api::hall::{
    ActionPayload, BidList, BidPackage, BidState, BidView, CheckRequest, DESKTOP_LOGIN_SECS,
    DecryptionCheck, MAX_BID_BYTES, Phase, Quote, ReleaseRequest, ReleaseResult, UploadedBid,
};
use palmbid_core::api::paths::DESKTOP_AUTH_SCHEME;
use palmbid_core::api::qr::{MAX_ENVELOPE_HEADER, QrAnswer};
use palmbid_core::cms::{self, CmsError};
use palmbid_core::pki::CertInfo;
use rand_core::{OsRng, RngCore};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::phone::{bidder_project, logged};
use super::sign_in::{progress, record};
use super::store;
use super::{HallError, notify, proof};
use crate::AppState;
use crate::accounts::BoundSession;
use crate::ca::revocation;
use crate::error::Failure;
use crate::qr::verify::Judge;

/// `?section=N` of an upload.
#[derive(Deserialize)]
pub(super) struct SectionQuery {
    section: u32,
}

/// The company of a toolbox login.
struct Desktop {
    credit_code: String,
}

/// Finds the toolbox login behind `Authorization: Desktop {token}`: a
/// login request from the toolbox, answered within [`DESKTOP_LOGIN_SECS`],
/// whose certificate the platform issued and did not revoke.
fn desktop_company(conn: &Connection, token: &str, now: i64) -> Result<Desktop, HallError> {
    let hash = Sha256::digest(token.as_bytes()).to_vec();
    let answer: Option<String> = conn
        .query_row(
            "SELECT answer FROM qr_requests
             WHERE desktop_token_hash = ?1 AND kind = 'login' AND requester_kind = 'toolbox'
               AND state = 'answered' AND answered_at + ?2 >= ?3",
            params![hash, DESKTOP_LOGIN_SECS, now],
            |row| row.get(0),
        )
        .optional()?
        .flatten();
    let answer: QrAnswer = answer
        .and_then(|text| serde_json::from_str(&text).ok())
        .ok_or(HallError::DesktopUnauthorized)?;
    let der = STANDARD
        .decode(&answer.certificate)
        .map_err(|_| HallError::DesktopUnauthorized)?;
    let cert = CertInfo::from_der(&der, "login certificate")
        .map_err(|_| HallError::DesktopUnauthorized)?;
    if revocation::is_revoked(conn, &cert.fingerprint)? {
        return Err(HallError::DesktopUnauthorized);
    }
    let (_, _, credit_code) =
        revocation::holder(conn, &cert.fingerprint)?.ok_or(HallError::DesktopUnauthorized)?;
    Ok(Desktop { credit_code })
}

fn bids_dir(state: &AppState) -> PathBuf {
    state.config.data_dir.join("bids")
}

pub(super) fn file_error(path: &FsPath) -> impl Fn(std::io::Error) -> HallError + '_ {
    move |source| HallError::File {
        path: path.display().to_string(),
        source,
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder,
/// so a reader never sees a partial file.
pub(super) fn write_atomic(path: &FsPath, bytes: &[u8]) -> Result<(), HallError> {
    use std::io::Write;

    let temporary = path.with_extension("tmp");
    let mut file = std::fs::File::create(&temporary).map_err(file_error(&temporary))?;
    file.write_all(bytes).map_err(file_error(&temporary))?;
    file.sync_all().map_err(file_error(&temporary))?;
    std::fs::rename(&temporary, path).map_err(file_error(path))
}

/// `POST .../projects/{id}/bids?section=N`, `Authorization: Desktop {token}`.
pub(super) async fn upload(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<SectionQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<UploadedBid>, Failure> {
    let result = upload_inner(&state, &id, query.section, &headers, body).await;
    let uploaded = logged(&id, "upload", result)?;
    notify(&state);
    Ok(Json(uploaded))
}

async fn upload_inner(
    state: &AppState,
    id: &str,
    section: u32,
    headers: &HeaderMap,
    body: Body,
) -> Result<UploadedBid, HallError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix(DESKTOP_AUTH_SCHEME))
        .and_then(|v| v.strip_prefix(' '))
        .ok_or(HallError::DesktopUnauthorized)?
        .to_owned();
    let now = state.clock.now();
    let project_id = id.to_owned();
    let desktop = state
        .db
        .call(move |conn| authorize_upload(conn, &project_id, section, &token, now))
        .await?;

    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let too_large = HallError::BidTooLarge {
        limit: MAX_BID_BYTES,
    };
    if declared.is_some_and(|length| length > MAX_BID_BYTES as u64) {
        return Err(too_large);
    }
    // Once the declared length is within the limit, a failed read is a
    // body over the limit or a broken connection, which ends the request
    // either way.
    let bytes = axum::body::to_bytes(body, MAX_BID_BYTES)
        .await
        .map_err(|_| too_large)?;

    let mut raw = [0_u8; 16];
    OsRng.fill_bytes(&mut raw);
    let bid_id = hex::encode(raw);
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let size = bytes.len() as u64;
    let dir = bids_dir(state);
    let file_name = format!("{bid_id}.p7m");
    let file = dir.join(&file_name);
    let (header, recipients) =
        tokio::task::spawn_blocking(move || store_envelope(&dir, &file, &bytes))
            .await
            .map_err(|e| HallError::Db(crate::db::DbError::Task(e.to_string())))??;

    let uploaded = UploadedBid {
        bid_id,
        section,
        sha256,
        size,
        uploaded_at: now,
        recipients,
    };
    let row = uploaded.clone();
    let project_id = id.to_owned();
    let replaced = state
        .db
        .call(move |conn| {
            record_upload(
                conn,
                &project_id,
                &desktop.credit_code,
                &row,
                &file_name,
                &header,
            )
        })
        .await?;
    if let Some(old) = replaced {
        let _ = std::fs::remove_file(bids_dir(state).join(old));
    }
    tracing::info!(project = %id, bid = %uploaded.bid_id, section, size, "bid file uploaded");
    Ok(uploaded)
}

/// Checks the desktop's login, the opening time and that its company
/// bids in `section`.
fn authorize_upload(
    conn: &mut Connection,
    id: &str,
    section: u32,
    token: &str,
    now: i64,
) -> Result<Desktop, HallError> {
    let desktop = desktop_company(conn, token, now)?;
    let project = store::load(conn, id, now)?;
    // The agent may start the decryption before the opening time; the
    // bids are fixed from then on too.
    if now >= project.opening_at || project.phase > Phase::SignIn {
        return Err(HallError::UploadClosed {
            id: id.to_owned(),
            opening_at: project.opening_at,
            now,
        });
    }
    let bidder: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM hall_bidders
             WHERE project_id = ?1 AND section = ?2 AND credit_code = ?3",
            params![id, section, desktop.credit_code],
            |row| row.get(0),
        )
        .optional()?;
    if bidder.is_none() {
        return Err(HallError::NotABidder { id: id.to_owned() });
    }
    Ok(desktop)
}

/// Writes the envelope to `file` and reads its header and recipients; a
/// file that is not an envelope is removed again.
fn store_envelope(
    dir: &FsPath,
    file: &FsPath,
    bytes: &[u8],
) -> Result<(Vec<u8>, Vec<String>), HallError> {
    std::fs::create_dir_all(dir).map_err(file_error(dir))?;
    write_atomic(file, bytes)?;
    let parsed = cms::envelope_header(file, MAX_ENVELOPE_HEADER).and_then(|header| {
        let info = cms::inspect_header(&header)?;
        Ok((header, info))
    });
    match parsed {
        Ok((header, info)) => {
            let recipients = info
                .recipients
                .iter()
                .filter_map(|r| r.id.as_ref().map(ToString::to_string))
                .collect();
            Ok((header, recipients))
        }
        Err(err) => {
            let _ = std::fs::remove_file(file);
            Err(HallError::NotAnEnvelope {
                reason: err.to_string(),
            })
        }
    }
}

/// Records `row` as the company's bid of its section, replacing an
/// earlier one; returns the replaced bid's file name.
fn record_upload(
    conn: &mut Connection,
    id: &str,
    credit_code: &str,
    row: &UploadedBid,
    file_name: &str,
    header: &[u8],
) -> Result<Option<String>, HallError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let old: Option<String> = tx
        .query_row(
            "SELECT file FROM hall_bids
             WHERE project_id = ?1 AND section = ?2 AND credit_code = ?3",
            params![id, row.section, credit_code],
            |r| r.get(0),
        )
        .optional()?;
    tx.execute(
        "DELETE FROM hall_bids WHERE project_id = ?1 AND section = ?2 AND credit_code = ?3",
        params![id, row.section, credit_code],
    )?;
    tx.execute(
        "INSERT INTO hall_bids (id, project_id, section, credit_code, file, sha256, size,
             header, recipients, uploaded_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            row.bid_id,
            id,
            row.section,
            credit_code,
            file_name,
            row.sha256,
            i64::try_from(row.size).unwrap_or(i64::MAX),
            header,
            serde_json::to_string(&row.recipients)?,
            row.uploaded_at
        ],
    )?;
    tx.commit()?;
    Ok(old)
}

/// A stored bid.
struct StoredBid {
    view: BidView,
    credit_code: String,
    file: String,
    released_by: Option<String>,
}

const BID_COLUMNS: &str = "id, section, sha256, size, uploaded_at, header, recipients, quote,
    check_at, check_serial, check_recipient, credit_code, file, released_by";

fn bid_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredBid> {
    let bid_id: String = row.get(0)?;
    let header: Vec<u8> = row.get(5)?;
    let recipients: String = row.get(6)?;
    let quote: Option<String> = row.get(7)?;
    let check_at: Option<i64> = row.get(8)?;
    let check = match check_at {
        Some(checked_at) => Some(DecryptionCheck {
            bid_id: bid_id.clone(),
            checked_at,
            certificate_serial: row.get::<_, Option<String>>(9)?.unwrap_or_default(),
            recipient: row.get::<_, Option<String>>(10)?.unwrap_or_default(),
        }),
        None => None,
    };
    let size: i64 = row.get(3)?;
    Ok(StoredBid {
        view: BidView {
            bid_id,
            section: row.get(1)?,
            sha256: row.get(2)?,
            size: u64::try_from(size).unwrap_or_default(),
            uploaded_at: row.get(4)?,
            envelope_header: STANDARD.encode(header),
            recipients: serde_json::from_str(&recipients).unwrap_or_default(),
            check,
            state: if quote.is_some() {
                BidState::Decrypted
            } else {
                BidState::Uploaded
            },
            quote: quote.map(|amount| Quote { amount }),
        },
        credit_code: row.get(11)?,
        file: row.get(12)?,
        released_by: row.get(13)?,
    })
}

/// Returns the bids of `codes` in project `id`, by section.
fn bids_of(conn: &Connection, id: &str, codes: &[String]) -> Result<Vec<StoredBid>, HallError> {
    let mut bids = Vec::new();
    let mut statement = conn.prepare(&format!(
        "SELECT {BID_COLUMNS} FROM hall_bids WHERE project_id = ?1 AND credit_code = ?2
         ORDER BY section"
    ))?;
    for code in codes {
        for bid in statement.query_map(params![id, code], bid_from_row)? {
            bids.push(bid?);
        }
    }
    bids.sort_by_key(|b| b.view.section);
    Ok(bids)
}

/// Returns every bid of project `id` with its company, for the console.
pub(crate) fn all_bids(conn: &Connection, id: &str) -> Result<Vec<(String, BidView)>, HallError> {
    let bids = conn
        .prepare(&format!(
            "SELECT {BID_COLUMNS} FROM hall_bids WHERE project_id = ?1 ORDER BY section"
        ))?
        .query_map([id], bid_from_row)?
        .map(|bid| bid.map(|b| (b.credit_code, b.view)))
        .collect::<Result<_, _>>()?;
    Ok(bids)
}

fn bid_of(
    conn: &Connection,
    id: &str,
    bid: &str,
    credit_code: &str,
) -> Result<StoredBid, HallError> {
    conn.query_row(
        &format!(
            "SELECT {BID_COLUMNS} FROM hall_bids
             WHERE id = ?1 AND project_id = ?2 AND credit_code = ?3"
        ),
        params![bid, id, credit_code],
        bid_from_row,
    )
    .optional()?
    .ok_or_else(|| HallError::BidNotFound {
        id: id.to_owned(),
        bid: bid.to_owned(),
    })
}

/// `GET .../projects/{id}/bids`.
pub(super) async fn list(
    State(state): State<AppState>,
    session: BoundSession,
    Path(id): Path<String>,
) -> Result<Json<BidList>, Failure> {
    let phone = session.info.phone.clone();
    let result = bidder_project(&state, session, &id).await;
    logged(&id, "bids", result)?;
    let project_id = id.clone();
    let result = state
        .db
        .call(move |conn| {
            let codes = store::phone_credit_codes(conn, &phone)?;
            bids_of(conn, &project_id, &codes)
        })
        .await;
    let bids = logged(&id, "bids", result)?;
    Ok(Json(BidList {
        bids: bids.into_iter().map(|b| b.view).collect(),
    }))
}

/// `POST .../projects/{id}/bids/{bid}/check`.
pub(super) async fn check(
    State(state): State<AppState>,
    session: BoundSession,
    Path((id, bid)): Path<(String, String)>,
    Json(body): Json<CheckRequest>,
) -> Result<Json<DecryptionCheck>, Failure> {
    let session_hash = session.token_hash;
    let result = bidder_project(&state, session, &id).await;
    logged(&id, "check", result)?;
    let now = state.clock.now();
    let ca = state.ca.clone();
    let platform = state.public_base.clone();
    let project_id = id.clone();
    let result = state
        .db
        .call(move |conn| {
            let judge = Judge {
                root: ca.certificate(),
                platform: &platform,
                now,
            };
            let payload = ActionPayload::Check {
                bid_id: bid.clone(),
                envelope_sha256: body.envelope_sha256.clone(),
                recipient: body.recipient.clone(),
            };
            let signer = proof::verify(
                conn,
                &project_id,
                &session_hash,
                &body.proof,
                &payload,
                &judge,
            )?;
            let stored = bid_of(conn, &project_id, &bid, &signer.credit_code)?;
            if stored.view.sha256 != body.envelope_sha256 {
                return Err(HallError::CheckMismatch {
                    reason: format!(
                        "the checked envelope {} is not the stored file {}",
                        body.envelope_sha256, stored.view.sha256
                    ),
                });
            }
            if !stored.view.recipients.contains(&body.recipient) {
                return Err(HallError::CheckMismatch {
                    reason: format!(
                        "the entry {} is not a recipient of the stored file",
                        body.recipient
                    ),
                });
            }
            let serial = signer.cert.serial_hex();
            conn.execute(
                "UPDATE hall_bids SET check_at = ?2, check_serial = ?3, check_recipient = ?4
                 WHERE id = ?1",
                params![bid, now, serial, body.recipient],
            )?;
            Ok(DecryptionCheck {
                bid_id: bid,
                checked_at: now,
                certificate_serial: serial,
                recipient: body.recipient,
            })
        })
        .await;
    let recorded = logged(&id, "check", result)?;
    tracing::info!(project = %id, bid = %recorded.bid_id, "decryption check recorded");
    Ok(Json(recorded))
}

/// Records that a release needs from the database before decrypting.
struct Pending {
    stored: StoredBid,
    opening_key: zeroize::Zeroizing<String>,
    fingerprint: String,
}

/// `POST .../projects/{id}/bids/{bid}/release`.
pub(super) async fn release(
    State(state): State<AppState>,
    session: BoundSession,
    Path((id, bid)): Path<(String, String)>,
    Json(body): Json<ReleaseRequest>,
) -> Result<Json<ReleaseResult>, Failure> {
    // The release runs as a task of its own, so a client that disconnects
    // mid-way cannot drop the request with the bid's lock released while
    // its decryption still writes the output.
    let task = {
        let (state, id, bid) = (state.clone(), id.clone(), bid.clone());
        tokio::spawn(async move { release_inner(&state, session, &id, &bid, body).await })
    };
    let result = task
        .await
        .unwrap_or_else(|e| Err(HallError::Db(crate::db::DbError::Task(e.to_string()))));
    let (released, new) = logged(&id, "release", result)?;
    if new {
        notify(&state);
        tracing::info!(project = %id, bid = %bid, "bid decrypted");
    }
    Ok(Json(released))
}

/// Number of locks the releases of all bids share; a bid's lock is chosen
/// by its id's hash.
const RELEASE_LOCK_STRIPES: usize = 64;

/// Locks that make the key releases of one bid run one at a time: from the
/// check that the bid is not decrypted yet to the recorded quote. Without
/// them, two certificates of one company releasing at the same moment
/// would both decrypt into the same file, and the later one would receive
/// the quote instead of `hall.already_decrypted`. The locks
/// are striped: a fixed set, shared by bids whose ids hash alike, so their
/// memory does not grow with the number of bids. They hold within one
/// platform process, which owns its SQLite database.
pub struct ReleaseLocks {
    stripes: Vec<tokio::sync::Mutex<()>>,
}

impl ReleaseLocks {
    /// Makes the set of locks.
    #[must_use]
    pub fn new() -> Self {
        ReleaseLocks {
            stripes: (0..RELEASE_LOCK_STRIPES)
                .map(|_| tokio::sync::Mutex::new(()))
                .collect(),
        }
    }

    /// Waits for the lock of bid `bid`.
    async fn lock(&self, bid: &str) -> tokio::sync::MutexGuard<'_, ()> {
        use std::hash::{Hash, Hasher};

        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        bid.hash(&mut hasher);
        // The remainder is below the stripe count, so it fits in usize.
        let stripe = usize::try_from(hasher.finish() % RELEASE_LOCK_STRIPES as u64).unwrap_or(0);
        self.stripes[stripe].lock().await
    }
}

impl Default for ReleaseLocks {
    fn default() -> Self {
        Self::new()
    }
}

async fn release_inner(
    state: &AppState,
    session: BoundSession,
    id: &str,
    bid: &str,
    body: ReleaseRequest,
) -> Result<(ReleaseResult, bool), HallError> {
    let _one_at_a_time = state.release_locks.lock(bid).await;
    let session_hash = session.token_hash;
    let project = bidder_project(state, session, id).await?;
    if project.phase != Phase::Decryption {
        return Err(HallError::WrongPhase {
            id: id.to_owned(),
            phase: project.phase,
            needed: Phase::Decryption,
        });
    }

    let now = state.clock.now();
    let ca = state.ca.clone();
    let platform = state.public_base.clone();
    let project_id = id.to_owned();
    let bid_id = bid.to_owned();
    let proof = body.proof.clone();
    let released_key = body.released_key.clone();
    let pending = state
        .db
        .call(move |conn| {
            let judge = Judge {
                root: ca.certificate(),
                platform: &platform,
                now,
            };
            let payload = ActionPayload::Release {
                bid_id: bid_id.clone(),
                released_key,
            };
            let signer = proof::verify(conn, &project_id, &session_hash, &proof, &payload, &judge)?;
            pending_release(conn, &project_id, &bid_id, signer)
        })
        .await?;

    if let Some(quote) = &pending.stored.view.quote {
        if pending.stored.released_by.as_deref() == Some(pending.fingerprint.as_str()) {
            let result = ReleaseResult {
                state: BidState::Decrypted,
                quote: quote.clone(),
            };
            return Ok((result, false));
        }
        return Err(HallError::AlreadyDecrypted {
            bid: bid.to_owned(),
        });
    }

    let dir = bids_dir(state);
    let expected = (
        project.id.clone(),
        pending.stored.view.section,
        pending.stored.credit_code.clone(),
    );
    let file = dir.join(&pending.stored.file);
    let output = dir.join(format!("{bid}.json"));
    let bid_name = bid.to_owned();
    let opening_key = pending.opening_key;
    let released = body.released_key;
    let package = tokio::task::spawn_blocking(move || {
        decrypt(
            &file,
            &output,
            &released,
            &opening_key,
            &bid_name,
            &expected,
        )
    })
    .await
    .map_err(|e| HallError::Db(crate::db::DbError::Task(e.to_string())))??;

    let project_id = id.to_owned();
    let bid_id = bid.to_owned();
    let quote = package.quote.clone();
    let fingerprint = pending.fingerprint;
    let new = state
        .db
        .call(move |conn| record_release(conn, &project_id, &bid_id, &quote, &fingerprint, now))
        .await?;
    Ok((
        ReleaseResult {
            state: BidState::Decrypted,
            quote: package.quote,
        },
        new,
    ))
}

/// Loads what the release of `bid` by `signer` needs; refuses a company
/// that has not signed in.
fn pending_release(
    conn: &Connection,
    id: &str,
    bid: &str,
    signer: proof::Signer,
) -> Result<Pending, HallError> {
    let stored = bid_of(conn, id, bid, &signer.credit_code)?;
    if record(conn, id, &signer.credit_code)?.is_none() {
        return Err(HallError::NotSignedIn {
            id: id.to_owned(),
            credit_code: signer.credit_code,
        });
    }
    Ok(Pending {
        stored,
        opening_key: store::opening_key(conn, id)?,
        fingerprint: signer.cert.fingerprint,
    })
}

/// Records the quote of a decrypted bid and the progress event in one
/// transaction; returns whether this release was the first. Releases of
/// one bid run one at a time ([`ReleaseLocks`]), so the first is the one
/// that decrypted.
fn record_release(
    conn: &mut Connection,
    id: &str,
    bid: &str,
    quote: &Quote,
    fingerprint: &str,
    now: i64,
) -> Result<bool, HallError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let changed = tx.execute(
        "UPDATE hall_bids SET quote = ?2, released_by = ?3, decrypted_at = ?4
         WHERE id = ?1 AND quote IS NULL",
        params![bid, quote.amount, fingerprint, now],
    )?;
    if changed == 1 {
        let progress = progress(&tx, id)?;
        store::append(&tx, id, &progress, now)?;
    }
    tx.commit()?;
    Ok(changed == 1)
}

/// Decrypts `file` into `output` with the released key and reads the
/// package, which must name `expected` (project, section, credit code).
fn decrypt(
    file: &FsPath,
    output: &FsPath,
    released: &str,
    opening_key: &str,
    bid: &str,
    expected: &(String, u32, String),
) -> Result<BidPackage, HallError> {
    let wrong = |reason: String| HallError::WrongKey {
        bid: bid.to_owned(),
        reason,
    };
    let damaged = |reason: String| HallError::DamagedBid {
        bid: bid.to_owned(),
        reason,
    };
    let released = STANDARD
        .decode(released)
        .map_err(|_| wrong("the released key is not base64".to_owned()))?;
    let key = palmbid_core::pki::parse_private_key(opening_key.as_bytes(), None)
        .map_err(|e| HallError::Db(crate::db::DbError::Task(format!("opening key: {e}"))))?;

    // A repeated release after a failed one writes afresh.
    let _ = std::fs::remove_file(output);
    match cms::decrypt_with_released_key(file, output, &released, &key) {
        Ok(_) => {}
        Err(
            err @ (CmsError::InvalidReleasedKey { .. }
            | CmsError::ReleasedToOtherKey { .. }
            | CmsError::KeyUnwrapFailed),
        ) => return Err(wrong(err.to_string())),
        Err(err) => return Err(damaged(err.to_string())),
    }

    let plain = std::fs::read(output).map_err(file_error(output))?;
    let package = BidPackage::from_json(&plain);
    let package = match package {
        Ok(package)
            if package.project_id == expected.0
                && package.section == expected.1
                && package.credit_code == expected.2 =>
        {
            package
        }
        Ok(package) => {
            let _ = std::fs::remove_file(output);
            return Err(damaged(format!(
                "the package names project {}, section {}, company {}",
                package.project_id, package.section, package.credit_code
            )));
        }
        Err(err) => {
            let _ = std::fs::remove_file(output);
            return Err(damaged(err.to_string()));
        }
    };
    Ok(package)
}
