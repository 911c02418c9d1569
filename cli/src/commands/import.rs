//! `palmbid import`: a software certificate and its key under a new PIN.

use std::path::Path;

use palmbid_core::keystore::{Keystore, enroll};
use palmbid_core::pki::CertInfo;

use crate::Context;
use crate::args::ImportArgs;
use crate::error::{CliError, CliResult, core};

pub(crate) fn run(ctx: &Context, keystore: &Keystore, args: &ImportArgs) -> CliResult<()> {
    let now = crate::unix_now();

    let (_, key_ids) = if let Some(p12) = &args.p12 {
        let bytes = read(p12)?;
        let chain = match &args.chain {
            Some(file) => CertInfo::all_from_pem_or_der(&read(file)?, &file.display().to_string())
                .map_err(core)?,
            None => Vec::new(),
        };
        let password = match &args.p12_password_file {
            Some(file) => first_line(file)?,
            None => ctx
                .secrets
                .read("请输入 PKCS#12 文件的密码", "PKCS#12 password")?,
        };
        let pin = new_pin(ctx)?;
        enroll::import_pkcs12_with_chain(keystore, &bytes, &password, &chain, &pin, now)
            .map_err(core)?
    } else if let (Some(key), Some(cert)) = (&args.key, &args.cert) {
        let key_bytes = read(key)?;
        let cert_bytes = read(cert)?;
        let chain = args.chain.as_deref().map(read).transpose()?;
        let password = encrypted_key_password(ctx, &key_bytes)?;
        let pin = new_pin(ctx)?;
        enroll::import_pkcs8(
            keystore,
            &key_bytes,
            &cert_bytes,
            chain.as_deref(),
            password.as_ref().map(|p| p.as_str()),
            &pin,
            now,
        )
        .map_err(core)?
    } else {
        return Err(CliError::usage(
            "cli.import_source",
            "请用 --p12 文件，或 --key 与 --cert 指定要导入的证书",
            "pass --p12 FILE, or --key KEY.pem with --cert CERT.pem",
        ));
    };

    let count = key_ids.len();
    match ctx.lang {
        palmbid_core::error::Lang::ZhCn => outln!("已导入 {count} 个密钥及其证书。"),
        palmbid_core::error::Lang::En => {
            outln!("Imported {count} key(s) with their certificates.");
        }
    }
    Ok(())
}

/// Asks the password of an `ENCRYPTED PRIVATE KEY` file; `None` otherwise.
fn encrypted_key_password(
    ctx: &Context,
    key: &[u8],
) -> CliResult<Option<zeroize::Zeroizing<String>>> {
    let is_encrypted = key
        .windows(b"ENCRYPTED PRIVATE KEY".len())
        .any(|w| w == b"ENCRYPTED PRIVATE KEY");
    if !is_encrypted {
        return Ok(None);
    }
    ctx.secrets
        .read("请输入私钥文件的密码", "Password of the private key file")
        .map(Some)
}

fn new_pin(ctx: &Context) -> CliResult<palmbid_core::keystore::Pin> {
    let text = ctx.secrets.new_pin()?;
    palmbid_core::keystore::Pin::chosen(text.as_str().to_owned()).map_err(core)
}

/// Largest certificate, key, PKCS#12, signature or password file read
/// whole into memory. Real ones are a few KiB; the cap keeps a wrong file
/// (a disk image, `/dev/zero`) from exhausting memory.
const MAX_SMALL_FILE: u64 = 16 << 20;

/// Reads a file that must hold exactly one certificate (`--to`,
/// `install --cert`). A bundle is refused rather than cut to its first
/// certificate, which would silently drop the others.
pub(crate) fn one_certificate(path: &Path) -> CliResult<CertInfo> {
    let shown = path.display().to_string();
    let mut certs = CertInfo::all_from_pem_or_der(&read(path)?, &shown).map_err(core)?;
    if certs.len() > 1 {
        let subjects: Vec<&str> = certs.iter().map(|c| c.subject.as_str()).collect();
        let subjects = subjects.join("; ");
        let count = certs.len();
        return Err(CliError::usage(
            "cli.several_certificates",
            format!(
                "{shown} 中有 {count} 张证书（{subjects}）；此处每个文件只能给一张证书，请拆分后分别给出"
            ),
            format!(
                "{shown} holds {count} certificates ({subjects}); give one certificate per file here, split the file and pass each"
            ),
        ));
    }
    certs.pop().ok_or_else(|| {
        core(palmbid_core::pki::PkiError::InvalidCertificate {
            what: shown,
            detail: "no certificate found".to_owned(),
        })
    })
}

/// Reads a certificate, key, PKCS#12, signature or password file.
pub(crate) fn read(path: &Path) -> CliResult<Vec<u8>> {
    use std::io::Read;

    let file = std::fs::File::open(path).map_err(|e| CliError::io(path, &e))?;
    let mut bytes = Vec::new();
    file.take(MAX_SMALL_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| CliError::io(path, &e))?;
    if bytes.len() as u64 > MAX_SMALL_FILE {
        let shown = path.display();
        let mib = MAX_SMALL_FILE >> 20;
        return Err(CliError::usage(
            "cli.file_too_large",
            format!(
                "{shown} 超过 {mib} MiB，不可能是证书、密钥、PKCS#12 或签名文件；请检查给出的文件是否正确"
            ),
            format!(
                "{shown} is larger than {mib} MiB, too large for a certificate, key, PKCS#12 or signature file; check that this is the right file"
            ),
        ));
    }
    Ok(bytes)
}

fn first_line(path: &Path) -> CliResult<zeroize::Zeroizing<String>> {
    let bytes = zeroize::Zeroizing::new(read(path)?);
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        let shown = path.display();
        CliError::usage(
            "cli.password_file_not_text",
            format!("密码文件 {shown} 不是 UTF-8 文本；请在文件第一行写入密码"),
            format!("password file {shown} is not UTF-8 text; put the password on its first line"),
        )
    })?;
    let line = text.lines().next().unwrap_or_default();
    Ok(zeroize::Zeroizing::new(line.to_owned()))
}
