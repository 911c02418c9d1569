//! `palmbid encrypt` and `palmbid decrypt`: CMS envelopes.

use std::path::{Path, PathBuf};

use palmbid_core::cms;
use palmbid_core::keystore::{CertificateRecord, KeyOperation, KeyUse, Keystore};
use palmbid_core::pki::CertInfo;

use crate::Context;
use crate::commands::import::one_certificate;
use crate::error::{CliError, CliResult, core};
use crate::output::{self, Existing, Staging};
use crate::{select, unlock};

pub(crate) fn encrypt(ctx: &Context, to: &[PathBuf], input: &Path, out: &Path) -> CliResult<()> {
    output::check_input(input)?;
    let mut inputs: Vec<&Path> = to.iter().map(PathBuf::as_path).collect();
    inputs.push(input);
    output::check_target(out, &inputs, Existing::Refuse)?;

    let mut recipients: Vec<CertInfo> = Vec::with_capacity(to.len());
    for file in to {
        recipients.push(one_certificate(file)?);
    }

    let staging = Staging::beside(out)?;
    cms::encrypt_to_file(input, &staging.file(), &recipients).map_err(core)?;
    staging.commit(Existing::Refuse)?;

    outln!(
        "{} {} ({} {})",
        ctx.tr("信封已写入", "envelope written to"),
        out.display(),
        recipients.len(),
        ctx.tr("个接收者", "recipient(s)")
    );
    Ok(())
}

pub(crate) fn decrypt(
    ctx: &Context,
    keystore: &Keystore,
    cert: Option<&str>,
    input: &Path,
    out: &Path,
) -> CliResult<()> {
    // Everything that can fail without the key is checked before the PIN is
    // asked, so no try is counted for an envelope that cannot open here.
    output::check_input(input)?;
    output::check_target(out, &[input], Existing::Refuse)?;
    let info = cms::inspect(input).map_err(core)?;
    let records = keystore.certificates().map_err(core)?;
    let records_for_hint = records.clone();
    let recipients: Vec<CertificateRecord> = records
        .into_iter()
        .filter(|r| {
            info.recipients
                .iter()
                .any(|recipient| recipient.supported && recipient.matches(&r.cert))
        })
        .collect();
    if recipients.is_empty() {
        unsupported_recipient(&info, &records_for_hint)?;
        let listed: Vec<String> = info.recipients.iter().map(ToString::to_string).collect();
        let listed = listed.join("; ");
        return Err(CliError::failed(
            "cli.not_a_recipient",
            format!("证书库中没有此信封的接收者证书；信封的接收者为：{listed}"),
            format!(
                "no certificate in the keystore is a recipient of this envelope; its recipients are: {listed}"
            ),
        ));
    }
    let record = select::one(&recipients, cert, ("解密此信封", "open this envelope"))?;

    // The plaintext is staged in a private folder that an interrupt
    // removes, and appears at `out` only once authenticated. Creating it
    // now also proves the folder writable before the PIN is asked.
    let staging = Staging::beside(out)?;
    let (usage, _) = KeyUse::new(KeyOperation::DecryptFile)
        .file(input)
        .map_err(core)?;
    let key = unlock::unlock(ctx, keystore, record, &usage)?;
    let report =
        cms::decrypt_to_file(input, &staging.file(), &record.cert, key.secret()).map_err(core)?;
    drop(key);
    staging.commit(Existing::Refuse)?;

    outln!(
        "{} {} ({} {})",
        ctx.tr("已解密到", "decrypted to"),
        out.display(),
        report.plaintext_len,
        ctx.tr("字节", "bytes")
    );
    Ok(())
}

/// Refuses an envelope addressed to a certificate of this keystore whose
/// recipient entry uses a key algorithm palmbid does not implement (for
/// example 3DES key wrap), rather than calling it not a recipient.
fn unsupported_recipient(info: &cms::EnvelopeInfo, records: &[CertificateRecord]) -> CliResult<()> {
    for recipient in info.recipients.iter().filter(|r| !r.supported) {
        if let Some(record) = records.iter().find(|r| recipient.matches(&r.cert)) {
            let id = select::short_id(record);
            let algorithm = &recipient.key_algorithm;
            return Err(CliError::failed(
                "cli.recipient_unsupported",
                format!(
                    "此信封是加密给证书 {id} 的，但其密钥封装算法 {algorithm} 不受 palmbid 支持；请让发送方改用 AES 密钥封装（如 openssl cms -encrypt -aes-256-gcm）重新加密"
                ),
                format!(
                    "this envelope is addressed to certificate {id}, but wraps its key with {algorithm}, which palmbid does not support; ask the sender to encrypt again with AES key wrap (for example openssl cms -encrypt -aes-256-gcm)"
                ),
            ));
        }
    }
    Ok(())
}
