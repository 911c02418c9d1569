//! Checking a signed PDF (`PAdES`) before the phone shows it as genuine.
//!
//! Standards: ISO 32000-1, 12.8 (the signature dictionary, /`ByteRange`,
//! /Contents) and ETSI EN 319 142-1 (`PAdES` baseline, /`SubFilter`
//! /ETSI.CAdES.detached, a detached CMS `SignedData`).
//!
//! [`verify_signed_pdf`] accepts a PDF only when one signature covers the
//! whole file: its /`ByteRange` is `[0 a b c]` with `b + c` the file's
//! length, the gap contains exactly the hex /Contents, and the CMS in it
//! verifies (RFC 5652 with the ESS checks of [`crate::cms`]) over the
//! SHA-256 of the covered bytes to one of the given trust anchors. Because
//! the covered bytes are the whole file but the signature itself, the
//! document information returned ([`SignedPdf::info`]) is signed too. The
//! caller judges who the signer is (for a guarantee: the institution's
//! catalogue certificate).
//!
//! Choices:
//! - lopdf parses the file; an encrypted PDF is refused (its strings
//!   would need the document key).
//! - A signature that covers less than the file (a later incremental
//!   update that nobody signed) is refused: what the phone shows must be
//!   what was signed.
//! - The CMS in /Contents is followed by zero padding; its length is taken
//!   from its DER header.

mod error;

use std::collections::BTreeMap;

use lopdf::{Document, Object};
use sha2::{Digest, Sha256};

pub use error::PdfError;

use crate::cms;
use crate::pki::CertInfo;

/// A PDF whose signature verified.
#[derive(Debug, Clone)]
pub struct SignedPdf {
    /// The signing certificate.
    pub signer: CertInfo,
    /// The document information dictionary (/Info), text entries only.
    pub info: BTreeMap<String, String>,
}

/// Verifies the one signature that covers all of `pdf` against `anchors`
/// at `now` (Unix seconds) and returns the signer and the document
/// information.
///
/// # Errors
/// [`PdfError::NotPdf`], [`PdfError::Encrypted`], [`PdfError::NoSignature`],
/// [`PdfError::NotWholeFile`], [`PdfError::Malformed`] for a signature
/// dictionary that does not fit the file, [`PdfError::Signature`] when the
/// CMS does not verify or its signer is not trusted.
pub fn verify_signed_pdf(
    pdf: &[u8],
    anchors: &[CertInfo],
    now: i64,
) -> Result<SignedPdf, PdfError> {
    let document = Document::load_mem(pdf).map_err(|e| PdfError::NotPdf {
        detail: e.to_string(),
    })?;
    if document.trailer.get(b"Encrypt").is_ok() {
        return Err(PdfError::Encrypted);
    }

    let ranges = signature_ranges(&document)?;
    if ranges.is_empty() {
        return Err(PdfError::NoSignature);
    }
    let len = pdf.len();
    let (range, sub_filter) = ranges
        .iter()
        .find(|(r, _)| r[2].checked_add(r[3]) == Some(len))
        .ok_or_else(|| PdfError::NotWholeFile {
            covered: ranges
                .iter()
                .map(|(r, _)| r[2].saturating_add(r[3]))
                .max()
                .unwrap_or(0),
            len,
        })?;
    if sub_filter.as_slice() != b"ETSI.CAdES.detached" {
        return Err(malformed(format!(
            "the /SubFilter is {}, not ETSI.CAdES.detached",
            String::from_utf8_lossy(sub_filter)
        )));
    }
    let cms_der = contents(pdf, range)?;

    let mut hasher = Sha256::new();
    hasher.update(&pdf[..range[1]]);
    hasher.update(&pdf[range[2]..]);
    let digest: [u8; 32] = hasher.finalize().into();
    let verified = cms::verify_detached_digest(&cms_der, &digest, anchors, now)?;

    let info = document_info(&document);
    tracing::info!(signer = %verified.signer.fingerprint, len, "verified signed PDF");
    Ok(SignedPdf {
        signer: verified.signer,
        info,
    })
}

fn malformed(detail: impl Into<String>) -> PdfError {
    PdfError::Malformed {
        detail: detail.into(),
    }
}

/// A signature's /`ByteRange` (`[start, length, start, length]`) and its
/// /`SubFilter` name.
type SignatureRange = ([usize; 4], Vec<u8>);

/// Collects the /`ByteRange` and /`SubFilter` of every dictionary that
/// has a /`ByteRange`, checked for order.
fn signature_ranges(document: &Document) -> Result<Vec<SignatureRange>, PdfError> {
    let mut found = Vec::new();
    for object in document.objects.values() {
        let Ok(dictionary) = object.as_dict() else {
            continue;
        };
        let Ok(range) = dictionary.get(b"ByteRange") else {
            continue;
        };
        let numbers = range
            .as_array()
            .map_err(|_| malformed("the /ByteRange is not an array"))?
            .iter()
            .map(|n| n.as_i64().ok().and_then(|n| usize::try_from(n).ok()))
            .collect::<Option<Vec<usize>>>()
            .ok_or_else(|| malformed("the /ByteRange holds a value that is not a count"))?;
        let range: [usize; 4] = numbers
            .try_into()
            .map_err(|_| malformed("the /ByteRange does not have four numbers"))?;
        if range[0] != 0 || range[1] >= range[2] {
            return Err(malformed(format!(
                "the /ByteRange {range:?} does not start at 0 with a gap"
            )));
        }
        let sub_filter = dictionary
            .get(b"SubFilter")
            .and_then(Object::as_name)
            .map(<[u8]>::to_vec)
            .unwrap_or_default();
        found.push((range, sub_filter));
    }
    Ok(found)
}

/// Extracts the DER CMS from the /`ByteRange` gap (`<hex>`, zero padded).
fn contents(pdf: &[u8], range: &[usize; 4]) -> Result<Vec<u8>, PdfError> {
    let gap = &pdf[range[1]..range[2]];
    let hex_text = gap
        .strip_prefix(b"<")
        .and_then(|g| g.strip_suffix(b">"))
        .ok_or_else(|| malformed("the /ByteRange gap is not one hex string"))?;
    let bytes =
        hex::decode(hex_text).map_err(|_| malformed("the signature's /Contents is not hex"))?;
    let length = der_length(&bytes)
        .filter(|&n| n <= bytes.len())
        .ok_or_else(|| malformed("the signature's /Contents is not DER"))?;
    if bytes[length..].iter().any(|&b| b != 0) {
        return Err(malformed("bytes other than padding follow the signature"));
    }
    Ok(bytes[..length].to_vec())
}

/// Total length of the DER value at the start of `bytes` (a SEQUENCE).
fn der_length(bytes: &[u8]) -> Option<usize> {
    if bytes.first() != Some(&0x30) {
        return None;
    }
    let first = *bytes.get(1)?;
    if first < 0x80 {
        return Some(2 + usize::from(first));
    }
    let count = usize::from(first & 0x7f);
    if count == 0 || count > 4 {
        return None;
    }
    let mut length = 0usize;
    for &b in bytes.get(2..2 + count)? {
        length = (length << 8) | usize::from(b);
    }
    length.checked_add(2 + count)
}

/// Reads the text entries of the trailer's /Info.
fn document_info(document: &Document) -> BTreeMap<String, String> {
    let mut info = BTreeMap::new();
    let Some(dictionary) = document
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|object| document.dereference(object).ok())
        .and_then(|(_, object)| object.as_dict().ok())
    else {
        return info;
    };
    for (key, value) in dictionary {
        if let Ok(text) = lopdf::decode_text_string(value) {
            info.insert(String::from_utf8_lossy(key).into_owned(), text);
        }
    }
    info
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_lengths() {
        assert_eq!(der_length(&[0x30, 0x03, 1, 2, 3]), Some(5));
        assert_eq!(der_length(&[0x30, 0x82, 0x01, 0x00]), Some(260));
        assert_eq!(der_length(&[0x04, 0x01, 0]), None);
        assert_eq!(der_length(&[0x30, 0x80]), None);
    }

    #[test]
    fn garbage_is_not_pdf() {
        assert!(matches!(
            verify_signed_pdf(b"not a pdf", &[], 0),
            Err(PdfError::NotPdf { .. })
        ));
    }
}
