//! Errors of the QR relay and their wire form (`qr.*` codes).

use axum::http::StatusCode;
use palmbid_core::api::ErrorCode;
use palmbid_core::error::Localized;

use crate::db::DbError;
use crate::error::Failure;

/// Why the relay refused a QR request call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QrError {
    /// No request has this id.
    #[error("no QR request has this id; start a new one on the desktop")]
    NotFound,

    /// A field of the desktop's request is missing or unusable.
    #[error("the QR request's field {field} is not usable: {reason}")]
    InvalidRequest {
        /// The field, as named on the wire.
        field: &'static str,
        /// What it must be.
        reason: &'static str,
    },

    /// Too many requests from one address are still open.
    #[error(
        "{address} has {limit} QR requests open already; finish them or wait until they expire"
    )]
    TooManyOpen {
        /// The requesting address.
        address: String,
        /// The limit.
        limit: u32,
    },

    /// No desktop token, or not this request's.
    #[error("this QR request needs its desktop token (Authorization: Desktop {{token}})")]
    DesktopUnauthorized,

    /// The frame's MAC does not verify.
    #[error(
        "this QR code was not made by the platform or was altered; scan the code on the screen"
    )]
    FrameInvalid,

    /// The frame is too old or from the future.
    #[error(
        "this QR code is {age} seconds old (at most {max} are accepted); scan the live code on the screen, not a photo"
    )]
    FrameStale {
        /// Seconds between the frame and now (negative: ahead).
        age: i64,
        /// The largest accepted age.
        max: i64,
    },

    /// Not scanned or answered in time.
    #[error("this QR request expired; start a new one on the desktop")]
    Expired,

    /// Another phone session scanned it first.
    #[error("another phone scanned this QR code first; start a new request on the desktop")]
    BoundToOtherPhone,

    /// Matched, answered or cancelled before a scan.
    #[error("this QR request must be scanned first")]
    NotScanned,

    /// Answered already.
    #[error("this QR request was answered already")]
    AlreadyAnswered,

    /// Cancelled on the phone or by a wrong number.
    #[error("this QR request was cancelled; start a new one on the desktop")]
    Cancelled,

    /// The number chosen is not the desktop's.
    #[error(
        "the number chosen is not the one on the screen; the request is cancelled, start a new one"
    )]
    WrongNumber,

    /// A login answered before its number was matched.
    #[error("choose the number shown on the screen before confirming the login")]
    NotMatched,

    /// The answer does not fit the request.
    #[error("the answer does not fit the request: {reason}")]
    AnswerInvalid {
        /// What does not fit.
        reason: String,
    },

    /// A signature does not verify over the request as the platform holds it.
    #[error("the signature does not verify: {reason}")]
    SignatureInvalid {
        /// Which signature and why.
        reason: String,
    },

    /// The certificate is not this platform's or not of the right use.
    #[error("the certificate is not trusted by this platform: {reason}")]
    CertificateUntrusted {
        /// Why.
        reason: String,
    },

    /// The certificate was revoked.
    #[error("the certificate {fingerprint} was revoked; pick up a new certificate")]
    CertificateRevoked {
        /// Its SHA-256 fingerprint.
        fingerprint: String,
    },

    /// The certificate is expired or not valid yet.
    #[error("the certificate is not valid now: {detail}; renew it")]
    CertificateExpired {
        /// Dates from the validity check.
        detail: String,
    },

    /// The desktop asks for an answer that has not arrived.
    #[error("the phone has not answered this QR request yet; wait for the answered state")]
    NotAnswered,

    /// A seal digest or answer before the phone chose that seal.
    #[error("the phone has not chosen {what}; choose the seal on the phone first")]
    SealNotChosen {
        /// `a seal` or `this seal`.
        what: &'static str,
    },

    /// The desktop has not sent the digest of the sealed revision yet.
    #[error("the desktop has not sent the digest to sign yet; ask again")]
    DigestPending,

    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for QrError {
    fn from(err: rusqlite::Error) -> Self {
        QrError::Db(DbError::Sqlite(err))
    }
}

impl QrError {
    fn wire(&self) -> Option<(StatusCode, ErrorCode)> {
        use StatusCode as S;
        Some(match self {
            QrError::NotFound => (S::NOT_FOUND, ErrorCode::QrNotFound),
            QrError::InvalidRequest { .. } => (S::BAD_REQUEST, ErrorCode::QrInvalidRequest),
            QrError::TooManyOpen { .. } => (S::TOO_MANY_REQUESTS, ErrorCode::QrTooManyRequests),
            QrError::DesktopUnauthorized => (S::UNAUTHORIZED, ErrorCode::QrDesktopUnauthorized),
            QrError::FrameInvalid => (S::FORBIDDEN, ErrorCode::QrFrameInvalid),
            QrError::FrameStale { .. } => (S::FORBIDDEN, ErrorCode::QrFrameStale),
            QrError::Expired => (S::GONE, ErrorCode::QrExpired),
            QrError::BoundToOtherPhone => (S::CONFLICT, ErrorCode::QrBoundToOtherPhone),
            QrError::NotScanned => (S::CONFLICT, ErrorCode::QrNotScanned),
            QrError::AlreadyAnswered => (S::CONFLICT, ErrorCode::QrAlreadyAnswered),
            QrError::Cancelled => (S::GONE, ErrorCode::QrCancelled),
            QrError::WrongNumber => (S::CONFLICT, ErrorCode::QrWrongNumber),
            QrError::NotMatched => (S::CONFLICT, ErrorCode::QrNotMatched),
            QrError::AnswerInvalid { .. } => (S::BAD_REQUEST, ErrorCode::QrAnswerInvalid),
            QrError::SignatureInvalid { .. } => (S::BAD_REQUEST, ErrorCode::QrSignatureInvalid),
            QrError::CertificateUntrusted { .. } => {
                (S::FORBIDDEN, ErrorCode::QrCertificateUntrusted)
            }
            QrError::CertificateRevoked { .. } => (S::FORBIDDEN, ErrorCode::QrCertificateRevoked),
            QrError::CertificateExpired { .. } => (S::FORBIDDEN, ErrorCode::QrCertificateExpired),
            QrError::NotAnswered => (S::CONFLICT, ErrorCode::QrNotAnswered),
            QrError::SealNotChosen { .. } => (S::CONFLICT, ErrorCode::QrSealNotChosen),
            QrError::DigestPending => (S::CONFLICT, ErrorCode::QrDigestPending),
            QrError::Db(_) => return None,
        })
    }
}

impl Localized for QrError {
    fn code(&self) -> &'static str {
        self.wire()
            .map_or("server.internal", |(_, code)| code.as_str())
    }

    fn message_zh(&self) -> String {
        match self {
            QrError::NotFound => "没有该扫码请求；请在电脑上重新发起".to_owned(),
            QrError::InvalidRequest { field, .. } => {
                format!("扫码请求的字段 {field} 缺失或格式不正确")
            }
            QrError::TooManyOpen { address, limit } => {
                format!("{address} 已有 {limit} 个未完成的扫码请求；请先完成或等待其过期")
            }
            QrError::DesktopUnauthorized => "缺少该扫码请求的桌面端令牌".to_owned(),
            QrError::FrameInvalid => {
                "该二维码不是平台生成的或已被篡改；请扫描屏幕上的二维码".to_owned()
            }
            QrError::FrameStale { age, max } => format!(
                "该二维码已生成 {age} 秒（最多 {max} 秒）；请扫描屏幕上实时刷新的二维码，不要扫描照片或截图"
            ),
            QrError::Expired => "该扫码请求已过期；请在电脑上重新发起".to_owned(),
            QrError::BoundToOtherPhone => "该二维码已被其他手机扫描；请在电脑上重新发起".to_owned(),
            QrError::NotScanned => "请先扫码".to_owned(),
            QrError::AlreadyAnswered => "该扫码请求已确认过".to_owned(),
            QrError::Cancelled => "该扫码请求已取消；请在电脑上重新发起".to_owned(),
            QrError::WrongNumber => "所选数字与屏幕上的不一致，请求已取消；请重新发起".to_owned(),
            QrError::NotMatched => "请先选择与屏幕上一致的数字，再确认登录".to_owned(),
            QrError::AnswerInvalid { .. } => "手机的应答与扫码请求不符".to_owned(),
            QrError::SignatureInvalid { .. } => "签名验证失败：请求或应答在传输中被改动".to_owned(),
            QrError::CertificateUntrusted { .. } => "该证书不是本平台签发的，或用途不符".to_owned(),
            QrError::CertificateRevoked { fingerprint } => {
                format!("证书 {fingerprint} 已吊销；请重新领取证书")
            }
            QrError::CertificateExpired { .. } => "证书已过期或尚未生效；请更新证书".to_owned(),
            QrError::NotAnswered => "手机尚未确认该扫码请求；请等待".to_owned(),
            QrError::SealNotChosen { .. } => "手机尚未选择该印章；请先在手机上选择印章".to_owned(),
            QrError::DigestPending => "电脑端尚未发送待签名的摘要；请稍后再取".to_owned(),
            QrError::Db(_) => "平台内部错误，请稍后重试".to_owned(),
        }
    }
}

impl From<QrError> for Failure {
    fn from(err: QrError) -> Self {
        match err.wire() {
            Some((status, code)) => Failure::new(status, code, err.to_string(), err.message_zh()),
            None => Failure::internal(&err),
        }
    }
}
