use crate::error::Localized;

/// Errors of the keystore.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeystoreError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl Localized for KeystoreError {
    fn code(&self) -> &'static str {
        match self {
            KeystoreError::Store(e) => e.code(),
        }
    }

    fn message_zh(&self) -> String {
        match self {
            KeystoreError::Store(e) => e.message_zh(),
        }
    }
}
