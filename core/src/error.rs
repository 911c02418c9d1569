//! Conventions shared by the error enums of every module.
//!
//! Each module has its own `thiserror` enum whose `Display` is the English
//! message. [`Localized`] adds what hosts need on top: a stable,
//! machine-readable code and the Chinese message. Codes are
//! `module.snake_case_reason` and never change meaning once released, so
//! apps may branch on them.

/// Language of a user-facing message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Simplified Chinese, the first users' language and the default.
    #[default]
    ZhCn,
    /// English.
    En,
}

impl Lang {
    /// Picks the language from a POSIX locale string such as `LANG`:
    /// Chinese where it starts with `zh`, English otherwise.
    pub fn from_locale(locale: &str) -> Self {
        if locale.to_ascii_lowercase().starts_with("zh") {
            Lang::ZhCn
        } else {
            Lang::En
        }
    }
}

/// An error with a stable code and messages in both languages.
pub trait Localized: std::error::Error {
    /// Stable code, `module.reason`, for example `keystore.pin_incorrect`.
    fn code(&self) -> &'static str;

    /// The message in Simplified Chinese.
    fn message_zh(&self) -> String;

    /// The message in the given language; English is the `Display` text.
    fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::ZhCn => self.message_zh(),
            Lang::En => self.to_string(),
        }
    }
}
