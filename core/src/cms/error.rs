use crate::error::Localized;

/// Errors of CMS signatures and envelopes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CmsError {
    /// Reading or writing a file failed.
    #[error("I/O error on {path}: {source}")]
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
        }
    }

    fn message_zh(&self) -> String {
        match self {
            CmsError::Io { path, source } => format!("读写文件 {path} 失败：{source}"),
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
        }
    }
}
