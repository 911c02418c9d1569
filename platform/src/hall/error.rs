//! Errors of the bid-opening hall and their wire form (`hall.*` codes).

use axum::http::StatusCode;
use palmbid_core::api::ErrorCode;
use palmbid_core::api::hall::Phase;
use palmbid_core::api::hall::challenges::ChallengeError;
use palmbid_core::error::Localized;

use crate::db::DbError;
use crate::error::Failure;

/// Why the hall refused a call.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HallError {
    /// No project has this id.
    #[error("no bid-opening project has the id {id}; check the project list")]
    NotFound {
        /// The id asked for.
        id: String,
    },

    /// The session's company does not bid in the project.
    #[error(
        "none of this phone's certificates is of a bidder of project {id}; pick up the certificate of a bidding company"
    )]
    NotABidder {
        /// The project.
        id: String,
    },

    /// A phase change out of the fixed order.
    #[error(
        "project {id} is in phase {from} and cannot move to {to}; phases go forward one at a time and sign-in starts by itself one hour before opening"
    )]
    PhaseOrder {
        /// The project.
        id: String,
        /// Its phase now.
        from: Phase,
        /// The phase asked for.
        to: Phase,
    },

    /// A field of a new project is missing or unusable.
    #[error("the project's field {field} is not usable: {reason}")]
    InvalidProject {
        /// The form field.
        field: &'static str,
        /// What it must be.
        reason: String,
    },

    /// Sign-in has not opened yet.
    #[error(
        "sign-in to project {id} opens at {opens} (Unix seconds, server clock) and the server time is {now}; try again then"
    )]
    SignInNotOpen {
        /// The project.
        id: String,
        /// Start of the sign-in window.
        opens: i64,
        /// The server time.
        now: i64,
    },

    /// Sign-in is over, or the project is in another phase.
    #[error(
        "sign-in to project {id} was open from {opens} to {closes} (Unix seconds, server clock) and the project is now in phase {phase}"
    )]
    SignInClosed {
        /// The project.
        id: String,
        /// Start of the sign-in window.
        opens: i64,
        /// End of the sign-in window: the opening time.
        closes: i64,
        /// The phase now.
        phase: Phase,
    },

    /// The nonce is unknown, used, expired or not this session's.
    #[error("the action nonce is invalid ({reason}); request a new nonce and sign again")]
    NonceInvalid {
        /// Why.
        reason: &'static str,
    },

    /// The proof does not verify.
    #[error("the action proof is invalid: {reason}")]
    ProofInvalid {
        /// Why.
        reason: String,
    },

    /// The proof's certificate is not a trusted signing certificate.
    #[error("the proof's certificate is not trusted: {reason}")]
    CertificateUntrusted {
        /// Why.
        reason: String,
    },

    /// The proof's certificate is revoked.
    #[error("the proof's certificate {fingerprint} is revoked; use a valid certificate")]
    CertificateRevoked {
        /// SHA-256 fingerprint of the certificate.
        fingerprint: String,
    },

    /// The company has not signed in.
    #[error("company {credit_code} has not signed in to project {id}; sign in first")]
    NotSignedIn {
        /// The project.
        id: String,
        /// The company.
        credit_code: String,
    },

    /// The project is not in the phase the action needs.
    #[error("project {id} is in phase {phase}; this action needs phase {needed}")]
    WrongPhase {
        /// The project.
        id: String,
        /// The phase now.
        phase: Phase,
        /// The phase needed.
        needed: Phase,
    },

    /// The desktop token is not of an answered toolbox login, or too old.
    #[error(
        "the desktop token is not of a toolbox login confirmed on the phone in the last 12 hours; log in with the QR code again"
    )]
    DesktopUnauthorized,

    /// The uploaded file is not an envelope.
    #[error(
        "the uploaded bid file is not a CMS envelope ({reason}); upload the encrypted bid file"
    )]
    NotAnEnvelope {
        /// The parser's reason.
        reason: String,
    },

    /// The uploaded file is too large.
    #[error("the uploaded bid file is larger than {limit} bytes")]
    BidTooLarge {
        /// The limit, bytes.
        limit: usize,
    },

    /// Uploads are closed.
    #[error(
        "bid files for project {id} were accepted until the opening time {opening_at} (Unix seconds); the server time is {now}"
    )]
    UploadClosed {
        /// The project.
        id: String,
        /// The opening time.
        opening_at: i64,
        /// The server time.
        now: i64,
    },

    /// No such bid of the company.
    #[error("no bid {bid} of this company in project {id}")]
    BidNotFound {
        /// The project.
        id: String,
        /// The bid id asked for.
        bid: String,
    },

    /// The released key does not open the content.
    #[error("the released key does not open bid {bid}: {reason}")]
    WrongKey {
        /// The bid.
        bid: String,
        /// Why.
        reason: String,
    },

    /// The content is damaged or not a package of this bid.
    #[error("bid {bid} is damaged: {reason}")]
    DamagedBid {
        /// The bid.
        bid: String,
        /// Why.
        reason: String,
    },

    /// Decrypted already, by another certificate's release.
    #[error("bid {bid} was already decrypted with another certificate's release")]
    AlreadyDecrypted {
        /// The bid.
        bid: String,
    },

    /// The checked envelope is not the stored one, or the entry reported
    /// is not one of its recipients.
    #[error(
        "the decryption check does not match the stored bid file: {reason}; fetch the bid list again"
    )]
    CheckMismatch {
        /// What differs.
        reason: String,
    },

    /// The quotes are asked for before the quote reading.
    #[error(
        "the quotes of project {id} stay sealed until the quote reading; the project is in phase {phase}"
    )]
    QuotesSealed {
        /// The project.
        id: String,
        /// The phase now.
        phase: Phase,
    },

    /// A company tried to confirm another company's quote.
    #[error("bid {bid} is another company's; confirm the quote of your own bid")]
    NotYourBid {
        /// The bid.
        bid: String,
    },

    /// The amount confirmed is not the recorded one, or there is none.
    #[error("the quote of bid {bid} cannot be confirmed: {reason}; read the quote table again")]
    AmountMismatch {
        /// The bid.
        bid: String,
        /// What differs.
        reason: String,
    },

    /// The project is closed.
    #[error("project {id} is closed and takes no more challenges")]
    ProjectClosed {
        /// The project.
        id: String,
    },

    /// A challenge breaks a rule of its text or attachments.
    #[error(transparent)]
    Challenge(#[from] ChallengeError),

    /// No such challenge in the project.
    #[error("project {id} has no challenge {challenge}")]
    ChallengeNotFound {
        /// The project.
        id: String,
        /// The challenge asked for.
        challenge: String,
    },

    /// The challenge has an answer already.
    #[error("challenge {challenge} was answered already; an answer is final")]
    ChallengeAnswered {
        /// The challenge.
        challenge: String,
    },

    /// No round of this number is open in the section.
    #[error(
        "round {round} of section {section} in project {id} is not open; quote in the round the experts opened"
    )]
    NoRoundOpen {
        /// The project.
        id: String,
        /// The section.
        section: u32,
        /// The round asked for; 0 when the experts asked to close with
        /// none open.
        round: u32,
    },

    /// The round closed, by the experts or by its deadline.
    #[error(
        "round {round} of section {section} in project {id} closed at {closed_at} (Unix seconds, server clock); no quote is taken after it closes"
    )]
    RoundClosed {
        /// The project.
        id: String,
        /// The section.
        section: u32,
        /// The round.
        round: u32,
        /// When it closed.
        closed_at: i64,
    },

    /// A round of the section is open already.
    #[error(
        "round {round} of section {section} in project {id} is still open; close it before opening the next"
    )]
    RoundStillOpen {
        /// The project.
        id: String,
        /// The section.
        section: u32,
        /// The open round.
        round: u32,
    },

    /// A draw of the project is open already.
    #[error(
        "coefficient draw {draw} of project {id} is still open; close it before starting another"
    )]
    DrawStillOpen {
        /// The project.
        id: String,
        /// The open draw.
        draw: u32,
    },

    /// The signer's company does not bid in the section.
    #[error("the signing company does not bid in section {section} of project {id}")]
    NotASectionBidder {
        /// The project.
        id: String,
        /// The section.
        section: u32,
    },

    /// The amount is not yuan with at most two decimals.
    #[error("the amount {amount:?} is not yuan with at most two decimals, such as 1234567.89")]
    InvalidAmount {
        /// The amount sent, cut to the field limit.
        amount: String,
    },

    /// No draw of this number.
    #[error("project {id} has no coefficient draw {draw}")]
    DrawNotFound {
        /// The project.
        id: String,
        /// The draw asked for; 0 when the experts asked to close with none
        /// open.
        draw: u32,
    },

    /// The draw is closed.
    #[error(
        "coefficient draw {draw} of project {id} is closed and revealed; it takes no contribution"
    )]
    DrawClosed {
        /// The project.
        id: String,
        /// The draw.
        draw: u32,
    },

    /// The company contributed another value already.
    #[error(
        "the company already contributed another value to coefficient draw {draw}; a draw takes one contribution per company"
    )]
    AlreadyContributed {
        /// The draw.
        draw: u32,
    },

    /// A candidate list or a contribution value is unusable.
    #[error("the coefficient draw's {field} is not usable: {reason}")]
    InvalidDraw {
        /// The field.
        field: &'static str,
        /// What it must be.
        reason: String,
    },

    /// A stored file (bid file or challenge attachment) cannot be written
    /// or read.
    #[error("cannot use the stored file {path}: {source}")]
    File {
        /// The file.
        path: String,
        /// The system's reason.
        source: std::io::Error,
    },

    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for HallError {
    fn from(err: rusqlite::Error) -> Self {
        HallError::Db(DbError::Sqlite(err))
    }
}

impl From<serde_json::Error> for HallError {
    fn from(err: serde_json::Error) -> Self {
        HallError::Db(DbError::Task(format!("a hall event does not parse: {err}")))
    }
}

impl HallError {
    /// HTTP status and wire code; `None` for internal errors.
    pub(crate) fn wire(&self) -> Option<(StatusCode, ErrorCode)> {
        Some(match self {
            HallError::NotFound { .. } => (StatusCode::NOT_FOUND, ErrorCode::HallNotFound),
            HallError::NotABidder { .. } => (StatusCode::FORBIDDEN, ErrorCode::HallNotABidder),
            HallError::PhaseOrder { .. } => (StatusCode::CONFLICT, ErrorCode::HallPhaseOrder),
            HallError::InvalidProject { .. } => {
                (StatusCode::BAD_REQUEST, ErrorCode::HallInvalidProject)
            }
            HallError::SignInNotOpen { .. } => (StatusCode::CONFLICT, ErrorCode::HallSignInNotOpen),
            HallError::SignInClosed { .. } => (StatusCode::CONFLICT, ErrorCode::HallSignInClosed),
            HallError::NonceInvalid { .. } => (StatusCode::FORBIDDEN, ErrorCode::HallNonceInvalid),
            HallError::ProofInvalid { .. } => (StatusCode::FORBIDDEN, ErrorCode::HallProofInvalid),
            HallError::CertificateUntrusted { .. } => {
                (StatusCode::FORBIDDEN, ErrorCode::HallCertificateUntrusted)
            }
            HallError::CertificateRevoked { .. } => {
                (StatusCode::FORBIDDEN, ErrorCode::HallCertificateRevoked)
            }
            HallError::NotSignedIn { .. } => (StatusCode::CONFLICT, ErrorCode::HallNotSignedIn),
            HallError::WrongPhase { .. } => (StatusCode::CONFLICT, ErrorCode::HallWrongPhase),
            HallError::DesktopUnauthorized => {
                (StatusCode::UNAUTHORIZED, ErrorCode::HallDesktopUnauthorized)
            }
            HallError::NotAnEnvelope { .. } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::HallNotAnEnvelope,
            ),
            HallError::BidTooLarge { .. } => {
                (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::HallBidTooLarge)
            }
            HallError::UploadClosed { .. } => (StatusCode::CONFLICT, ErrorCode::HallUploadClosed),
            HallError::BidNotFound { .. } => (StatusCode::NOT_FOUND, ErrorCode::HallBidNotFound),
            HallError::WrongKey { .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::HallWrongKey)
            }
            HallError::DamagedBid { .. } => {
                (StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::HallDamagedBid)
            }
            HallError::AlreadyDecrypted { .. } => {
                (StatusCode::CONFLICT, ErrorCode::HallAlreadyDecrypted)
            }
            HallError::CheckMismatch { .. } => (StatusCode::CONFLICT, ErrorCode::HallCheckMismatch),
            HallError::QuotesSealed { .. } => (StatusCode::CONFLICT, ErrorCode::HallQuotesSealed),
            HallError::NotYourBid { .. } => (StatusCode::FORBIDDEN, ErrorCode::HallNotYourBid),
            HallError::AmountMismatch { .. } => {
                (StatusCode::CONFLICT, ErrorCode::HallAmountMismatch)
            }
            HallError::ProjectClosed { .. } => (StatusCode::CONFLICT, ErrorCode::HallProjectClosed),
            HallError::Challenge(err) => challenge_wire(err),
            HallError::ChallengeNotFound { .. } => {
                (StatusCode::NOT_FOUND, ErrorCode::HallChallengeNotFound)
            }
            HallError::ChallengeAnswered { .. } => {
                (StatusCode::CONFLICT, ErrorCode::HallChallengeAnswered)
            }
            HallError::NoRoundOpen { .. } => (StatusCode::CONFLICT, ErrorCode::HallNoRoundOpen),
            HallError::RoundClosed { .. } => (StatusCode::CONFLICT, ErrorCode::HallRoundClosed),
            HallError::RoundStillOpen { .. } | HallError::DrawStillOpen { .. } => {
                (StatusCode::CONFLICT, ErrorCode::HallRoundStillOpen)
            }
            HallError::NotASectionBidder { .. } => {
                (StatusCode::FORBIDDEN, ErrorCode::HallNotASectionBidder)
            }
            HallError::InvalidAmount { .. } => {
                (StatusCode::BAD_REQUEST, ErrorCode::HallInvalidAmount)
            }
            HallError::DrawNotFound { .. } => (StatusCode::NOT_FOUND, ErrorCode::HallDrawNotFound),
            HallError::DrawClosed { .. } => (StatusCode::CONFLICT, ErrorCode::HallDrawClosed),
            HallError::AlreadyContributed { .. } => {
                (StatusCode::CONFLICT, ErrorCode::HallAlreadyContributed)
            }
            HallError::InvalidDraw { .. } => (StatusCode::BAD_REQUEST, ErrorCode::HallInvalidDraw),
            HallError::File { .. } | HallError::Db(_) => return None,
        })
    }
}

impl Localized for HallError {
    fn code(&self) -> &'static str {
        self.wire()
            .map_or("server.internal", |(_, code)| code.as_str())
    }

    #[allow(clippy::too_many_lines, reason = "one message a variant")]
    fn message_zh(&self) -> String {
        match self {
            HallError::NotFound { id } => format!("没有编号为 {id} 的开标项目；请查看项目列表"),
            HallError::NotABidder { id } => {
                format!("本机的证书都不属于项目 {id} 的投标单位；请领取投标单位的证书")
            }
            HallError::PhaseOrder { id, from, to } => format!(
                "项目 {id} 处于 {from} 阶段，不能转到 {to}；阶段只能逐个向前，签到在开标前一小时自动开始"
            ),
            HallError::InvalidProject { field, .. } => {
                format!("项目的字段 {field} 缺失或格式不正确")
            }
            HallError::SignInNotOpen { id, opens, .. } => format!(
                "项目 {id} 的签到尚未开始，签到于 {} 开始（北京时间）",
                beijing(*opens)
            ),
            HallError::SignInClosed {
                id, opens, closes, ..
            } => format!(
                "项目 {id} 的签到时间为 {} 至 {}（北京时间），现已结束",
                beijing(*opens),
                beijing(*closes)
            ),
            HallError::NonceInvalid { .. } => {
                "操作随机数无效或已过期；请重新获取后再签名".to_owned()
            }
            HallError::ProofInvalid { .. } => "操作签名无效".to_owned(),
            HallError::CertificateUntrusted { .. } => "签名证书不受信任或已过期".to_owned(),
            HallError::CertificateRevoked { .. } => "签名证书已被吊销；请使用有效证书".to_owned(),
            HallError::NotSignedIn { id, .. } => format!("贵单位尚未在项目 {id} 签到；请先签到"),
            HallError::WrongPhase { id, phase, needed } => {
                format!("项目 {id} 处于 {phase} 阶段；此操作需要 {needed} 阶段")
            }
            HallError::DesktopUnauthorized => {
                "投标工具未登录或登录已超过 12 小时；请重新扫码登录".to_owned()
            }
            HallError::NotAnEnvelope { .. } => "上传的不是加密投标文件（CMS 数字信封）".to_owned(),
            HallError::BidTooLarge { limit } => format!("投标文件超过 {limit} 字节"),
            HallError::UploadClosed { opening_at, .. } => format!(
                "开标时间 {}（北京时间）已到，不再接收投标文件",
                beijing(*opening_at)
            ),
            HallError::BidNotFound { bid, .. } => format!("没有找到贵单位的投标文件 {bid}"),
            HallError::WrongKey { .. } => "释放的密钥打不开该投标文件".to_owned(),
            HallError::DamagedBid { .. } => "投标文件已损坏或不属于本项目、标段或单位".to_owned(),
            HallError::AlreadyDecrypted { .. } => "该投标文件已由其他证书解密".to_owned(),
            HallError::CheckMismatch { .. } => {
                "校验的数字信封与平台保存的投标文件不一致".to_owned()
            }
            HallError::QuotesSealed { id, phase } => {
                format!("项目 {id} 处于 {phase} 阶段，唱标开始前报价保持密封")
            }
            HallError::NotYourBid { bid } => {
                format!("投标文件 {bid} 属于其他单位；只能确认本单位的报价")
            }
            HallError::AmountMismatch { bid, .. } => {
                format!(
                    "投标文件 {bid} 的报价无法确认：金额与记录不符或尚未解密；请重新查看唱标结果"
                )
            }
            HallError::ProjectClosed { id } => format!("项目 {id} 已结束，不再接受质疑"),
            HallError::Challenge(err) => err.message_zh(),
            HallError::ChallengeNotFound { id, challenge } => {
                format!("项目 {id} 没有编号为 {challenge} 的质疑")
            }
            HallError::ChallengeAnswered { challenge } => {
                format!("质疑 {challenge} 已答复；答复不可更改")
            }
            HallError::NoRoundOpen { section, round, .. } => {
                format!("第 {section} 标段的第 {round} 轮报价未开启；请在评标专家开启的轮次中报价")
            }
            HallError::RoundClosed {
                section,
                round,
                closed_at,
                ..
            } => format!(
                "第 {section} 标段的第 {round} 轮报价已于 {}（北京时间）结束，不再接受报价",
                beijing(*closed_at)
            ),
            HallError::RoundStillOpen { section, round, .. } => {
                format!("第 {section} 标段的第 {round} 轮报价仍在进行；请先结束该轮再开启下一轮")
            }
            HallError::DrawStillOpen { draw, .. } => {
                format!("第 {draw} 次抽系数仍在进行；请先结束再发起新的抽取")
            }
            HallError::NotASectionBidder { id, section } => {
                format!("签名单位不是项目 {id} 第 {section} 标段的投标人")
            }
            HallError::InvalidAmount { amount } => {
                format!("报价 {amount:?} 不是以元为单位、最多两位小数的金额，例如 1234567.89")
            }
            HallError::DrawNotFound { id, draw } => {
                format!("项目 {id} 没有第 {draw} 次抽系数")
            }
            HallError::DrawClosed { draw, .. } => {
                format!("第 {draw} 次抽系数已结束并公布结果，不再接受随机数")
            }
            HallError::AlreadyContributed { draw } => {
                format!("贵单位已向第 {draw} 次抽系数提交过另一个随机数；每家单位只能提交一次")
            }
            HallError::InvalidDraw { field, reason } => {
                format!("抽系数的 {field} 不正确：{reason}")
            }
            HallError::File { .. } | HallError::Db(_) => "平台内部错误，请稍后重试".to_owned(),
        }
    }
}

/// Status and wire code of a refused challenge.
fn challenge_wire(err: &ChallengeError) -> (StatusCode, ErrorCode) {
    match err {
        ChallengeError::EmptyText => (StatusCode::BAD_REQUEST, ErrorCode::HallChallengeEmpty),
        ChallengeError::TextTooLong { .. } => {
            (StatusCode::BAD_REQUEST, ErrorCode::HallChallengeTextTooLong)
        }
        ChallengeError::TooManyAttachments { .. } => {
            (StatusCode::BAD_REQUEST, ErrorCode::HallTooManyAttachments)
        }
        ChallengeError::AttachmentType { .. } => (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::HallAttachmentType,
        ),
        ChallengeError::AttachmentTooLarge { .. } => (
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::HallAttachmentTooLarge,
        ),
        ChallengeError::ChallengeTooLarge { .. } => (
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::HallChallengeTooLarge,
        ),
        // Names and encodings; new rules refuse as unusable input too.
        _ => (StatusCode::BAD_REQUEST, ErrorCode::HallAttachmentInvalid),
    }
}

/// Formats Unix seconds as Beijing time (UTC+8), `YYYY-MM-DD HH:MM:SS`.
pub(crate) fn beijing(at: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .map(|t| t.to_offset(time::macros::offset!(+8)))
        .and_then(|t| t.format(&format).ok())
        .unwrap_or_else(|| at.to_string())
}

impl From<HallError> for Failure {
    fn from(err: HallError) -> Self {
        match err.wire() {
            Some((status, code)) => Failure::new(status, code, err.to_string(), err.message_zh()),
            None => Failure::internal(&err),
        }
    }
}
