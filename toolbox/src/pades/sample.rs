//! A small bid document for the demo and the tests: two A4 pages of text
//! in Helvetica (one of the standard 14 fonts, ISO 32000-1, 9.6.2.2, so
//! nothing is embedded), written by lopdf with a classic cross-reference
//! table.

use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, Stream};

/// A4 in points.
const A4: [i64; 4] = [0, 0, 595, 842];

/// Writes a two-page PDF whose first page shows `title`. The title is also
/// the document's /Title, in full.
///
/// NOTE: Helvetica has no CJK glyphs; characters outside ASCII show as `?`
/// on the page (the /Title keeps them).
pub fn sample_bid_document(title: &str) -> Vec<u8> {
    let mut document = Document::with_version("1.7");
    // A classic table, which every PDF reader supports. lopdf's default is
    // a stream.
    document.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
    let pages_id = document.new_object_id();

    let mut font = Dictionary::new();
    font.set("Type", Object::Name(b"Font".to_vec()));
    font.set("Subtype", Object::Name(b"Type1".to_vec()));
    font.set("BaseFont", Object::Name(b"Helvetica".to_vec()));
    font.set("Encoding", Object::Name(b"WinAnsiEncoding".to_vec()));
    let font_id = document.add_object(font);

    let shown: String = title
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() {
                c
            } else {
                '?'
            }
        })
        .collect();
    let texts = [
        vec![
            (18, shown),
            (12, "Bid document (tou biao wen jian)".to_owned()),
            (12, "Section 1: commercial offer".to_owned()),
            (12, "Total price: 1,234,567.00 CNY".to_owned()),
        ],
        vec![
            (12, "Section 2: technical offer".to_owned()),
            (12, "Delivery within 30 days of the award.".to_owned()),
            (12, "The bidder's seal is placed below.".to_owned()),
        ],
    ];

    let mut kids = Vec::new();
    for lines in texts {
        let content = page_content(&lines);
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
        kids.push(Object::Reference(document.add_object(page)));
    }

    let mut pages = Dictionary::new();
    pages.set("Type", Object::Name(b"Pages".to_vec()));
    pages.set("Count", i64::try_from(kids.len()).unwrap_or(i64::MAX));
    pages.set("Kids", Object::Array(kids));
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
    info.set("Title", lopdf::text_string(title));
    info.set("Producer", Object::string_literal("palmbid"));
    let info_id = document.add_object(info);
    document.trailer.set("Info", Object::Reference(info_id));

    let mut bytes = Vec::new();
    // A Vec has no I/O errors, and lopdf's other save errors concern
    // encryption and object streams, which this document does not use. The
    // unit test below parses the result.
    if let Err(e) = document.save_to(&mut bytes) {
        tracing::error!(error = %e, "writing the sample document failed");
    }
    bytes
}

/// Text lines from the top of the page, 40 points from the left.
fn page_content(lines: &[(i64, String)]) -> Vec<u8> {
    let mut operations = vec![Operation::new("BT", vec![])];
    let mut first = true;
    for (size, text) in lines {
        operations.push(Operation::new("Tf", vec!["F1".into(), (*size).into()]));
        if first {
            operations.push(Operation::new("Td", vec![40.into(), 780.into()]));
            first = false;
        } else {
            operations.push(Operation::new("Td", vec![0.into(), (-24).into()]));
        }
        operations.push(Operation::new(
            "Tj",
            vec![Object::string_literal(text.as_bytes())],
        ));
    }
    operations.push(Operation::new("ET", vec![]));
    // Encoding writes into a Vec, and the operands are names, numbers and
    // strings that always encode.
    Content { operations }.encode().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_has_two_pages_and_the_title() {
        let bytes = sample_bid_document("标书 Tender 2026-001");
        assert!(bytes.starts_with(b"%PDF-1.7"));
        assert!(bytes.windows(5).any(|w| w == b"\nxref"), "a classic table");
        let document = Document::load_mem(&bytes).expect("parses");
        assert_eq!(document.get_pages().len(), 2);
        let info = document
            .trailer
            .get(b"Info")
            .and_then(Object::as_reference)
            .and_then(|id| document.get_dictionary(id))
            .expect("info");
        let title = lopdf::decode_text_string(info.get(b"Title").expect("title")).expect("text");
        assert_eq!(title, "标书 Tender 2026-001");
    }
}
