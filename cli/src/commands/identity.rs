//! `palmbid verify-identity code|submit|status`: identity verification
//! (实名认证) with a trusted platform.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use palmbid_core::account;
use palmbid_core::api::identity::{IdentityState, IdentityStatus, MAX_VIDEO_BYTES};

use super::platform::{block_on, open_store, pick};
use crate::Context;
use crate::error::{CliError, CliResult};

/// `palmbid verify-identity ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum IdentityAction {
    /// Get the 4-digit code to read aloud in the video.
    Code {
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
    },
    /// Upload the video with your name and ID card number.
    Submit {
        /// Your legal name.
        #[arg(long)]
        name: String,
        /// Resident ID card number, 18 characters.
        #[arg(long = "id-number", value_name = "NUMBER")]
        id_number: String,
        /// The 4-digit code read in the video.
        #[arg(long)]
        code: String,
        /// The video file.
        #[arg(long, value_name = "FILE")]
        video: PathBuf,
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
    },
    /// Show the state of the verification.
    Status {
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
    },
}

/// Runs `palmbid verify-identity ACTION`.
pub(crate) fn run(ctx: &Context, home: &Path, action: &IdentityAction) -> CliResult<()> {
    let store = open_store(home)?;
    match action {
        IdentityAction::Code { platform } => {
            let platform = pick(&store, platform.as_deref())?;
            let answer = block_on(account::request_identity_code(&store, &platform.name))?;
            println!("{}", answer.code);
            eprintln!(
                "{} {}",
                ctx.tr(
                    "请在视频中读出以上认证码，有效期至",
                    "Read this code aloud in the video; valid until"
                ),
                crate::time_text(answer.expires_at)
            );
            Ok(())
        }
        IdentityAction::Submit {
            name,
            id_number,
            code,
            video,
            platform,
        } => {
            let platform = pick(&store, platform.as_deref())?;
            let bytes = read_video(video)?;
            let status = block_on(account::submit_identity(
                &store,
                &platform.name,
                name,
                id_number,
                code,
                &bytes,
            ))?;
            print_status(ctx, &status);
            Ok(())
        }
        IdentityAction::Status { platform } => {
            let platform = pick(&store, platform.as_deref())?;
            let status = block_on(account::identity_status(&store, &platform.name))?;
            print_status(ctx, &status);
            Ok(())
        }
    }
}

/// Reads the video, refusing one over the limit before reading it whole.
fn read_video(path: &Path) -> CliResult<Vec<u8>> {
    let size = std::fs::metadata(path)
        .map_err(|e| CliError::io(path, &e))?
        .len();
    if size > MAX_VIDEO_BYTES as u64 {
        return Err(CliError::usage(
            "account.video_size",
            format!(
                "视频 {} 有 {size} 字节，超过 {MAX_VIDEO_BYTES} 字节上限",
                path.display()
            ),
            format!(
                "the video {} has {size} bytes, over the {MAX_VIDEO_BYTES}-byte limit",
                path.display()
            ),
        ));
    }
    std::fs::read(path).map_err(|e| CliError::io(path, &e))
}

fn print_status(ctx: &Context, status: &IdentityStatus) {
    let text = match status.state {
        IdentityState::None => ctx.tr("未提交实名认证", "not submitted"),
        IdentityState::Pending => ctx.tr("审核中", "pending review"),
        IdentityState::Approved => ctx.tr("已通过", "approved"),
        IdentityState::Rejected => ctx.tr("未通过", "rejected"),
    };
    println!("{} {text}", ctx.tr("实名认证：", "Identity verification:"));
    if let Some(name) = &status.name {
        println!("  {} {name}", ctx.tr("姓名：", "name:"));
    }
    if let Some(reason) = &status.reason {
        println!("  {} {reason}", ctx.tr("原因：", "reason:"));
    }
}
