//! Errors of accounts and sessions.

use axum::http::StatusCode;
use palmbid_core::api::ErrorCode;
use palmbid_core::error::Localized;

use crate::db::DbError;
use crate::error::Failure;
use crate::sms::SmsError;

/// Errors of SMS login and sessions.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AccountError {
    /// Not an 11-digit mainland mobile number.
    #[error("{phone:?} is not an 11-digit mainland mobile number; give it without +86 or spaces")]
    InvalidPhone {
        /// The number given.
        phone: String,
    },

    /// A code was sent to this number less than a minute ago.
    #[error(
        "a code was sent to this number less than a minute ago; request again after {resend_after} (Unix time)"
    )]
    RateLimited {
        /// Earliest time of the next request, Unix seconds.
        resend_after: i64,
    },

    /// The code does not match.
    #[error("the SMS code is wrong; {tries_left} tries left")]
    CodeWrong {
        /// Tries left before the code is void.
        tries_left: u32,
    },

    /// No code is pending: none was sent, it expired or it was used.
    #[error(
        "no valid SMS code for this number (none sent, expired or already used); request a new code"
    )]
    CodeExpired,

    /// The code was tried too often.
    #[error("the SMS code was tried too often and is void; request a new code")]
    CodeExhausted,

    /// The accepted documents are not the current versions.
    #[error(
        "the accepted user agreement {agreement:?} or privacy policy {privacy:?} is not current ({current_agreement:?}, {current_privacy:?}); accept the current versions"
    )]
    AgreementOutdated {
        /// Agreement version sent.
        agreement: String,
        /// Privacy policy version sent.
        privacy: String,
        /// Current agreement version.
        current_agreement: &'static str,
        /// Current privacy policy version.
        current_privacy: &'static str,
    },

    /// No bearer token, or an unknown, expired or revoked one.
    #[error("not logged in or the session has ended; log in with an SMS code")]
    Unauthorized,

    /// The SMS gateway failed.
    #[error(transparent)]
    Sms(#[from] SmsError),

    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for AccountError {
    fn from(err: rusqlite::Error) -> Self {
        AccountError::Db(DbError::Sqlite(err))
    }
}

impl AccountError {
    fn wire(&self) -> Option<(StatusCode, ErrorCode)> {
        Some(match self {
            AccountError::InvalidPhone { .. } => (StatusCode::BAD_REQUEST, ErrorCode::InvalidPhone),
            AccountError::RateLimited { .. } => {
                (StatusCode::TOO_MANY_REQUESTS, ErrorCode::SmsRateLimited)
            }
            AccountError::CodeWrong { .. } => (StatusCode::UNAUTHORIZED, ErrorCode::SmsCodeWrong),
            AccountError::CodeExpired => (StatusCode::UNAUTHORIZED, ErrorCode::SmsCodeExpired),
            AccountError::CodeExhausted => (StatusCode::UNAUTHORIZED, ErrorCode::SmsCodeExhausted),
            AccountError::AgreementOutdated { .. } => {
                (StatusCode::CONFLICT, ErrorCode::AgreementOutdated)
            }
            AccountError::Unauthorized => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
            AccountError::Sms(_) | AccountError::Db(_) => return None,
        })
    }
}

impl Localized for AccountError {
    fn code(&self) -> &'static str {
        self.wire()
            .map_or("server.internal", |(_, code)| code.as_str())
    }

    fn message_zh(&self) -> String {
        match self {
            AccountError::InvalidPhone { phone } => {
                format!("{phone:?} 不是 11 位大陆手机号；请去掉 +86 和空格")
            }
            AccountError::RateLimited { .. } => {
                "一分钟内已向该号码发送过验证码，请稍后再试".to_owned()
            }
            AccountError::CodeWrong { tries_left } => {
                format!("短信验证码错误，还可尝试 {tries_left} 次")
            }
            AccountError::CodeExpired => {
                "该号码没有有效的验证码（未发送、已过期或已使用）；请重新获取".to_owned()
            }
            AccountError::CodeExhausted => "验证码错误次数过多已作废；请重新获取".to_owned(),
            AccountError::AgreementOutdated {
                current_agreement,
                current_privacy,
                ..
            } => format!(
                "请同意最新版用户协议（{current_agreement}）和隐私政策（{current_privacy}）"
            ),
            AccountError::Unauthorized => "未登录或登录已失效；请用短信验证码登录".to_owned(),
            AccountError::Sms(_) | AccountError::Db(_) => "平台内部错误，请稍后重试".to_owned(),
        }
    }
}

impl From<AccountError> for Failure {
    fn from(err: AccountError) -> Self {
        match err.wire() {
            Some((status, code)) => Failure::new(status, code, err.to_string(), err.message_zh()),
            None => Failure::internal(&err),
        }
    }
}
