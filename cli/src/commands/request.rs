//! `palmbid request` and `palmbid install`: keys and CSRs made here, then
//! the certificates a CA issued for them.

use std::path::{Path, PathBuf};

use palmbid_core::keystore::{Keystore, enroll};
use palmbid_core::pki::{CertInfo, Subject};

use crate::Context;
use crate::args::RequestArgs;
use crate::commands::import::{one_certificate, read};
use crate::error::{CliError, CliResult, core};
use crate::output::{self, Existing, Staging};

pub(crate) fn run(ctx: &Context, keystore: &Keystore, args: &RequestArgs) -> CliResult<()> {
    let subject = Subject {
        name: args.name.clone(),
        company: args.company.clone(),
        credit_code: args.credit_code.clone(),
    };
    // Check the subject before asking for a PIN the user would type in vain.
    subject.validate().map_err(core)?;
    std::fs::create_dir_all(&args.out).map_err(|e| CliError::io(&args.out, &e))?;

    // The keys are stored before the requests are written, so a folder
    // that cannot take the requests would leave keys nobody can get a
    // certificate for. The folder is proved writable, and requests of an
    // earlier run are kept, before the PIN is asked.
    let signing = args.out.join("signing.csr");
    let encryption = args.out.join("encryption.csr");
    output::check_target(&signing, &[], Existing::Refuse)?;
    output::check_target(&encryption, &[], Existing::Refuse)?;
    let staged_signing = Staging::beside(&signing)?;
    let staged_encryption = Staging::beside(&encryption)?;

    let pin_text = ctx.secrets.new_pin()?;
    let pin = palmbid_core::keystore::Pin::chosen(pin_text.as_str().to_owned()).map_err(core)?;
    let (_, signing_csr, encryption_csr) =
        enroll::request(keystore, &pin, &subject).map_err(core)?;

    staged_signing.write(pem("CERTIFICATE REQUEST", &signing_csr)?.as_bytes())?;
    staged_encryption.write(pem("CERTIFICATE REQUEST", &encryption_csr)?.as_bytes())?;
    staged_signing.commit(Existing::Refuse)?;
    staged_encryption.commit(Existing::Refuse)?;

    outln!(
        "{}\n  {}\n  {}",
        ctx.tr(
            "已生成签名密钥和加密密钥，证书请求已写入：",
            "Keys generated; certificate requests written to:"
        ),
        signing.display(),
        encryption.display()
    );
    Ok(())
}

pub(crate) fn install(
    ctx: &Context,
    keystore: &Keystore,
    cert_files: &[PathBuf],
    chain_file: Option<&Path>,
) -> CliResult<()> {
    let mut certs = Vec::with_capacity(cert_files.len());
    for file in cert_files {
        certs.push(one_certificate(file)?);
    }
    let chain = match chain_file {
        Some(file) => CertInfo::all_from_pem_or_der(&read(file)?, &file.display().to_string())
            .map_err(core)?,
        None => Vec::new(),
    };

    let pin = ctx.secrets.pin()?;
    let installed = enroll::install(keystore, &pin, &certs, &chain, crate::unix_now())
        .map_err(|e| install_error(&certs, e))?;

    for record in &installed {
        outln!(
            "{} {}  {}",
            ctx.tr("已安装", "installed"),
            crate::select::short_id(record),
            record.cert.subject
        );
    }
    Ok(())
}

/// A wrong PIN or a lock told with the subject of the certificates being
/// installed (their keys have no id the user has seen yet); any other
/// error as the core reports it.
fn install_error(certs: &[CertInfo], err: enroll::EnrollError) -> CliError {
    use palmbid_core::error::Localized;
    use palmbid_core::keystore::{EnrollError, KeystoreError, MAX_PIN_ATTEMPTS};

    let subject = certs.first().map_or("", |c| c.subject.as_str());
    match &err {
        EnrollError::Keystore(KeystoreError::PinIncorrect { tries_left, .. }) => CliError::failed(
            err.code(),
            format!(
                "证书 {subject} 所属密钥的 PIN 码错误，还可以再试 {tries_left} 次，之后将被锁定；请输入执行 palmbid request 时设置的 PIN"
            ),
            format!(
                "wrong PIN for the keys of {subject}: {tries_left} tries left before they lock; enter the PIN set with palmbid request"
            ),
        ),
        EnrollError::Keystore(KeystoreError::Locked { .. }) => CliError::failed(
            err.code(),
            format!(
                "证书 {subject} 所属密钥已因连续 {MAX_PIN_ATTEMPTS} 次输错 PIN 码被锁定；请重新执行 palmbid request 申请证书"
            ),
            format!(
                "the keys of {subject} are locked after {MAX_PIN_ATTEMPTS} wrong PINs in a row; make a new request with palmbid request"
            ),
        ),
        _ => core(err),
    }
}

/// DER as PEM text under `label`.
fn pem(label: &str, der: &[u8]) -> CliResult<String> {
    der::pem::encode_string(label, der::pem::LineEnding::LF, der).map_err(|e| {
        CliError::failed(
            "cli.pem",
            format!("PEM 编码失败：{e}"),
            format!("PEM encoding failed: {e}"),
        )
    })
}

/// Writes `bytes` to `path` through a temporary file in the same folder.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> CliResult<()> {
    use std::io::Write;
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(folder).map_err(|e| CliError::io(path, &e))?;
    tmp.write_all(bytes).map_err(|e| CliError::io(path, &e))?;
    tmp.as_file()
        .sync_all()
        .map_err(|e| CliError::io(path, &e))?;
    tmp.persist(path)
        .map_err(|e| CliError::io(path, &e.error))?;
    Ok(())
}
