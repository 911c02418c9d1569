//! Choosing a certificate from `--cert`: an id or a fingerprint prefix.

use palmbid_core::keystore::CertificateRecord;

use crate::error::{CliError, CliResult};

/// Hex digits of the fingerprint shown as a certificate's id.
pub(crate) const ID_LEN: usize = 16;

/// Returns the short id of a certificate: the start of its SHA-256 fingerprint.
pub(crate) fn short_id(record: &CertificateRecord) -> &str {
    &record.cert.fingerprint[..ID_LEN.min(record.cert.fingerprint.len())]
}

/// Picks one certificate among `candidates`: the one whose fingerprint
/// starts with `wanted` (colons and case ignored), or the only candidate
/// when `wanted` is `None`. `purpose` names the operation in errors.
pub(crate) fn one<'a>(
    candidates: &'a [CertificateRecord],
    wanted: Option<&str>,
    purpose: (&str, &str),
) -> CliResult<&'a CertificateRecord> {
    let (purpose_zh, purpose_en) = purpose;
    let matching: Vec<&CertificateRecord> = match wanted {
        Some(prefix) => {
            let prefix = prefix.replace(':', "").to_ascii_lowercase();
            if prefix.len() < 4 || !prefix.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(CliError::usage(
                    "cli.cert_id_invalid",
                    format!(
                        "--cert {prefix} 无效：请给出证书 ID 或至少 4 位十六进制指纹前缀（见 palmbid certs）"
                    ),
                    format!(
                        "--cert {prefix} is invalid: give a certificate id or a fingerprint prefix of 4 or more hex digits (see palmbid certs)"
                    ),
                ));
            }
            candidates
                .iter()
                .filter(|r| r.cert.fingerprint.starts_with(&prefix))
                .collect()
        }
        None => candidates.iter().collect(),
    };

    match (matching.as_slice(), wanted) {
        ([one], _) => Ok(one),
        ([], Some(prefix)) => Err(CliError::usage(
            "cli.cert_not_found",
            format!("没有可用于{purpose_zh}的证书与 --cert {prefix} 匹配（见 palmbid certs）"),
            format!(
                "no certificate usable to {purpose_en} matches --cert {prefix} (see palmbid certs)"
            ),
        )),
        ([], None) => Err(CliError::failed(
            "cli.no_certificate",
            format!(
                "证书库中没有可用于{purpose_zh}的证书；请先用 palmbid import 或 palmbid request/install 安装证书"
            ),
            format!(
                "no certificate in the keystore can {purpose_en}; install one with palmbid import or palmbid request/install"
            ),
        )),
        (many, _) => {
            let ids: Vec<&str> = many.iter().map(|r| short_id(r)).collect();
            let ids = ids.join(", ");
            Err(CliError::usage(
                "cli.cert_ambiguous",
                format!("有多张证书可用于{purpose_zh}（{ids}）；请用 --cert 指定一张"),
                format!("several certificates can {purpose_en} ({ids}); choose one with --cert"),
            ))
        }
    }
}
