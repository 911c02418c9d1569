//! Schema migrations of the platform database, keyed on
//! `PRAGMA user_version`.
//!
//! Append-only: entry `i` takes the file from version `i` to `i + 1`, in
//! one immediate transaction that also records the new version.

use rusqlite::{Connection, TransactionBehavior};

use super::DbError;

/// Version 1: accounts, SMS codes, consents and sessions.
///
/// Secrets are stored as SHA-256 digests: `sms_codes.code_hash` over the
/// phone number and the code, `sessions.token_hash` over the token. A
/// database leak then yields no usable session token.
const V1: &str = "
CREATE TABLE accounts (
    phone             TEXT    PRIMARY KEY,
    created_at        INTEGER NOT NULL,
    agreement_version TEXT    NOT NULL,
    privacy_version   TEXT    NOT NULL,
    accepted_at       INTEGER NOT NULL
);

CREATE TABLE sms_codes (
    phone      TEXT    PRIMARY KEY,
    code_hash  BLOB    NOT NULL,
    sent_at    INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    tries      INTEGER NOT NULL DEFAULT 0 CHECK (tries >= 0),
    used       INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1))
);

CREATE TABLE consents (
    id                INTEGER PRIMARY KEY,
    phone             TEXT    NOT NULL REFERENCES accounts (phone),
    agreement_version TEXT    NOT NULL,
    privacy_version   TEXT    NOT NULL,
    accepted_at       INTEGER NOT NULL,
    user_agent        TEXT
);

CREATE TABLE sessions (
    token_hash BLOB    PRIMARY KEY,
    phone      TEXT    NOT NULL REFERENCES accounts (phone),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
);
CREATE INDEX sessions_by_phone ON sessions (phone);
";

/// Version 2: identity verification codes and cases. The video itself is
/// a file under `{data}/identity/`, named by the case id; the row keeps its
/// SHA-256 and size.
const V2: &str = "
CREATE TABLE identity_codes (
    phone      TEXT    PRIMARY KEY REFERENCES accounts (phone),
    code       TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE identity_cases (
    id           TEXT    PRIMARY KEY,
    phone        TEXT    NOT NULL REFERENCES accounts (phone),
    name         TEXT    NOT NULL,
    id_number    TEXT    NOT NULL,
    video_sha256 TEXT    NOT NULL,
    video_bytes  INTEGER NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),
    reason       TEXT,
    submitted_at INTEGER NOT NULL,
    decided_at   INTEGER
);
CREATE INDEX identity_cases_by_phone ON identity_cases (phone, submitted_at);
";

/// Version 3: CA orders, the certificates issued for them, and the entity
/// registry (主体库).
///
/// `orders.pickup_id` is the capability in the pickup QR code;
/// `orders.id` names the order on the console. `order_certs.key_sha256`
/// (SHA-256 of the certified public key) is unique across orders, so one
/// key is never certified twice.
const V3: &str = "
CREATE TABLE orders (
    id           TEXT    PRIMARY KEY,
    pickup_id    TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    phone        TEXT    NOT NULL,
    company      TEXT    NOT NULL,
    credit_code  TEXT    NOT NULL,
    seals        TEXT    NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN
                     ('pending', 'approved', 'rejected', 'picked_up', 'issued')),
    reason       TEXT,
    created_at   INTEGER NOT NULL,
    decided_at   INTEGER,
    picked_up_at INTEGER,
    issued_at    INTEGER
);

CREATE TABLE order_certs (
    order_id    TEXT    NOT NULL REFERENCES orders (id),
    role        TEXT    NOT NULL CHECK (role IN ('signing', 'encryption')),
    key_sha256  TEXT    NOT NULL UNIQUE,
    fingerprint TEXT    NOT NULL,
    der         BLOB    NOT NULL,
    PRIMARY KEY (order_id, role)
);

CREATE TABLE registry (
    credit_code TEXT    PRIMARY KEY,
    company     TEXT    NOT NULL,
    added_at    INTEGER NOT NULL
);
";

/// Version 4: QR requests (扫码登录/签名/盖章/加解密), revoked certificates
/// and portal browser sessions.
///
/// `qr_requests.frame_key` is the per-request HMAC key of the rotating QR
/// frames; it never leaves the platform. A seal request also keeps the
/// phone's seal choice (`seal_*`, `signer_name`, counted by `seal_count`)
/// and the desktop's digest of the revision prepared with it (`digest_*`). Tokens are stored as SHA-256
/// digests: `desktop_token_hash` (the desktop's secret),
/// `session_token_hash` (the phone session that scanned the request) and
/// `portal_sessions.token_hash` (the browser cookie). `answer` is the
/// accepted answer as JSON; a decryption answer holds only the key
/// wrapped to the requester, never a content key in clear.
const V4: &str = "
CREATE TABLE qr_requests (
    id                 TEXT    PRIMARY KEY,
    kind               TEXT    NOT NULL CHECK (kind IN
                           ('login', 'sign', 'seal', 'encryption_certificate', 'decrypt')),
    requester_kind     TEXT    NOT NULL CHECK (requester_kind IN ('portal', 'toolbox')),
    requester_name     TEXT    NOT NULL,
    machine            TEXT    NOT NULL,
    address            TEXT    NOT NULL,
    document_name      TEXT,
    document_sha256    TEXT,
    document_size      INTEGER,
    recipient_key      TEXT,
    envelope_header    TEXT,
    nonce              TEXT    NOT NULL,
    frame_key          BLOB    NOT NULL,
    desktop_token_hash BLOB    NOT NULL,
    match_number       INTEGER,
    number_choices     TEXT,
    seal_kind          TEXT,
    seal_png           TEXT,
    signer_name        TEXT,
    seal_count         INTEGER NOT NULL DEFAULT 0,
    digest_sha256      TEXT,
    digest_seal        TEXT,
    state              TEXT    NOT NULL CHECK (state IN
                           ('waiting', 'scanned', 'matched', 'answered', 'cancelled', 'expired')),
    reason             TEXT,
    reason_zh          TEXT,
    session_token_hash BLOB,
    phone              TEXT,
    created_at         INTEGER NOT NULL,
    scanned_at         INTEGER,
    answered_at        INTEGER,
    answer             TEXT
);
CREATE INDEX qr_requests_by_address ON qr_requests (address, state, created_at);

CREATE TABLE revocations (
    fingerprint TEXT    PRIMARY KEY,
    serial      TEXT    NOT NULL,
    revoked_at  INTEGER NOT NULL,
    reason      TEXT    NOT NULL
);

CREATE TABLE portal_sessions (
    token_hash  BLOB    PRIMARY KEY,
    request_id  TEXT    NOT NULL UNIQUE REFERENCES qr_requests (id),
    company     TEXT    NOT NULL,
    credit_code TEXT    NOT NULL,
    holder      TEXT    NOT NULL,
    fingerprint TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    ended_at    INTEGER
);
";

/// Version 5: the bid-opening hall: projects, their sections and bidders,
/// and each project's event log.
///
/// `hall_projects.phase` is the phase last recorded; sign-in is recorded
/// lazily once the server clock reaches one hour before `opening_at`.
/// `hall_events.seq` counts from 1 per project without gaps (the SSE id);
/// `body` is the event's kind-specific JSON.
///
/// Bidder actions: `hall_projects.opening_cert` (DER) and `opening_key`
/// (PKCS#8 PEM) are the project's opening key pair, made at creation; the
/// key never leaves the platform. `hall_nonces` are one-use action nonces
/// bound to a session digest and a project. `hall_sign_ins` has one row a
/// company and project. `hall_bids` has one row a company, project and
/// section, replaced on re-upload; `file` names the envelope under
/// `{data}/bids`, `recipients` is a JSON array of strings, `quote` is set
/// once decrypted by the certificate `released_by`, and `check_*` is the
/// last decryption check.
const V5: &str = "
CREATE TABLE hall_projects (
    id         TEXT    PRIMARY KEY,
    name       TEXT    NOT NULL,
    opening_at INTEGER NOT NULL,
    phase      TEXT    NOT NULL CHECK (phase IN ('not_open', 'sign_in', 'decryption',
                   'quote_reading', 'quote_confirmation', 'evaluation', 'closed')),
    created_at INTEGER NOT NULL,
    opening_cert BLOB  NOT NULL,
    opening_key  TEXT  NOT NULL
);

CREATE TABLE hall_sections (
    project_id TEXT    NOT NULL REFERENCES hall_projects (id),
    position   INTEGER NOT NULL CHECK (position >= 1),
    name       TEXT    NOT NULL,
    PRIMARY KEY (project_id, position)
);

CREATE TABLE hall_bidders (
    project_id  TEXT    NOT NULL,
    section     INTEGER NOT NULL,
    credit_code TEXT    NOT NULL,
    company     TEXT    NOT NULL,
    PRIMARY KEY (project_id, section, credit_code),
    FOREIGN KEY (project_id, section) REFERENCES hall_sections (project_id, position)
);
CREATE INDEX hall_bidders_by_code ON hall_bidders (credit_code);

CREATE TABLE hall_events (
    project_id TEXT    NOT NULL REFERENCES hall_projects (id),
    seq        INTEGER NOT NULL CHECK (seq >= 1),
    kind       TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    at         INTEGER NOT NULL,
    PRIMARY KEY (project_id, seq)
);

CREATE TABLE hall_nonces (
    nonce        TEXT    PRIMARY KEY,
    project_id   TEXT    NOT NULL REFERENCES hall_projects (id),
    session_hash BLOB    NOT NULL,
    expires_at   INTEGER NOT NULL,
    used         INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE hall_sign_ins (
    project_id   TEXT    NOT NULL REFERENCES hall_projects (id),
    credit_code  TEXT    NOT NULL,
    company      TEXT    NOT NULL,
    fingerprint  TEXT    NOT NULL,
    cert_serial  TEXT    NOT NULL,
    signed_at    INTEGER NOT NULL,
    signed_in_at INTEGER NOT NULL,
    receipt_id   TEXT    NOT NULL UNIQUE,
    PRIMARY KEY (project_id, credit_code)
);

CREATE TABLE hall_bids (
    id              TEXT    PRIMARY KEY,
    project_id      TEXT    NOT NULL REFERENCES hall_projects (id),
    section         INTEGER NOT NULL,
    credit_code     TEXT    NOT NULL,
    file            TEXT    NOT NULL,
    sha256          TEXT    NOT NULL,
    size            INTEGER NOT NULL,
    header          BLOB    NOT NULL,
    recipients      TEXT    NOT NULL,
    uploaded_at     INTEGER NOT NULL,
    quote           TEXT,
    released_by     TEXT,
    decrypted_at    INTEGER,
    check_at        INTEGER,
    check_serial    TEXT,
    check_recipient TEXT,
    UNIQUE (project_id, section, credit_code)
);

CREATE INDEX qr_requests_by_desktop_token ON qr_requests (desktop_token_hash);
";

/// Version 6: electronic bid guarantees. A hall project may require a
/// guarantee; each bidder and section gets one guarantee code, whose row
/// also holds the guarantee's state and, once issued, its signed PDF; the
/// catalogue of institutions with the certificate that signs their
/// callbacks and documents; and the callback ids seen, so a replayed
/// callback is refused. Fee rates are in basis points (1 = 0.01 %).
const V6: &str = "
ALTER TABLE hall_projects ADD COLUMN requires_guarantee INTEGER NOT NULL DEFAULT 0
    CHECK (requires_guarantee IN (0, 1));

CREATE TABLE guarantee_institutions (
    id          TEXT    PRIMARY KEY,
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('bank', 'insurer', 'guarantor')),
    fee_rate_bp INTEGER NOT NULL CHECK (fee_rate_bp >= 0),
    apply_url   TEXT    NOT NULL,
    certificate BLOB    NOT NULL,
    development INTEGER NOT NULL CHECK (development IN (0, 1))
);

CREATE TABLE guarantee_codes (
    code         TEXT    PRIMARY KEY,
    project_id   TEXT    NOT NULL,
    section      INTEGER NOT NULL,
    credit_code  TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    state        TEXT    NOT NULL DEFAULT 'none'
                 CHECK (state IN ('none', 'applied', 'issued', 'rejected', 'cancelled')),
    institution  TEXT    REFERENCES guarantee_institutions (id),
    guarantee_no TEXT,
    reason       TEXT,
    document     BLOB,
    updated_at   INTEGER,
    UNIQUE (project_id, section, credit_code),
    FOREIGN KEY (project_id, section) REFERENCES hall_sections (project_id, position)
);

CREATE TABLE guarantee_callbacks (
    institution TEXT    NOT NULL,
    callback_id TEXT    NOT NULL,
    code        TEXT    NOT NULL,
    event       TEXT    NOT NULL,
    received_at INTEGER NOT NULL,
    PRIMARY KEY (institution, callback_id)
);
";

/// Version 7: project details, quote confirmations and challenges. The
/// details the agent enters are optional columns of `hall_projects`.
/// `hall_confirmations` has one row a confirmed bid, with the amount
/// confirmed and the signing certificate. `hall_challenges` has one row a
/// challenge; `attachments` is a JSON array of
/// `palmbid_core::api::hall::challenges::ChallengeAttachment`, whose
/// contents lie under `{data}/challenges/{id}/`; `answer` and
/// `answered_at` are set once, by the agent.
const V7: &str = "
ALTER TABLE hall_projects ADD COLUMN code TEXT;
ALTER TABLE hall_projects ADD COLUMN tenderer TEXT;
ALTER TABLE hall_projects ADD COLUMN agent TEXT;
ALTER TABLE hall_projects ADD COLUMN place TEXT;
ALTER TABLE hall_projects ADD COLUMN notes TEXT;

CREATE TABLE hall_confirmations (
    bid_id       TEXT    PRIMARY KEY,
    project_id   TEXT    NOT NULL REFERENCES hall_projects (id),
    section      INTEGER NOT NULL,
    credit_code  TEXT    NOT NULL,
    company      TEXT    NOT NULL,
    amount       TEXT    NOT NULL,
    fingerprint  TEXT    NOT NULL,
    cert_serial  TEXT    NOT NULL,
    signed_at    INTEGER NOT NULL,
    confirmed_at INTEGER NOT NULL
);
CREATE INDEX hall_confirmations_by_project ON hall_confirmations (project_id);

CREATE TABLE hall_challenges (
    id           TEXT    PRIMARY KEY,
    project_id   TEXT    NOT NULL REFERENCES hall_projects (id),
    credit_code  TEXT    NOT NULL,
    company      TEXT    NOT NULL,
    fingerprint  TEXT    NOT NULL,
    cert_serial  TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    attachments  TEXT    NOT NULL,
    signed_at    INTEGER NOT NULL,
    submitted_at INTEGER NOT NULL,
    answer       TEXT,
    answered_at  INTEGER,
    CHECK ((answer IS NULL) = (answered_at IS NULL))
);
CREATE INDEX hall_challenges_by_project ON hall_challenges (project_id, credit_code);
";

/// Version 8: quote rounds (多轮报价) and coefficient draws (抽系数) of the hall's
/// evaluation phase. A draw's seed is kept in clear until the reveal, like
/// the opening keys (see `hall` module doc).
const V8: &str = "
CREATE TABLE hall_rounds (
    project_id TEXT    NOT NULL REFERENCES hall_projects (id),
    section    INTEGER NOT NULL,
    round      INTEGER NOT NULL CHECK (round >= 1),
    opened_at  INTEGER NOT NULL,
    deadline   INTEGER,
    closed_at  INTEGER,
    PRIMARY KEY (project_id, section, round),
    FOREIGN KEY (project_id, section) REFERENCES hall_sections (project_id, position)
);

CREATE TABLE hall_round_quotes (
    project_id   TEXT    NOT NULL,
    section      INTEGER NOT NULL,
    round        INTEGER NOT NULL,
    credit_code  TEXT    NOT NULL,
    company      TEXT    NOT NULL,
    amount       TEXT    NOT NULL,
    cert_serial  TEXT    NOT NULL,
    signed_at    INTEGER NOT NULL,
    submitted_at INTEGER NOT NULL,
    PRIMARY KEY (project_id, section, round, credit_code),
    FOREIGN KEY (project_id, section, round) REFERENCES hall_rounds (project_id, section, round)
);

CREATE TABLE hall_draws (
    project_id TEXT    NOT NULL REFERENCES hall_projects (id),
    draw       INTEGER NOT NULL CHECK (draw >= 1),
    candidates TEXT    NOT NULL,
    seed       BLOB    NOT NULL,
    commitment TEXT    NOT NULL,
    opened_at  INTEGER NOT NULL,
    closed_at  INTEGER,
    result     INTEGER,
    PRIMARY KEY (project_id, draw)
);

CREATE TABLE hall_draw_contributions (
    project_id     TEXT    NOT NULL,
    draw           INTEGER NOT NULL,
    credit_code    TEXT    NOT NULL,
    value          TEXT    NOT NULL,
    cert_serial    TEXT    NOT NULL,
    signed_at      INTEGER NOT NULL,
    contributed_at INTEGER NOT NULL,
    PRIMARY KEY (project_id, draw, credit_code),
    FOREIGN KEY (project_id, draw) REFERENCES hall_draws (project_id, draw)
);
";

/// Version 9: the judgement of the device attestation chain a phone sent
/// with its pickup (`ca::attestation::Attestation` as JSON), NULL until
/// the first pickup request of the order.
const V9: &str = "
ALTER TABLE orders ADD COLUMN attestation TEXT;
";

const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5, V6, V7, V8, V9];

/// The schema version this build writes.
#[allow(clippy::cast_possible_truncation, reason = "a handful of migrations")]
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

fn user_version(conn: &Connection) -> Result<u32, DbError> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    u32::try_from(version).map_err(|_| DbError::TooNew {
        found: version,
        supported: SCHEMA_VERSION,
    })
}

pub(super) fn migrate(conn: &mut Connection) -> Result<(), DbError> {
    let found = user_version(conn)?;
    if found > SCHEMA_VERSION {
        return Err(DbError::TooNew {
            found: i64::from(found),
            supported: SCHEMA_VERSION,
        });
    }

    for (from, sql) in (found..).zip(MIGRATIONS.iter().skip(found as usize)) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        if user_version(&tx)? != from {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", from + 1)?;
        tx.commit()?;
        tracing::info!(from, to = from + 1, "platform database migrated");
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn migrates_once_and_refuses_newer() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("p.sqlite3")).unwrap();

        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        assert_eq!(user_version(&conn).unwrap(), SCHEMA_VERSION);

        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
        assert!(matches!(
            migrate(&mut conn),
            Err(DbError::TooNew { supported, .. }) if supported == SCHEMA_VERSION
        ));
    }
}
