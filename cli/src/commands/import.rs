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
        palmbid_core::error::Lang::ZhCn => println!("已导入 {count} 个密钥及其证书。"),
        palmbid_core::error::Lang::En => {
            println!("Imported {count} key(s) with their certificates.");
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

pub(crate) fn read(path: &Path) -> CliResult<Vec<u8>> {
    std::fs::read(path).map_err(|e| CliError::io(path, &e))
}

fn first_line(path: &Path) -> CliResult<zeroize::Zeroizing<String>> {
    let text =
        zeroize::Zeroizing::new(std::fs::read_to_string(path).map_err(|e| CliError::io(path, &e))?);
    let line = text.lines().next().unwrap_or_default();
    Ok(zeroize::Zeroizing::new(line.to_owned()))
}
