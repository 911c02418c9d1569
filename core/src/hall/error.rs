use crate::error::Localized;

/// Errors of deriving or verifying a coefficient draw.
///
/// Every verification failure has its own variant, so the app can tell the
/// bidder exactly which promise the platform broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DrawError {
    /// The draw has no candidates to choose from.
    #[error("the draw has no candidates; the platform must publish at least one coefficient")]
    NoCandidates,

    /// The candidate list differs from the one committed to before the draw.
    #[error(
        "the candidate list (SHA-256 {actual}) is not the one published before the draw \
         (SHA-256 {published}); do not accept this draw and report it to the platform"
    )]
    CandidatesChanged {
        /// Hex SHA-256 of the list committed to.
        published: String,
        /// Hex SHA-256 of the list received now.
        actual: String,
    },

    /// The revealed seed does not open the published commitment.
    #[error(
        "the revealed seed does not match the commitment published for draw {draw_id} \
         of project {project_id}; do not accept this draw and report it to the platform"
    )]
    SeedMismatch {
        /// The project.
        project_id: String,
        /// The draw.
        draw_id: String,
    },

    /// The bidder's own contribution is not among those the result used.
    #[error(
        "the contribution of bidder {bidder_id} is missing from the draw; \
         the result ignored it, report it to the platform"
    )]
    OwnContributionMissing {
        /// This phone's bidder id.
        bidder_id: String,
    },

    /// The bidder's own contribution is listed with a different value.
    #[error(
        "the contribution of bidder {bidder_id} was altered before the draw; \
         report it to the platform"
    )]
    OwnContributionAltered {
        /// This phone's bidder id.
        bidder_id: String,
    },

    /// The bidder's own contribution is listed more than once.
    #[error(
        "the contribution of bidder {bidder_id} is listed {count} times instead of once; \
         report it to the platform"
    )]
    OwnContributionRepeated {
        /// This phone's bidder id.
        bidder_id: String,
        /// How many times it is listed.
        count: usize,
    },

    /// Another bidder id appears more than once among the contributions.
    #[error(
        "bidder {bidder_id} appears more than once among the contributions; \
         each bidder contributes once, report the draw to the platform"
    )]
    DuplicateBidder {
        /// The repeated bidder id.
        bidder_id: String,
    },

    /// The claimed result is not the one the seed and contributions give.
    #[error(
        "the platform announced candidate index {claimed} but the seed and contributions \
         give {derived}; do not accept this draw and report it to the platform"
    )]
    IndexMismatch {
        /// The index the platform announced.
        claimed: usize,
        /// The index derived on this phone.
        derived: usize,
    },

    /// Rejection sampling drew only biased values for every allowed round.
    #[error(
        "no unbiased value came up in {rounds} rounds for {candidates} candidates; \
         this has negligible probability, report the draw to the platform"
    )]
    RoundsExhausted {
        /// Rounds tried.
        rounds: u32,
        /// Number of candidates.
        candidates: usize,
    },
}

impl Localized for DrawError {
    fn code(&self) -> &'static str {
        match self {
            DrawError::NoCandidates => "hall.draw_no_candidates",
            DrawError::CandidatesChanged { .. } => "hall.draw_candidates_changed",
            DrawError::SeedMismatch { .. } => "hall.draw_seed_mismatch",
            DrawError::OwnContributionMissing { .. } => "hall.draw_own_contribution_missing",
            DrawError::OwnContributionAltered { .. } => "hall.draw_own_contribution_altered",
            DrawError::OwnContributionRepeated { .. } => "hall.draw_own_contribution_repeated",
            DrawError::DuplicateBidder { .. } => "hall.draw_duplicate_bidder",
            DrawError::IndexMismatch { .. } => "hall.draw_index_mismatch",
            DrawError::RoundsExhausted { .. } => "hall.draw_rounds_exhausted",
        }
    }

    fn message_zh(&self) -> String {
        match self {
            DrawError::NoCandidates => "本次抽取没有候选系数，平台须至少公布一个系数".to_owned(),
            DrawError::CandidatesChanged { published, actual } => format!(
                "候选系数列表（SHA-256 {actual}）与抽取前公布的列表（SHA-256 {published}）不一致；\
                 请勿认可本次抽取结果，并向平台反映"
            ),
            DrawError::SeedMismatch {
                project_id,
                draw_id,
            } => format!(
                "平台公开的随机种子与项目 {project_id} 第 {draw_id} 次抽取事先公布的承诺值不符；\
                 请勿认可本次抽取结果，并向平台反映"
            ),
            DrawError::OwnContributionMissing { bidder_id } => format!(
                "抽取结果未包含投标人 {bidder_id} 提交的随机数，本方贡献被忽略；请向平台反映"
            ),
            DrawError::OwnContributionAltered { bidder_id } => {
                format!("投标人 {bidder_id} 提交的随机数在抽取中被改动；请向平台反映")
            }
            DrawError::OwnContributionRepeated { bidder_id, count } => format!(
                "投标人 {bidder_id} 提交的随机数出现了 {count} 次，应只出现一次；请向平台反映"
            ),
            DrawError::DuplicateBidder { bidder_id } => format!(
                "投标人 {bidder_id} 的随机数出现不止一次，每个投标人只能提交一次；请向平台反映"
            ),
            DrawError::IndexMismatch { claimed, derived } => format!(
                "平台公布的抽取结果为第 {claimed} 项，但按种子和各方随机数计算应为第 {derived} 项；\
                 请勿认可本次抽取结果，并向平台反映"
            ),
            DrawError::RoundsExhausted { rounds, candidates } => format!(
                "在 {candidates} 个候选系数中连续 {rounds} 轮未抽到无偏取值，\
                 此情况几乎不可能发生；请向平台反映"
            ),
        }
    }
}

/// Errors of the hall client on the phone.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HallError {
    /// No session with the platform.
    #[error("not logged in to platform {platform:?}; log in with an SMS code first")]
    NotLoggedIn {
        /// The platform's configured name.
        platform: String,
    },

    /// The event stream kept breaking.
    #[error(
        "the event stream of project {project} broke {breaks} times in a row; \
         check the network, then open the project again"
    )]
    StreamLost {
        /// The project.
        project: String,
        /// Consecutive failures.
        breaks: u32,
    },

    /// No valid signing certificate of the platform on the phone.
    #[error(
        "this phone holds no valid signing certificate of platform {platform:?}; pick up a certificate first"
    )]
    NoCertificate {
        /// The platform's configured name.
        platform: String,
    },

    /// Sign-in has not begun.
    #[error("sign-in to project {project} opens at {}; try again then", beijing_time(*opens_at))]
    SignInNotOpen {
        /// The project.
        project: String,
        /// When it opens, Unix seconds, server clock.
        opens_at: i64,
    },

    /// Sign-in is over.
    #[error("sign-in to project {project} closed at the opening, {}", beijing_time(*closed_at))]
    SignInClosed {
        /// The project.
        project: String,
        /// When it closed, Unix seconds, server clock.
        closed_at: i64,
    },

    /// A key release outside the decryption phase.
    #[error(
        "project {project} is in phase {phase}, not decryption; release the key when the agent starts the decryption"
    )]
    NotDecryptionPhase {
        /// The project.
        project: String,
        /// The phase now.
        phase: crate::api::hall::Phase,
    },

    /// The company has no bid of this id in the project.
    #[error("project {project} has no bid {bid} of this company; refresh the bid list")]
    BidNotFound {
        /// The project.
        project: String,
        /// The bid asked for.
        bid: String,
    },

    /// None of the phone's encryption keys is a recipient of the bid file.
    #[error(
        "no encryption key on this phone opens bid {bid}; it is encrypted to: {recipients}. \
         Encrypt and upload the bid file again to this phone's encryption certificate"
    )]
    NoKeyForBid {
        /// The bid.
        bid: String,
        /// The envelope's recipients, for the message.
        recipients: String,
    },

    /// The key that opens bid `bid` belongs to a credential whose signing
    /// certificate no longer acts for the platform, so the proof is signed
    /// by credential `signer`, whose PIN is needed too. Raised before any
    /// PIN is used.
    #[error(
        "bid {bid} opens with the key of a credential that has no signing certificate for \
         this platform; enter also the PIN of the signing credential {signer}"
    )]
    SignerPinNeeded {
        /// The bid.
        bid: String,
        /// The credential whose signing certificate signs the proof.
        signer: String,
    },

    /// The platform's answer lacks a field or has an unusable one.
    #[error(
        "the platform's answer has no usable {field}; try again later or report it to the platform"
    )]
    Incomplete {
        /// The field.
        field: &'static str,
    },

    /// A quote confirmation outside the confirmation phase.
    #[error(
        "project {project} is in phase {phase}, not quote confirmation; confirm when the agent starts the confirmation"
    )]
    NotConfirmationPhase {
        /// The project.
        project: String,
        /// The phase now.
        phase: crate::api::hall::Phase,
    },

    /// The amount to confirm is not the one the platform read for the bid.
    #[error(
        "bid {bid} was read as {recorded} yuan, not {given}; check the quote table and confirm the amount it shows"
    )]
    AmountMismatch {
        /// The bid.
        bid: String,
        /// The amount given.
        given: String,
        /// The amount read, or "no amount" before decryption.
        recorded: String,
    },

    /// A challenge after the project closed.
    #[error("project {project} is closed and takes no more challenges")]
    ProjectClosed {
        /// The project.
        project: String,
    },

    /// A quote amount that is not yuan with at most two decimals.
    #[error(
        "the amount {amount:?} is not a quote in yuan; write digits with at most two decimals, such as 1234567.89"
    )]
    InvalidAmount {
        /// The amount as entered.
        amount: String,
    },

    /// No coefficient draw of the project takes contributions now.
    #[error("project {project} has no open coefficient draw; wait until the experts open one")]
    NoDrawOpen {
        /// The project.
        project: String,
    },

    /// A challenge breaks a rule of its text or attachments.
    #[error(transparent)]
    Challenge(#[from] crate::api::hall::challenges::ChallengeError),

    /// The draw is not revealed yet.
    #[error("coefficient draw {draw} is not revealed yet; verify it after the experts close it")]
    DrawNotRevealed {
        /// The draw's number.
        draw: u32,
    },

    /// The revealed draw does not verify.
    #[error(transparent)]
    Draw(#[from] DrawError),

    /// The keystore refused (wrong PIN, locked, storage).
    #[error(transparent)]
    Keystore(#[from] crate::keystore::KeystoreError),

    /// The bid envelope could not be read or opened.
    #[error(transparent)]
    Cms(#[from] crate::cms::CmsError),

    /// A certificate could not be read.
    #[error(transparent)]
    Pki(#[from] crate::pki::PkiError),

    /// The platform refused or could not be reached; a `hall.*` code names
    /// the rule.
    #[error(transparent)]
    Api(#[from] crate::api::ApiError),

    /// The local account store failed.
    #[error(transparent)]
    Account(#[from] crate::account::AccountError),
}

impl Localized for HallError {
    fn code(&self) -> &'static str {
        match self {
            HallError::NotLoggedIn { .. } => "hall.not_logged_in",
            HallError::StreamLost { .. } => "hall.stream_lost",
            HallError::NoCertificate { .. } => "hall.no_certificate",
            HallError::SignInNotOpen { .. } => "hall.sign_in_not_open",
            HallError::SignInClosed { .. } => "hall.sign_in_closed",
            HallError::NotDecryptionPhase { .. } => "hall.not_decryption_phase",
            HallError::BidNotFound { .. } => "hall.bid_not_found",
            HallError::NoKeyForBid { .. } => "hall.no_key_for_bid",
            HallError::SignerPinNeeded { .. } => "hall.signer_pin_needed",
            HallError::Incomplete { .. } => "hall.incomplete_answer",
            HallError::NotConfirmationPhase { .. } => "hall.not_confirmation_phase",
            HallError::AmountMismatch { .. } => "hall.amount_mismatch",
            HallError::ProjectClosed { .. } => "hall.project_closed",
            HallError::Challenge(e) => e.code(),
            HallError::InvalidAmount { .. } => "hall.invalid_amount",
            HallError::NoDrawOpen { .. } => "hall.no_draw_open",
            HallError::DrawNotRevealed { .. } => "hall.draw_not_revealed",
            HallError::Draw(e) => e.code(),
            HallError::Keystore(e) => e.code(),
            HallError::Cms(e) => e.code(),
            HallError::Pki(e) => e.code(),
            HallError::Api(e) => e.code(),
            HallError::Account(e) => e.code(),
        }
    }

    fn message_zh(&self) -> String {
        match self {
            HallError::NotLoggedIn { platform } => {
                format!("尚未登录平台 {platform:?}；请先用短信验证码登录")
            }
            HallError::StreamLost { project, breaks } => {
                format!("项目 {project} 的消息推送连续中断 {breaks} 次；请检查网络后重新进入项目")
            }
            HallError::NoCertificate { platform } => {
                format!("本机没有平台 {platform:?} 的有效签名证书；请先领取证书")
            }
            HallError::SignInNotOpen { project, opens_at } => format!(
                "项目 {project} 的签到将于 {} 开始；请届时再签到",
                beijing_time(*opens_at)
            ),
            HallError::SignInClosed { project, closed_at } => format!(
                "项目 {project} 的签到已于开标时间 {} 截止",
                beijing_time(*closed_at)
            ),
            HallError::NotDecryptionPhase { project, phase } => format!(
                "项目 {project} 当前处于 {phase} 阶段，尚未开始解密；请等待招标代理开始解密"
            ),
            HallError::BidNotFound { project, bid } => {
                format!("项目 {project} 中没有本单位的投标文件 {bid}；请刷新投标文件列表")
            }
            HallError::NoKeyForBid { bid, recipients } => format!(
                "本机没有能解开投标文件 {bid} 的加密密钥；该文件加密给：{recipients}。\
                 请用本机加密证书重新加密并上传投标文件"
            ),
            HallError::SignerPinNeeded { bid, signer } => format!(
                "投标文件 {bid} 由一张在本平台没有有效签名证书的证书凭据的密钥解开；请再输入签名证书凭据 {signer} 的 PIN 码"
            ),
            HallError::Incomplete { field } => {
                format!("平台的应答缺少可用的 {field}；请稍后重试或联系平台")
            }
            HallError::NotConfirmationPhase { project, phase } => format!(
                "项目 {project} 当前处于 {phase} 阶段，不是确认报价阶段；请等待招标代理开始确认"
            ),
            HallError::AmountMismatch {
                bid,
                given,
                recorded,
            } => format!(
                "投标文件 {bid} 的唱标金额为 {recorded}，不是 {given}；请查看唱标结果并确认其中的金额"
            ),
            HallError::ProjectClosed { project } => {
                format!("项目 {project} 已结束，不再接受质疑")
            }
            HallError::Challenge(e) => e.message_zh(),
            HallError::InvalidAmount { amount } => {
                format!(
                    "报价 {amount:?} 不是以元为单位的金额；请填写数字，最多两位小数，例如 1234567.89"
                )
            }
            HallError::NoDrawOpen { project } => {
                format!("项目 {project} 当前没有正在进行的抽系数；请等待评标专家发起")
            }
            HallError::DrawNotRevealed { draw } => {
                format!("第 {draw} 次抽系数尚未公布结果；请在评标专家结束抽取后再验证")
            }
            HallError::Draw(e) => e.message_zh(),
            HallError::Keystore(e) => e.message_zh(),
            HallError::Cms(e) => e.message_zh(),
            HallError::Pki(e) => e.message_zh(),
            HallError::Api(e) => e.message_zh(),
            HallError::Account(e) => e.message_zh(),
        }
    }
}

/// Unix seconds as Beijing time (UTC+8), the time zone of the platforms'
/// opening schedules: `2026-12-05 09:30 (UTC+8)`.
fn beijing_time(unix: i64) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .map(|t| t.to_offset(time::macros::offset!(+8)))
        .and_then(|t| t.format(&format).ok())
        .map_or_else(|| unix.to_string(), |text| format!("{text} (UTC+8)"))
}
