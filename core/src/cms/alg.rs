//! Algorithm identifiers of envelopes: content ciphers (RFC 3565 for
//! AES-CBC, RFC 5084 for AES-GCM) and ECDH key agreement with a KDF and an
//! AES key wrap (RFC 5753, section 7.1; RFC 3394).
//!
//! Only what palmbid implements is recognised; anything else is reported
//! with its OID and, with the name the `const-oid` database gives it, if any.

use const_oid::ObjectIdentifier;
use der::asn1::OctetString;
use der::{Decode, Encode, Reader, SliceReader};
use spki::AlgorithmIdentifierOwned;

use super::CmsError;

/// id-envelopedData (RFC 5652, section 6.1).
pub(crate) const ENVELOPED_DATA: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.3");
/// id-ct-authEnvelopedData (RFC 5083, section 1).
pub(crate) const AUTH_ENVELOPED_DATA: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.23");
/// id-data (RFC 5652, section 4).
pub(crate) const DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.1");
/// id-ecPublicKey (RFC 5480, section 2.1.1).
pub(crate) const EC_PUBLIC_KEY: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
/// dhSinglePass-stdDH-sha256kdf-scheme (RFC 5753, section 7.1.4).
pub(crate) const STD_DH_SHA256_KDF: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.132.1.11.1");
/// id-aes256-wrap (RFC 3394, section 3).
pub(crate) const AES256_WRAP: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.1.45");
/// id-aes256-GCM (RFC 5084, section 3.2).
pub(crate) const AES256_GCM: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.1.46");

/// The two envelope content types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvelopeKind {
    /// `EnvelopedData` (RFC 5652, section 6), content encrypted with AES-CBC.
    Enveloped,
    /// `AuthEnvelopedData` (RFC 5083), content encrypted with AES-GCM.
    AuthEnveloped,
}

impl EnvelopeKind {
    /// Returns the standard name of the content type.
    pub fn name(self) -> &'static str {
        match self {
            EnvelopeKind::Enveloped => "EnvelopedData",
            EnvelopeKind::AuthEnveloped => "AuthEnvelopedData",
        }
    }
}

/// A content-encryption algorithm palmbid implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentCipher {
    /// AES-128 in CBC mode with PKCS#7 padding.
    Aes128Cbc,
    /// AES-192 in CBC mode with PKCS#7 padding.
    Aes192Cbc,
    /// AES-256 in CBC mode with PKCS#7 padding.
    Aes256Cbc,
    /// AES-128 in GCM.
    Aes128Gcm,
    /// AES-192 in GCM.
    Aes192Gcm,
    /// AES-256 in GCM.
    Aes256Gcm,
}

impl ContentCipher {
    pub(crate) fn from_oid(oid: &ObjectIdentifier) -> Option<Self> {
        Some(match oid.to_string().as_str() {
            "2.16.840.1.101.3.4.1.2" => ContentCipher::Aes128Cbc,
            "2.16.840.1.101.3.4.1.22" => ContentCipher::Aes192Cbc,
            "2.16.840.1.101.3.4.1.42" => ContentCipher::Aes256Cbc,
            "2.16.840.1.101.3.4.1.6" => ContentCipher::Aes128Gcm,
            "2.16.840.1.101.3.4.1.26" => ContentCipher::Aes192Gcm,
            "2.16.840.1.101.3.4.1.46" => ContentCipher::Aes256Gcm,
            _ => return None,
        })
    }

    /// Name as OpenSSL spells it, for example `AES-256-GCM`.
    pub fn name(self) -> &'static str {
        match self {
            ContentCipher::Aes128Cbc => "AES-128-CBC",
            ContentCipher::Aes192Cbc => "AES-192-CBC",
            ContentCipher::Aes256Cbc => "AES-256-CBC",
            ContentCipher::Aes128Gcm => "AES-128-GCM",
            ContentCipher::Aes192Gcm => "AES-192-GCM",
            ContentCipher::Aes256Gcm => "AES-256-GCM",
        }
    }

    /// Key length in bytes.
    pub fn key_len(self) -> usize {
        match self {
            ContentCipher::Aes128Cbc | ContentCipher::Aes128Gcm => 16,
            ContentCipher::Aes192Cbc | ContentCipher::Aes192Gcm => 24,
            ContentCipher::Aes256Cbc | ContentCipher::Aes256Gcm => 32,
        }
    }

    /// Returns whether this is an authenticated (GCM) cipher.
    pub fn is_gcm(self) -> bool {
        matches!(
            self,
            ContentCipher::Aes128Gcm | ContentCipher::Aes192Gcm | ContentCipher::Aes256Gcm
        )
    }
}

/// A content cipher with its parameters decoded.
#[derive(Debug, Clone)]
pub(crate) struct ContentParams {
    pub(crate) cipher: ContentCipher,
    /// The CBC IV (16 bytes) or the GCM nonce.
    pub(crate) iv: Vec<u8>,
    /// GCM tag length in bytes (12 to 16); 0 for CBC.
    pub(crate) tag_len: usize,
}

/// Name of an OID from the `const-oid` database, or `"unknown"`.
///
/// The RFC 5753 key-agreement schemes are named here: the database lacks them.
pub(crate) fn oid_name(oid: &ObjectIdentifier) -> String {
    let known = match oid.to_string().as_str() {
        "1.3.133.16.840.63.0.2" => "dhSinglePass-stdDH-sha1kdf-scheme",
        "1.3.132.1.11.0" => "dhSinglePass-stdDH-sha224kdf-scheme",
        "1.3.132.1.11.1" => "dhSinglePass-stdDH-sha256kdf-scheme",
        "1.3.132.1.11.2" => "dhSinglePass-stdDH-sha384kdf-scheme",
        "1.3.132.1.11.3" => "dhSinglePass-stdDH-sha512kdf-scheme",
        "1.3.133.16.840.63.0.3" => "dhSinglePass-cofactorDH-sha1kdf-scheme",
        "1.3.132.1.14.0" => "dhSinglePass-cofactorDH-sha224kdf-scheme",
        "1.3.132.1.14.1" => "dhSinglePass-cofactorDH-sha256kdf-scheme",
        "1.3.132.1.14.2" => "dhSinglePass-cofactorDH-sha384kdf-scheme",
        "1.3.132.1.14.3" => "dhSinglePass-cofactorDH-sha512kdf-scheme",
        _ => const_oid::db::DB.by_oid(oid).unwrap_or("unknown"),
    };
    known.to_owned()
}

/// Decodes the content-encryption algorithm of an envelope.
///
/// # Errors
/// [`CmsError::UnsupportedContentAlgorithm`] for other algorithms,
/// [`CmsError::Malformed`] (at `offset`) for bad parameters.
pub(crate) fn content_params(
    alg: &AlgorithmIdentifierOwned,
    offset: u64,
) -> Result<ContentParams, CmsError> {
    let cipher =
        ContentCipher::from_oid(&alg.oid).ok_or_else(|| CmsError::UnsupportedContentAlgorithm {
            oid: alg.oid.to_string(),
            name: oid_name(&alg.oid),
        })?;
    let malformed = |detail: String| CmsError::Malformed { offset, detail };
    let params = alg
        .parameters
        .as_ref()
        .ok_or_else(|| malformed(format!("{} has no parameters", cipher.name())))?
        .to_der()
        .map_err(|e| malformed(e.to_string()))?;

    if !cipher.is_gcm() {
        // AES-IV ::= OCTET STRING (SIZE(16)), RFC 3565 section 4.1.
        let iv = OctetString::from_der(&params).map_err(|e| malformed(format!("CBC IV: {e}")))?;
        if iv.as_bytes().len() != 16 {
            return Err(malformed(format!(
                "CBC IV of {} bytes, expected 16",
                iv.as_bytes().len()
            )));
        }
        return Ok(ContentParams {
            cipher,
            iv: iv.as_bytes().to_vec(),
            tag_len: 0,
        });
    }

    // GCMParameters ::= SEQUENCE { aes-nonce OCTET STRING,
    //   aes-ICVlen INTEGER (12 | 13 | 14 | 15 | 16) DEFAULT 12 }, RFC 5084 section 3.2.
    let (nonce, icv_len) = SliceReader::new(&params)
        .and_then(|mut reader| {
            let decoded = reader.sequence(|seq| {
                let nonce = OctetString::decode(seq)?;
                let icv_len = Option::<u8>::decode(seq)?;
                Ok((nonce, icv_len))
            })?;
            reader.finish(decoded)
        })
        .map_err(|e| malformed(format!("GCM parameters: {e}")))?;
    let tag_len = usize::from(icv_len.unwrap_or(12));
    if !(12..=16).contains(&tag_len) {
        return Err(malformed(format!(
            "GCM tag length {tag_len}, expected 12 to 16"
        )));
    }
    if nonce.as_bytes().is_empty() {
        return Err(malformed("empty GCM nonce".to_owned()));
    }
    Ok(ContentParams {
        cipher,
        iv: nonce.as_bytes().to_vec(),
        tag_len,
    })
}

/// The hash of the X9.63 KDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KdfHash {
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
}

/// An AES key wrap (RFC 3394) key size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KeyWrap {
    Aes128,
    Aes192,
    Aes256,
}

impl KeyWrap {
    /// KEK length in bytes.
    pub(crate) fn key_len(self) -> usize {
        match self {
            KeyWrap::Aes128 => 16,
            KeyWrap::Aes192 => 24,
            KeyWrap::Aes256 => 32,
        }
    }
}

/// A decoded `KeyAgreeRecipientInfo` keyEncryptionAlgorithm.
#[derive(Debug, Clone)]
pub(crate) struct KeyAgreement {
    pub(crate) kdf: KdfHash,
    pub(crate) wrap: KeyWrap,
    /// The `KeyWrapAlgorithm` exactly as it goes into ECC-CMS-SharedInfo.
    pub(crate) wrap_alg_der: Vec<u8>,
}

/// Decodes an ECDH key-encryption algorithm (RFC 5753, section 7.1.4):
/// standard and cofactor Diffie-Hellman are the same computation on P-256,
/// whose cofactor is 1.
///
/// # Errors
/// [`CmsError::UnsupportedKeyAlgorithm`] for other schemes or wraps.
pub(crate) fn key_agreement(alg: &AlgorithmIdentifierOwned) -> Result<KeyAgreement, CmsError> {
    let unsupported = |oid: &ObjectIdentifier| CmsError::UnsupportedKeyAlgorithm {
        oid: oid.to_string(),
        name: oid_name(oid),
    };
    let kdf = match alg.oid.to_string().as_str() {
        "1.3.133.16.840.63.0.2" | "1.3.133.16.840.63.0.3" => KdfHash::Sha1,
        "1.3.132.1.11.0" | "1.3.132.1.14.0" => KdfHash::Sha224,
        "1.3.132.1.11.1" | "1.3.132.1.14.1" => KdfHash::Sha256,
        "1.3.132.1.11.2" | "1.3.132.1.14.2" => KdfHash::Sha384,
        "1.3.132.1.11.3" | "1.3.132.1.14.3" => KdfHash::Sha512,
        _ => return Err(unsupported(&alg.oid)),
    };

    let wrap_alg = alg
        .parameters
        .as_ref()
        .and_then(|any| any.decode_as::<AlgorithmIdentifierOwned>().ok())
        .ok_or_else(|| unsupported(&alg.oid))?;
    let wrap = match wrap_alg.oid.to_string().as_str() {
        "2.16.840.1.101.3.4.1.5" => KeyWrap::Aes128,
        "2.16.840.1.101.3.4.1.25" => KeyWrap::Aes192,
        "2.16.840.1.101.3.4.1.45" => KeyWrap::Aes256,
        _ => return Err(unsupported(&wrap_alg.oid)),
    };
    let wrap_alg_der = wrap_alg.to_der().map_err(|e| CmsError::Encoding {
        what: "key wrap algorithm",
        detail: e.to_string(),
    })?;

    Ok(KeyAgreement {
        kdf,
        wrap,
        wrap_alg_der,
    })
}
