//! Sealed PDFs judged by tools palmbid did not write: poppler's pdfsig
//! (with an NSS database that trusts the test CA), pyHanko, and pdftoppm
//! for the visible seal. Inputs from three producers: lopdf's
//! `sample_bid_document` (classic table), Ghostscript (classic table) and
//! pyHanko's writer (cross-reference stream).

mod pades_support;

use std::path::Path;

use pades_support::{Signer, is_red, now, pdfsig, pyhanko, seal_png};
use palmbid_toolbox::pades::{self, Placement};

const SEAL_AT: Placement = Placement {
    page: 1,
    x: 380.0,
    y: 80.0,
    width: 150.0,
};

/// The checks every freshly sealed file must pass in both judges: one
/// valid, trusted B-B signature over the whole file.
fn assert_judges_accept(sealed: &[u8], signer: &Signer, dir: &Path) {
    let path = dir.join("sealed.pdf");
    std::fs::write(&path, sealed).expect("write");
    let ca = signer.write_ca(dir);

    let trusted_db = pades_support::nss_db(dir, Some(&ca));
    let reports = pdfsig(&path, &trusted_db);
    let last = reports.last().expect("a signature");
    assert!(last.has("Signature is Valid"), "{:?}", last.lines);
    assert!(last.has("Certificate is Trusted"), "{:?}", last.lines);
    assert!(last.has("Total document signed"), "{:?}", last.lines);
    assert!(last.has("ETSI.CAdES.detached"), "{:?}", last.lines);

    // Without the CA in the database the signature still verifies, but
    // the certificate is not trusted: the trust above came from the CA.
    let empty_db = pades_support::nss_db(dir, None);
    let untrusted = pdfsig(&path, &empty_db);
    let last = untrusted.last().expect("a signature");
    assert!(last.has("Signature is Valid"), "{:?}", last.lines);
    assert!(!last.has("Certificate is Trusted"), "{:?}", last.lines);

    // The phone's own checker (palmbid_core::pdf) agrees with the judges.
    let checked = palmbid_core::pdf::verify_signed_pdf(
        sealed,
        std::slice::from_ref(signer.root.certificate()),
        now(),
    )
    .expect("the core's checker accepts the sealed PDF");
    assert_eq!(checked.signer.fingerprint, signer.cert.fingerprint);

    let verdicts = pyhanko(&path, &ca);
    let last = verdicts.last().expect("a signature");
    assert_eq!(last["intact"], true, "{last}");
    assert_eq!(last["valid"], true, "{last}");
    assert_eq!(last["trusted"], true, "{last}");
    assert_eq!(last["coverage"], "ENTIRE_FILE", "{last}");
    assert_eq!(last["subfilter"], "/ETSI.CAdES.detached", "{last}");
    assert_eq!(
        last["signed_attributes"],
        serde_json::json!(["content_type", "message_digest", "signing_certificate_v2"]),
        "{last}"
    );
    assert_eq!(last["timestamp"], false, "{last}");
    assert_eq!(last["pades_level"], "B-B", "{last}");
    assert!(last["signer_reported_time"].is_string(), "{last}");
}

#[test]
fn sample_document_seal_valid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let signer = Signer::new();
    let original = pades::sample_bid_document("Tender 2026-001");

    let prepared =
        pades::prepare(&original, &seal_png(), &SEAL_AT, "Seal1", "张三", now()).expect("prepare");
    let digest = prepared.digest();
    let cms = signer.sign(&digest);
    let sealed = prepared.finish(&cms).expect("finish");

    assert!(sealed.starts_with(&original), "the original bytes are kept");
    let update = &sealed[original.len()..];
    assert!(
        contains(update, b"\nxref\n"),
        "a classic table follows a classic table"
    );
    assert_eq!(
        count(&sealed, b"%%EOF"),
        2,
        "exactly one incremental update"
    );

    // The CMS embedded is the phone's, over the prepared digest, and
    // palmbid's own verifier accepts it.
    let anchors = [signer.root.certificate().clone()];
    let verified =
        palmbid_core::cms::verify_detached_digest(&cms, &digest, &anchors, now()).expect("verify");
    assert_eq!(verified.signing_time, None);

    assert_judges_accept(&sealed, &signer, dir.path());
}

#[test]
fn xref_stream_pdf_seal_valid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let signer = Signer::new();
    let original = pades_support::pyhanko_made_pdf(dir.path());
    assert!(
        !contains(&original, b"\nxref"),
        "the input uses a cross-reference stream"
    );

    let sealed = signer.seal(&original, &SEAL_AT, "Seal1");

    assert!(sealed.starts_with(&original));
    let update = &sealed[original.len()..];
    assert!(
        !contains(update, b"\nxref"),
        "no classic table after a stream"
    );
    assert!(
        contains(update, b"/XRef"),
        "a cross-reference stream follows a stream"
    );

    // The text field that was there is kept next to the new signature.
    let document = lopdf::Document::load_mem(&sealed).expect("parse");
    let names = field_names(&document);
    assert_eq!(names, vec!["Bidder".to_owned(), "Seal1".to_owned()]);

    assert_judges_accept(&sealed, &signer, dir.path());
}

#[test]
fn ghostscript_pdf_seal_valid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let signer = Signer::new();
    let original = pades_support::ghostscript_pdf(dir.path(), &[]);
    assert!(
        contains(&original, b"\nxref"),
        "Ghostscript writes a classic table"
    );

    let sealed = signer.seal(&original, &SEAL_AT, "Seal1");

    assert!(sealed.starts_with(&original));
    assert_judges_accept(&sealed, &signer, dir.path());
}

#[test]
fn seal_drawn_in_its_box() {
    let dir = tempfile::tempdir().expect("tempdir");
    let signer = Signer::new();
    let original = pades::sample_bid_document("Tender 2026-001");
    let sealed = signer.seal(&original, &SEAL_AT, "Seal1");
    let path = dir.path().join("sealed.pdf");
    std::fs::write(&path, &sealed).expect("write");

    let (width, height, rgb) = pades_support::render_page(&path, 1, dir.path());
    assert_eq!((width, height), (595, 842), "A4 at one pixel a point");

    // The box in pixel rows from the top; the seal is square.
    let (left, right) = (SEAL_AT.x, SEAL_AT.x + SEAL_AT.width);
    let (top, bottom) = (842.0 - (SEAL_AT.y + SEAL_AT.width), 842.0 - SEAL_AT.y);
    let (mut inside, mut outside) = (0u32, 0u32);
    for (index, pixel) in rgb.chunks_exact(3).enumerate() {
        if !is_red(pixel) {
            continue;
        }
        let index = u32::try_from(index).expect("fits");
        let (x, y) = (f64::from(index % width), f64::from(index / width));
        // One pixel of slack for anti-aliased edges.
        if x >= f64::from(left) - 1.0
            && x <= f64::from(right) + 1.0
            && y >= f64::from(top) - 1.0
            && y <= f64::from(bottom) + 1.0
        {
            inside += 1;
        } else {
            outside += 1;
        }
    }
    // The seal's red covers about a third of its box (ring and square):
    // 150 x 150 points gives thousands of red pixels.
    assert!(inside > 5_000, "only {inside} red pixels in the seal's box");
    assert_eq!(outside, 0, "red pixels outside the seal's box");

    // The transparent corners of the seal let the page show through: two
    // pixels in from the box's top-left corner, row 842 - 230 and column
    // 380 for SEAL_AT.
    let corner = usize::try_from((612 + 2) * width + 380 + 2).expect("fits") * 3;
    assert_eq!(
        &rgb[corner..corner + 3],
        &[255, 255, 255],
        "transparent background"
    );

    // The second page has no seal at all.
    let (_, _, page2) = pades_support::render_page(&path, 2, dir.path());
    assert!(
        !page2.chunks_exact(3).any(is_red),
        "a seal on the wrong page"
    );
}

#[test]
fn second_seal_keeps_first_valid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let signer = Signer::new();
    let original = pades::sample_bid_document("Tender 2026-001");
    let once = signer.seal(&original, &SEAL_AT, "Seal1");
    let page2 = Placement { page: 2, ..SEAL_AT };
    let twice = signer.seal(&once, &page2, "Seal2");

    assert!(twice.starts_with(&once));
    let path = dir.path().join("twice.pdf");
    std::fs::write(&path, &twice).expect("write");
    let ca = signer.write_ca(dir.path());

    let db = pades_support::nss_db(dir.path(), Some(&ca));
    let reports = pdfsig(&path, &db);
    assert_eq!(reports.len(), 2);
    for report in &reports {
        assert!(report.has("Signature is Valid"), "{:?}", report.lines);
    }
    // NOTE: pdfsig 22.12 (Debian 12) reports "Unknown issue with
    // Certificate" for the second of two signatures that carry the very
    // same certificates. When the two chains differ in any certificate it
    // reports both as trusted. That points at NSS judging the same
    // certificates twice in one process rather than at the file, so pdfsig's
    // trust is asserted for the first signature and pyHanko's for both.
    assert!(
        reports[0].has("Certificate is Trusted"),
        "{:?}",
        reports[0].lines
    );
    assert!(
        reports[0].has("Not total document signed"),
        "{:?}",
        reports[0].lines
    );
    assert!(
        reports[1].has("Total document signed"),
        "{:?}",
        reports[1].lines
    );
    assert!(
        !reports[1].has("Not total document signed"),
        "{:?}",
        reports[1].lines
    );

    let verdicts = pyhanko(&path, &ca);
    assert_eq!(verdicts.len(), 2);
    let (first, second) = (&verdicts[0], &verdicts[1]);
    assert_eq!(first["field"], "Seal1");
    assert_eq!(first["intact"], true, "{first}");
    assert_eq!(first["valid"], true, "{first}");
    assert_eq!(first["trusted"], true, "{first}");
    assert_eq!(first["coverage"], "ENTIRE_REVISION", "{first}");
    // Adding a signature field is form filling, allowed after a signature.
    assert_eq!(first["modification_level"], "FORM_FILLING", "{first}");
    assert_eq!(first["docmdp_ok"], true, "{first}");
    assert_eq!(second["field"], "Seal2");
    assert_eq!(second["valid"], true, "{second}");
    assert_eq!(second["trusted"], true, "{second}");
    assert_eq!(second["coverage"], "ENTIRE_FILE", "{second}");
}

#[test]
fn changed_byte_reported_invalid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let signer = Signer::new();
    let original = pades::sample_bid_document("Tender 2026-001");
    let mut sealed = signer.seal(&original, &SEAL_AT, "Seal1");

    // The price on page 1, in the uncompressed content stream.
    let at = find(&sealed, b"1,234,567").expect("price in the content");
    sealed[at] = b'9';
    let path = dir.path().join("tampered.pdf");
    std::fs::write(&path, &sealed).expect("write");
    let ca = signer.write_ca(dir.path());

    let db = pades_support::nss_db(dir.path(), Some(&ca));
    let reports = pdfsig(&path, &db);
    assert!(
        !reports[0].has("Signature is Valid"),
        "{:?}",
        reports[0].lines
    );
    assert!(reports[0].has("Digest Mismatch"), "{:?}", reports[0].lines);

    // pyHanko's `valid` is the signature over the signed attributes, which
    // still holds; `intact` is the digest of the byte range, which does not.
    let verdicts = pyhanko(&path, &ca);
    assert_eq!(verdicts[0]["intact"], false, "{}", verdicts[0]);
    assert_eq!(verdicts[0]["bottom_line"], false, "{}", verdicts[0]);
}

fn field_names(document: &lopdf::Document) -> Vec<String> {
    let catalog = document.catalog().expect("catalog");
    let (_, form) = document
        .dereference(catalog.get(b"AcroForm").expect("AcroForm"))
        .expect("deref");
    let fields = form
        .as_dict()
        .expect("dict")
        .get(b"Fields")
        .expect("Fields");
    let (_, fields) = document.dereference(fields).expect("deref");
    fields
        .as_array()
        .expect("array")
        .iter()
        .map(|f| {
            let (_, field) = document.dereference(f).expect("deref");
            let t = field.as_dict().expect("dict").get(b"T").expect("T");
            lopdf::decode_text_string(t).expect("text")
        })
        .collect()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    find(haystack, needle).is_some()
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack
        .windows(needle.len())
        .filter(|w| *w == needle)
        .count()
}
