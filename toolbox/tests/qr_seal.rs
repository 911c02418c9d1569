//! Sealing by QR code end to end: the toolbox asks through the real
//! platform, the phone picks its company seal and signs the prepared
//! revision, and the sealed PDF is judged by poppler's pdfsig (with the
//! platform root trusted in an NSS database), by pyHanko and by a render
//! of the page that must show the seal's red where it was placed.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod pades_support;
mod support;

use palmbid_core::api::pickup::SealKind;
use palmbid_core::api::qr::QrKind;
use palmbid_core::error::Localized;
use palmbid_core::qr::{self, AnswerChoice};
use palmbid_toolbox::pades::{Placement, sample_bid_document};
use support::{Bench, PHONE, pin, scan_request};

/// Lower-left corner and width of the seal on the page, in points.
const AT: (u16, u16, u16) = (380, 120, 120);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn company_seal_passes_pdfsig_and_pyhanko() {
    let bench = Bench::start().await;
    let phone = bench.phone(PHONE).await;
    let work = tempfile::tempdir().unwrap();
    let pdf = work.path().join("投标函.pdf");
    std::fs::write(&pdf, sample_bid_document("Bid letter")).unwrap();

    let toolbox = bench.toolbox();
    let (mut screen, mut frames) = support::screen();
    let input = pdf.clone();
    let desktop = tokio::spawn(async move {
        let placement = Placement {
            page: 1,
            x: f32::from(AT.0),
            y: f32::from(AT.1),
            width: f32::from(AT.2),
        };
        toolbox.seal(&input, &placement, &mut screen).await
    });
    let (request, _) = scan_request(&phone, &mut frames).await;
    assert_eq!(request.view.kind, QrKind::Seal);
    let held: Vec<SealKind> = request.seals.iter().map(|s| s.kind).collect();
    assert_eq!(held, [SealKind::Personal, SealKind::Company]);

    // A seal this phone does not hold is refused before the PIN.
    let error = qr::answer(
        &phone.store,
        &phone.keystore,
        &request,
        AnswerChoice {
            seal: Some(SealKind::LegalRepresentative),
        },
        &pin(),
    )
    .await
    .unwrap_err();
    assert_eq!(error.code(), "qr.seal_not_available", "{error}");

    qr::answer(
        &phone.store,
        &phone.keystore,
        &request,
        AnswerChoice {
            seal: Some(SealKind::Company),
        },
        &pin(),
    )
    .await
    .unwrap();
    let outcome = desktop.await.unwrap().unwrap();
    assert_eq!(outcome.seal, SealKind::Company);

    let original = std::fs::read(&pdf).unwrap();
    assert!(
        outcome.pdf.starts_with(&original),
        "not an incremental update"
    );
    let sealed = work.path().join("sealed.pdf");
    std::fs::write(&sealed, &outcome.pdf).unwrap();
    let ca = work.path().join("root.pem");
    std::fs::write(&ca, bench.anchor().to_pem()).unwrap();

    let db = pades_support::nss_db(work.path(), Some(&ca));
    let reports = pades_support::pdfsig(&sealed, &db);
    assert_eq!(reports.len(), 1);
    assert!(reports[0].has("Signature is Valid"), "{:?}", reports[0]);
    assert!(reports[0].has("Certificate is Trusted"), "{:?}", reports[0]);
    assert!(reports[0].has("ETSI.CAdES.detached"), "{:?}", reports[0]);

    let verdicts = pades_support::pyhanko(&sealed, &ca);
    let verdict = &verdicts[0];
    assert_eq!(verdict["intact"], true, "{verdict}");
    assert_eq!(verdict["valid"], true, "{verdict}");
    assert_eq!(verdict["trusted"], true, "{verdict}");
    assert_eq!(verdict["coverage"], "ENTIRE_FILE", "{verdict}");
    assert_eq!(verdict["pades_level"], "B-B", "{verdict}");

    // The seal's red is inside its box on the rendered page (72 dpi: one
    // pixel a point; rows count from the top).
    let (width, height, pixels) = pades_support::render_page(&sealed, 1, work.path());
    let red_at = |x: u32, y: u32| {
        let offset = ((y * width + x) * 3) as usize;
        pades_support::is_red(&pixels[offset..offset + 3])
    };
    let (left, bottom, size) = (u32::from(AT.0), u32::from(AT.1), u32::from(AT.2));
    let top = height - bottom - size;
    let inside = (left..left + size)
        .flat_map(|x| (top..top + size).map(move |y| (x, y)))
        .filter(|(x, y)| red_at(*x, *y))
        .count();
    let outside = (0..width)
        .flat_map(|x| (0..height).map(move |y| (x, y)))
        .filter(|(x, y)| {
            !(left..left + size).contains(x) && !(top..top + size).contains(y) && red_at(*x, *y)
        })
        .count();
    assert!(inside > 200, "{inside} red pixels in the seal's box");
    assert_eq!(outside, 0, "red outside the seal's box");
}
