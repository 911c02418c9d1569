//! `PAdES` B-B sealing of PDFs: the bid toolbox prepares the PDF, the phone
//! signs its digest, the toolbox embeds the signature.
//!
//! Standards: ISO 32000-1, 12.8 (digital signatures: the signature
//! dictionary, /`ByteRange`, /Contents) and 7.5.6 (incremental updates);
//! ETSI EN 319 142-1 (`PAdES` baseline signatures), 5.2 and 6.3, for level
//! B-B: /`SubFilter` /ETSI.CAdES.detached, a detached CMS `SignedData`
//! whose signed attributes are contentType, messageDigest and ESS
//! signingCertificateV2 and not signingTime (the phone makes it with
//! `palmbid_core::cms::sign_detached_digest_pades`), the claimed time in /M.
//!
//! The flow: [`prepare`] appends one incremental update with a signature
//! field, a visible widget that draws the seal image, and a signature
//! dictionary whose /Contents is a placeholder of [`CONTENTS_CAPACITY`]
//! bytes; [`PreparedPdf::digest`] is the SHA-256 of everything but that
//! placeholder, which the toolbox sends to the phone;
//! [`PreparedPdf::finish`] writes the phone's CMS into the placeholder.
//! The original bytes are never changed, so earlier signatures keep
//! verifying over their revisions.
//!
//! Choices:
//! - lopdf parses the original and writes the update, with a
//!   cross-reference section of the original's kind (table or stream).
//! - Encrypted PDFs are refused: new objects would have to be encrypted
//!   with the document's key, which the toolbox does not have.
//! - The seal's height follows the image's aspect ratio; the box must lie
//!   inside the page's visible area (its `CropBox`, else its `MediaBox`).
//! - Nothing is written to disk here; the caller saves the bytes.
//!
//! NOTE: a page with /Rotate shows the seal rotated with the page; the
//! toolbox's placement is in unrotated page space.
//! NOTE: the catalog gets no /Extensions /ESIC entry (ETSI EN 319 142-1,
//! 5.4.1, optional for PDF 1.7 readers); pdfsig and pyHanko do not need it.

mod appearance;
mod error;
mod finish;
mod sample;
mod update;

pub use error::PadesError;
pub use sample::sample_bid_document;

use sha2::{Digest, Sha256};

use appearance::SealImage;
use update::SignatureInfo;

/// Room reserved in /Contents for the DER signature, bytes (twice that in
/// hex in the file). A P-256 `SignedData` carries about 400 bytes of its
/// own (algorithm identifiers, signed attributes, the ECDSA signature);
/// each certificate of a Chinese CA is 0.6 to 2 KiB (names in Chinese,
/// policies, CRL and OCSP locations). Three certificates of 2 KiB and the
/// overhead come to about 6.5 KiB; 8 KiB leaves room for larger ones.
pub const CONTENTS_CAPACITY: usize = 8192;

/// The seal's position on a page.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placement {
    /// The page, 1-based.
    pub page: u32,
    /// Left edge, PDF points from the page's lower-left corner.
    pub x: f32,
    /// Bottom edge, PDF points from the page's lower-left corner.
    pub y: f32,
    /// Width in points; the height follows the image's aspect ratio.
    pub width: f32,
}

/// A PDF with a signature placeholder, waiting for the phone's signature.
pub struct PreparedPdf {
    bytes: Vec<u8>,
    contents_start: usize,
    contents_end: usize,
    digest: [u8; 32],
}

impl std::fmt::Debug for PreparedPdf {
    // The document's bytes stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedPdf")
            .field("len", &self.bytes.len())
            .field("digest", &hex::encode(self.digest))
            .finish_non_exhaustive()
    }
}

/// Checks, before any phone is asked, that `pdf` can take a square seal
/// at `placement` (the platform draws seals square): a readable,
/// unencrypted PDF, the page, the box on the page and a free field name.
///
/// # Errors
/// As [`prepare`], except the seal image errors.
pub fn check(pdf: &[u8], placement: &Placement, field_name: &str) -> Result<(), PadesError> {
    let document = update::load(pdf)?;
    let page = update::page_id(&document, placement.page)?;
    update::check_field_name(&document, field_name)?;
    let square = SealImage::square_placeholder();
    let height = seal_height(placement, &square)?;
    let page_box = update::visible_box(&document, page)?;
    check_inside(placement, height, page_box)
}

/// Prepares `pdf` for a visible seal: appends an incremental update with a
/// signature field named `field_name` whose widget draws `seal_png` at
/// `placement`, and a signature dictionary naming `signer_name`, dated
/// `signing_time` (Unix seconds, server time), with room for the signature.
///
/// # Errors
/// [`PadesError::NotPdf`], [`PadesError::Encrypted`],
/// [`PadesError::Malformed`], [`PadesError::PageOutOfRange`],
/// [`PadesError::PlacementInvalid`], [`PadesError::PlacementOffPage`],
/// [`PadesError::SealNotPng`], [`PadesError::SealTooLarge`],
/// [`PadesError::FieldNameInvalid`], [`PadesError::FieldExists`],
/// [`PadesError::SigningTimeInvalid`], [`PadesError::Write`].
pub fn prepare(
    pdf: &[u8],
    seal_png: &[u8],
    placement: &Placement,
    field_name: &str,
    signer_name: &str,
    signing_time: i64,
) -> Result<PreparedPdf, PadesError> {
    let document = update::load(pdf)?;
    let page = update::page_id(&document, placement.page)?;
    update::check_field_name(&document, field_name)?;
    let pdf_date = pdf_date(signing_time)?;

    let seal = SealImage::from_png(seal_png)?;
    let height = seal_height(placement, &seal)?;
    let page_box = update::visible_box(&document, page)?;
    check_inside(placement, height, page_box)?;

    let info = SignatureInfo {
        field_name,
        signer_name,
        pdf_date,
    };
    let written = update::write_update(pdf, document, page, placement, height, &seal, &info)?;

    let mut hasher = Sha256::new();
    hasher.update(&written.bytes[..written.contents_start]);
    hasher.update(&written.bytes[written.contents_end..]);
    let digest: [u8; 32] = hasher.finalize().into();
    tracing::info!(
        page = placement.page,
        original = pdf.len(),
        sealed = written.bytes.len(),
        "prepared PDF for a seal"
    );
    Ok(PreparedPdf {
        bytes: written.bytes,
        contents_start: written.contents_start,
        contents_end: written.contents_end,
        digest,
    })
}

impl PreparedPdf {
    /// SHA-256 over the signature's /`ByteRange`: the whole file except
    /// the /Contents placeholder. The phone signs this.
    pub fn digest(&self) -> [u8; 32] {
        self.digest
    }

    /// Writes the DER CMS signature into /Contents and returns the sealed
    /// PDF. The signature's messageDigest must be [`Self::digest`].
    ///
    /// # Errors
    /// [`PadesError::SignatureTooLarge`] when it exceeds
    /// [`CONTENTS_CAPACITY`], [`PadesError::SignatureNotCms`],
    /// [`PadesError::SignatureDigestMismatch`].
    pub fn finish(self, cms_der: &[u8]) -> Result<Vec<u8>, PadesError> {
        finish::check_signature(cms_der, &self.digest)?;
        let bytes = finish::embed(self.bytes, self.contents_start, self.contents_end, cms_der)?;
        tracing::info!(len = bytes.len(), "embedded the seal signature");
        Ok(bytes)
    }
}

/// Computes the seal's height in points from the image's aspect ratio,
/// after checking the placement's numbers.
fn seal_height(placement: &Placement, seal: &SealImage) -> Result<f32, PadesError> {
    let invalid = || PadesError::PlacementInvalid {
        x: placement.x,
        y: placement.y,
        width: placement.width,
    };
    if !(placement.x.is_finite() && placement.y.is_finite() && placement.width.is_finite())
        || placement.width <= 0.0
    {
        return Err(invalid());
    }
    // Both sides are at most MAX_SEAL_SIDE, exact in f32.
    #[allow(clippy::cast_precision_loss)]
    let ratio = seal.height as f32 / seal.width as f32;
    let height = placement.width * ratio;
    if !height.is_finite() || height <= 0.0 {
        return Err(invalid());
    }
    Ok(height)
}

fn check_inside(placement: &Placement, height: f32, page: [f32; 4]) -> Result<(), PadesError> {
    let (left, bottom) = (placement.x, placement.y);
    let (right, top) = (left + placement.width, bottom + height);
    // A hundredth of a point absorbs rounding when a seal is put flush
    // against the page's edge.
    let slack = 0.01;
    let inside = left >= page[0] - slack
        && bottom >= page[1] - slack
        && right <= page[2] + slack
        && top <= page[3] + slack;
    if inside {
        return Ok(());
    }
    Err(PadesError::PlacementOffPage {
        page: placement.page,
        left,
        bottom,
        right,
        top,
        page_left: page[0],
        page_bottom: page[1],
        page_right: page[2],
        page_top: page[3],
    })
}

/// Formats a PDF date in UTC (ISO 32000-1, 7.9.4):
/// `D:YYYYMMDDHHmmSS+00'00'`.
fn pdf_date(seconds: i64) -> Result<String, PadesError> {
    let time = time::OffsetDateTime::from_unix_timestamp(seconds)
        .ok()
        .filter(|t| (0..=9999).contains(&t.year()))
        .ok_or(PadesError::SigningTimeInvalid { seconds })?;
    Ok(format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}+00'00'",
        time.year(),
        u8::from(time.month()),
        time.day(),
        time.hour(),
        time.minute(),
        time.second()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pdf_date_is_utc() {
        assert_eq!(
            pdf_date(1_767_225_600).expect("date"),
            "D:20260101000000+00'00'"
        );
        assert!(matches!(
            pdf_date(i64::MAX),
            Err(PadesError::SigningTimeInvalid { .. })
        ));
    }

    #[test]
    fn box_flush_with_the_page_edge_is_inside() {
        let placement = Placement {
            page: 1,
            x: 495.0,
            y: 0.0,
            width: 100.0,
        };
        assert!(check_inside(&placement, 100.0, [0.0, 0.0, 595.0, 842.0]).is_ok());
        let err = check_inside(&placement, 100.0, [0.0, 0.0, 594.0, 842.0]).err();
        assert!(
            matches!(err, Some(PadesError::PlacementOffPage { .. })),
            "{err:?}"
        );
    }
}
