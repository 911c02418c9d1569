//! Building the signed answer of a QR request.
//!
//! A signing request signs the document digest it names; a seal request
//! signs the digest of the revision the desktop prepared with the chosen
//! seal, fetched before (see [`super::answer`]).
//!
//! The PIN unlocks the signing key (the encryption key too, to release a
//! content key); the payload is made by kind; then the signing key signs
//! [`answer_message`] over the request as the phone saw it. Private keys
//! are dropped (and zeroized) when the function returns.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{DerSignature, SigningKey};

use super::{QrError, ScannedRequest, seal_image};
use crate::api::pickup::SealKind;
use crate::api::qr::{AnswerContext, AnswerPayload, QrAnswer, QrKind, answer_message};
use crate::cms;
use crate::keystore::{KeyOperation, KeyUse, Keystore, Pin};

/// What the user chose on the confirm screen besides the PIN.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AnswerChoice {
    /// Seal requests: the seal to apply.
    pub seal: Option<SealKind>,
}

/// Makes the answer of `scanned`, signed at `now` (server clock).
pub(super) fn build(
    keystore: &Keystore,
    scanned: &ScannedRequest,
    choice: AnswerChoice,
    pin: &Pin,
    now: i64,
    signing_digest: Option<[u8; 32]>,
) -> Result<QrAnswer, QrError> {
    let view = &scanned.view;
    let signer = &scanned.signer;

    // Checks that need no key come first, so a mistake costs no PIN try.
    let seal = match view.kind {
        QrKind::Seal => Some(seal_image(&scanned.seals, choice.seal)?),
        _ => None,
    };
    let digest = match view.kind {
        QrKind::Sign => Some(document_digest(scanned)?),
        QrKind::Seal => signing_digest,
        _ => None,
    };

    let key = keystore.unlock(&signer.key_id, pin, &usage(scanned))?;
    let payload = match view.kind {
        QrKind::Login => AnswerPayload::Login,
        QrKind::Sign => {
            let digest = digest.ok_or(QrError::RequestIncomplete { field: "document" })?;
            let der =
                cms::sign_detached_digest(&digest, key.secret(), &signer.cert, &signer.chain, now)?;
            AnswerPayload::Sign {
                cms: STANDARD.encode(der),
            }
        }
        QrKind::Seal => {
            let digest = digest.ok_or(QrError::RequestIncomplete { field: "document" })?;
            let seal = seal.ok_or(QrError::RequestIncomplete { field: "seal" })?;
            // PAdES B-B: no signingTime attribute; the PDF's /M carries the time.
            let der = cms::sign_detached_digest_pades(
                &digest,
                key.secret(),
                &signer.cert,
                &signer.chain,
            )?;
            AnswerPayload::Seal {
                cms: STANDARD.encode(der),
                seal: seal.kind,
                seal_png: seal.png_base64.clone(),
            }
        }
        QrKind::EncryptionCertificate => AnswerPayload::EncryptionCertificate {
            certificate: STANDARD.encode(&encryption_record(scanned)?.cert.der),
        },
        QrKind::Decrypt => release(keystore, scanned, pin)?,
    };

    let context = AnswerContext {
        platform: scanned.platform.base_url.as_str(),
        request: view,
        signed_at: now,
    };
    let message = answer_message(&context, &payload);
    let signature: DerSignature = SigningKey::from(key.secret()).sign(&message);

    Ok(QrAnswer {
        nonce: view.nonce.clone(),
        certificate: STANDARD.encode(&signer.cert.der),
        chain: signer
            .chain
            .iter()
            .map(|c| STANDARD.encode(&c.der))
            .collect(),
        payload,
        signature: STANDARD.encode(signature.as_bytes()),
        signed_at: now,
    })
}

/// Describes the answer to `scanned` for the signature log.
fn usage(scanned: &ScannedRequest) -> KeyUse {
    let view = &scanned.view;
    let operation = match view.kind {
        QrKind::Login => KeyOperation::QrLogin,
        QrKind::Sign => KeyOperation::QrSign,
        QrKind::Seal => KeyOperation::QrSeal,
        QrKind::EncryptionCertificate => KeyOperation::QrEncryptionCertificate,
        QrKind::Decrypt => KeyOperation::QrDecrypt,
    };
    let requester = &view.requester;
    let usage = KeyUse::new(operation)
        .platform(&scanned.platform.name)
        .requester(format!(
            "{} ({}, {})",
            requester.name, requester.machine, requester.address
        ));
    match &view.document {
        Some(document) => usage.document(&document.name, &document.sha256),
        None => usage,
    }
}

/// The document digest the request names, as bytes.
fn document_digest(scanned: &ScannedRequest) -> Result<[u8; 32], QrError> {
    let sha256 = scanned
        .view
        .document
        .as_ref()
        .map(|d| d.sha256.as_str())
        .ok_or(QrError::RequestIncomplete { field: "document" })?;
    let mut digest = [0u8; 32];
    hex::decode_to_slice(sha256, &mut digest).map_err(|_| QrError::RequestIncomplete {
        field: "document.sha256",
    })?;
    Ok(digest)
}

fn encryption_record(
    scanned: &ScannedRequest,
) -> Result<&crate::keystore::CertificateRecord, QrError> {
    scanned
        .encryption
        .as_ref()
        .ok_or_else(|| QrError::NoEncryptionCertificate {
            fingerprint: scanned.signer.cert.fingerprint.clone(),
        })
}

/// Unwraps the content key from the envelope header with the encryption
/// key and wraps it to the request's one-time key.
fn release(
    keystore: &Keystore,
    scanned: &ScannedRequest,
    pin: &Pin,
) -> Result<AnswerPayload, QrError> {
    let view = &scanned.view;
    let incomplete = |field| QrError::RequestIncomplete { field };
    let header = view
        .envelope_header
        .as_deref()
        .and_then(|b64| STANDARD.decode(b64).ok())
        .ok_or(incomplete("envelope_header"))?;
    let to = view
        .recipient_key
        .as_deref()
        .and_then(|b64| STANDARD.decode(b64).ok())
        .and_then(|sec1| p256::PublicKey::from_sec1_bytes(&sec1).ok())
        .ok_or(incomplete("recipient_key"))?;

    let encryption = encryption_record(scanned)?;
    let key = keystore.unlock(&encryption.key_id, pin, &usage(scanned))?;
    let released = cms::release_key_from_header(&header, &encryption.cert, key.secret(), &to)?;
    Ok(AnswerPayload::Decrypt {
        released_key: STANDARD.encode(released),
    })
}
