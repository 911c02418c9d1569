//! Errors of signed-PDF checking.

use crate::cms::CmsError;
use crate::error::Localized;

/// Why a signed PDF is not accepted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    /// The bytes do not parse as a PDF.
    #[error("the document is not a readable PDF: {detail}")]
    NotPdf {
        /// The parser's reason.
        detail: String,
    },

    /// The PDF is encrypted.
    #[error("the PDF is encrypted; a signed guarantee must be readable without a password")]
    Encrypted,

    /// No signature dictionary.
    #[error("the PDF carries no signature")]
    NoSignature,

    /// The signatures cover less than the file: something was added after
    /// signing.
    #[error(
        "the PDF's signature covers {covered} of its {len} bytes; content was added after signing"
    )]
    NotWholeFile {
        /// Bytes covered by the widest signature.
        covered: usize,
        /// The file's length.
        len: usize,
    },

    /// The signature dictionary does not fit the file.
    #[error("the PDF's signature is malformed: {detail}")]
    Malformed {
        /// What is wrong.
        detail: String,
    },

    /// The CMS signature does not verify or its signer is not trusted.
    #[error("the PDF's signature does not verify: {0}")]
    Signature(#[from] CmsError),
}

impl Localized for PdfError {
    fn code(&self) -> &'static str {
        match self {
            PdfError::NotPdf { .. } => "pdf.not_pdf",
            PdfError::Encrypted => "pdf.encrypted",
            PdfError::NoSignature => "pdf.no_signature",
            PdfError::NotWholeFile { .. } => "pdf.not_whole_file",
            PdfError::Malformed { .. } => "pdf.malformed",
            PdfError::Signature(_) => "pdf.signature_invalid",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            PdfError::NotPdf { .. } => "文件不是可读取的 PDF".to_owned(),
            PdfError::Encrypted => "PDF 已加密；签章的保函必须无需密码即可读取".to_owned(),
            PdfError::NoSignature => "PDF 没有签章".to_owned(),
            PdfError::NotWholeFile { covered, len } => {
                format!("PDF 的签章只覆盖了 {len} 字节中的 {covered} 字节；签章后内容被追加过")
            }
            PdfError::Malformed { .. } => "PDF 的签章格式不正确".to_owned(),
            PdfError::Signature(e) => format!("PDF 的签章验证失败：{}", e.message_zh()),
        }
    }
}
