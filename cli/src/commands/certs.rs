//! `palmbid certs`: list installed certificates, with the bids each
//! encryption key must still open (the keystore keeps such a key through a
//! renewal or a new pickup, and refuses to delete it).

use palmbid_core::keystore::{BidRecord, CertificateRecord, Keystore};
use serde::Serialize;

use crate::Context;
use crate::error::{CliResult, core};
use crate::select::short_id;

#[derive(Serialize)]
struct CertJson<'a> {
    id: &'a str,
    role: &'a str,
    subject: &'a str,
    issuer: &'a str,
    serial: String,
    not_before: String,
    not_after: String,
    fingerprint_sha256: &'a str,
    key_id: &'a str,
    /// `project/bid` of the pending bids that open with this key.
    pending_bids: Vec<String>,
}

pub(crate) fn run(ctx: &Context, keystore: &Keystore, json: bool) -> CliResult<()> {
    let records = keystore.certificates().map_err(core)?;
    let warnings = keystore.renewal_warnings().map_err(core)?;
    let pending = |record: &CertificateRecord| -> Vec<BidRecord> {
        warnings
            .iter()
            .filter(|w| w.key_id == record.key_id)
            .flat_map(|w| w.bids.iter().cloned())
            .collect()
    };

    if json {
        let list: Vec<CertJson<'_>> = records
            .iter()
            .map(|record| to_json(record, &pending(record)))
            .collect();
        let text = serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".to_owned());
        outln!("{text}");
        return Ok(());
    }

    if records.is_empty() {
        outln!(
            "{}",
            ctx.tr("证书库中没有证书。", "The keystore holds no certificate.")
        );
        return Ok(());
    }
    for record in &records {
        print_record(ctx, record, &pending(record));
    }
    Ok(())
}

fn to_json<'a>(record: &'a CertificateRecord, pending: &[BidRecord]) -> CertJson<'a> {
    CertJson {
        id: short_id(record),
        role: record.role.as_str(),
        subject: &record.cert.subject,
        issuer: &record.cert.issuer,
        serial: record.cert.serial_hex(),
        not_before: crate::time_text(record.cert.not_before),
        not_after: crate::time_text(record.cert.not_after),
        fingerprint_sha256: &record.cert.fingerprint,
        key_id: &record.key_id.0,
        pending_bids: pending
            .iter()
            .map(|bid| format!("{}/{}", bid.project_id, bid.bid_id))
            .collect(),
    }
}

fn print_record(ctx: &Context, record: &CertificateRecord, pending: &[BidRecord]) {
    let role = match record.role {
        palmbid_core::pki::KeyRole::Signing => ctx.tr("签名证书", "signing"),
        palmbid_core::pki::KeyRole::Encryption => ctx.tr("加密证书", "encryption"),
    };
    let cert = &record.cert;
    outln!("{}  {role}", short_id(record));
    outln!("  {}: {}", ctx.tr("主题", "subject"), cert.subject);
    outln!("  {}: {}", ctx.tr("颁发者", "issuer"), cert.issuer);
    outln!("  {}: {}", ctx.tr("序列号", "serial"), cert.serial_hex());
    outln!(
        "  {}: {} — {}",
        ctx.tr("有效期", "valid"),
        crate::time_text(cert.not_before),
        crate::time_text(cert.not_after)
    );
    outln!("  SHA-256: {}", cert.fingerprint);
    for bid in pending {
        outln!(
            "  {}: {}/{} ({} {})",
            ctx.tr("开标前须保留此密钥", "key kept until the opening of"),
            bid.project_id,
            bid.bid_id,
            ctx.tr("开标", "opening"),
            crate::time_text(bid.deadline)
        );
    }
}
