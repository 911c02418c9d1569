//! Verification of a phone's answer before the relay accepts it.
//!
//! In order, each failure with its own code:
//! 1. the nonce and the payload's kind are the request's
//!    (`qr.answer_invalid`);
//! 2. the signing certificate chains to the platform root and has the
//!    signing key usage (`qr.certificate_untrusted`; a certificate of
//!    another CA under the same names fails its signature check), is valid
//!    by the server clock (`qr.certificate_expired`) and not revoked
//!    (`qr.certificate_revoked`);
//! 3. the ECDSA P-256 signature verifies over
//!    `palmbid_core::api::qr::answer_message` rebuilt from the platform's
//!    own record with `platform` = the public base address
//!    (`qr.signature_invalid`);
//! 4. the payload: sign carries a detached CMS that verifies over the
//!    document digest to the root and is signed by the answering
//!    certificate; seal likewise over the digest the desktop prepared with
//!    the chosen seal, with that seal's PNG (`qr.seal_not_chosen`,
//!    `qr.digest_pending` before them); an encryption certificate chains to the
//!    root with keyAgreement and the signing certificate's subject; a
//!    released key is a `KeyAgreeRecipientInfo` addressed to the request's
//!    recipient key ([`super::released`]).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use palmbid_core::api::qr::{AnswerContext, AnswerPayload, QrAnswer, answer_message};
use palmbid_core::pki::{self, CertInfo, DEFAULT_MAX_DEPTH, PkiError};
use rusqlite::Connection;
use sha2::{Digest, Sha256};

use super::QrError;
use super::released::check_released_key;
use super::store::QrRecord;
use crate::ca::revocation;

/// What answer verification judges against.
pub(crate) struct Judge<'a> {
    /// The platform's root certificate, the only trust anchor.
    pub(crate) root: &'a CertInfo,
    /// The platform's public base address, as bound in the message.
    pub(crate) platform: &'a str,
    /// Server time, Unix seconds.
    pub(crate) now: i64,
}

/// Seconds a signing time may lie before the request's creation or after
/// the server's now: the phone's estimate of server time is that close.
const SIGNED_AT_SLACK_SECS: i64 = 60;

fn invalid(reason: impl Into<String>) -> QrError {
    QrError::AnswerInvalid {
        reason: reason.into(),
    }
}

fn decode(field: &str, text: &str) -> Result<Vec<u8>, QrError> {
    STANDARD
        .decode(text)
        .map_err(|_| invalid(format!("{field} is not base64")))
}

/// Checks `answer` against `record` as described in the module doc.
///
/// # Errors
/// [`QrError::AnswerInvalid`], [`QrError::CertificateUntrusted`],
/// [`QrError::CertificateExpired`], [`QrError::CertificateRevoked`],
/// [`QrError::SignatureInvalid`], [`QrError::Db`].
pub(crate) fn verify_answer(
    conn: &Connection,
    record: &QrRecord,
    answer: &QrAnswer,
    judge: &Judge<'_>,
) -> Result<(), QrError> {
    if answer.nonce != record.nonce {
        return Err(invalid("the nonce is not the request's"));
    }
    if answer.payload.kind() != record.kind {
        return Err(invalid(format!(
            "a {} answer to a {} request",
            answer.payload.kind().as_str(),
            record.kind.as_str()
        )));
    }

    let der = decode("certificate", &answer.certificate)?;
    let signer =
        CertInfo::from_der(&der, "answering certificate").map_err(|e| invalid(e.to_string()))?;
    trusted(conn, &signer, pki::KeyRole::Signing, judge)?;

    // The phone signs at the server time it keeps, so a signing time
    // outside the request's life (with a minute of slack for the phone's
    // estimate) is a forged or replayed answer.
    if answer.signed_at < record.created_at - SIGNED_AT_SLACK_SECS
        || answer.signed_at > judge.now + SIGNED_AT_SLACK_SECS
    {
        return Err(invalid(format!(
            "the signing time {} is outside the request's life ({} to {})",
            answer.signed_at, record.created_at, judge.now
        )));
    }
    let view = record.view();
    let context = AnswerContext {
        platform: judge.platform,
        request: &view,
        signed_at: answer.signed_at,
    };
    let message = answer_message(&context, &answer.payload);
    let signature = decode("signature", &answer.signature)?;
    let verified =
        pki::verify_ecdsa_prehash(&signer.spki_der, &Sha256::digest(&message), &signature)
            .map_err(|e| QrError::CertificateUntrusted {
                reason: e.to_string(),
            })?;
    if !verified {
        return Err(QrError::SignatureInvalid {
            reason: "the answer's signature does not cover this request as the platform holds it"
                .to_owned(),
        });
    }

    check_payload(conn, record, &answer.payload, &signer, judge)
}

/// Checks that the certificate chains to the root, has `role`'s key
/// usage, is valid now and is not revoked.
pub(crate) fn trusted(
    conn: &Connection,
    cert: &CertInfo,
    role: pki::KeyRole,
    judge: &Judge<'_>,
) -> Result<(), QrError> {
    let untrusted = |reason: String| QrError::CertificateUntrusted { reason };
    if let Err(e) = pki::check_validity(cert, judge.now) {
        return Err(QrError::CertificateExpired {
            detail: e.to_string(),
        });
    }
    // Validity was checked above, so a chain failure here is about trust.
    pki::verify_chain(
        cert,
        &[],
        std::slice::from_ref(judge.root),
        judge.now,
        DEFAULT_MAX_DEPTH,
    )
    .map_err(|e: PkiError| untrusted(e.to_string()))?;
    let usage = cert.key_usage;
    let fits = match role {
        pki::KeyRole::Signing => usage.digital_signature || usage.non_repudiation,
        pki::KeyRole::Encryption => usage.key_agreement,
    };
    if !usage.present || !fits || cert.is_ca {
        return Err(untrusted(format!(
            "it is not a {} certificate",
            role.as_str()
        )));
    }
    if revocation::is_revoked(conn, &cert.fingerprint)? {
        return Err(QrError::CertificateRevoked {
            fingerprint: cert.fingerprint.clone(),
        });
    }
    Ok(())
}

fn check_payload(
    conn: &Connection,
    record: &QrRecord,
    payload: &AnswerPayload,
    signer: &CertInfo,
    judge: &Judge<'_>,
) -> Result<(), QrError> {
    match payload {
        AnswerPayload::Login => Ok(()),
        AnswerPayload::Sign { cms } => {
            let digest = record
                .document
                .as_ref()
                .map(|d| d.sha256.as_str())
                .ok_or_else(|| invalid("the request has no document digest"))?;
            check_cms(cms, digest, signer, judge)
        }
        AnswerPayload::Seal {
            cms,
            seal,
            seal_png,
        } => {
            let digest = record.current_digest()?;
            let chosen = record
                .seal_choice
                .as_ref()
                .ok_or(QrError::SealNotChosen { what: "a seal" })?;
            if *seal != chosen.seal || *seal_png != chosen.seal_png {
                return Err(invalid("the seal is not the one chosen on the phone"));
            }
            check_cms(cms, &digest.sha256, signer, judge)?;
            let png = decode("seal_png", seal_png)?;
            png::Decoder::new(std::io::Cursor::new(png))
                .read_info()
                .map_err(|e| invalid(format!("the seal image is not a PNG ({e})")))?;
            Ok(())
        }
        AnswerPayload::EncryptionCertificate { certificate } => {
            let der = decode("certificate", certificate)?;
            let encryption = CertInfo::from_der(&der, "encryption certificate")
                .map_err(|e| invalid(e.to_string()))?;
            trusted(conn, &encryption, pki::KeyRole::Encryption, judge)?;
            if encryption.subject_der != signer.subject_der {
                return Err(invalid(
                    "the encryption certificate is of another holder than the signing certificate",
                ));
            }
            Ok(())
        }
        AnswerPayload::Decrypt { released_key } => {
            let released = decode("released_key", released_key)?;
            let recipient = record
                .recipient_key
                .as_deref()
                .map(|key| decode("recipient_key", key))
                .transpose()?
                .ok_or_else(|| invalid("the request has no recipient key"))?;
            check_released_key(&released, &recipient).map_err(invalid)
        }
    }
}

/// Checks a detached CMS over `digest_hex` (the document's digest, or
/// for a seal the prepared revision's), signed by `signer`.
fn check_cms(
    cms: &str,
    digest_hex: &str,
    signer: &CertInfo,
    judge: &Judge<'_>,
) -> Result<(), QrError> {
    let der = decode("cms", cms)?;
    let digest: [u8; 32] = hex::decode(digest_hex)
        .ok()
        .and_then(|d| d.try_into().ok())
        .ok_or_else(|| invalid("the digest to sign is not SHA-256 hex"))?;
    let verified = palmbid_core::cms::verify_detached_digest(
        &der,
        &digest,
        std::slice::from_ref(judge.root),
        judge.now,
    )
    .map_err(|e| QrError::SignatureInvalid {
        reason: format!("the CMS signature does not verify over the digest to sign ({e})"),
    })?;
    if verified.signer.fingerprint != signer.fingerprint {
        return Err(invalid(
            "the CMS signature is made by another certificate than the answer's",
        ));
    }
    Ok(())
}
