//! `palmbid sign` and `palmbid verify`: detached CMS signatures.

use std::path::Path;

use palmbid_core::cms;
use palmbid_core::keystore::{KeyOperation, KeyUse, Keystore};
use palmbid_core::pki::{CertInfo, KeyRole};

use crate::Context;
use crate::commands::import::read;
use crate::error::{CliResult, core};
use crate::output::{self, Existing, Staging};
use crate::{select, unlock};

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

    // Fail on an unusable input or output before the PIN is asked and a
    // try counted; writing the signature over the input would destroy it.
    output::check_input(input)?;
    output::check_target(out, &[input], Existing::Replace)?;
    let staging = Staging::beside(out)?;

    let (usage, digest) = KeyUse::new(KeyOperation::SignFile)
        .file(input)
        .map_err(core)?;
    let key = unlock::unlock(ctx, keystore, record, &usage)?;
    let signature = cms::sign_detached_digest(
        &digest,
        key.secret(),
        &record.cert,
        &record.chain,
        crate::unix_now(),
    )
    .map_err(core)?;
    drop(key);
    staging.write(&signature)?;
    staging.commit(Existing::Replace)?;

    outln!(
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

    outln!("{}", ctx.tr("签名有效。", "Signature valid."));
    outln!(
        "  {}: {}",
        ctx.tr("签名者", "signer"),
        verified.signer.subject
    );
    outln!(
        "  {}: {}",
        ctx.tr("颁发者", "issuer"),
        verified.signer.issuer
    );
    if let Some(time) = verified.signing_time {
        outln!(
            "  {}: {}",
            ctx.tr("签名时间", "signing time"),
            crate::time_text(time)
        );
    }
    Ok(())
}

/// The DER inside a PEM file (any label), or the bytes as they are.
fn der_or_pem(bytes: &[u8]) -> Vec<u8> {
    if bytes.trim_ascii_start().starts_with(b"-----BEGIN")
        && let Ok((_, der)) = der::pem::decode_vec(bytes)
    {
        return der;
    }
    bytes.to_vec()
}
