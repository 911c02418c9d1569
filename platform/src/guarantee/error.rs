//! Errors of electronic bid guarantees and their wire form
//! (`guarantee.*` codes).

use axum::http::StatusCode;
use palmbid_core::api::ErrorCode;
use palmbid_core::error::Localized;

use crate::db::DbError;
use crate::error::Failure;

/// Why a guarantee call or callback was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GuaranteeError {
    /// No project with this id requires a guarantee.
    #[error("no project with id {id} requires a bid guarantee; check the guarantee project list")]
    ProjectNotFound {
        /// The id asked for.
        id: String,
    },

    /// The session's company does not bid in the project or section.
    #[error(
        "none of this phone's certificates is of a bidder of project {id} section {section}; ask for the code of a section your company bids in"
    )]
    NotABidder {
        /// The project.
        id: String,
        /// The section position, 0 for the whole project.
        section: u32,
    },

    /// The project has no such section.
    #[error("project {id} has no section {section}")]
    SectionNotFound {
        /// The project.
        id: String,
        /// The position asked for.
        section: u32,
    },

    /// No such guarantee code, or it is another company's.
    #[error("no guarantee code {code} belongs to this phone's companies")]
    CodeNotFound {
        /// The code asked for.
        code: String,
    },

    /// The institution is not in the catalogue.
    #[error("the guarantee institution {id:?} is not in the platform's catalogue")]
    InstitutionUnknown {
        /// The id given.
        id: String,
    },

    /// A callback that is malformed or outside its time window.
    #[error("the institution's callback is not usable: {reason}")]
    CallbackInvalid {
        /// What is wrong.
        reason: String,
    },

    /// A callback whose signature does not verify with the catalogue's
    /// certificate.
    #[error(
        "the callback's signature does not verify with the certificate of institution {institution} in the catalogue"
    )]
    CallbackSignatureInvalid {
        /// The institution named.
        institution: String,
    },

    /// A callback id seen before.
    #[error(
        "callback {callback_id} of institution {institution} was received before; a replay is refused"
    )]
    CallbackReplayed {
        /// The institution.
        institution: String,
        /// The callback id.
        callback_id: String,
    },

    /// The guarantee document's signature does not verify or is not the
    /// institution's.
    #[error("the guarantee document is not validly signed by the institution: {reason}")]
    DocumentInvalid {
        /// What failed.
        reason: String,
    },

    /// The guarantee document names another guarantee.
    #[error(
        "the guarantee document names another guarantee: its {field} is {found:?}, not {expected:?}"
    )]
    DocumentMismatch {
        /// The document information key.
        field: &'static str,
        /// What the document says.
        found: Option<String>,
        /// What the code stands for.
        expected: String,
    },

    /// The guarantee's state does not allow the change.
    #[error("guarantee {code} is {state} and cannot become {to}{by}")]
    StateConflict {
        /// The code.
        code: String,
        /// Its state now.
        state: &'static str,
        /// The state asked for.
        to: &'static str,
        /// Extra detail (another institution), starting with a separator.
        by: String,
    },

    /// The bidder's statement does not verify.
    #[error("the bidder's signed statement is not acceptable: {reason}")]
    StatementInvalid {
        /// What failed.
        reason: String,
    },

    /// The development institution cannot issue (key, certificate or PDF).
    #[error("the development institution failed: {0}")]
    Institution(String),

    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<rusqlite::Error> for GuaranteeError {
    fn from(err: rusqlite::Error) -> Self {
        GuaranteeError::Db(DbError::Sqlite(err))
    }
}

impl From<crate::hall::HallError> for GuaranteeError {
    fn from(err: crate::hall::HallError) -> Self {
        match err {
            crate::hall::HallError::Db(db) => GuaranteeError::Db(db),
            other => GuaranteeError::Db(DbError::Task(other.to_string())),
        }
    }
}

impl GuaranteeError {
    /// HTTP status and wire code; `None` for internal errors.
    pub(crate) fn wire(&self) -> Option<(StatusCode, ErrorCode)> {
        Some(match self {
            GuaranteeError::ProjectNotFound { .. } => {
                (StatusCode::NOT_FOUND, ErrorCode::GuaranteeProjectNotFound)
            }
            GuaranteeError::NotABidder { .. } => {
                (StatusCode::FORBIDDEN, ErrorCode::GuaranteeNotABidder)
            }
            GuaranteeError::SectionNotFound { .. } => {
                (StatusCode::NOT_FOUND, ErrorCode::GuaranteeSectionNotFound)
            }
            GuaranteeError::CodeNotFound { .. } => {
                (StatusCode::NOT_FOUND, ErrorCode::GuaranteeCodeNotFound)
            }
            GuaranteeError::InstitutionUnknown { .. } => (
                StatusCode::NOT_FOUND,
                ErrorCode::GuaranteeInstitutionUnknown,
            ),
            GuaranteeError::CallbackInvalid { .. } => {
                (StatusCode::BAD_REQUEST, ErrorCode::GuaranteeCallbackInvalid)
            }
            GuaranteeError::CallbackSignatureInvalid { .. } => (
                StatusCode::UNAUTHORIZED,
                ErrorCode::GuaranteeCallbackSignatureInvalid,
            ),
            GuaranteeError::CallbackReplayed { .. } => {
                (StatusCode::CONFLICT, ErrorCode::GuaranteeCallbackReplayed)
            }
            GuaranteeError::DocumentInvalid { .. } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::GuaranteeDocumentInvalid,
            ),
            GuaranteeError::DocumentMismatch { .. } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::GuaranteeDocumentMismatch,
            ),
            GuaranteeError::StateConflict { .. } => {
                (StatusCode::CONFLICT, ErrorCode::GuaranteeStateConflict)
            }
            GuaranteeError::StatementInvalid { .. } => {
                (StatusCode::FORBIDDEN, ErrorCode::GuaranteeStatementInvalid)
            }
            GuaranteeError::Institution(_) | GuaranteeError::Db(_) => return None,
        })
    }
}

impl Localized for GuaranteeError {
    fn code(&self) -> &'static str {
        self.wire()
            .map_or("server.internal", |(_, code)| code.as_str())
    }

    fn message_zh(&self) -> String {
        match self {
            GuaranteeError::ProjectNotFound { id } => {
                format!("没有编号为 {id} 且需要投标保函的项目；请查看电子保函项目列表")
            }
            GuaranteeError::NotABidder { id, section } => format!(
                "本机的证书都不属于项目 {id} 标段 {section} 的投标单位；请为本单位投标的标段申请保函编码"
            ),
            GuaranteeError::SectionNotFound { id, section } => {
                format!("项目 {id} 没有第 {section} 标段")
            }
            GuaranteeError::CodeNotFound { code } => {
                format!("保函编码 {code} 不存在或不属于本机的单位")
            }
            GuaranteeError::InstitutionUnknown { id } => {
                format!("保函机构 {id:?} 不在平台的机构目录中")
            }
            GuaranteeError::CallbackInvalid { .. } => "保函机构的回调内容不可用".to_owned(),
            GuaranteeError::CallbackSignatureInvalid { institution } => {
                format!("回调的签名不能用目录中机构 {institution} 的证书验证")
            }
            GuaranteeError::CallbackReplayed {
                institution,
                callback_id,
            } => format!("机构 {institution} 的回调 {callback_id} 已经收到过，拒绝重放"),
            GuaranteeError::DocumentInvalid { .. } => {
                "保函文件的签章无效或不是该机构的签章".to_owned()
            }
            GuaranteeError::DocumentMismatch { field, .. } => {
                format!("保函文件的 {field} 与保函编码不符，是其他保函的文件")
            }
            GuaranteeError::StateConflict {
                code, state, to, ..
            } => {
                format!("保函 {code} 当前为 {state}，不能变为 {to}")
            }
            GuaranteeError::StatementInvalid { .. } => "投标人的签名声明无效或已过期".to_owned(),
            GuaranteeError::Institution(_) | GuaranteeError::Db(_) => {
                "平台内部错误，请稍后重试".to_owned()
            }
        }
    }
}

impl From<GuaranteeError> for Failure {
    fn from(err: GuaranteeError) -> Self {
        match err.wire() {
            Some((status, code)) => Failure::new(status, code, err.to_string(), err.message_zh()),
            None => Failure::internal(&err),
        }
    }
}
