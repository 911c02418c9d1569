//! Every input sealing refuses, each with its own error and stable code.

mod pades_support;

use pades_support::{Signer, now, seal_png};
use palmbid_core::error::Localized;
use palmbid_toolbox::pades::{self, CONTENTS_CAPACITY, PadesError, Placement};

const SEAL_AT: Placement = Placement {
    page: 1,
    x: 380.0,
    y: 80.0,
    width: 150.0,
};

fn prepare_err(pdf: &[u8], seal: &[u8], placement: &Placement, field: &str) -> PadesError {
    match pades::prepare(pdf, seal, placement, field, "张三", now()) {
        Ok(prepared) => panic!("prepared {prepared:?} where an error was expected"),
        Err(err) => err,
    }
}

#[test]
fn text_file_is_not_a_pdf() {
    let err = prepare_err(b"hello, this is a bid", &seal_png(), &SEAL_AT, "Seal1");
    assert!(matches!(err, PadesError::NotPdf { .. }), "{err}");
    assert_eq!(err.code(), "pades.not_pdf");
}

#[test]
fn header_only_is_not_pdf() {
    let err = prepare_err(b"%PDF-1.7\n1 0 obj\n<<", &seal_png(), &SEAL_AT, "Seal1");
    assert!(matches!(err, PadesError::NotPdf { .. }), "{err}");
}

/// Ghostscript encrypts with an owner password only: lopdf opens such a
/// file with the empty user password, and it must still be refused.
#[test]
fn encrypted_pdf_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let encrypted = pades_support::ghostscript_pdf(
        dir.path(),
        &[
            "-sOwnerPassword=owner",
            "-dEncryptionR=3",
            "-dKeyLength=128",
        ],
    );
    assert!(
        encrypted.windows(8).any(|w| w == b"/Encrypt"),
        "gs wrote an encrypted file"
    );
    let err = prepare_err(&encrypted, &seal_png(), &SEAL_AT, "Seal1");
    assert!(matches!(err, PadesError::Encrypted), "{err}");
    assert_eq!(err.code(), "pades.encrypted");

    let with_user_password = pades_support::ghostscript_pdf(
        dir.path(),
        &[
            "-sOwnerPassword=owner",
            "-sUserPassword=user",
            "-dEncryptionR=3",
            "-dKeyLength=128",
        ],
    );
    let err = prepare_err(&with_user_password, &seal_png(), &SEAL_AT, "Seal1");
    assert!(matches!(err, PadesError::Encrypted), "{err}");
}

#[test]
fn page_out_of_range_names_the_page_count() {
    let pdf = pades::sample_bid_document("Tender");
    for page in [0, 3] {
        let err = prepare_err(&pdf, &seal_png(), &Placement { page, ..SEAL_AT }, "Seal1");
        assert!(
            matches!(err, PadesError::PageOutOfRange { page: p, pages: 2 } if p == page),
            "{err}"
        );
        assert_eq!(err.code(), "pades.page_out_of_range");
    }
}

#[test]
fn seal_off_the_page_is_refused() {
    let pdf = pades::sample_bid_document("Tender");
    let off = [
        Placement {
            x: 500.0,
            ..SEAL_AT
        },
        Placement {
            y: 800.0,
            ..SEAL_AT
        },
        Placement {
            x: -10.0,
            ..SEAL_AT
        },
        Placement {
            width: 700.0,
            x: 0.0,
            ..SEAL_AT
        },
    ];
    for placement in off {
        let err = prepare_err(&pdf, &seal_png(), &placement, "Seal1");
        assert!(
            matches!(err, PadesError::PlacementOffPage { .. }),
            "{placement:?}: {err}"
        );
        assert_eq!(err.code(), "pades.placement_off_page");
    }
}

#[test]
fn placement_that_is_not_a_box_is_refused() {
    let pdf = pades::sample_bid_document("Tender");
    let bad = [
        Placement {
            width: 0.0,
            ..SEAL_AT
        },
        Placement {
            width: -5.0,
            ..SEAL_AT
        },
        Placement {
            x: f32::NAN,
            ..SEAL_AT
        },
        Placement {
            y: f32::INFINITY,
            ..SEAL_AT
        },
    ];
    for placement in bad {
        let err = prepare_err(&pdf, &seal_png(), &placement, "Seal1");
        assert!(
            matches!(err, PadesError::PlacementInvalid { .. }),
            "{placement:?}: {err}"
        );
        assert_eq!(err.code(), "pades.placement_invalid");
    }
}

#[test]
fn seal_that_is_not_a_png_is_refused() {
    let pdf = pades::sample_bid_document("Tender");
    let jpeg_start = [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, b'J', b'F', b'I', b'F'];
    let mut truncated = seal_png();
    truncated.truncate(60);
    for seal in [&jpeg_start[..], &[][..], &truncated[..]] {
        let err = prepare_err(&pdf, seal, &SEAL_AT, "Seal1");
        assert!(matches!(err, PadesError::SealNotPng { .. }), "{err}");
        assert_eq!(err.code(), "pades.seal_not_png");
    }
}

#[test]
fn field_of_the_same_name_is_refused() {
    let signer = Signer::new();
    let sealed = signer.seal(&pades::sample_bid_document("Tender"), &SEAL_AT, "Seal1");
    let err = prepare_err(&sealed, &seal_png(), &SEAL_AT, "Seal1");
    assert!(
        matches!(&err, PadesError::FieldExists { name } if name == "Seal1"),
        "{err}"
    );
    assert_eq!(err.code(), "pades.field_exists");

    // A field another producer made counts as well.
    let dir = tempfile::tempdir().expect("tempdir");
    let form = pades_support::pyhanko_made_pdf(dir.path());
    let err = prepare_err(&form, &seal_png(), &SEAL_AT, "Bidder");
    assert!(matches!(err, PadesError::FieldExists { .. }), "{err}");
}

#[test]
fn bad_field_name_refused() {
    let pdf = pades::sample_bid_document("Tender");
    for name in ["", "seal.one", &"x".repeat(101)] {
        let err = prepare_err(&pdf, &seal_png(), &SEAL_AT, name);
        assert!(
            matches!(err, PadesError::FieldNameInvalid { .. }),
            "{name:?}: {err}"
        );
        assert_eq!(err.code(), "pades.field_name_invalid");
    }
}

#[test]
fn signature_larger_than_the_placeholder_is_refused() {
    let pdf = pades::sample_bid_document("Tender");
    let prepared =
        pades::prepare(&pdf, &seal_png(), &SEAL_AT, "Seal1", "张三", now()).expect("prepare");
    let err = prepared
        .finish(&vec![0x30; CONTENTS_CAPACITY + 1])
        .expect_err("too large");
    assert!(
        matches!(
            err,
            PadesError::SignatureTooLarge {
                capacity: CONTENTS_CAPACITY,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(err.code(), "pades.signature_too_large");
}

#[test]
fn signature_over_another_document_is_refused() {
    let signer = Signer::new();
    let pdf = pades::sample_bid_document("Tender");
    let first =
        pades::prepare(&pdf, &seal_png(), &SEAL_AT, "Seal1", "张三", now()).expect("prepare");
    let other =
        pades::prepare(&pdf, &seal_png(), &SEAL_AT, "Seal1", "张三", now() + 60).expect("prepare");
    assert_ne!(
        first.digest(),
        other.digest(),
        "/M differs, so does the digest"
    );

    let cms = signer.sign(&other.digest());
    let err = first.finish(&cms).expect_err("another digest");
    assert!(
        matches!(err, PadesError::SignatureDigestMismatch { .. }),
        "{err}"
    );
    assert_eq!(err.code(), "pades.signature_digest_mismatch");
}

#[test]
fn answer_that_is_not_cms_is_refused() {
    let pdf = pades::sample_bid_document("Tender");
    let prepared =
        pades::prepare(&pdf, &seal_png(), &SEAL_AT, "Seal1", "张三", now()).expect("prepare");
    let err = prepared.finish(b"OK").expect_err("not CMS");
    assert!(matches!(err, PadesError::SignatureNotCms { .. }), "{err}");
    assert_eq!(err.code(), "pades.signature_not_cms");
}

#[test]
fn messages_exist_in_chinese() {
    let err = PadesError::PageOutOfRange { page: 3, pages: 2 };
    assert!(
        err.message_zh().contains("第 3 页不存在"),
        "{}",
        err.message_zh()
    );
    assert!(err.to_string().contains("page 3 does not exist"), "{err}");
}
