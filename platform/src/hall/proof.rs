//! Bidder action proofs: one-use nonces and the check of a signed action
//! (`palmbid_core::api::hall::action_message`).
//!
//! The certificate checks are the QR answer's ([`crate::qr::verify::trusted`]):
//! chain to the platform root, signing key usage, validity by the server
//! clock, not revoked. On top, the certificate must be one this platform
//! issued (found among its orders), and its company a bidder of the
//! project.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use palmbid_core::api::hall::{
    ActionContext, ActionPayload, ActionProof, HALL_NONCE_SECS, HallNonce, action_message,
};
use palmbid_core::pki::{self, CertInfo};
use rand_core::{OsRng, RngCore};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::HallError;
use crate::ca::revocation;
use crate::qr::QrError;
use crate::qr::verify::{Judge, trusted};

/// Seconds a signing time may lie before the nonce was issued or after
/// the server's now, as for QR answers.
const SIGNED_AT_SLACK_SECS: i64 = 60;

/// The verified signer of an action.
#[derive(Debug, Clone)]
pub(crate) struct Signer {
    /// The signing certificate.
    pub(crate) cert: CertInfo,
    /// Its company's name, from the platform's order.
    pub(crate) company: String,
    /// Its company's credit code, from the platform's order.
    pub(crate) credit_code: String,
}

/// Issues a nonce for `session_hash` and project `id`.
///
/// # Errors
/// [`HallError::Db`].
pub(crate) fn issue_nonce(
    conn: &Connection,
    id: &str,
    session_hash: &[u8; 32],
    now: i64,
) -> Result<HallNonce, HallError> {
    let mut bytes = [0_u8; 16];
    OsRng.fill_bytes(&mut bytes);
    let nonce = hex::encode(bytes);
    let expires_at = now + HALL_NONCE_SECS;
    conn.execute(
        "DELETE FROM hall_nonces WHERE expires_at < ?1",
        [now - HALL_NONCE_SECS],
    )?;
    conn.execute(
        "INSERT INTO hall_nonces (nonce, project_id, session_hash, expires_at)
         VALUES (?1, ?2, ?3, ?4)",
        params![nonce, id, session_hash.as_slice(), expires_at],
    )?;
    Ok(HallNonce { nonce, expires_at })
}

/// Spends the proof's nonce; returns when it was issued. Runs on its own,
/// outside the action's transaction, so a failed action spends it too.
fn spend_nonce(
    conn: &Connection,
    id: &str,
    session_hash: &[u8; 32],
    nonce: &str,
    now: i64,
) -> Result<i64, HallError> {
    let row: Option<(String, Vec<u8>, i64, bool)> = conn
        .query_row(
            "SELECT project_id, session_hash, expires_at, used FROM hall_nonces WHERE nonce = ?1",
            [nonce],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )
        .optional()?;
    let Some((project, session, expires_at, used)) = row else {
        return Err(HallError::NonceInvalid { reason: "unknown" });
    };
    if project != id || session != session_hash.as_slice() {
        return Err(HallError::NonceInvalid {
            reason: "issued for another session or project",
        });
    }
    if used {
        return Err(HallError::NonceInvalid {
            reason: "already used",
        });
    }
    if now > expires_at {
        return Err(HallError::NonceInvalid { reason: "expired" });
    }
    let changed = conn.execute(
        "UPDATE hall_nonces SET used = 1 WHERE nonce = ?1 AND used = 0",
        [nonce],
    )?;
    if changed != 1 {
        return Err(HallError::NonceInvalid {
            reason: "already used",
        });
    }
    Ok(expires_at - HALL_NONCE_SECS)
}

fn from_qr(err: QrError) -> HallError {
    match err {
        QrError::CertificateRevoked { fingerprint } => {
            HallError::CertificateRevoked { fingerprint }
        }
        QrError::Db(db) => HallError::Db(db),
        other => HallError::CertificateUntrusted {
            reason: other.to_string(),
        },
    }
}

/// Checks `proof` of `payload` on project `id` for the session
/// `session_hash`, as the module doc describes; returns the signer.
///
/// # Errors
/// [`HallError::NonceInvalid`], [`HallError::ProofInvalid`],
/// [`HallError::CertificateUntrusted`], [`HallError::CertificateRevoked`],
/// [`HallError::NotABidder`], [`HallError::Db`].
pub(crate) fn verify(
    conn: &Connection,
    id: &str,
    session_hash: &[u8; 32],
    proof: &ActionProof,
    payload: &ActionPayload,
    judge: &Judge<'_>,
) -> Result<Signer, HallError> {
    let issued_at = spend_nonce(conn, id, session_hash, &proof.nonce, judge.now)?;

    let invalid = |reason: String| HallError::ProofInvalid { reason };
    let der = STANDARD
        .decode(&proof.certificate)
        .map_err(|_| invalid("the certificate is not base64".to_owned()))?;
    let cert = CertInfo::from_der(&der, "proof certificate").map_err(|e| invalid(e.to_string()))?;
    trusted(conn, &cert, pki::KeyRole::Signing, judge).map_err(from_qr)?;

    if proof.signed_at < issued_at - SIGNED_AT_SLACK_SECS
        || proof.signed_at > judge.now + SIGNED_AT_SLACK_SECS
    {
        return Err(invalid(format!(
            "the signing time {} is outside the nonce's life ({issued_at} to {})",
            proof.signed_at, judge.now
        )));
    }
    let message = action_message(
        &ActionContext {
            platform: judge.platform,
            project_id: id,
            nonce: &proof.nonce,
            signed_at: proof.signed_at,
        },
        payload,
    );
    let signature = STANDARD
        .decode(&proof.signature)
        .map_err(|_| invalid("the signature is not base64".to_owned()))?;
    let verified = pki::verify_ecdsa_prehash(&cert.spki_der, &Sha256::digest(&message), &signature)
        .map_err(|e| invalid(e.to_string()))?;
    if !verified {
        return Err(invalid(format!(
            "the signature does not cover the {} action on this project",
            payload.name()
        )));
    }

    let Some((_, company, credit_code)) = revocation::holder(conn, &cert.fingerprint)? else {
        return Err(HallError::CertificateUntrusted {
            reason: "this platform did not issue the certificate".to_owned(),
        });
    };
    let bidder: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM hall_bidders WHERE project_id = ?1 AND credit_code = ?2 LIMIT 1",
            params![id, credit_code],
            |row| row.get(0),
        )
        .optional()?;
    if bidder.is_none() {
        return Err(HallError::NotABidder { id: id.to_owned() });
    }
    Ok(Signer {
        cert,
        company,
        credit_code,
    })
}
