//! `palmbid sign` and `palmbid verify`: detached CMS signatures.

use std::path::Path;

use palmbid_core::cms;
use palmbid_core::keystore::Keystore;
use palmbid_core::pki::{CertInfo, KeyRole};

use crate::Context;
use crate::commands::import::read;
use crate::commands::request::write_atomic;
use crate::error::{CliError, CliResult, core};
use crate::select;

pub(crate) fn sign(
    ctx: &Context,
    keystore: &Keystore,
    cert: Option<&str>,
    input: &Path,
    out: &Path,
) -> CliResult<()> {
    let signing: Vec<_> = keystore
        .certificates()
        .map_err(core)?
        .into_iter()
        .filter(|r| r.role == KeyRole::Signing)
        .collect();
    let record = select::one(&signing, cert, ("签名", "sign"))?;

    // Fail on an unreadable input before the PIN is asked and a try counted.
    std::fs::metadata(input).map_err(|e| CliError::io(input, &e))?;

    let pin = ctx.secrets.pin()?;
    let key = keystore.unlock(&record.key_id, &pin).map_err(core)?;
    let signature = cms::sign_detached_file(
        input,
        key.secret(),
        &record.cert,
        &record.chain,
        crate::unix_now(),
    )
    .map_err(core)?;
    drop(key);
    write_atomic(out, &signature)?;

    println!(
        "{} {} ({} {})",
        ctx.tr("签名已写入", "signature written to"),
        out.display(),
        ctx.tr("证书", "certificate"),
        select::short_id(record)
    );
    Ok(())
}

pub(crate) fn verify(ctx: &Context, input: &Path, sig: &Path, ca: &Path) -> CliResult<()> {
    let signature = der_or_pem(&read(sig)?);
    let anchors =
        CertInfo::all_from_pem_or_der(&read(ca)?, &ca.display().to_string()).map_err(core)?;

    let verified =
        cms::verify_detached_file(&signature, input, &anchors, crate::unix_now()).map_err(core)?;

    println!("{}", ctx.tr("签名有效。", "Signature valid."));
    println!(
        "  {}: {}",
        ctx.tr("签名者", "signer"),
        verified.signer.subject
    );
    println!(
        "  {}: {}",
        ctx.tr("颁发者", "issuer"),
        verified.signer.issuer
    );
    if let Some(time) = verified.signing_time {
        println!(
            "  {}: {}",
            ctx.tr("签名时间", "signing time"),
            crate::time_text(time)
        );
    }
    Ok(())
}

/// The DER inside a PEM file (any label), or the bytes as they are.
fn der_or_pem(bytes: &[u8]) -> Vec<u8> {
    if bytes.trim_ascii_start().starts_with(b"-----BEGIN") {
        if let Ok((_, der)) = der::pem::decode_vec(bytes) {
            return der;
        }
    }
    bytes.to_vec()
}
