//! Errors of the keystore: a variant per PIN rule and per failure, each
//! with a stable `keystore.*` code and a Chinese message.

use std::path::PathBuf;

use super::{CredentialId, DeviceBindingError, KeyId, MAX_PIN_ATTEMPTS};
use crate::error::Localized;
use crate::store::StoreError;

/// Errors of the keystore.
///
/// Messages name ids, fingerprints and paths, never a PIN or key material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeystoreError {
    /// A new PIN contains something other than the digits 0 to 9.
    #[error("the new PIN may contain only the digits 0 to 9; choose a PIN of digits only")]
    PinNotDigits,

    /// A new PIN is too short.
    #[error("the new PIN is too short; choose a PIN of at least {min} digits")]
    PinTooShort {
        /// Minimum number of digits.
        min: usize,
    },

    /// A new PIN repeats one digit.
    #[error("the new PIN repeats one digit, which is guessed first; mix different digits")]
    PinAllSame,

    /// A new PIN is a run up such as 123456.
    #[error(
        "the new PIN is a run of digits counting up (like 123456), which is guessed first; \
         choose digits that do not follow each other"
    )]
    PinAscending,

    /// A new PIN is a run down such as 654321.
    #[error(
        "the new PIN is a run of digits counting down (like 654321), which is guessed first; \
         choose digits that do not follow each other"
    )]
    PinDescending,

    /// The new PIN equals the old one.
    #[error("the new PIN is the same as the current one; choose a different PIN")]
    PinUnchanged,

    /// The PIN is wrong; the credential locks when no tries are left.
    #[error(
        "wrong PIN for credential {credential}: {tries_left} tries left before it locks; \
         check the PIN and try again"
    )]
    PinIncorrect {
        /// The credential whose PIN was tried.
        credential: CredentialId,
        /// Tries left, 1 or more.
        tries_left: u32,
    },

    /// The credential is locked after too many wrong PINs.
    #[error(
        "credential {credential} is locked after {MAX_PIN_ATTEMPTS} wrong PINs in a row and \
         cannot be used any more; apply for a new certificate to replace it"
    )]
    Locked {
        /// The locked credential.
        credential: CredentialId,
    },

    /// No key with this id.
    #[error("no key {key} in this keystore; list the keys and pick one of their ids")]
    KeyNotFound {
        /// The id asked for.
        key: KeyId,
    },

    /// No credential with this id.
    #[error("no credential {credential} in this keystore; list the keys to see their credentials")]
    CredentialNotFound {
        /// The id asked for.
        credential: CredentialId,
    },

    /// Pending bids open with this key: deleting it or replacing its
    /// certificate now would leave them unopenable.
    #[error(
        "cannot {action} key {key}: pending bids must still be opened with it: {bids}; open \
         them or mark them abandoned first"
    )]
    KeyNeededByBids {
        /// The guarded key.
        key: KeyId,
        /// What was refused, such as "delete".
        action: &'static str,
        /// The pending bids with their opening deadlines.
        bids: String,
    },

    /// No bid with these ids is registered.
    #[error("no bid {project_id}/{bid_id} is registered; list the bids and pick one of them")]
    BidNotFound {
        /// The project id asked for.
        project_id: String,
        /// The bid id asked for.
        bid_id: String,
    },

    /// The bid is already opened or abandoned.
    #[error(
        "bid {project_id}/{bid_id} is already {state} and cannot change; register the new \
         bid under its own bid id"
    )]
    BidClosed {
        /// The project id.
        project_id: String,
        /// The bid id.
        bid_id: String,
        /// Its state, opened or abandoned.
        state: String,
    },

    /// A bid was registered with a signing key.
    #[error(
        "key {key} is a signing key and opens no envelope; register the bid with the \
         encryption key of the same credential"
    )]
    NotEncryptionKey {
        /// The key given.
        key: KeyId,
    },

    /// The certificate does not carry the public key of the key it is for.
    #[error(
        "certificate {fingerprint} does not certify key {key}: {detail}; install the \
         certificate issued for this key's request"
    )]
    CertificateMismatch {
        /// The key the certificate was offered for.
        key: KeyId,
        /// The certificate's SHA-256 fingerprint.
        fingerprint: String,
        /// What differs.
        detail: String,
    },

    /// A stored row is damaged: its bytes do not parse or do not open
    /// under the right PIN. No try was counted for it.
    #[error(
        "the keystore is damaged: {item} {detail}; the PIN was not counted as wrong. \
         Restore the keystore from a backup or apply for a new certificate"
    )]
    Corrupted {
        /// The damaged item: a key, a credential, a certificate or the
        /// device secret, with its id.
        item: String,
        /// The defect found.
        detail: String,
    },

    /// A certificate install named a key of another credential than the
    /// one whose PIN was checked.
    #[error(
        "key {key} is not a key of credential {credential}; install each credential's \
         certificates with its own PIN"
    )]
    KeyOfAnotherCredential {
        /// The key named.
        key: KeyId,
        /// The credential unlocked.
        credential: CredentialId,
    },

    /// The device binding could not seal the device secret or load its key.
    #[error("the device key is unavailable: {0}")]
    DeviceBinding(DeviceBindingError),

    /// The device binding's key is out of reach for now (the phone is
    /// locked, the secure hardware is busy). Nothing was changed and no PIN
    /// try was counted: the device secret is unsealed before the PIN is
    /// checked.
    #[error(
        "the device key cannot be used right now ({detail}); unlock the phone and try again \
         (no PIN try was counted)"
    )]
    DeviceUnavailable {
        /// The binding's reason.
        detail: String,
    },

    /// The device binding could not unseal the device secret.
    #[error(
        "cannot unseal this keystore's device secret ({detail}): this keystore was created \
         on another device, or its device key was lost; restore the device key or enroll again"
    )]
    DeviceUnseal {
        /// The binding's reason.
        detail: String,
    },

    /// The database was written by a newer palmbid.
    #[error(
        "the keystore database has schema version {found}, but this palmbid reads up to \
         version {supported}; update palmbid to open it"
    )]
    DatabaseTooNew {
        /// Version found in the file.
        found: i64,
        /// Highest version this code reads.
        supported: u32,
    },

    /// Argon2id parameters that Argon2id refuses.
    #[error("invalid Argon2id parameters: {detail}; use KdfParams::default()")]
    KdfParams {
        /// Argon2id's reason.
        detail: String,
    },

    /// The keystore home folder cannot be created.
    #[error(
        "cannot create the keystore folder {}: {source}; check that its parent exists and \
         is writable",
        path.display()
    )]
    Home {
        /// The folder.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },

    /// Another operation changed the credential while this one ran.
    #[error(
        "credential {credential} was changed by another operation at the same time; \
         nothing was written, try again"
    )]
    ConcurrentChange {
        /// The credential.
        credential: CredentialId,
    },

    /// The database failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for KeystoreError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::TooNew { found, supported } => {
                KeystoreError::DatabaseTooNew { found, supported }
            }
            other => KeystoreError::Store(other),
        }
    }
}

impl From<rusqlite::Error> for KeystoreError {
    fn from(e: rusqlite::Error) -> Self {
        KeystoreError::Store(StoreError::Sqlite(e))
    }
}

impl KeystoreError {
    /// Builds [`KeystoreError::Corrupted`] for `item`.
    pub(super) fn corrupted(item: impl Into<String>, detail: impl Into<String>) -> Self {
        KeystoreError::Corrupted {
            item: item.into(),
            detail: detail.into(),
        }
    }
}

impl Localized for KeystoreError {
    fn code(&self) -> &'static str {
        match self {
            KeystoreError::PinNotDigits => "keystore.pin_not_digits",
            KeystoreError::PinTooShort { .. } => "keystore.pin_too_short",
            KeystoreError::PinAllSame => "keystore.pin_all_same",
            KeystoreError::PinAscending => "keystore.pin_ascending",
            KeystoreError::PinDescending => "keystore.pin_descending",
            KeystoreError::PinUnchanged => "keystore.pin_unchanged",
            KeystoreError::PinIncorrect { .. } => "keystore.pin_incorrect",
            KeystoreError::Locked { .. } => "keystore.locked",
            KeystoreError::KeyNotFound { .. } => "keystore.key_not_found",
            KeystoreError::CredentialNotFound { .. } => "keystore.credential_not_found",
            KeystoreError::KeyNeededByBids { .. } => "keystore.key_needed_by_bids",
            KeystoreError::BidNotFound { .. } => "keystore.bid_not_found",
            KeystoreError::BidClosed { .. } => "keystore.bid_closed",
            KeystoreError::NotEncryptionKey { .. } => "keystore.not_encryption_key",
            KeystoreError::CertificateMismatch { .. } => "keystore.certificate_mismatch",
            KeystoreError::Corrupted { .. } => "keystore.corrupted",
            KeystoreError::KeyOfAnotherCredential { .. } => "keystore.key_of_another_credential",
            KeystoreError::DeviceBinding(_) => "keystore.device_binding",
            KeystoreError::DeviceUnavailable { .. } => "keystore.device_unavailable",
            KeystoreError::DeviceUnseal { .. } => "keystore.device_unseal",
            KeystoreError::DatabaseTooNew { .. } => "keystore.database_too_new",
            KeystoreError::KdfParams { .. } => "keystore.kdf_params",
            KeystoreError::Home { .. } => "keystore.home",
            KeystoreError::ConcurrentChange { .. } => "keystore.concurrent_change",
            KeystoreError::Store(e) => e.code(),
        }
    }

    fn message_zh(&self) -> String {
        match self {
            KeystoreError::PinNotDigits => "新 PIN 码只能包含数字 0 到 9；请只用数字".to_owned(),
            KeystoreError::PinTooShort { min } => {
                format!("新 PIN 码太短；请至少使用 {min} 位数字")
            }
            KeystoreError::PinAllSame => {
                "新 PIN 码由同一个数字重复组成，极易被猜中；请混合使用不同数字".to_owned()
            }
            KeystoreError::PinAscending => {
                "新 PIN 码是递增的连续数字（如 123456），极易被猜中；请选择不连续的数字".to_owned()
            }
            KeystoreError::PinDescending => {
                "新 PIN 码是递减的连续数字（如 654321），极易被猜中；请选择不连续的数字".to_owned()
            }
            KeystoreError::PinUnchanged => "新 PIN 码与当前 PIN 码相同；请换一个".to_owned(),
            KeystoreError::PinIncorrect {
                credential,
                tries_left,
            } => format!(
                "证书 {credential} 的 PIN 码错误，还可以再试 {tries_left} 次，之后将被锁定；请核对后重试"
            ),
            KeystoreError::Locked { credential } => format!(
                "证书 {credential} 已因连续 {MAX_PIN_ATTEMPTS} 次输错 PIN 码被锁定，无法继续使用；请重新申请证书"
            ),
            KeystoreError::KeyNotFound { key } => {
                format!("证书库中没有密钥 {key}；请查看密钥列表后选择其中的标识")
            }
            KeystoreError::CredentialNotFound { credential } => {
                format!("证书库中没有证书凭据 {credential}；请查看密钥列表了解现有凭据")
            }
            KeystoreError::KeyNeededByBids { key, action, bids } => {
                let action = if *action == "delete" {
                    "删除"
                } else {
                    "更换证书"
                };
                format!(
                    "无法{action}密钥 {key}：以下投标文件尚未解密，仍需用它解密：{bids}；请先完成解密或将其标记为放弃"
                )
            }
            KeystoreError::BidNotFound { project_id, bid_id } => {
                format!("没有登记投标 {project_id}/{bid_id}；请查看投标列表后选择")
            }
            KeystoreError::BidClosed {
                project_id,
                bid_id,
                state,
            } => {
                let state = if state == "opened" {
                    "已解密"
                } else {
                    "已放弃"
                };
                format!(
                    "投标 {project_id}/{bid_id} {state}，不能再更改；新的投标请用新的投标标识登记"
                )
            }
            KeystoreError::NotEncryptionKey { key } => {
                format!("密钥 {key} 是签名密钥，不能解密投标文件；请用同一证书凭据的加密密钥登记")
            }
            KeystoreError::CertificateMismatch {
                key,
                fingerprint,
                detail,
            } => format!(
                "证书 {fingerprint} 与密钥 {key} 不匹配：{detail}；请安装为该密钥申请签发的证书"
            ),
            KeystoreError::Corrupted { item, detail } => format!(
                "证书库已损坏：{item} {detail}；本次未计为 PIN 码错误。请从备份恢复证书库或重新申请证书"
            ),
            KeystoreError::KeyOfAnotherCredential { key, credential } => format!(
                "密钥 {key} 不属于证书凭据 {credential}；请用各凭据自己的 PIN 码分别安装其证书"
            ),
            KeystoreError::DeviceBinding(e) => format!("设备密钥不可用：{}", e.detail),
            KeystoreError::DeviceUnavailable { detail } => {
                format!("设备密钥暂时无法使用（{detail}）；请解锁手机后重试，本次未计为 PIN 码错误")
            }
            KeystoreError::DeviceUnseal { detail } => format!(
                "无法解封本证书库的设备密钥（{detail}）：此证书库是在另一台设备上创建的，或其设备密钥已丢失；请恢复设备密钥或重新办理证书"
            ),
            KeystoreError::DatabaseTooNew { found, supported } => format!(
                "证书库数据库的版本为 {found}，本程序最高支持 {supported}；请升级 palmbid 后再打开"
            ),
            KeystoreError::KdfParams { detail } => {
                format!("Argon2id 参数无效：{detail}；请使用默认参数")
            }
            KeystoreError::Home { path, source } => format!(
                "无法创建证书库目录 {}：{source}；请检查上级目录是否存在且可写",
                path.display()
            ),
            KeystoreError::ConcurrentChange { credential } => {
                format!("证书凭据 {credential} 正被另一个操作同时修改；本次未写入任何内容，请重试")
            }
            KeystoreError::Store(e) => e.message_zh(),
        }
    }
}

/// A binding failure that a later try may not meet becomes
/// [`KeystoreError::DeviceUnavailable`]; any other, [`KeystoreError::DeviceBinding`].
impl From<DeviceBindingError> for KeystoreError {
    fn from(error: DeviceBindingError) -> Self {
        if error.retryable {
            KeystoreError::DeviceUnavailable {
                detail: error.detail,
            }
        } else {
            KeystoreError::DeviceBinding(error)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn wrong_pin_names_credential_and_tries() {
        let err = KeystoreError::PinIncorrect {
            credential: CredentialId("c0ffee".to_owned()),
            tries_left: 3,
        };

        assert_eq!(err.code(), "keystore.pin_incorrect");
        assert!(err.to_string().contains("c0ffee"));
        assert!(err.to_string().contains("3 tries left"));
        assert!(err.message_zh().contains("还可以再试 3 次"));
    }

    #[test]
    fn newer_database_gets_its_own_code() {
        let err = KeystoreError::from(StoreError::TooNew {
            found: 9,
            supported: 1,
        });

        assert_eq!(err.code(), "keystore.database_too_new");
        assert!(err.to_string().contains("update palmbid"));
    }
}
