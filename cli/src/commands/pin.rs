//! `palmbid pin status` and `palmbid pin change`.

use palmbid_core::keystore::{CredentialId, Keystore};

use crate::Context;
use crate::error::{CliResult, core};
use crate::{select, unlock};

pub(crate) fn status(ctx: &Context, keystore: &Keystore) -> CliResult<()> {
    let records = keystore.certificates().map_err(core)?;
    let mut seen: Vec<&CredentialId> = Vec::new();
    for record in &records {
        if seen.contains(&&record.credential) {
            continue;
        }
        seen.push(&record.credential);

        let status = keystore.pin_status(&record.credential).map_err(core)?;
        let state = if status.locked {
            ctx.tr("已锁定", "locked").to_owned()
        } else {
            match ctx.lang {
                palmbid_core::error::Lang::ZhCn => format!("还可尝试 {} 次", status.tries_left),
                palmbid_core::error::Lang::En => format!("{} tries left", status.tries_left),
            }
        };
        outln!(
            "{}  {}  {state}",
            select::short_id(record),
            record.cert.subject
        );
    }
    if seen.is_empty() {
        outln!(
            "{}",
            ctx.tr("证书库中没有证书。", "The keystore holds no certificate.")
        );
    }
    Ok(())
}

pub(crate) fn change(ctx: &Context, keystore: &Keystore, cert: Option<&str>) -> CliResult<()> {
    let records = keystore.certificates().map_err(core)?;

    // One record per credential: a PIN change applies to all keys under it.
    let mut per_credential = Vec::new();
    for record in records {
        if !per_credential
            .iter()
            .any(|r: &palmbid_core::keystore::CertificateRecord| r.credential == record.credential)
        {
            per_credential.push(record);
        }
    }
    let chosen = select::one(&per_credential, cert, ("修改 PIN", "change the PIN of"))?;

    unlock::refuse_locked(keystore, chosen)?;
    let old = ctx.secrets.pin()?;
    let new_text = ctx.secrets.new_pin()?;
    let new = palmbid_core::keystore::Pin::chosen(new_text.as_str().to_owned()).map_err(core)?;
    unlock::change_pin(keystore, chosen, &old, &new)?;

    outln!("{}", ctx.tr("PIN 已修改。", "PIN changed."));
    Ok(())
}
