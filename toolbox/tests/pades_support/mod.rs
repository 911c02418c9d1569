//! Shared by the sealing tests: a test CA with a three-certificate chain,
//! a drawn seal, PDFs from other producers, and the external judges
//! (poppler's pdfsig and pdftoppm, pyHanko, Ghostscript).
//!
//! A judge that is not installed fails the test with the command that
//! installs it; nothing is skipped.

#![allow(dead_code, reason = "each test file uses part of the support")]
#![allow(
    unreachable_pub,
    reason = "a test support module is private to its test crate"
)]

use std::path::{Path, PathBuf};
use std::process::Command;

use palmbid_core::pki::{CertInfo, IssuingCa, KeyRole, Subject, Validity};
use palmbid_toolbox::pades::{self, Placement};

/// Seal red, as the platform draws it.
pub const RED: [u8; 3] = [0xd0, 0x10, 0x10];

/// A CA (root and intermediate) and a signing certificate under it.
pub struct Signer {
    pub root: IssuingCa,
    pub intermediate: CertInfo,
    pub cert: CertInfo,
    pub key: p256::SecretKey,
}

pub fn now() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    i64::try_from(secs).expect("time fits")
}

impl Signer {
    /// Valid from a day ago for 30 days: NSS and pyHanko judge at now.
    pub fn new() -> Self {
        let validity = Validity {
            not_before: now() - 86_400,
            days: 30,
        };
        let root = IssuingCa::new_root("palmbid 测试根 CA", validity).expect("root");
        let intermediate = root
            .new_intermediate("palmbid 测试中级 CA", validity)
            .expect("intermediate");
        let subject = Subject {
            name: "张三".to_owned(),
            company: "某某建设有限公司".to_owned(),
            credit_code: "914403001922038216".to_owned(),
        };
        let issued = intermediate
            .issue_with_new_key(&subject, KeyRole::Signing, validity)
            .expect("issue");
        let key = palmbid_core::pki::parse_private_key(issued.key_pkcs8_pem.as_bytes(), None)
            .expect("key");
        Signer {
            intermediate: intermediate.certificate().clone(),
            root,
            cert: issued.cert,
            key,
        }
    }

    /// Signs as the phone does: a `PAdES` CMS over the digest, chain included.
    pub fn sign(&self, digest: &[u8; 32]) -> Vec<u8> {
        let chain = [self.intermediate.clone(), self.root.certificate().clone()];
        palmbid_core::cms::sign_detached_digest_pades(digest, &self.key, &self.cert, &chain)
            .expect("sign")
    }

    /// Prepares, signs and embeds.
    pub fn seal(&self, pdf: &[u8], placement: &Placement, field: &str) -> Vec<u8> {
        let prepared =
            pades::prepare(pdf, &seal_png(), placement, field, "张三", now()).expect("prepare");
        let cms = self.sign(&prepared.digest());
        prepared.finish(&cms).expect("finish")
    }

    pub fn write_ca(&self, dir: &Path) -> PathBuf {
        let path = dir.join("ca.pem");
        std::fs::write(&path, self.root.certificate().to_pem()).expect("write CA");
        path
    }
}

/// Draws a 200 x 200 RGBA seal on a transparent background: a red ring
/// and a red square in its middle.
pub fn seal_png() -> Vec<u8> {
    let side = 200u32;
    let mut rgba = Vec::with_capacity((side * side * 4) as usize);
    for y in 0..side {
        for x in 0..side {
            let (dx, dy) = (f64::from(x) - 99.5, f64::from(y) - 99.5);
            let r = (dx * dx + dy * dy).sqrt();
            let ring = (80.0..96.0).contains(&r);
            let square = (70..130).contains(&x) && (70..130).contains(&y);
            if ring || square {
                rgba.extend_from_slice(&[RED[0], RED[1], RED[2], 255]);
            } else {
                rgba.extend_from_slice(&[0, 0, 0, 0]);
            }
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("png header");
    writer.write_image_data(&rgba).expect("png data");
    writer.finish().expect("png finish");
    out
}

fn run(command: &mut Command, tool: &str, install: &str) -> std::process::Output {
    match command.output() {
        Ok(output) => output,
        Err(e) => panic!("{tool} cannot run ({e}); install it: {install}, or run scripts/test"),
    }
}

/// Returns the pyHanko virtualenv's python: `PALMBID_PYHANKO`, else the one
/// scripts/test makes under the target directory.
pub fn pyhanko_python() -> PathBuf {
    if let Some(path) = std::env::var_os("PALMBID_PYHANKO") {
        return PathBuf::from(path);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"),
        PathBuf::from,
    );
    let python = target.join("pyhanko-venv/bin/python");
    assert!(
        python.exists(),
        "pyHanko not found at {}: run scripts/test, or python3 -m venv {} && {} -m pip install pyhanko==0.38.0 pyhanko-certvalidator==0.33.0, or set PALMBID_PYHANKO",
        python.display(),
        target.join("pyhanko-venv").display(),
        python.display()
    );
    python
}

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(name)
}

/// pyHanko's verdict on every signature of the file, in order.
pub fn pyhanko(pdf: &Path, ca: &Path) -> Vec<serde_json::Value> {
    let output = run(
        Command::new(pyhanko_python())
            .arg(script("pyhanko_validate.py"))
            .arg(pdf)
            .arg(ca),
        "pyHanko",
        "python3 -m venv target/pyhanko-venv && target/pyhanko-venv/bin/pip install pyhanko==0.38.0",
    );
    assert!(
        output.status.success(),
        "pyhanko_validate.py failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("pyHanko JSON")
}

/// Writes, with pyHanko's writer, a one-page PDF with a cross-reference
/// stream and a text field "Bidder".
pub fn pyhanko_made_pdf(dir: &Path) -> Vec<u8> {
    let path = dir.join("xref-stream.pdf");
    let output = run(
        Command::new(pyhanko_python())
            .arg(script("make_xref_stream_pdf.py"))
            .arg(&path),
        "pyHanko",
        "python3 -m venv target/pyhanko-venv && target/pyhanko-venv/bin/pip install pyhanko==0.38.0",
    );
    assert!(
        output.status.success(),
        "make_xref_stream_pdf.py failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read(path).expect("read")
}

/// Makes a one-page A4 PDF with Ghostscript's pdfwrite from PostScript,
/// with a classic cross-reference table. `extra` are more gs options, for
/// example an owner password.
pub fn ghostscript_pdf(dir: &Path, extra: &[&str]) -> Vec<u8> {
    let ps = dir.join("bid.ps");
    std::fs::write(
        &ps,
        "%!PS\n<< /PageSize [595 842] >> setpagedevice\n/Helvetica findfont 20 scalefont setfont\n72 760 moveto (Bid made by Ghostscript 1,234,567) show\nshowpage\n",
    )
    .expect("write ps");
    let out = dir.join("gs.pdf");
    let output = run(
        Command::new("gs")
            .args(["-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfwrite"])
            .args(extra)
            .arg(format!("-sOutputFile={}", out.display()))
            .arg(&ps),
        "gs",
        "apt-get install ghostscript",
    );
    assert!(
        output.status.success(),
        "gs failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::read(out).expect("read")
}

/// One signature as pdfsig reports it: its lines, keyed loosely.
#[derive(Debug)]
pub struct PdfsigReport {
    pub lines: Vec<String>,
}

impl PdfsigReport {
    pub fn has(&self, text: &str) -> bool {
        self.lines.iter().any(|l| l.contains(text))
    }
}

/// Creates an NSS database in `dir`. With `ca`, that certificate is in it
/// as a trusted issuer.
pub fn nss_db(dir: &Path, ca: Option<&Path>) -> PathBuf {
    let db = dir.join(if ca.is_some() {
        "nss-trusted"
    } else {
        "nss-empty"
    });
    std::fs::create_dir_all(&db).expect("mkdir");
    let spec = format!("sql:{}", db.display());
    let output = run(
        Command::new("certutil").args(["-N", "--empty-password", "-d", &spec]),
        "certutil",
        "apt-get install libnss3-tools",
    );
    assert!(
        output.status.success(),
        "certutil -N: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    if let Some(ca) = ca {
        let output = run(
            Command::new("certutil")
                .args([
                    "-A",
                    "-d",
                    &spec,
                    "-n",
                    "palmbid test CA",
                    "-t",
                    "CT,C,C",
                    "-i",
                ])
                .arg(ca),
            "certutil",
            "apt-get install libnss3-tools",
        );
        assert!(
            output.status.success(),
            "certutil -A: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    db
}

/// pdfsig's report of each signature, with the NSS database `db`.
pub fn pdfsig(pdf: &Path, db: &Path) -> Vec<PdfsigReport> {
    let output = run(
        Command::new("pdfsig")
            .arg("-nssdir")
            .arg(format!("sql:{}", db.display()))
            .arg(pdf),
        "pdfsig",
        "apt-get install poppler-utils",
    );
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let mut reports: Vec<PdfsigReport> = Vec::new();
    for line in text.lines() {
        if line.starts_with("Signature #") {
            reports.push(PdfsigReport { lines: Vec::new() });
        } else if let Some(report) = reports.last_mut() {
            report.lines.push(line.trim().to_owned());
        }
    }
    assert!(
        !reports.is_empty(),
        "pdfsig found no signature: {text}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    reports
}

/// Renders the page with pdftoppm at 72 dpi (one pixel a point) and returns
/// width, height and RGB rows from the top.
pub fn render_page(pdf: &Path, page: u32, dir: &Path) -> (u32, u32, Vec<u8>) {
    let prefix = dir.join(format!("page{page}"));
    let output = run(
        Command::new("pdftoppm")
            .args([
                "-png",
                "-r",
                "72",
                "-singlefile",
                "-f",
                &page.to_string(),
                "-l",
                &page.to_string(),
            ])
            .arg(pdf)
            .arg(&prefix),
        "pdftoppm",
        "apt-get install poppler-utils",
    );
    assert!(
        output.status.success(),
        "pdftoppm: {}",
        String::from_utf8_lossy(&output.stderr)
    );

    let file = std::fs::File::open(prefix.with_extension("png")).expect("rendered page");
    let mut decoder = png::Decoder::new(std::io::BufReader::new(file));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().expect("png");
    let mut buffer = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buffer).expect("frame");
    assert_eq!(info.color_type, png::ColorType::Rgb, "pdftoppm writes RGB");
    buffer.truncate(info.buffer_size());
    (info.width, info.height, buffer)
}

/// Tells whether a rendered pixel is the seal's red.
pub fn is_red(pixel: &[u8]) -> bool {
    pixel[0] > 150 && pixel[1] < 90 && pixel[2] < 90
}
