//! Errors of PDF sealing.

use palmbid_core::error::Localized;

/// Errors of preparing a PDF for a seal and of embedding the signature.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PadesError {
    /// The input does not parse as a PDF.
    #[error("the document is not a readable PDF ({detail}); choose a PDF file")]
    NotPdf {
        /// The parser's message.
        detail: String,
    },

    /// The PDF is encrypted; its objects cannot be extended without the key.
    #[error(
        "the PDF is encrypted (password-protected); save an unprotected copy of it and seal that"
    )]
    Encrypted,

    /// The PDF parses but lacks a structure sealing needs.
    #[error("the PDF is damaged: {detail}; open it in a PDF editor, save it again and retry")]
    Malformed {
        /// The missing or broken structure.
        detail: String,
    },

    /// The page number is not a page of the document.
    #[error(
        "page {page} does not exist: the document has {pages} page(s); choose a page from 1 to {pages}"
    )]
    PageOutOfRange {
        /// The page asked for, 1-based.
        page: u32,
        /// How many pages the document has.
        pages: usize,
    },

    /// The placement is not a usable box (zero, negative or not a number).
    #[error(
        "the seal placement x={x} y={y} width={width} is not a valid box; give finite coordinates and a positive width"
    )]
    PlacementInvalid {
        /// Left edge, points.
        x: f32,
        /// Bottom edge, points.
        y: f32,
        /// Width, points.
        width: f32,
    },

    /// The seal's box reaches outside the visible page.
    #[error(
        "the seal box [{left} {bottom} {right} {top}] lies outside page {page}, whose visible area is [{page_left} {page_bottom} {page_right} {page_top}]; move or shrink the seal"
    )]
    PlacementOffPage {
        /// The page, 1-based.
        page: u32,
        /// Seal box, points.
        left: f32,
        /// Seal box, points.
        bottom: f32,
        /// Seal box, points.
        right: f32,
        /// Seal box, points.
        top: f32,
        /// Page box, points.
        page_left: f32,
        /// Page box, points.
        page_bottom: f32,
        /// Page box, points.
        page_right: f32,
        /// Page box, points.
        page_top: f32,
    },

    /// The seal image is not a PNG palmbid can read.
    #[error("the seal image is not a readable PNG ({detail}); pick the seal again on the phone")]
    SealNotPng {
        /// The decoder's message.
        detail: String,
    },

    /// The seal image is larger than a seal needs.
    #[error(
        "the seal image is {width}x{height} pixels, more than {limit}x{limit}; use a smaller seal image"
    )]
    SealTooLarge {
        /// Width, pixels.
        width: u32,
        /// Height, pixels.
        height: u32,
        /// Largest side accepted, pixels.
        limit: u32,
    },

    /// The field name is empty, too long or contains a period.
    #[error(
        "the signature field name {name:?} is not usable; give 1 to {limit} characters without a period"
    )]
    FieldNameInvalid {
        /// The name.
        name: String,
        /// Maximum length of a name, characters.
        limit: usize,
    },

    /// The document already has a form field of that name.
    #[error("the PDF already has a field named {name:?}; choose another signature field name")]
    FieldExists {
        /// The name.
        name: String,
    },

    /// The signing time cannot be written as a PDF date.
    #[error("the signing time {seconds} (Unix seconds) is not a valid date; check the clock")]
    SigningTimeInvalid {
        /// The time given.
        seconds: i64,
    },

    /// Writing the incremental update failed.
    #[error("cannot write the sealed PDF: {detail}")]
    Write {
        /// The writer's message.
        detail: String,
    },

    /// The signature does not fit in the space reserved for it.
    #[error(
        "the signature is {size} bytes but only {capacity} bytes were reserved in the PDF; the certificate chain is too long, prepare the PDF again with a shorter chain"
    )]
    SignatureTooLarge {
        /// Size of the CMS signature, bytes.
        size: usize,
        /// Room reserved in /Contents, bytes.
        capacity: usize,
    },

    /// The signature returned is not a CMS `SignedData` with signed
    /// attributes.
    #[error("the phone's answer is not a CMS signature ({detail}); ask for the seal again")]
    SignatureNotCms {
        /// The fault found.
        detail: String,
    },

    /// The signature was made over another digest than this PDF's.
    #[error(
        "the signature is over another document (its digest {signed} is not this PDF's {expected}); ask for the seal again"
    )]
    SignatureDigestMismatch {
        /// The messageDigest in the signature, hex.
        signed: String,
        /// The digest of the prepared PDF, hex.
        expected: String,
    },
}

impl Localized for PadesError {
    fn code(&self) -> &'static str {
        match self {
            PadesError::NotPdf { .. } => "pades.not_pdf",
            PadesError::Encrypted => "pades.encrypted",
            PadesError::Malformed { .. } => "pades.malformed",
            PadesError::PageOutOfRange { .. } => "pades.page_out_of_range",
            PadesError::PlacementInvalid { .. } => "pades.placement_invalid",
            PadesError::PlacementOffPage { .. } => "pades.placement_off_page",
            PadesError::SealNotPng { .. } => "pades.seal_not_png",
            PadesError::SealTooLarge { .. } => "pades.seal_too_large",
            PadesError::FieldNameInvalid { .. } => "pades.field_name_invalid",
            PadesError::FieldExists { .. } => "pades.field_exists",
            PadesError::SigningTimeInvalid { .. } => "pades.signing_time_invalid",
            PadesError::Write { .. } => "pades.write",
            PadesError::SignatureTooLarge { .. } => "pades.signature_too_large",
            PadesError::SignatureNotCms { .. } => "pades.signature_not_cms",
            PadesError::SignatureDigestMismatch { .. } => "pades.signature_digest_mismatch",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            PadesError::NotPdf { detail } => {
                format!("该文档不是可读取的 PDF（{detail}），请选择 PDF 文件")
            }
            PadesError::Encrypted => {
                "该 PDF 已加密（有密码保护），请另存一份未加密的副本后再签章".to_owned()
            }
            PadesError::Malformed { detail } => {
                format!("该 PDF 已损坏：{detail}；请用 PDF 编辑器打开并重新保存后再试")
            }
            PadesError::PageOutOfRange { page, pages } => {
                format!("第 {page} 页不存在：文档共 {pages} 页，请选择第 1 到第 {pages} 页")
            }
            PadesError::PlacementInvalid { x, y, width } => {
                format!("签章位置 x={x} y={y} 宽度={width} 无效，请给出有限的坐标和正的宽度")
            }
            PadesError::PlacementOffPage {
                page,
                left,
                bottom,
                right,
                top,
                page_left,
                page_bottom,
                page_right,
                page_top,
            } => format!(
                "签章区域 [{left} {bottom} {right} {top}] 超出第 {page} 页的可见范围 [{page_left} {page_bottom} {page_right} {page_top}]，请移动或缩小印章"
            ),
            PadesError::SealNotPng { detail } => {
                format!("印章图片不是可读取的 PNG（{detail}），请在手机上重新选择印章")
            }
            PadesError::SealTooLarge {
                width,
                height,
                limit,
            } => format!(
                "印章图片为 {width}x{height} 像素，超过 {limit}x{limit}，请使用较小的印章图片"
            ),
            PadesError::FieldNameInvalid { name, limit } => {
                format!("签名域名称 {name:?} 不可用，请使用 1 到 {limit} 个字符且不含句点")
            }
            PadesError::FieldExists { name } => {
                format!("该 PDF 已有名为 {name:?} 的表单域，请换一个签名域名称")
            }
            PadesError::SigningTimeInvalid { seconds } => {
                format!("签名时间 {seconds}（Unix 秒）不是有效日期，请检查时钟")
            }
            PadesError::Write { detail } => format!("无法写出签章后的 PDF：{detail}"),
            PadesError::SignatureTooLarge { size, capacity } => format!(
                "签名为 {size} 字节，而 PDF 中只预留了 {capacity} 字节；证书链过长，请用较短的证书链重新准备 PDF"
            ),
            PadesError::SignatureNotCms { detail } => {
                format!("手机返回的不是 CMS 签名（{detail}），请重新发起签章")
            }
            PadesError::SignatureDigestMismatch { signed, expected } => format!(
                "签名针对的是另一份文档（签名中的摘要 {signed} 不是本 PDF 的 {expected}），请重新发起签章"
            ),
        }
    }
}
