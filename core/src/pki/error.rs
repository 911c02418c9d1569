use crate::error::Localized;

/// Errors of certificate parsing, checking, requests and imports.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PkiError {
    /// The bytes are not a DER or PEM X.509 certificate.
    #[error("invalid certificate ({what}): {detail}; pass a DER or PEM X.509 certificate")]
    InvalidCertificate {
        /// The certificate concerned: a file name or a role.
        what: String,
        /// The parser's reason.
        detail: String,
    },

    /// A unified social credit code that breaks GB 32100-2015.
    #[error(
        "invalid unified social credit code {value:?}: {reason}; copy the 18 characters from the business licence"
    )]
    InvalidCreditCode {
        /// The code as given.
        value: String,
        /// Description of the fault.
        reason: String,
    },

    /// A subject field that cannot go into a certificate request.
    #[error("invalid subject field {field}: {reason}; fill it in correctly")]
    InvalidSubject {
        /// The field: name, company.
        field: &'static str,
        /// Description of the fault.
        reason: String,
    },

    /// Building a request or a certificate failed inside the encoder.
    #[error("could not build the {what}: {detail}")]
    Build {
        /// The object being built.
        what: &'static str,
        /// The encoder's reason.
        detail: String,
    },

    /// The bytes are not a PKCS#10 certificate request.
    #[error("invalid certificate request: {detail}; pass a DER or PEM PKCS#10 request")]
    InvalidCsr {
        /// The parser's reason.
        detail: String,
    },

    /// The request's self-signature does not verify: it was altered or was
    /// not made with the key it carries.
    #[error("the certificate request's signature does not verify; the request is refused")]
    CsrSignatureInvalid,

    /// A certificate's validity ended before the time of the check.
    #[error("certificate {subject} expired on {not_after} (checked at {at}); renew it")]
    Expired {
        /// Subject of the certificate.
        subject: String,
        /// End of validity, RFC 3339.
        not_after: String,
        /// Time of the check, RFC 3339.
        at: String,
    },

    /// A certificate's validity starts after the time of the check.
    #[error(
        "certificate {subject} is not valid before {not_before} (checked at {at}); check the phone's clock"
    )]
    NotYetValid {
        /// Subject of the certificate.
        subject: String,
        /// Start of validity, RFC 3339.
        not_before: String,
        /// Time of the check, RFC 3339.
        at: String,
    },

    /// No intermediate or trust anchor has the issuer's name.
    #[error(
        "no trusted issuer found for {subject} (issuer {issuer}); add the issuing CA's certificate or its root"
    )]
    UnknownIssuer {
        /// Subject of the certificate whose issuer is missing.
        subject: String,
        /// The issuer name it names.
        issuer: String,
    },

    /// An issuer with the right name was found but its key does not verify
    /// the certificate's signature.
    #[error("the signature on certificate {subject} does not verify with the key of {issuer}")]
    BadSignature {
        /// Subject of the certificate.
        subject: String,
        /// Subject of the issuer tried.
        issuer: String,
    },

    /// An issuing certificate is not a CA (basicConstraints) or may not sign
    /// certificates (keyCertSign).
    #[error("certificate {subject} may not issue certificates: {reason}")]
    NotCa {
        /// Subject of the issuing certificate.
        subject: String,
        /// The failed constraint.
        reason: &'static str,
    },

    /// The chain is longer than allowed.
    #[error("certificate chain is longer than {max} certificates; refused")]
    ChainTooLong {
        /// The maximum number of certificates above the leaf.
        max: usize,
    },

    /// The certificate's key usage does not allow the role.
    #[error(
        "certificate {subject} cannot serve as the {role} certificate: its key usage lacks \
         {need}; ask the CA to issue it with that key usage"
    )]
    WrongKeyUsage {
        /// Subject of the certificate.
        subject: String,
        /// The role asked for.
        role: &'static str,
        /// The key usage the role needs.
        need: &'static str,
    },

    /// A signature algorithm palmbid does not verify.
    #[error(
        "unsupported signature algorithm {oid}; palmbid verifies ECDSA on P-256 and P-384 with SHA-256 or SHA-384"
    )]
    UnsupportedSignatureAlgorithm {
        /// The algorithm's OID.
        oid: String,
    },

    /// A public or private key that is not on a supported curve.
    #[error("unsupported key in {what}: {detail}; palmbid keys are ECDSA P-256")]
    UnsupportedKey {
        /// Source of the key.
        what: String,
        /// Reason it is not supported.
        detail: String,
    },

    /// A certificate does not carry the public key it is being paired with.
    #[error(
        "certificate {subject} is not for this key (public keys differ); pick the certificate issued for it"
    )]
    CertificateKeyMismatch {
        /// Subject of the certificate.
        subject: String,
    },

    /// A PKCS#12 file that does not decode.
    #[error("damaged or invalid PKCS#12 file: {detail}; export it again")]
    Pkcs12Malformed {
        /// The parser's reason.
        detail: String,
    },

    /// The password does not open the PKCS#12 file or the encrypted key.
    #[error("wrong password for {what}; enter the password given when it was exported")]
    WrongPassword {
        /// The file kind: PKCS#12 file, encrypted private key.
        what: &'static str,
    },

    /// A key-derivation iteration count over the cap.
    #[error(
        "iteration count {iterations} in {what} is over the limit of {max}; export it again with fewer iterations"
    )]
    IterationsTooHigh {
        /// Location of the count.
        what: &'static str,
        /// The count in the file.
        iterations: u64,
        /// The cap.
        max: u64,
    },

    /// A PKCS#12 file without an integrity MAC, refused by default.
    #[error(
        "the PKCS#12 file has no integrity check (MAC) and is refused; export it again with a MAC"
    )]
    Pkcs12NoMac,

    /// An encryption or MAC algorithm palmbid does not implement.
    #[error("unsupported algorithm {oid} in {what}; export it again with AES (PBES2)")]
    UnsupportedEncryption {
        /// Location of the algorithm.
        what: &'static str,
        /// The algorithm's OID.
        oid: String,
    },

    /// The file contains no private key.
    #[error("{what} holds no private key; export it again with its private key included")]
    NoPrivateKey {
        /// The file kind.
        what: &'static str,
    },

    /// No certificate in the file carries the private key's public key.
    #[error(
        "{what} holds no certificate for its private key; export it again with that key's \
         certificate"
    )]
    NoMatchingCertificate {
        /// The file kind.
        what: &'static str,
    },

    /// Bytes that are not a private key in any accepted form.
    #[error(
        "invalid private key: {detail}; pass PKCS#8 (PRIVATE KEY, ENCRYPTED PRIVATE KEY) or SEC1 (EC PRIVATE KEY), PEM or DER"
    )]
    InvalidPrivateKey {
        /// The parser's reason.
        detail: String,
    },

    /// An encrypted private key given without a password.
    #[error("the private key is encrypted; enter its password")]
    PasswordRequired,
}

impl Localized for PkiError {
    fn code(&self) -> &'static str {
        match self {
            PkiError::InvalidCertificate { .. } => "pki.invalid_certificate",
            PkiError::InvalidCreditCode { .. } => "pki.invalid_credit_code",
            PkiError::InvalidSubject { .. } => "pki.invalid_subject",
            PkiError::Build { .. } => "pki.build_failed",
            PkiError::InvalidCsr { .. } => "pki.invalid_csr",
            PkiError::CsrSignatureInvalid => "pki.csr_signature_invalid",
            PkiError::Expired { .. } => "pki.certificate_expired",
            PkiError::NotYetValid { .. } => "pki.certificate_not_yet_valid",
            PkiError::UnknownIssuer { .. } => "pki.unknown_issuer",
            PkiError::BadSignature { .. } => "pki.bad_signature",
            PkiError::NotCa { .. } => "pki.issuer_not_ca",
            PkiError::ChainTooLong { .. } => "pki.chain_too_long",
            PkiError::WrongKeyUsage { .. } => "pki.wrong_key_usage",
            PkiError::UnsupportedSignatureAlgorithm { .. } => "pki.unsupported_signature_algorithm",
            PkiError::UnsupportedKey { .. } => "pki.unsupported_key",
            PkiError::CertificateKeyMismatch { .. } => "pki.certificate_key_mismatch",
            PkiError::Pkcs12Malformed { .. } => "pki.pkcs12_malformed",
            PkiError::WrongPassword { .. } => "pki.wrong_password",
            PkiError::IterationsTooHigh { .. } => "pki.iterations_too_high",
            PkiError::Pkcs12NoMac => "pki.pkcs12_no_mac",
            PkiError::UnsupportedEncryption { .. } => "pki.unsupported_encryption",
            PkiError::NoPrivateKey { .. } => "pki.no_private_key",
            PkiError::NoMatchingCertificate { .. } => "pki.no_matching_certificate",
            PkiError::InvalidPrivateKey { .. } => "pki.invalid_private_key",
            PkiError::PasswordRequired => "pki.password_required",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            PkiError::InvalidCertificate { what, detail } => {
                format!("证书无效（{what}）：{detail}；请提供 DER 或 PEM 格式的 X.509 证书")
            }
            PkiError::InvalidCreditCode { value, reason } => {
                format!("统一社会信用代码 {value} 无效：{reason}；请按营业执照上的 18 位代码填写")
            }
            PkiError::InvalidSubject { field, reason } => subject_fault_zh(field, reason),
            PkiError::Build { what, detail } => format!("生成{what}失败：{detail}"),
            PkiError::InvalidCsr { detail } => {
                format!("证书请求无效：{detail}；请提供 DER 或 PEM 格式的 PKCS#10 请求")
            }
            PkiError::CsrSignatureInvalid => "证书请求的签名验证失败，已拒绝该请求".to_owned(),
            PkiError::Expired {
                subject,
                not_after,
                at,
            } => {
                format!("证书 {subject} 已于 {not_after} 过期（检查时间 {at}），请更新证书")
            }
            PkiError::NotYetValid {
                subject,
                not_before,
                at,
            } => {
                format!("证书 {subject} 在 {not_before} 之前无效（检查时间 {at}），请检查手机时间")
            }
            PkiError::UnknownIssuer { subject, issuer } => format!(
                "找不到证书 {subject} 的可信签发者（签发者 {issuer}），请添加签发 CA 证书或其根证书"
            ),
            PkiError::BadSignature { subject, issuer } => {
                format!("证书 {subject} 的签名无法用 {issuer} 的公钥验证")
            }
            PkiError::NotCa { subject, reason } => format!("证书 {subject} 不能签发证书：{reason}"),
            PkiError::ChainTooLong { max } => format!("证书链超过 {max} 张证书，已拒绝"),
            PkiError::WrongKeyUsage {
                subject,
                role,
                need,
            } => {
                let role = if *role == "signing" {
                    "签名"
                } else {
                    "加密"
                };
                format!(
                    "证书 {subject} 不能用作{role}证书：其密钥用途缺少 {need}；请让 CA 按此密钥用途重新签发"
                )
            }
            PkiError::UnsupportedSignatureAlgorithm { oid } => format!(
                "不支持的签名算法 {oid}；仅支持 P-256、P-384 曲线上的 ECDSA（SHA-256 或 SHA-384）"
            ),
            PkiError::UnsupportedKey { what, detail } => {
                format!("{what} 中的密钥不受支持：{detail}；仅支持 ECDSA P-256 密钥")
            }
            PkiError::CertificateKeyMismatch { subject } => {
                format!("证书 {subject} 与该密钥不匹配（公钥不同），请选择为该密钥签发的证书")
            }
            PkiError::Pkcs12Malformed { detail } => {
                format!("PKCS#12 文件损坏或无效：{detail}；请重新导出")
            }
            PkiError::WrongPassword { what } => {
                format!("{} 的密码错误，请输入导出时设置的密码", what_zh(what))
            }
            PkiError::IterationsTooHigh {
                what,
                iterations,
                max,
            } => {
                format!("{what} 的迭代次数 {iterations} 超过上限 {max}，请用较少的迭代次数重新导出")
            }
            PkiError::Pkcs12NoMac => {
                "PKCS#12 文件没有完整性校验（MAC），已拒绝；请带 MAC 重新导出".to_owned()
            }
            PkiError::UnsupportedEncryption { what, oid } => {
                format!("{what} 使用了不支持的算法 {oid}；请用 AES（PBES2）重新导出")
            }
            PkiError::NoPrivateKey { what } => {
                format!("{} 中没有私钥；请重新导出，并选择包含私钥", what_zh(what))
            }
            PkiError::NoMatchingCertificate { what } => format!(
                "{} 中没有与私钥对应的证书；请重新导出，并包含该私钥的证书",
                what_zh(what)
            ),
            PkiError::InvalidPrivateKey { detail } => format!(
                "私钥无效：{detail}；请提供 PKCS#8（PRIVATE KEY、ENCRYPTED PRIVATE KEY）或 SEC1（EC PRIVATE KEY）格式，PEM 或 DER 均可"
            ),
            PkiError::PasswordRequired => "私钥已加密，请输入其密码".to_owned(),
        }
    }
}

/// The Chinese message of [`PkiError::InvalidSubject`].
fn subject_fault_zh(field: &str, reason: &str) -> String {
    let field = match field {
        "name" => "姓名（name）",
        "company" => "单位名称（company）",
        other => other,
    };
    let reason = match reason {
        "it is empty" => "为空",
        "it contains control characters" => "含有控制字符",
        other => other,
    };
    format!("证书主体字段 {field} 无效：{reason}；请填写正确的值")
}

/// The Chinese name of a file kind named in an error.
fn what_zh(what: &str) -> &str {
    match what {
        "PKCS#12 file" => "PKCS#12 文件",
        "encrypted private key" => "加密的私钥文件",
        other => other,
    }
}
