//! The incremental update that adds a signature field to a PDF
//! (ISO 32000-1, 7.5.6): the original bytes untouched, then the changed
//! and new objects, a cross-reference section of the original's kind
//! (table or stream, 7.5.4 and 7.5.8) with /Prev, and a trailer.
//!
//! Objects added: the signature dictionary (12.8.1), the merged signature
//! field and widget annotation (12.7.4.5, 12.5.6.19) with its appearance
//! and image, and an `AcroForm` (12.7.2) when the document has none.
//! Objects rewritten: the page (its /Annots), and the `AcroForm` or the
//! catalog that holds the field list. `SigFlags` is set to 3
//! (`SignaturesExist` | `AppendOnly`).
//!
//! The /`ByteRange` and /Contents are written as placeholders of fixed
//! width, found again in the output and filled in place, so nothing moves
//! after the offsets are known.

use lopdf::{Dictionary, Document, IncrementalDocument, Object, ObjectId, StringFormat};

use super::appearance::{SealImage, appearance_stream, with_mask};
use super::{CONTENTS_CAPACITY, PadesError, Placement};

/// Maximum length of a signature field name, characters.
pub(crate) const MAX_FIELD_NAME: usize = 100;

/// Each /`ByteRange` number is reserved as this value: ten digits cover
/// files up to 9.3 GiB, and the real numbers are written over it, padded
/// with spaces.
const BYTE_RANGE_PLACEHOLDER: i64 = 9_999_999_999;

/// The signer's entries in the field and the signature dictionary.
pub(crate) struct SignatureInfo<'a> {
    pub(crate) field_name: &'a str,
    pub(crate) signer_name: &'a str,
    pub(crate) pdf_date: String,
}

/// The original plus the update, with the offsets of the two placeholders.
pub(crate) struct Written {
    pub(crate) bytes: Vec<u8>,
    /// Offset of the `<` that opens /Contents.
    pub(crate) contents_start: usize,
    /// Offset just after the `>` that closes /Contents.
    pub(crate) contents_end: usize,
}

fn malformed(detail: impl std::fmt::Display) -> PadesError {
    PadesError::Malformed {
        detail: detail.to_string(),
    }
}

fn write_error(detail: impl std::fmt::Display) -> PadesError {
    PadesError::Write {
        detail: detail.to_string(),
    }
}

/// Parses the original and refuses what cannot be sealed.
pub(crate) fn load(pdf: &[u8]) -> Result<Document, PadesError> {
    // Readers accept junk before the header within the first 1024 bytes.
    let head = &pdf[..pdf.len().min(1024)];
    if !contains(head, b"%PDF-") {
        return Err(PadesError::NotPdf {
            detail: "no %PDF- header".to_owned(),
        });
    }
    let document = Document::load_mem(pdf).map_err(|e| match e {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => PadesError::Encrypted,
        other => PadesError::NotPdf {
            detail: other.to_string(),
        },
    })?;
    // lopdf opens files with an empty user password by itself; appending
    // plaintext objects to them would still break them.
    if document.is_encrypted() || document.was_encrypted() {
        return Err(PadesError::Encrypted);
    }
    Ok(document)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Looks up the object id of the page with the 1-based number `page`.
pub(crate) fn page_id(document: &Document, page: u32) -> Result<ObjectId, PadesError> {
    let pages = document.get_pages();
    pages.get(&page).copied().ok_or(PadesError::PageOutOfRange {
        page,
        pages: pages.len(),
    })
}

/// Finds the page's visible area, [left bottom right top]: its `CropBox`,
/// else its `MediaBox`. Both are inheritable (7.7.3.4), so the lookup
/// climbs the page tree.
pub(crate) fn visible_box(document: &Document, page: ObjectId) -> Result<[f32; 4], PadesError> {
    let mut node = document.get_dictionary(page).map_err(malformed)?;
    let mut crop = None;
    // The depth bound stops a /Parent cycle in a hostile file.
    for _ in 0..64 {
        if crop.is_none() {
            crop = node.get(b"CropBox").ok();
        }
        if let Ok(media) = node.get(b"MediaBox") {
            let chosen = rectangle(document, crop.unwrap_or(media))?;
            return Ok(chosen);
        }
        let Ok(parent) = node.get(b"Parent").and_then(Object::as_reference) else {
            break;
        };
        node = document.get_dictionary(parent).map_err(malformed)?;
    }
    Err(malformed("the page has no MediaBox"))
}

fn rectangle(document: &Document, object: &Object) -> Result<[f32; 4], PadesError> {
    let (_, object) = document.dereference(object).map_err(malformed)?;
    let numbers = object.as_array().map_err(malformed)?;
    let mut values = [0f32; 4];
    if numbers.len() != 4 {
        return Err(malformed("a page box does not have four numbers"));
    }
    for (value, number) in values.iter_mut().zip(numbers) {
        *value = number.as_float().map_err(malformed)?;
    }
    // A rectangle may name any two opposite corners (7.9.5).
    Ok([
        values[0].min(values[2]),
        values[1].min(values[3]),
        values[0].max(values[2]),
        values[1].max(values[3]),
    ])
}

/// Returns the document's `AcroForm` dictionary and its object id, if any.
fn acro_form(document: &Document) -> Result<Option<(Option<ObjectId>, &Dictionary)>, PadesError> {
    let catalog = document.catalog().map_err(malformed)?;
    let Ok(entry) = catalog.get(b"AcroForm") else {
        return Ok(None);
    };
    let (id, object) = document.dereference(entry).map_err(malformed)?;
    Ok(Some((id, object.as_dict().map_err(malformed)?)))
}

/// Refuses a name that is empty, too long or has a period (a period
/// separates the parts of a fully qualified field name, 12.7.3.2), or
/// that a field of the document already has.
pub(crate) fn check_field_name(document: &Document, name: &str) -> Result<(), PadesError> {
    if name.is_empty() || name.chars().count() > MAX_FIELD_NAME || name.contains('.') {
        return Err(PadesError::FieldNameInvalid {
            name: name.to_owned(),
            limit: MAX_FIELD_NAME,
        });
    }
    let Some((_, form)) = acro_form(document)? else {
        return Ok(());
    };
    let Ok(fields) = form.get(b"Fields") else {
        return Ok(());
    };
    let mut names = Vec::new();
    collect_field_names(document, fields, "", &mut names, 0)?;
    if names.iter().any(|existing| existing == name) {
        return Err(PadesError::FieldExists {
            name: name.to_owned(),
        });
    }
    Ok(())
}

/// Fully qualified names of the fields under `fields` (an array of
/// references), with `prefix` of their parent.
fn collect_field_names(
    document: &Document,
    fields: &Object,
    prefix: &str,
    names: &mut Vec<String>,
    depth: usize,
) -> Result<(), PadesError> {
    if depth > 32 {
        return Err(malformed("the form field tree is deeper than 32 levels"));
    }
    let (_, fields) = document.dereference(fields).map_err(malformed)?;
    let Ok(fields) = fields.as_array() else {
        return Ok(());
    };
    for field in fields {
        let (_, field) = document.dereference(field).map_err(malformed)?;
        let Ok(field) = field.as_dict() else {
            continue;
        };
        let partial = field
            .get(b"T")
            .ok()
            .and_then(|t| lopdf::decode_text_string(t).ok());
        let full = match (&partial, prefix.is_empty()) {
            (Some(t), true) => t.clone(),
            (Some(t), false) => format!("{prefix}.{t}"),
            (None, _) => prefix.to_owned(),
        };
        if partial.is_some() {
            names.push(full.clone());
        }
        if let Ok(kids) = field.get(b"Kids") {
            collect_field_names(document, kids, &full, names, depth + 1)?;
        }
    }
    Ok(())
}

/// Builds the update and writes original + update.
pub(crate) fn write_update(
    pdf: &[u8],
    document: Document,
    page: ObjectId,
    placement: &Placement,
    height: f32,
    seal: &SealImage,
    info: &SignatureInfo<'_>,
) -> Result<Written, PadesError> {
    let acro = acro_form(&document)?.map(|(id, dict)| (id, dict.clone()));
    let mut update = IncrementalDocument::create_from(pdf.to_vec(), document);
    let new = &mut update.new_document;
    // A cross-reference stream dictionary's decoding and hybrid-file keys
    // describe the old section, not the one written now.
    new.trailer.remove(b"DecodeParms");
    new.trailer.remove(b"XRefStm");

    let (image, mask) = seal.xobjects();
    let mask_id = new.add_object(mask);
    let image_id = new.add_object(with_mask(image, mask_id));
    let appearance_id = new.add_object(appearance_stream(placement.width, height, image_id));
    let signature_id = new.add_object(signature_dictionary(info));
    let widget_id = new.add_object(widget(
        placement,
        height,
        page,
        appearance_id,
        signature_id,
        info,
    ));

    add_annotation(&mut update, page, widget_id)?;
    add_field(&mut update, acro, widget_id)?;

    let mut bytes = Vec::with_capacity(pdf.len() + 64 * 1024);
    update.save_to(&mut bytes).map_err(write_error)?;
    locate_placeholders(bytes, pdf.len())
}

fn signature_dictionary(info: &SignatureInfo<'_>) -> Dictionary {
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"Sig".to_vec()));
    dict.set("Filter", Object::Name(b"Adobe.PPKLite".to_vec()));
    dict.set("SubFilter", Object::Name(b"ETSI.CAdES.detached".to_vec()));
    dict.set(
        "ByteRange",
        Object::Array(vec![
            Object::Integer(0),
            Object::Integer(BYTE_RANGE_PLACEHOLDER),
            Object::Integer(BYTE_RANGE_PLACEHOLDER),
            Object::Integer(BYTE_RANGE_PLACEHOLDER),
        ]),
    );
    dict.set(
        "Contents",
        Object::String(vec![0; CONTENTS_CAPACITY], StringFormat::Hexadecimal),
    );
    dict.set("M", Object::string_literal(info.pdf_date.as_bytes()));
    dict.set("Name", lopdf::text_string(info.signer_name));
    dict
}

fn widget(
    placement: &Placement,
    height: f32,
    page: ObjectId,
    appearance: ObjectId,
    signature: ObjectId,
    info: &SignatureInfo<'_>,
) -> Dictionary {
    let mut appearances = Dictionary::new();
    appearances.set("N", Object::Reference(appearance));

    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"Annot".to_vec()));
    dict.set("Subtype", Object::Name(b"Widget".to_vec()));
    dict.set("FT", Object::Name(b"Sig".to_vec()));
    dict.set("T", lopdf::text_string(info.field_name));
    dict.set("V", Object::Reference(signature));
    // Print (bit 3) and Locked (bit 8): the seal is printed and cannot be
    // moved in a viewer.
    dict.set("F", 4 | 128);
    dict.set("P", Object::Reference(page));
    dict.set(
        "Rect",
        Object::Array(vec![
            Object::Real(placement.x),
            Object::Real(placement.y),
            Object::Real(placement.x + placement.width),
            Object::Real(placement.y + height),
        ]),
    );
    dict.set("AP", Object::Dictionary(appearances));
    dict
}

/// Appends the widget to the page's /Annots, rewriting the object that
/// contains that array (the page or a separate array object).
fn add_annotation(
    update: &mut IncrementalDocument,
    page: ObjectId,
    widget: ObjectId,
) -> Result<(), PadesError> {
    let annots = update
        .get_prev_documents()
        .get_dictionary(page)
        .map_err(malformed)?
        .get(b"Annots")
        .ok()
        .cloned();
    match annots {
        Some(Object::Reference(array_id)) => {
            update
                .opt_clone_object_to_new_document(array_id)
                .map_err(malformed)?;
            let array = update
                .new_document
                .get_object_mut(array_id)
                .map_err(malformed)?;
            array
                .as_array_mut()
                .map_err(malformed)?
                .push(Object::Reference(widget));
        }
        Some(Object::Array(mut list)) => {
            list.push(Object::Reference(widget));
            set_in_clone(update, page, "Annots", Object::Array(list))?;
        }
        Some(_) => return Err(malformed("the page's /Annots is not an array")),
        None => set_in_clone(
            update,
            page,
            "Annots",
            Object::Array(vec![Object::Reference(widget)]),
        )?,
    }
    Ok(())
}

fn set_in_clone(
    update: &mut IncrementalDocument,
    id: ObjectId,
    key: &str,
    value: Object,
) -> Result<(), PadesError> {
    update
        .opt_clone_object_to_new_document(id)
        .map_err(malformed)?;
    update
        .new_document
        .get_dictionary_mut(id)
        .map_err(malformed)?
        .set(key, value);
    Ok(())
}

/// Adds the field to the `AcroForm`'s /Fields, creating the `AcroForm` when
/// the document has none.
fn add_field(
    update: &mut IncrementalDocument,
    acro: Option<(Option<ObjectId>, Dictionary)>,
    field: ObjectId,
) -> Result<(), PadesError> {
    let root = update
        .get_prev_documents()
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(malformed)?;

    let Some((form_id, mut form)) = acro else {
        let mut form = Dictionary::new();
        form.set("Fields", Object::Array(vec![Object::Reference(field)]));
        form.set("SigFlags", 3);
        let form_id = update.new_document.add_object(form);
        return set_in_clone(update, root, "AcroForm", Object::Reference(form_id));
    };

    match form.get(b"Fields").ok().cloned() {
        Some(Object::Reference(array_id)) => {
            update
                .opt_clone_object_to_new_document(array_id)
                .map_err(malformed)?;
            let array = update
                .new_document
                .get_object_mut(array_id)
                .map_err(malformed)?;
            array
                .as_array_mut()
                .map_err(malformed)?
                .push(Object::Reference(field));
        }
        Some(Object::Array(mut list)) => {
            list.push(Object::Reference(field));
            form.set("Fields", Object::Array(list));
        }
        Some(_) => return Err(malformed("the AcroForm's /Fields is not an array")),
        None => form.set("Fields", Object::Array(vec![Object::Reference(field)])),
    }
    form.set("SigFlags", 3);

    match form_id {
        Some(id) => {
            update.new_document.set_object(id, Object::Dictionary(form));
            Ok(())
        }
        None => set_in_clone(update, root, "AcroForm", Object::Dictionary(form)),
    }
}

/// Finds the two placeholders in the update and fills the /`ByteRange`.
fn locate_placeholders(mut bytes: Vec<u8>, original_len: usize) -> Result<Written, PadesError> {
    let update = &bytes[original_len..];

    let mut contents = Vec::with_capacity(CONTENTS_CAPACITY * 2 + 2);
    contents.push(b'<');
    contents.resize(CONTENTS_CAPACITY * 2 + 1, b'0');
    contents.push(b'>');
    let contents_start = original_len + find_once(update, &contents, "/Contents")?;
    let contents_end = contents_start + contents.len();

    let range =
        format!("0 {BYTE_RANGE_PLACEHOLDER} {BYTE_RANGE_PLACEHOLDER} {BYTE_RANGE_PLACEHOLDER}");
    let range_start = original_len + find_once(update, range.as_bytes(), "/ByteRange")?;
    let range_len = range.len();

    let after = bytes.len() - contents_end;
    let filled = format!("0 {contents_start} {contents_end} {after}");
    if filled.len() > range_len {
        return Err(write_error(
            "the file is too large for the /ByteRange reserved",
        ));
    }
    let slot = &mut bytes[range_start..range_start + range_len];
    slot.fill(b' ');
    slot[..filled.len()].copy_from_slice(filled.as_bytes());

    Ok(Written {
        bytes,
        contents_start,
        contents_end,
    })
}

/// Returns the offset of the only occurrence of `needle`. A second one
/// would make the byte range ambiguous, so it is an error.
fn find_once(haystack: &[u8], needle: &[u8], what: &str) -> Result<usize, PadesError> {
    let mut found = haystack
        .windows(needle.len())
        .enumerate()
        .filter(|(_, window)| *window == needle)
        .map(|(offset, _)| offset);
    match (found.next(), found.next()) {
        (Some(offset), None) => Ok(offset),
        (None, _) => Err(write_error(format!(
            "the {what} placeholder was not written"
        ))),
        (Some(_), Some(_)) => Err(write_error(format!("the {what} placeholder appears twice"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_found_once_only() {
        assert_eq!(find_once(b"ab<00>cd", b"<00>", "x").ok(), Some(2));

        let missing = find_once(b"abcd", b"<00>", "/Contents").err();
        assert!(
            matches!(missing, Some(PadesError::Write { .. })),
            "{missing:?}"
        );

        let twice = find_once(b"<00><00>", b"<00>", "/Contents").err();
        assert!(matches!(twice, Some(PadesError::Write { .. })), "{twice:?}");
    }

    #[test]
    fn byte_range_filled_in_place() {
        let mut bytes = b"%PDF-1.7 original\n".to_vec();
        let original_len = bytes.len();
        bytes.extend_from_slice(
            format!(
                "/ByteRange[0 {BYTE_RANGE_PLACEHOLDER} {BYTE_RANGE_PLACEHOLDER} {BYTE_RANGE_PLACEHOLDER}]/Contents"
            )
            .as_bytes(),
        );
        bytes.push(b'<');
        bytes.resize(bytes.len() + CONTENTS_CAPACITY * 2, b'0');
        bytes.extend_from_slice(b">>>\ntrailer");
        let len = bytes.len();

        let written = locate_placeholders(bytes, original_len).expect("located");

        assert_eq!(written.bytes.len(), len, "nothing moved");
        assert_eq!(written.bytes[written.contents_start], b'<');
        assert_eq!(written.bytes[written.contents_end - 1], b'>');
        let text = String::from_utf8_lossy(&written.bytes);
        let expected = format!(
            "/ByteRange[0 {} {} {}",
            written.contents_start,
            written.contents_end,
            len - written.contents_end
        );
        assert!(text.contains(&expected), "{text:.120}");
    }

    #[test]
    fn header_after_leading_bytes_is_accepted_by_the_check() {
        // The header check passes; lopdf then judges the body.
        let err = load(b"junk\n%PDF-1.7\nnot a body").err();
        assert!(
            matches!(&err, Some(PadesError::NotPdf { detail }) if detail != "no %PDF- header"),
            "{err:?}"
        );
        let err = load(b"no header at all").err();
        assert!(
            matches!(&err, Some(PadesError::NotPdf { detail }) if detail == "no %PDF- header"),
            "{err:?}"
        );
    }
}
