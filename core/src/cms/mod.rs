//! Cryptographic Message Syntax: signatures and envelopes.
//!
//! - SignedData (RFC 5652, section 5), detached, with the signed attributes
//!   contentType, messageDigest, signingTime and ESS signingCertificateV2
//!   (RFC 5035) so CAdES-BES and PAdES B-B verifiers accept it.
//! - EnvelopedData (RFC 5652, section 6) with AES-CBC content and
//!   AuthEnvelopedData (RFC 5083, RFC 5084) with AES-GCM content, both with
//!   ECDH ephemeral-static KeyAgreeRecipientInfo on P-256 (RFC 5753).
//! - Streaming: envelopes of any size decrypt in bounded memory into a
//!   temporary file that is renamed into place only after authentication.
//! - Key release: the content-encryption key re-encrypted to another party.
//! - Decryption check: the own recipient entry unwrapped to prove the key
//!   opens an envelope, nothing released.

mod alg;
mod ber;
mod check;
mod decrypt;
mod encrypt;
mod envelope;
mod error;
mod gcm;
mod input;
mod kari;
mod output;
mod pipeline;
mod release;
mod signed;

pub use alg::{ContentCipher, EnvelopeKind};
pub use check::{KeyCheckReport, check_decryption};
pub use decrypt::{DecryptReport, decrypt_to_file};
pub use encrypt::{EncryptReport, encrypt_to_file};
pub use envelope::{EnvelopeInfo, Recipient, RecipientId, RecipientKind, inspect, inspect_header};
pub use error::CmsError;
pub use release::{
    decrypt_with_released_key, envelope_header, release_key, release_key_from_header,
    unwrap_content_key,
};
pub use signed::{
    VerifiedSignature, sha256_file, sign_detached_digest, sign_detached_digest_pades,
    sign_detached_file, verify_detached_digest, verify_detached_file,
};
