//! Errors of scanning and answering QR codes on the phone.

use crate::account::AccountError;
use crate::api::ApiError;
use crate::cms::CmsError;
use crate::error::Localized;
use crate::keystore::KeystoreError;
use crate::pki::PkiError;
use crate::store::StoreError;

/// Errors of the phone's QR flows.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum QrError {
    /// The scanned text is not a code of a platform.
    #[error("the scanned code is not a palmbid platform code: {reason}")]
    InvalidCode {
        /// The rule broken.
        reason: &'static str,
    },

    /// The scanned URL's host is not a trusted platform's.
    #[error(
        "the scanned code belongs to {host:?}, which is not a trusted platform; do not trust this code, or add the platform first"
    )]
    UnknownHost {
        /// The host of the scanned URL.
        host: String,
    },

    /// No session is held with the platform.
    #[error("not logged in to platform {platform:?}; log in with an SMS code first")]
    NotLoggedIn {
        /// The platform's name.
        platform: String,
    },

    /// No usable signing certificate of this platform is installed.
    #[error(
        "no valid signing certificate of platform {platform:?} is installed; pick up a certificate first"
    )]
    NoCertificate {
        /// The platform's name.
        platform: String,
    },

    /// The signing certificate has no encryption certificate beside it.
    #[error(
        "the certificate {fingerprint} has no encryption certificate on this phone; pick up the pair again"
    )]
    NoEncryptionCertificate {
        /// The signing certificate's fingerprint.
        fingerprint: String,
    },

    /// A seal request was answered without choosing a seal, or with one
    /// this phone does not hold.
    #[error("choose one of the seals held for this certificate: {available}")]
    SealNotAvailable {
        /// The seals held, comma-separated, or "none".
        available: String,
    },

    /// The platform's request lacks what its kind needs.
    #[error("the platform's request is incomplete: {field} is missing or malformed; scan again")]
    RequestIncomplete {
        /// The field.
        field: &'static str,
    },

    /// The request's answer time is over by the server clock.
    #[error("the request expired {seconds} s ago by the platform's clock; scan a new code")]
    TimeUp {
        /// Seconds since the deadline.
        seconds: i64,
    },

    /// A number was chosen for a request that is not a login, or one not
    /// among the choices.
    #[error("{number} is not one of the numbers offered; choose one of {choices}")]
    NotAChoice {
        /// The number given.
        number: u8,
        /// The numbers offered.
        choices: String,
    },

    /// The keystore refused (wrong PIN, locked, storage).
    #[error(transparent)]
    Keystore(#[from] KeystoreError),

    /// Signing or releasing the key failed.
    #[error(transparent)]
    Cms(#[from] CmsError),

    /// A certificate does not parse.
    #[error(transparent)]
    Pki(#[from] PkiError),

    /// The platform refused or could not be reached; a `qr.*` code names
    /// the rule (expired, stale frame, another phone, wrong number...).
    #[error(transparent)]
    Api(#[from] ApiError),

    /// A pickup code's flow failed.
    #[error(transparent)]
    Account(#[from] AccountError),

    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Localized for QrError {
    fn code(&self) -> &'static str {
        match self {
            QrError::InvalidCode { .. } => "qr.invalid_code",
            QrError::UnknownHost { .. } => "qr.unknown_host",
            QrError::NotLoggedIn { .. } => "qr.not_logged_in",
            QrError::NoCertificate { .. } => "qr.no_certificate",
            QrError::NoEncryptionCertificate { .. } => "qr.no_encryption_certificate",
            QrError::SealNotAvailable { .. } => "qr.seal_not_available",
            QrError::RequestIncomplete { .. } => "qr.request_incomplete",
            QrError::TimeUp { .. } => "qr.time_up",
            QrError::NotAChoice { .. } => "qr.not_a_choice",
            QrError::Keystore(e) => e.code(),
            QrError::Cms(e) => e.code(),
            QrError::Pki(e) => e.code(),
            QrError::Api(e) => e.code(),
            QrError::Account(e) => e.code(),
            QrError::Store(e) => e.code(),
        }
    }

    fn message_zh(&self) -> String {
        match self {
            QrError::InvalidCode { .. } => "扫描的内容不是交易平台的二维码".to_owned(),
            QrError::UnknownHost { host } => {
                format!("该二维码来自 {host:?}，不是可信平台；请勿信任此二维码，或先添加该平台")
            }
            QrError::NotLoggedIn { platform } => {
                format!("尚未登录平台 {platform:?}；请先用短信验证码登录")
            }
            QrError::NoCertificate { platform } => {
                format!("本机没有平台 {platform:?} 的有效签名证书；请先领取证书")
            }
            QrError::NoEncryptionCertificate { fingerprint } => {
                format!("证书 {fingerprint} 在本机没有配对的加密证书；请重新领取证书")
            }
            QrError::SealNotAvailable { available } => {
                format!("请从本证书持有的印章中选择：{available}")
            }
            QrError::RequestIncomplete { field } => {
                format!("平台的请求不完整：缺少或无法识别 {field}；请重新扫码")
            }
            QrError::TimeUp { seconds } => {
                format!("按平台时间，该请求已过期 {seconds} 秒；请扫描新的二维码")
            }
            QrError::NotAChoice { number, choices } => {
                format!("{number} 不在候选数字中；请从 {choices} 中选择")
            }
            QrError::Keystore(e) => e.message_zh(),
            QrError::Cms(e) => e.message_zh(),
            QrError::Pki(e) => e.message_zh(),
            QrError::Api(e) => e.message_zh(),
            QrError::Account(e) => e.message_zh(),
            QrError::Store(e) => e.message_zh(),
        }
    }
}

impl From<rusqlite::Error> for QrError {
    fn from(err: rusqlite::Error) -> Self {
        QrError::Store(StoreError::Sqlite(err))
    }
}
