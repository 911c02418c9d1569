use crate::error::Localized;

/// Errors of CMS signatures and envelopes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CmsError {
    /// Reading or writing a file failed.
    #[error(
        "reading or writing {path} failed: {source}; check that the file exists, is readable and writable, and that the disk has room"
    )]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },

    // SignedData (signed.rs).
    /// The signature file does not decode as a detached CMS `SignedData`.
    #[error(
        "malformed signature file: {detail}; ask the signer for a detached CMS (PKCS#7) signature"
    )]
    SignatureMalformed {
        /// What is wrong.
        detail: String,
    },

    /// The content's digest differs from the signed messageDigest.
    #[error(
        "the content does not match the signature: the file was changed or is not the one signed"
    )]
    SignedContentMismatch,

    /// The signature does not verify with the signer's key.
    #[error(
        "the signature of {signer} does not verify; the signature or its attributes were altered"
    )]
    SignatureInvalid {
        /// Subject of the signer certificate.
        signer: String,
    },

    /// No certificate in the signature matches the signer identifier.
    #[error(
        "the signature does not carry its signer's certificate; ask for a signature that includes it"
    )]
    SignerCertificateMissing,

    /// The signer's certificate is not trusted, or not for signing.
    #[error("signer not trusted: {source}")]
    SignerNotTrusted {
        /// The certificate check that failed.
        source: crate::pki::PkiError,
    },

    /// The ESS `signingCertificateV2` attribute names another certificate.
    #[error(
        "the signing-certificate attribute does not match the certificate of {signer}; the certificate was swapped"
    )]
    EssCertificateMismatch {
        /// Subject of the signer certificate.
        signer: String,
    },

    /// A digest or signature algorithm palmbid does not verify.
    #[error(
        "unsupported algorithm {oid} in the signature; palmbid verifies ECDSA with SHA-256, SHA-384 or SHA-512"
    )]
    SignatureAlgorithmUnsupported {
        /// The algorithm.
        oid: String,
    },

    /// Signing with a certificate that is not for the key.
    #[error("certificate {subject} is not for the signing key; install the matching certificate")]
    SignerKeyMismatch {
        /// Subject of the certificate.
        subject: String,
    },
    /// The input file has no bytes at all.
    #[error("{path} is empty; choose the envelope file again")]
    EmptyInput {
        /// The file.
        path: String,
    },

    /// The input is neither CMS (DER, BER, PEM) nor S/MIME, or it is CMS of
    /// another kind than an envelope.
    #[error("{path} is not an encrypted envelope ({found}); choose the .p7m / envelope file")]
    NotAnEnvelope {
        /// The file.
        path: String,
        /// Description of the input found instead.
        found: String,
    },

    /// The envelope ends before its structure is complete.
    #[error(
        "the envelope ends early at byte {offset}; the file is incomplete, download or copy it again"
    )]
    Truncated {
        /// Offset in the decoded envelope where more bytes were expected.
        offset: u64,
    },

    /// The envelope's encoding is broken.
    #[error("the envelope is malformed at byte {offset}: {detail}")]
    Malformed {
        /// Offset in the decoded envelope of the faulty element.
        offset: u64,
        /// Description of the fault.
        detail: String,
    },

    /// A buffered part of the envelope (recipients, parameters) is larger
    /// than palmbid accepts.
    #[error("the envelope's {what} is larger than {limit} bytes; such an envelope is refused")]
    TooLarge {
        /// Which part.
        what: &'static str,
        /// The limit in bytes.
        limit: usize,
    },

    /// The content is encrypted with an algorithm palmbid does not implement.
    #[error(
        "unsupported content encryption algorithm {name} ({oid}); AES-CBC and AES-GCM are supported"
    )]
    UnsupportedContentAlgorithm {
        /// The algorithm's OID.
        oid: String,
        /// Its name where known.
        name: String,
    },

    /// The recipient entry uses a key-encryption algorithm palmbid does not
    /// implement.
    #[error(
        "unsupported key encryption algorithm {name} ({oid}); ECDH on P-256 with AES key wrap is supported"
    )]
    UnsupportedKeyAlgorithm {
        /// The algorithm's OID.
        oid: String,
        /// Its name where known.
        name: String,
    },

    /// No recipient entry of the envelope names the given certificate.
    #[error("the envelope is not encrypted to this certificate; its recipients are: {recipients}")]
    NoRecipient {
        /// The envelope's recipients, described one after the other.
        recipients: String,
    },

    /// The GCM tag does not verify: the file is damaged or was altered.
    #[error(
        "the envelope failed authentication: it is damaged or was tampered with; nothing was written"
    )]
    AuthenticationFailed,

    /// The CBC padding of the last block is wrong: damaged file or wrong key.
    #[error("the decrypted content has bad padding: the envelope is damaged; nothing was written")]
    BadPadding,

    /// The content-encryption key does not unwrap: the private key does not
    /// belong to the recipient entry.
    #[error(
        "the content key does not unwrap with this private key; the key does not match the recipient certificate"
    )]
    KeyUnwrapFailed,

    /// An envelope's recipient entries are too large to send for a key
    /// release.
    #[error(
        "the envelope header is {length} bytes, more than the {limit} a key release request carries; encrypt the file to fewer recipients"
    )]
    EnvelopeHeaderTooLarge {
        /// Its length in bytes.
        length: u64,
        /// The limit in bytes.
        limit: usize,
    },

    /// A released key is addressed to another public key.
    #[error(
        "the released key is addressed to another key (key id {key_id}); ask for it again with this key"
    )]
    ReleasedToOtherKey {
        /// Hex key identifiers the release is addressed to.
        key_id: String,
    },

    /// A released key blob does not decode.
    #[error("the released key is not a valid KeyAgreeRecipientInfo: {detail}")]
    InvalidReleasedKey {
        /// Description of the fault.
        detail: String,
    },

    /// Encryption was asked with no recipient.
    #[error("no recipient certificate was given; choose at least one")]
    NoRecipients,

    /// A recipient certificate does not carry a P-256 key.
    #[error(
        "the certificate {subject} has no P-256 key; only P-256 encryption certificates can receive envelopes"
    )]
    RecipientNotP256 {
        /// Subject of the certificate.
        subject: String,
    },

    /// A recipient certificate's key usage forbids key agreement.
    #[error(
        "the certificate {subject} does not allow keyAgreement; use the encryption certificate of that party"
    )]
    RecipientNoKeyAgreement {
        /// Subject of the certificate.
        subject: String,
    },

    /// The output file is already there; palmbid never overwrites it.
    #[error("{path} already exists; choose another output file or remove it")]
    OutputExists {
        /// The file.
        path: String,
    },

    /// The output file or its temporary sibling cannot be written.
    #[error("cannot write {path}: {source}")]
    OutputNotWritable {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },

    /// The input file changed size while it was being encrypted.
    #[error("{path} changed while it was being encrypted; try again when nothing writes to it")]
    InputChanged {
        /// The file.
        path: String,
    },

    /// Encoding a structure palmbid builds failed.
    #[error("cannot encode {what}: {detail}")]
    Encoding {
        /// The structure.
        what: &'static str,
        /// The encoder's message.
        detail: String,
    },
}

impl Localized for CmsError {
    fn code(&self) -> &'static str {
        match self {
            CmsError::Io { .. } => "cms.io",
            CmsError::SignatureMalformed { .. } => "cms.signature_malformed",
            CmsError::SignedContentMismatch => "cms.content_mismatch",
            CmsError::SignatureInvalid { .. } => "cms.signature_invalid",
            CmsError::SignerCertificateMissing => "cms.signer_certificate_missing",
            CmsError::SignerNotTrusted { .. } => "cms.signer_not_trusted",
            CmsError::EssCertificateMismatch { .. } => "cms.ess_certificate_mismatch",
            CmsError::SignatureAlgorithmUnsupported { .. } => "cms.signature_algorithm_unsupported",
            CmsError::SignerKeyMismatch { .. } => "cms.signer_key_mismatch",
            CmsError::EmptyInput { .. } => "cms.empty_input",
            CmsError::NotAnEnvelope { .. } => "cms.not_an_envelope",
            CmsError::Truncated { .. } => "cms.truncated",
            CmsError::Malformed { .. } => "cms.malformed",
            CmsError::TooLarge { .. } => "cms.too_large",
            CmsError::UnsupportedContentAlgorithm { .. } => "cms.unsupported_content_algorithm",
            CmsError::UnsupportedKeyAlgorithm { .. } => "cms.unsupported_key_algorithm",
            CmsError::NoRecipient { .. } => "cms.no_recipient",
            CmsError::AuthenticationFailed => "cms.authentication_failed",
            CmsError::BadPadding => "cms.bad_padding",
            CmsError::KeyUnwrapFailed => "cms.key_unwrap_failed",
            CmsError::EnvelopeHeaderTooLarge { .. } => "cms.envelope_header_too_large",
            CmsError::ReleasedToOtherKey { .. } => "cms.released_to_other_key",
            CmsError::InvalidReleasedKey { .. } => "cms.invalid_released_key",
            CmsError::NoRecipients => "cms.no_recipients",
            CmsError::RecipientNotP256 { .. } => "cms.recipient_not_p256",
            CmsError::RecipientNoKeyAgreement { .. } => "cms.recipient_no_key_agreement",
            CmsError::OutputExists { .. } => "cms.output_exists",
            CmsError::OutputNotWritable { .. } => "cms.output_not_writable",
            CmsError::InputChanged { .. } => "cms.input_changed",
            CmsError::Encoding { .. } => "cms.encoding",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            CmsError::Io { path, source } => {
                let reason = match source.kind() {
                    std::io::ErrorKind::NotFound => "文件或目录不存在",
                    std::io::ErrorKind::PermissionDenied => "没有访问权限",
                    std::io::ErrorKind::StorageFull => "磁盘空间不足",
                    std::io::ErrorKind::IsADirectory => "这是一个目录",
                    _ => "系统读写错误",
                };
                format!("读写文件 {path} 失败：{reason}；请检查文件是否存在、可读写，以及磁盘空间")
            }
            CmsError::SignatureMalformed { detail } => {
                format!("签名文件格式错误：{detail}；请向签名方索取分离式 CMS（PKCS#7）签名")
            }
            CmsError::SignedContentMismatch => {
                "文件内容与签名不符：文件已被修改或不是被签名的文件".to_owned()
            }
            CmsError::SignatureInvalid { signer } => {
                format!("{signer} 的签名验证失败，签名或其属性已被篡改")
            }
            CmsError::SignerCertificateMissing => {
                "签名中没有签名者证书，请索取包含证书的签名".to_owned()
            }
            CmsError::SignerNotTrusted { source } => {
                format!("签名者不可信：{}", source.message_zh())
            }
            CmsError::EssCertificateMismatch { signer } => {
                format!("签名证书属性与 {signer} 的证书不符，证书已被替换")
            }
            CmsError::SignatureAlgorithmUnsupported { oid } => {
                format!("签名使用了不支持的算法 {oid}；仅支持 ECDSA（SHA-256、SHA-384 或 SHA-512）")
            }
            CmsError::SignerKeyMismatch { subject } => {
                format!("证书 {subject} 与签名密钥不匹配，请安装对应的证书")
            }
            CmsError::EmptyInput { path } => format!("{path} 是空文件，请重新选择数字信封文件"),
            // `found` is an English description of the input, kept out of
            // the Chinese message.
            CmsError::NotAnEnvelope { path, .. } => {
                format!("{path} 不是数字信封，请选择 .p7m 或数字信封文件")
            }
            CmsError::Truncated { offset } => {
                format!("数字信封在第 {offset} 字节处提前结束，文件不完整，请重新下载或复制")
            }
            CmsError::Malformed { offset, detail } => {
                format!("数字信封在第 {offset} 字节处格式错误：{detail}")
            }
            CmsError::TooLarge { what, limit } => {
                format!("数字信封的 {what} 超过 {limit} 字节，拒绝处理")
            }
            CmsError::UnsupportedContentAlgorithm { oid, name } => {
                format!("不支持的内容加密算法 {name}（{oid}），仅支持 AES-CBC 与 AES-GCM")
            }
            CmsError::UnsupportedKeyAlgorithm { oid, name } => {
                format!("不支持的密钥加密算法 {name}（{oid}），仅支持 P-256 ECDH 与 AES 密钥包装")
            }
            CmsError::NoRecipient { recipients } => {
                format!("数字信封不是加密给此证书的；信封的接收者为：{recipients}")
            }
            CmsError::AuthenticationFailed => {
                "数字信封校验失败：文件已损坏或被篡改，未写出任何内容".to_owned()
            }
            CmsError::BadPadding => {
                "解密后的内容填充错误：数字信封已损坏，未写出任何内容".to_owned()
            }
            CmsError::KeyUnwrapFailed => {
                "无法用此私钥解开内容密钥：私钥与接收者证书不匹配".to_owned()
            }
            CmsError::EnvelopeHeaderTooLarge { length, limit } => {
                format!(
                    "数字信封头部为 {length} 字节，超过密钥释放请求可携带的 {limit} 字节；请减少接收者后重新加密"
                )
            }
            CmsError::ReleasedToOtherKey { key_id } => {
                format!("释放的密钥是发给另一把密钥的（密钥标识 {key_id}），请用本密钥重新申请")
            }
            CmsError::InvalidReleasedKey { detail } => {
                format!("释放的密钥不是有效的 KeyAgreeRecipientInfo：{detail}")
            }
            CmsError::NoRecipients => "未指定接收者证书，请至少选择一个".to_owned(),
            CmsError::RecipientNotP256 { subject } => {
                format!("证书 {subject} 不是 P-256 密钥，只有 P-256 加密证书可以接收数字信封")
            }
            CmsError::RecipientNoKeyAgreement { subject } => {
                format!("证书 {subject} 不允许密钥协商（keyAgreement），请使用对方的加密证书")
            }
            CmsError::OutputExists { path } => {
                format!("{path} 已存在，请选择其他输出文件或先删除它")
            }
            CmsError::OutputNotWritable { path, source } => {
                format!("无法写入 {path}：{source}")
            }
            CmsError::InputChanged { path } => {
                format!("{path} 在加密过程中被修改，请在没有程序写入它时重试")
            }
            CmsError::Encoding { what, detail } => format!("无法编码 {what}：{detail}"),
        }
    }
}
