//! `palmbid guarantee list|sections|code|institutions|apply|status`:
//! electronic bid guarantees (电子保函) with a trusted platform.
//!
//! `apply` prints the institution's application address ("去申请"), which
//! carries the guarantee code and the bidder's signed statement. With
//! `--submit` and a development institution it also submits that
//! institution's form ("出具保函") itself, as the demo does.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use palmbid_core::account::{self, AccountStore, GuaranteeApplication, GuaranteeView};
use palmbid_core::api::guarantee::{GuaranteeState, InstitutionKind};
use palmbid_core::keystore::Keystore;

use super::platform::{block_on, open_store, pick};
use crate::Context;
use crate::error::{CliError, CliResult};

/// `palmbid guarantee ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum GuaranteeAction {
    /// List the projects that require a bid guarantee (电子保函).
    List {
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
    },
    /// List a project's sections and which ones your company bids in.
    Sections {
        /// The project id.
        project: String,
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
    },
    /// Get the guarantee code (保函编码) of a section.
    Code {
        /// The project id.
        project: String,
        /// The section's position, from 1.
        section: u32,
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
    },
    /// List the institutions that issue guarantees.
    Institutions {
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
    },
    /// Apply with an institution (去申请): print the address to open.
    Apply {
        /// The project id.
        project: String,
        /// The section's position, from 1.
        section: u32,
        /// The institution's id.
        #[arg(long, value_name = "ID")]
        institution: String,
        /// Development institutions only: submit the institution's form
        /// as well, so that it issues the guarantee.
        #[arg(long)]
        submit: bool,
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
    },
    /// Show the guarantee's state; an issued one is shown only after its
    /// document's signature verified.
    Status {
        /// The project id.
        project: String,
        /// The section's position, from 1.
        section: u32,
        /// Save the verified guarantee PDF here.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The trusted platform; optional when there is one.
        #[arg(long, value_name = "NAME")]
        platform: Option<String>,
    },
}

/// Runs `palmbid guarantee ACTION`.
pub(crate) fn run(
    ctx: &Context,
    home: &Path,
    keystore: &Keystore,
    action: &GuaranteeAction,
) -> CliResult<()> {
    let store = open_store(home)?;
    match action {
        GuaranteeAction::List { platform } => list(ctx, &store, platform.as_deref()),
        GuaranteeAction::Sections { project, platform } => {
            let platform = pick(&store, platform.as_deref())?;
            let list = block_on(account::guarantee_sections(&store, &platform.name, project))?;
            println!("{}", list.project.name);
            for section in list.sections {
                let bidder = section.credit_code.map_or_else(
                    || ctx.tr("本单位未投标", "not bidding").to_owned(),
                    |code| format!("{} {code}", ctx.tr("投标单位", "bidder")),
                );
                println!("  {}. {}  ({bidder})", section.position, section.name);
            }
            Ok(())
        }
        GuaranteeAction::Code {
            project,
            section,
            platform,
        } => {
            let platform = pick(&store, platform.as_deref())?;
            let code = block_on(account::guarantee_code(
                &store,
                &platform.name,
                project,
                *section,
            ))?;
            println!("{}", code.code);
            eprintln!(
                "{} {} / {}. {} / {} {}",
                ctx.tr("保函编码：", "Guarantee code:"),
                code.project_name,
                code.section,
                code.section_name,
                code.company,
                code.credit_code
            );
            Ok(())
        }
        GuaranteeAction::Institutions { platform } => {
            institutions(ctx, &store, platform.as_deref())
        }
        GuaranteeAction::Apply {
            project,
            section,
            institution,
            submit,
            platform,
        } => apply(
            ctx,
            &store,
            keystore,
            platform.as_deref(),
            (project, *section),
            institution,
            *submit,
        ),
        GuaranteeAction::Status {
            project,
            section,
            out,
            platform,
        } => {
            let platform = pick(&store, platform.as_deref())?;
            let view = block_on(account::guarantee_status(
                &store,
                &platform.name,
                project,
                *section,
            ))?;
            print_view(ctx, &view);
            if let (Some(out), Some(document)) = (out, &view.document) {
                std::fs::write(out, &document.pdf).map_err(|e| CliError::io(out, &e))?;
                println!(
                    "{} {}",
                    ctx.tr("保函已保存到", "Guarantee saved to"),
                    out.display()
                );
            }
            Ok(())
        }
    }
}

/// `palmbid guarantee list`.
fn list(ctx: &Context, store: &AccountStore, platform: Option<&str>) -> CliResult<()> {
    let platform = pick(store, platform)?;
    let projects = block_on(account::guarantee_projects(store, &platform.name))?;
    if projects.is_empty() {
        println!(
            "{}",
            ctx.tr(
                "没有需要投标保函的项目。",
                "No project requires a bid guarantee."
            )
        );
    }
    for project in projects {
        println!(
            "{}  {}  {} {}",
            project.id,
            project.name,
            ctx.tr("开标", "opens"),
            crate::time_text(project.opening_at)
        );
    }
    Ok(())
}

/// `palmbid guarantee institutions`.
fn institutions(ctx: &Context, store: &AccountStore, platform: Option<&str>) -> CliResult<()> {
    let platform = pick(store, platform)?;
    for institution in block_on(account::guarantee_institutions(store, &platform.name))? {
        let kind = match institution.kind {
            InstitutionKind::Bank => ctx.tr("银行", "bank"),
            InstitutionKind::Insurer => ctx.tr("保险", "insurer"),
            InstitutionKind::Guarantor => ctx.tr("担保", "guarantor"),
        };
        let development = if institution.development {
            ctx.tr("（开发测试机构）", " (development institution)")
        } else {
            ""
        };
        println!(
            "{}  {}{development}  {kind}  {:.2}%",
            institution.id,
            institution.name,
            f64::from(institution.fee_rate_bp) / 100.0
        );
    }
    Ok(())
}

/// `palmbid guarantee apply`: signs the statement, prints the address,
/// and with `submit` also submits a development institution's form.
fn apply(
    ctx: &Context,
    store: &AccountStore,
    keystore: &Keystore,
    platform: Option<&str>,
    (project, section): (&str, u32),
    institution: &str,
    submit: bool,
) -> CliResult<()> {
    let platform = pick(store, platform)?;
    let pin = ctx.secrets.pin()?;
    let application = block_on(account::apply_for_guarantee(
        store,
        keystore,
        &platform.name,
        project,
        section,
        institution,
        &pin,
    ))?;
    drop(pin);
    println!("{}", application.url);
    eprintln!(
        "{} {}",
        ctx.tr(
            "请在浏览器中打开以上地址去申请，地址有效期至",
            "Open this address to apply; valid until"
        ),
        crate::time_text(application.expires_at)
    );
    if submit {
        submit_development_form(ctx, &application)?;
        let view = block_on(account::guarantee_status(
            store,
            &platform.name,
            project,
            section,
        ))?;
        print_view(ctx, &view);
    }
    Ok(())
}
/// Submits a development institution's form with "issue", as the bidder
/// would press it in the browser.
pub(crate) fn submit_development_form(
    ctx: &Context,
    application: &GuaranteeApplication,
) -> CliResult<()> {
    if !application.institution.development {
        return Err(CliError::usage(
            "cli.not_development_institution",
            "只有开发测试机构的申请表可由命令行提交；请在浏览器中打开地址",
            "only a development institution's form can be submitted from the command line; open the address in a browser",
        ));
    }
    let failed = |detail: String| {
        CliError::failed(
            "cli.institution_form",
            format!("提交开发测试机构的申请表失败：{detail}"),
            format!("submitting the development institution's form failed: {detail}"),
        )
    };
    let mut url = reqwest::Url::parse(&application.url).map_err(|e| failed(e.to_string()))?;
    let fields: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    url.set_query(None);
    let mut form = fields;
    form.push(("decision".to_owned(), "issue".to_owned()));

    palmbid_core::api::client::install_ring_provider();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| failed(e.to_string()))?;
    let status = runtime
        .block_on(reqwest::Client::new().post(url).form(&form).send())
        .map_err(|e| failed(e.to_string()))?
        .status();
    if !status.is_success() {
        return Err(failed(format!("HTTP {status}")));
    }
    println!(
        "{}",
        ctx.tr(
            "已向开发测试机构提交申请。",
            "Submitted to the development institution."
        )
    );
    Ok(())
}

/// Prints a guarantee's state as the phone shows it.
pub(crate) fn print_view(ctx: &Context, view: &GuaranteeView) {
    let state = match view.state {
        GuaranteeState::None => ctx.tr("未申请", "none"),
        GuaranteeState::Applied => ctx.tr("已申请", "applied"),
        GuaranteeState::Issued => ctx.tr("已出函（签章已验证）", "issued (signature verified)"),
        GuaranteeState::Rejected => ctx.tr("已拒绝", "rejected"),
        GuaranteeState::Cancelled => ctx.tr("已撤销", "cancelled"),
    };
    println!("{} {} {state}", ctx.tr("保函", "Guarantee"), view.code.code);
    if let Some(institution) = &view.institution {
        println!("  {} {institution}", ctx.tr("机构：", "institution:"));
    }
    if let Some(document) = &view.document {
        println!(
            "  {} {}",
            ctx.tr("保函编号：", "guarantee no.:"),
            document.guarantee_no
        );
        println!(
            "  {} {}",
            ctx.tr("签章人：", "signed by:"),
            document.signer_subject
        );
    }
    if let Some(reason) = &view.reason {
        println!("  {} {reason}", ctx.tr("原因：", "reason:"));
    }
}
