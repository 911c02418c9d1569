//! `palmbid log`: the signature log (签名记录), newest first: every PIN
//! entry that asked for a key, refused ones included, so the user sees
//! tries they did not make.

use palmbid_core::error::Lang;
use palmbid_core::keystore::{Keystore, SignatureLogEntry};

use crate::Context;
use crate::error::{CliResult, core};

/// Prints up to `limit` rows older than row `before` as a table, or JSON.
pub(crate) fn run(
    ctx: &Context,
    keystore: &Keystore,
    limit: u32,
    before: Option<i64>,
    json: bool,
) -> CliResult<()> {
    let entries = keystore.signature_log(limit, before).map_err(core)?;
    if json {
        let list: Vec<serde_json::Value> = entries.iter().map(to_json).collect();
        let text = serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".to_owned());
        outln!("{text}");
        return Ok(());
    }
    if entries.is_empty() {
        outln!(
            "{}",
            ctx.tr("签名记录为空。", "The signature log is empty.")
        );
        return Ok(());
    }

    let zh = matches!(ctx.lang, Lang::ZhCn);
    let mut rows = vec![
        [
            ctx.tr("编号", "id"),
            ctx.tr("时间", "time"),
            ctx.tr("操作", "operation"),
            ctx.tr("结果", "outcome"),
            ctx.tr("证书序列号", "certificate serial"),
            ctx.tr("平台", "platform"),
            ctx.tr("请求方 / 项目", "requester / project"),
            ctx.tr("文件 (SHA-256)", "document (SHA-256)"),
        ]
        .map(str::to_owned),
    ];
    rows.extend(entries.iter().map(|entry| row(entry, zh)));
    print_table(&rows);

    if let Some(last) = entries.last().filter(|_| entries.len() == limit as usize) {
        outln!(
            "{} --before {}",
            ctx.tr("更早的记录：palmbid log", "older rows: palmbid log"),
            last.id
        );
    }
    Ok(())
}

fn row(entry: &SignatureLogEntry, zh: bool) -> [String; 8] {
    let or_dash = |text: Option<&str>| text.unwrap_or("-").to_owned();
    let counterpart = match (&entry.requester, &entry.project) {
        (Some(requester), _) => requester.clone(),
        (None, Some(project)) => project.clone(),
        (None, None) => "-".to_owned(),
    };
    let document = match (&entry.document_name, &entry.document_sha256) {
        (Some(name), Some(sha256)) => format!("{name} ({sha256})"),
        (Some(name), None) => name.clone(),
        (None, Some(sha256)) => format!("({sha256})"),
        (None, None) => "-".to_owned(),
    };
    [
        entry.id.to_string(),
        crate::time_text(entry.at),
        entry.operation.label(zh).to_owned(),
        entry.outcome.label(zh).to_owned(),
        or_dash(entry.certificate_serial.as_deref()),
        or_dash(entry.platform.as_deref()),
        counterpart,
        document,
    ]
}

/// Prints `rows` with columns padded to their widest cell; a CJK
/// character counts as two columns, as terminals draw it.
fn print_table(rows: &[[String; 8]]) {
    let mut widths = [0usize; 8];
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(display_width(cell));
        }
    }
    for row in rows {
        let mut line = String::new();
        for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                line.push_str(&" ".repeat(width - display_width(cell) + 2));
            }
        }
        outln!("{line}");
    }
}

/// Terminal columns of `text`: CJK characters take two.
fn display_width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

fn to_json(entry: &SignatureLogEntry) -> serde_json::Value {
    serde_json::json!({
        "id": entry.id,
        "at": crate::time_text(entry.at),
        "operation": entry.operation.as_str(),
        "outcome": entry.outcome.as_str(),
        "credential_id": entry.credential.0,
        "key_id": entry.key_id.as_ref().map(|k| k.0.as_str()),
        "role": entry.role.map(palmbid_core::pki::KeyRole::as_str),
        "certificate_serial": entry.certificate_serial,
        "platform": entry.platform,
        "requester": entry.requester,
        "project": entry.project,
        "document_name": entry.document_name,
        "document_sha256": entry.document_sha256,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_counts_two_columns() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("签名记录"), 8);
        assert_eq!(display_width("拒绝：PIN 码错误"), 16);
    }
}
