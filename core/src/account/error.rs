//! Errors of the phone's account operations.

use crate::api::ApiError;
use crate::error::Localized;
use crate::pki::PkiError;
use crate::store::StoreError;

/// Errors of trusted platforms, login and logout on the phone.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AccountError {
    /// No trusted platform has this name.
    #[error(
        "no trusted platform is named {name:?}; check the name among the trusted platforms, or add the platform first"
    )]
    UnknownPlatform {
        /// The name asked for.
        name: String,
    },

    /// A trusted platform with this name or address exists.
    #[error(
        "a trusted platform named {name:?} or with address {base_url} exists already; remove it first"
    )]
    PlatformExists {
        /// The name given.
        name: String,
        /// The address given.
        base_url: String,
    },

    /// The platform name is empty, too long or has control characters.
    #[error("{name:?} is not a usable platform name; use 1 to 64 printable characters")]
    InvalidName {
        /// The name given.
        name: String,
    },

    /// The certificate the platform offered as its trust anchor is not a CA.
    #[error(
        "the platform's trust anchor {fingerprint} is not a CA certificate; check the platform address"
    )]
    AnchorNotCa {
        /// Its fingerprint.
        fingerprint: String,
    },

    /// The phone number is not an 11-digit mainland mobile number.
    #[error("{phone:?} is not an 11-digit mainland mobile number; give it without +86 or spaces")]
    InvalidPhone {
        /// The number given.
        phone: String,
    },

    /// The SMS code is not 6 digits.
    #[error("the SMS code must be exactly 6 digits")]
    InvalidCode,

    /// The ID card number fails the GB 11643 format or check character.
    #[error(
        "the ID card number is not a valid 18-character resident ID number; check each digit and the final check character (X upper case)"
    )]
    InvalidIdNumber,

    /// The verification video is empty or too large.
    #[error(
        "the video has {bytes} bytes; it must be between 1 byte and {} bytes",
        crate::api::identity::MAX_VIDEO_BYTES
    )]
    VideoSize {
        /// Its size.
        bytes: usize,
    },

    /// A scanned text is not a pickup URL.
    #[error("the scanned code is not a pickup code: {reason}")]
    InvalidPickupUrl {
        /// The rule broken.
        reason: &'static str,
    },

    /// A scanned URL's host is not a trusted platform.
    #[error(
        "the scanned code belongs to {host:?}, which is not a trusted platform; add the platform first or do not trust this code"
    )]
    UnknownHost {
        /// The host of the scanned URL.
        host: String,
    },

    /// The order is for another phone number.
    #[error(
        "this certificate order is for another phone number; log in with the number given to the CA"
    )]
    WrongPhone,

    /// The platform's chain does not end in its stored trust anchor.
    #[error(
        "the certificates from platform {platform:?} do not chain to its trust anchor; nothing was stored"
    )]
    ForeignChain {
        /// The platform's name.
        platform: String,
    },

    /// Download without a picked-up order.
    #[error("no picked-up certificate to download for this order; scan the pickup code first")]
    NothingPickedUp,

    /// The platform's answer cannot be kept.
    #[error("the platform's answer cannot be stored: {reason}")]
    BadAnswer {
        /// Why.
        reason: String,
    },

    /// The institution is not in the platform's catalogue.
    #[error(
        "the guarantee institution {id:?} is not in the platform's catalogue; choose one of the listed institutions"
    )]
    InstitutionUnknown {
        /// The id given.
        id: String,
    },

    /// No signing certificate of the guarantee's company is held.
    #[error(
        "no valid signing certificate of company {credit_code} from this platform is on the phone; pick up the company's certificate first"
    )]
    NoGuaranteeCertificate {
        /// The company's credit code.
        credit_code: String,
    },

    /// The institution's application address is unusable.
    #[error("the institution's application address {url:?} is not usable: {reason}")]
    ApplyUrlInvalid {
        /// The address from the catalogue.
        url: String,
        /// Why.
        reason: &'static str,
    },

    /// The issued guarantee's document is not genuine: its signature does
    /// not verify, it is not the institution's, or it names another
    /// guarantee.
    #[error(
        "the guarantee document is not genuine: {reason}; do not rely on it and contact the institution"
    )]
    GuaranteeNotGenuine {
        /// What failed.
        reason: String,
    },

    /// Generating keys or installing certificates failed.
    #[error(transparent)]
    Enroll(#[from] crate::keystore::enroll::EnrollError),

    /// The keystore failed (PIN, storage).
    #[error(transparent)]
    Keystore(#[from] crate::keystore::KeystoreError),

    /// No session is held with the platform.
    #[error("not logged in to platform {platform:?}; log in with an SMS code first")]
    NotLoggedIn {
        /// The platform's name.
        platform: String,
    },

    /// The platform's trust anchor cannot be parsed.
    #[error(transparent)]
    Pki(#[from] PkiError),

    /// Talking to the platform failed.
    #[error(transparent)]
    Api(#[from] ApiError),

    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for AccountError {
    fn from(err: rusqlite::Error) -> Self {
        AccountError::Store(StoreError::Sqlite(err))
    }
}

impl Localized for AccountError {
    fn code(&self) -> &'static str {
        match self {
            AccountError::UnknownPlatform { .. } => "account.unknown_platform",
            AccountError::PlatformExists { .. } => "account.platform_exists",
            AccountError::InvalidName { .. } => "account.invalid_name",
            AccountError::AnchorNotCa { .. } => "account.anchor_not_ca",
            AccountError::InvalidPhone { .. } => "account.invalid_phone",
            AccountError::InvalidCode => "account.invalid_code",
            AccountError::InvalidIdNumber => "account.invalid_id_number",
            AccountError::VideoSize { .. } => "account.video_size",
            AccountError::InvalidPickupUrl { .. } => "account.invalid_pickup_url",
            AccountError::UnknownHost { .. } => "account.unknown_host",
            AccountError::WrongPhone => "account.wrong_phone",
            AccountError::ForeignChain { .. } => "account.foreign_chain",
            AccountError::NothingPickedUp => "account.nothing_picked_up",
            AccountError::BadAnswer { .. } => "account.bad_answer",
            AccountError::InstitutionUnknown { .. } => "account.institution_unknown",
            AccountError::NoGuaranteeCertificate { .. } => "account.no_guarantee_certificate",
            AccountError::ApplyUrlInvalid { .. } => "account.apply_url_invalid",
            AccountError::GuaranteeNotGenuine { .. } => "account.guarantee_not_genuine",
            AccountError::Enroll(e) => e.code(),
            AccountError::Keystore(e) => e.code(),
            AccountError::NotLoggedIn { .. } => "account.not_logged_in",
            AccountError::Pki(e) => e.code(),
            AccountError::Api(e) => e.code(),
            AccountError::Store(e) => e.code(),
        }
    }

    fn message_zh(&self) -> String {
        match self {
            AccountError::UnknownPlatform { name } => {
                format!("没有名为 {name:?} 的可信平台；请核对可信平台名称，或先添加该平台")
            }
            AccountError::PlatformExists { name, base_url } => {
                format!("名为 {name:?} 或地址为 {base_url} 的可信平台已存在；请先删除")
            }
            AccountError::InvalidName { name } => {
                format!("{name:?} 不能用作平台名称；请用 1 到 64 个可打印字符")
            }
            AccountError::AnchorNotCa { fingerprint } => {
                format!("平台提供的信任根 {fingerprint} 不是 CA 证书；请检查平台地址")
            }
            AccountError::InvalidPhone { phone } => {
                format!("{phone:?} 不是 11 位大陆手机号；请去掉 +86 和空格")
            }
            AccountError::InvalidCode => "短信验证码应为 6 位数字".to_owned(),
            AccountError::InvalidIdNumber => {
                "身份证号不是有效的 18 位公民身份号码；请核对各位数字和末位校验码（X 大写）"
                    .to_owned()
            }
            AccountError::VideoSize { bytes } => format!(
                "视频大小为 {bytes} 字节，应在 1 到 {} 字节之间",
                crate::api::identity::MAX_VIDEO_BYTES
            ),
            AccountError::InvalidPickupUrl { .. } => "扫描的内容不是证书领取码".to_owned(),
            AccountError::UnknownHost { host } => {
                format!("该二维码来自 {host:?}，不是可信平台；请先添加平台，或不要信任此二维码")
            }
            AccountError::WrongPhone => {
                "该证书订单属于其他手机号；请用向 CA 登记的手机号登录".to_owned()
            }
            AccountError::ForeignChain { platform } => {
                format!("平台 {platform:?} 返回的证书不能链到其信任根，未保存任何内容")
            }
            AccountError::NothingPickedUp => {
                "该订单没有已领取待下载的证书；请先扫码领取".to_owned()
            }
            AccountError::BadAnswer { .. } => "无法保存平台的应答".to_owned(),
            AccountError::InstitutionUnknown { id } => {
                format!("保函机构 {id:?} 不在平台的机构目录中；请从列出的机构中选择")
            }
            AccountError::NoGuaranteeCertificate { credit_code } => format!(
                "本机没有该平台签发的、单位 {credit_code} 的有效签名证书；请先领取该单位的证书"
            ),
            AccountError::ApplyUrlInvalid { url, .. } => {
                format!("保函机构的申请地址 {url:?} 不可用")
            }
            AccountError::GuaranteeNotGenuine { reason } => {
                format!("保函文件不是真实有效的：{reason}；请勿使用，并联系出函机构")
            }
            AccountError::Enroll(e) => e.message_zh(),
            AccountError::Keystore(e) => e.message_zh(),
            AccountError::NotLoggedIn { platform } => {
                format!("尚未登录平台 {platform:?}；请先用短信验证码登录")
            }
            AccountError::Pki(e) => e.message_zh(),
            AccountError::Api(e) => e.message_zh(),
            AccountError::Store(e) => e.message_zh(),
        }
    }
}
