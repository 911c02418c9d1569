//! The demo's guarantee steps: the operator marks a project as requiring
//! a bid guarantee; the phone gets the section's guarantee code, applies
//! with the development institution (signed statement, "去申请"), the
//! institution issues and calls back, and the phone shows the guarantee
//! issued only after its PDF signature verified.

use std::path::Path;

use palmbid_core::account::{self, AccountStore};
use palmbid_core::api::guarantee::GuaranteeState;
use palmbid_core::keystore::{Keystore, Pin};

use super::platform::{DemoPlatform, PLATFORM};
use super::{DEMO_PIN, Steps};
use crate::commands::guarantee::submit_development_form;
use crate::commands::request::write_atomic;
use crate::error::{CliError, CliResult, core};

/// Catalogue id of the platform's development institution.
const DEV_INSTITUTION: &str = palmbid_platform::guarantee::dev::DEV_INSTITUTION_ID;

fn failed(what: &str, detail: impl std::fmt::Display) -> CliError {
    CliError::failed(
        "demo.guarantee",
        format!("演示保函步骤“{what}”失败：{detail}"),
        format!("demo guarantee step \"{what}\" failed: {detail}"),
    )
}

/// Runs the guarantee steps for the company `credit_code`; writes the
/// verified guarantee to `{out}/guarantee.pdf`.
pub(super) fn guarantee_steps(
    steps: &mut Steps<'_>,
    out: &Path,
    platform: &DemoPlatform,
    store: &AccountStore,
    keystore: &Keystore,
    credit_code: &str,
) -> CliResult<()> {
    let ctx = steps.ctx;
    let project = steps.run(
        "运营端录入项目并要求投标保函",
        "operator enters a project that requires a bid guarantee",
        || platform.guarantee_project(credit_code),
    )?;
    let code = steps.run(
        "手机获取标段的保函编码",
        "the phone gets the section's guarantee code",
        || {
            platform
                .block_on(account::guarantee_code(store, PLATFORM, &project, 1))
                .map_err(core)
        },
    )?;
    outln!("    {}", code.code);
    let application = steps.run(
        "去申请：手机签名投标人声明，打开开发测试机构",
        "apply: the phone signs the bidder statement and opens the development institution",
        || {
            let pin = Pin::entered(DEMO_PIN.to_owned());
            platform
                .block_on(account::apply_for_guarantee(
                    store,
                    keystore,
                    PLATFORM,
                    &project,
                    1,
                    DEV_INSTITUTION,
                    &pin,
                ))
                .map_err(core)
        },
    )?;
    outln!("    {}", application.url);
    steps.run(
        "开发测试机构出具签章保函并回调平台",
        "the development institution issues a sealed guarantee and calls back",
        || submit_development_form(ctx, &application),
    )?;
    steps.run(
        "手机核验保函签章后显示已出函",
        "the phone verifies the guarantee's signature, then shows it issued",
        || {
            let view = platform
                .block_on(account::guarantee_status(store, PLATFORM, &project, 1))
                .map_err(core)?;
            let document = match (view.state, view.document) {
                (GuaranteeState::Issued, Some(document)) => document,
                (state, _) => return Err(failed("status", state.as_str())),
            };
            write_atomic(&out.join("guarantee.pdf"), &document.pdf)?;
            outln!("    {} {}", document.guarantee_no, document.signer_subject);
            Ok(())
        },
    )
}
