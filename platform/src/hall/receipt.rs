//! The sign-in receipt (签到凭证): a one-page A4 PDF with the project,
//! section, company, credit code, certificate serial, sign-in time in
//! Beijing time (UTC+8) and receipt id.
//!
//! Text is drawn with krilla in the CJK font the platform loaded for seal
//! images. krilla embeds a subset of the font with a `ToUnicode` map, so
//! readers can extract and search the Chinese text.

use krilla::Document;
use krilla::geom::Point;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::text::{Font, TextDirection};
use palmbid_core::api::hall::SignInRecord;

use super::error::beijing;
use super::store::Project;
use crate::ca::seals::SealFont;

/// A4 in PDF points.
const A4: (f32, f32) = (595.0, 842.0);

/// Left margin, points.
const LEFT: f32 = 72.0;

/// Errors rendering a receipt.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReceiptError {
    /// The font cannot be used by the PDF writer.
    #[error("the CJK font cannot be embedded in the receipt PDF")]
    Font,
    /// The PDF writer failed.
    #[error("the receipt PDF cannot be written: {0}")]
    Pdf(String),
}

/// Renders the receipt of `record` in `project`, section `section`.
///
/// # Errors
/// [`ReceiptError`].
pub(crate) fn render(
    font: &std::sync::Arc<SealFont>,
    project: &Project,
    section: &str,
    record: &SignInRecord,
) -> Result<Vec<u8>, ReceiptError> {
    let data: std::sync::Arc<dyn AsRef<[u8]> + Send + Sync> = font.clone();
    // Collections (.ttc) hold several faces; the seal images use the first.
    let font = Font::new(data.into(), 0).ok_or(ReceiptError::Font)?;

    let lines = [
        ("项目名称 Project", project.name.clone()),
        ("项目编号 Project id", project.id.clone()),
        ("标段 Section", section.to_owned()),
        ("投标单位 Company", record.company.clone()),
        ("统一社会信用代码 Credit code", record.credit_code.clone()),
        (
            "证书序列号 Certificate serial",
            record.certificate_serial.clone(),
        ),
        (
            "签到时间 Signed in (北京时间 UTC+8)",
            beijing(record.signed_in_at),
        ),
        ("凭证编号 Receipt id", record.receipt_id.clone()),
    ];

    let mut document = Document::new();
    document.set_metadata(Metadata::new().title(format!("签到凭证 {}", record.receipt_id)));
    let settings = PageSettings::from_wh(A4.0, A4.1).ok_or(ReceiptError::Font)?;
    let mut page = document.start_page_with(settings);
    let mut surface = page.surface();
    surface.draw_text(
        Point::from_xy(LEFT, 100.0),
        font.clone(),
        22.0,
        "签到凭证 Sign-in receipt",
        false,
        TextDirection::Auto,
    );
    let mut y = 150.0;
    for (label, value) in &lines {
        surface.draw_text(
            Point::from_xy(LEFT, y),
            font.clone(),
            10.0,
            label,
            false,
            TextDirection::Auto,
        );
        surface.draw_text(
            Point::from_xy(LEFT, y + 16.0),
            font.clone(),
            13.0,
            value,
            false,
            TextDirection::Auto,
        );
        y += 44.0;
    }
    surface.draw_text(
        Point::from_xy(LEFT, y + 20.0),
        font,
        9.0,
        "本凭证由开标平台根据投标人手机签名的签到记录生成。",
        false,
        TextDirection::Auto,
    );
    surface.finish();
    page.finish();
    document
        .finish()
        .map_err(|e| ReceiptError::Pdf(e.to_string()))
}
