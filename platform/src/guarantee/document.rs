//! The development institution's guarantee PDF: one A4 page of text in
//! Helvetica (no font is embedded), document information naming the
//! guarantee, and the institution's visible seal signed as `PAdES` B-B by
//! the toolbox's sealing code.
//!
//! NOTE: Helvetica has no CJK glyphs, so the page is in English and
//! pinyin; the Chinese title is in the document information.

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, Stream};
use palmbid_core::api::guarantee::{
    DOC_KEY_CODE, DOC_KEY_CREDIT_CODE, DOC_KEY_GUARANTEE_NO, DOC_KEY_PROJECT, DOC_KEY_SECTION,
};
use palmbid_core::pki::CertInfo;
use palmbid_toolbox::pades::{self, Placement};

use super::GuaranteeError;
use super::store::CodeRow;

/// A4 in points.
const A4: [i64; 4] = [0, 0, 595, 842];

/// Side of the seal image, pixels.
const SEAL_SIDE: u32 = 96;

fn failed(what: &str, detail: impl std::fmt::Display) -> GuaranteeError {
    GuaranteeError::Institution(format!("{what}: {detail}"))
}

/// Writes and seals the guarantee PDF of `row` numbered `guarantee_no`,
/// signed by `key` with `cert` (issued under `chain`) at `now`.
///
/// # Errors
/// [`GuaranteeError::Institution`] when writing or sealing fails.
pub(crate) fn sealed_guarantee(
    row: &CodeRow,
    guarantee_no: &str,
    institution_name: &str,
    key: &p256::SecretKey,
    cert: &CertInfo,
    chain: &[CertInfo],
    now: i64,
) -> Result<Vec<u8>, GuaranteeError> {
    let pdf = unsigned_guarantee(row, guarantee_no, now)?;
    let placement = Placement {
        page: 1,
        x: 400.0,
        y: 120.0,
        width: 120.0,
    };
    let prepared = pades::prepare(
        &pdf,
        &seal_png()?,
        &placement,
        "InstitutionSeal",
        institution_name,
        now,
    )
    .map_err(|e| failed("preparing the seal", e))?;
    let cms = palmbid_core::cms::sign_detached_digest_pades(&prepared.digest(), key, cert, chain)
        .map_err(|e| failed("signing", e))?;
    prepared
        .finish(&cms)
        .map_err(|e| failed("embedding the signature", e))
}

fn unsigned_guarantee(
    row: &CodeRow,
    guarantee_no: &str,
    now: i64,
) -> Result<Vec<u8>, GuaranteeError> {
    let code = &row.code;
    let mut document = Document::with_version("1.7");
    document.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
    let pages_id = document.new_object_id();

    let mut font = Dictionary::new();
    font.set("Type", Object::Name(b"Font".to_vec()));
    font.set("Subtype", Object::Name(b"Type1".to_vec()));
    font.set("BaseFont", Object::Name(b"Helvetica".to_vec()));
    font.set("Encoding", Object::Name(b"WinAnsiEncoding".to_vec()));
    let font_id = document.add_object(font);

    let issued = time::OffsetDateTime::from_unix_timestamp(now)
        .map(|t| {
            format!(
                "{:04}-{:02}-{:02} {:02}:{:02} UTC",
                t.year(),
                u8::from(t.month()),
                t.day(),
                t.hour(),
                t.minute()
            )
        })
        .unwrap_or_default();
    let lines = [
        (18, "Electronic bid guarantee (dian zi bao han)".to_owned()),
        (
            12,
            "DEVELOPMENT INSTITUTION - test only, not a real guarantee".to_owned(),
        ),
        (12, format!("Guarantee no.: {guarantee_no}")),
        (12, format!("Guarantee code: {}", code.code)),
        (12, format!("Project: {}", code.project_id)),
        (12, format!("Section: {}", code.section)),
        (12, format!("Bidder credit code: {}", code.credit_code)),
        (12, format!("Issued: {issued}")),
    ];
    let content = page_content(&lines).map_err(|e| failed("page content", e))?;
    let content_id = document.add_object(Stream::new(Dictionary::new(), content));
    let mut fonts = Dictionary::new();
    fonts.set("F1", Object::Reference(font_id));
    let mut resources = Dictionary::new();
    resources.set("Font", Object::Dictionary(fonts));
    let mut page = Dictionary::new();
    page.set("Type", Object::Name(b"Page".to_vec()));
    page.set("Parent", Object::Reference(pages_id));
    page.set("Contents", Object::Reference(content_id));
    page.set("Resources", Object::Dictionary(resources));
    let page_id = document.add_object(page);

    let mut pages = Dictionary::new();
    pages.set("Type", Object::Name(b"Pages".to_vec()));
    pages.set("Count", 1);
    pages.set("Kids", Object::Array(vec![Object::Reference(page_id)]));
    pages.set(
        "MediaBox",
        Object::Array(A4.iter().map(|&n| Object::Integer(n)).collect()),
    );
    document.objects.insert(pages_id, Object::Dictionary(pages));

    let mut catalog = Dictionary::new();
    catalog.set("Type", Object::Name(b"Catalog".to_vec()));
    catalog.set("Pages", Object::Reference(pages_id));
    let catalog_id = document.add_object(catalog);
    document.trailer.set("Root", Object::Reference(catalog_id));

    let mut info = Dictionary::new();
    info.set(
        "Title",
        lopdf::text_string(&format!(
            "投标保函（开发测试机构，非真实保函） {}",
            code.project_name
        )),
    );
    info.set("Producer", Object::string_literal("palmbid"));
    for (key, value) in [
        (DOC_KEY_CODE, code.code.clone()),
        (DOC_KEY_PROJECT, code.project_id.clone()),
        (DOC_KEY_SECTION, code.section.to_string()),
        (DOC_KEY_CREDIT_CODE, code.credit_code.clone()),
        (DOC_KEY_GUARANTEE_NO, guarantee_no.to_owned()),
    ] {
        info.set(key, lopdf::text_string(&value));
    }
    let info_id = document.add_object(info);
    document.trailer.set("Info", Object::Reference(info_id));

    let mut bytes = Vec::new();
    document
        .save_to(&mut bytes)
        .map_err(|e| failed("writing the PDF", e))?;
    Ok(bytes)
}

fn page_content(lines: &[(i64, String)]) -> Result<Vec<u8>, lopdf::Error> {
    let mut operations = vec![Operation::new("BT", vec![])];
    for (index, (size, text)) in lines.iter().enumerate() {
        operations.push(Operation::new("Tf", vec!["F1".into(), (*size).into()]));
        let (dx, dy) = if index == 0 { (50, 780) } else { (0, -26) };
        operations.push(Operation::new("Td", vec![dx.into(), dy.into()]));
        operations.push(Operation::new(
            "Tj",
            vec![Object::string_literal(text.as_bytes())],
        ));
    }
    operations.push(Operation::new("ET", vec![]));
    Content { operations }.encode()
}

/// Draws the development institution's seal without a font: a red ring
/// on a transparent square.
fn seal_png() -> Result<Vec<u8>, GuaranteeError> {
    let side = SEAL_SIDE;
    let centre = f64::from(side) / 2.0;
    let mut pixels = Vec::with_capacity((side * side * 4) as usize);
    for y in 0..side {
        for x in 0..side {
            let distance = (f64::from(x) + 0.5 - centre).hypot(f64::from(y) + 0.5 - centre);
            let on = (centre - 8.0..centre - 2.0).contains(&distance) || distance < 8.0;
            pixels.extend_from_slice(if on {
                &[200, 16, 16, 255]
            } else {
                &[0, 0, 0, 0]
            });
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder
        .write_header()
        .map_err(|e| failed("seal image", e))?;
    writer
        .write_image_data(&pixels)
        .map_err(|e| failed("seal image", e))?;
    writer.finish().map_err(|e| failed("seal image", e))?;
    Ok(out)
}
