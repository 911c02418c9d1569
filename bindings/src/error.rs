//! The one error the apps see, and the only place core errors become it.
//!
//! Every core module has its own error enum implementing
//! [`palmbid_core::error::Localized`]; at the FFI they flatten into
//! [`PalmbidError`], which carries the core's stable code unchanged and the
//! message in both languages. Apps branch on `code` (it never changes meaning
//! once released) and show `message_zh` by default.
//!
//! Codes added by this crate, for failures that have no core error:
//!
//! | code | meaning |
//! |---|---|
//! | `ffi.panic` | a bug: Rust code panicked under an export |
//! | `ffi.callback_failed` | an app callback threw an exception the FFI does not know |
//! | `ffi.invalid_argument` | an argument the app passed is malformed |
//! | `ffi.certificate_not_found` | no installed certificate for the key id passed |
//! | `ffi.runtime` | the library's threads could not start |
//! | `ffi.logger_unavailable` | another `tracing` subscriber owns the process |

use palmbid_core::error::{Lang, Localized};

/// Code of a panic caught under an export.
pub const CODE_PANIC: &str = "ffi.panic";
/// Code of an unexpected exception thrown by an app callback.
pub const CODE_CALLBACK_FAILED: &str = "ffi.callback_failed";
/// Code of a malformed argument passed by the app.
pub const CODE_INVALID_ARGUMENT: &str = "ffi.invalid_argument";
/// Code of a key id without an installed certificate.
pub const CODE_CERTIFICATE_NOT_FOUND: &str = "ffi.certificate_not_found";

/// Every failure of a palmbid call, flattened for Kotlin and Swift.
///
/// Kotlin gets it as `PalmbidException.Failed`, Swift as
/// `PalmbidError.failed`. One variant keeps the apps' handling to one
/// `catch`, and `code` tells what happened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum PalmbidError {
    /// The call failed.
    #[error("{code}: {message_en}")]
    Failed {
        /// Stable machine-readable code, `module.reason`, for example
        /// `keystore.pin_incorrect`.
        code: String,
        /// The message in Simplified Chinese, shown to users by default.
        message_zh: String,
        /// The same message in English.
        message_en: String,
    },
}

impl PalmbidError {
    /// Builds an error with a code of this crate and its two messages.
    pub(crate) fn new(code: &str, message_zh: String, message_en: String) -> Self {
        PalmbidError::Failed {
            code: code.to_owned(),
            message_zh,
            message_en,
        }
    }

    /// Returns the stable code.
    pub fn code(&self) -> &str {
        match self {
            PalmbidError::Failed { code, .. } => code,
        }
    }

    /// The one conversion from core errors: the code passes through
    /// unchanged, so the same core variant has the same code at the FFI
    /// forever. (A blanket `From` would collide with uniffi's
    /// `From<UnexpectedUniFFICallbackError>`, hence a named function.)
    #[allow(
        clippy::needless_pass_by_value,
        reason = "by value so that `map_err(PalmbidError::from_core)` reads plainly"
    )]
    pub fn from_core(error: impl Localized) -> Self {
        PalmbidError::Failed {
            code: error.code().to_owned(),
            message_zh: error.message(Lang::ZhCn),
            message_en: error.message(Lang::En),
        }
    }

    /// Builds the error for a panic under the export `operation`. The
    /// panic payload is left out because it is developer text and may name
    /// internal values.
    pub(crate) fn panic(operation: &str) -> Self {
        Self::new(
            CODE_PANIC,
            format!("内部错误：{operation} 意外中止；请重试，并将此问题报告给开发者"),
            format!("internal error: {operation} stopped unexpectedly; retry, and report this bug"),
        )
    }

    /// Builds the error for a malformed argument `what`, with `detail`
    /// saying why.
    pub(crate) fn invalid_argument(what: &str, detail: &str) -> Self {
        Self::new(
            CODE_INVALID_ARGUMENT,
            format!("参数 {what} 无效：{detail}"),
            format!("invalid argument {what}: {detail}"),
        )
    }
}

/// An app callback (a `DeviceBinding`) threw something other than a
/// `PalmbidException`; uniffi reports it here instead of panicking.
impl From<uniffi::UnexpectedUniFFICallbackError> for PalmbidError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::new(
            CODE_CALLBACK_FAILED,
            format!("应用回调出错：{}", error.reason),
            format!("app callback failed: {}", error.reason),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("english text")]
    struct Sample;

    impl Localized for Sample {
        fn code(&self) -> &'static str {
            "sample.reason"
        }

        fn message_zh(&self) -> String {
            "中文".to_owned()
        }
    }

    #[test]
    fn from_core_keeps_code_and_messages() {
        let error = PalmbidError::from_core(Sample);

        assert_eq!(
            error,
            PalmbidError::Failed {
                code: "sample.reason".to_owned(),
                message_zh: "中文".to_owned(),
                message_en: "english text".to_owned(),
            }
        );
    }

    #[test]
    fn callback_error_names_reason() {
        let error = PalmbidError::from(uniffi::UnexpectedUniFFICallbackError::new("boom"));

        assert_eq!(error.code(), CODE_CALLBACK_FAILED);
        assert!(error.to_string().contains("boom"), "{error}");
    }
}
