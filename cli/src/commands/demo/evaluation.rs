//! The demo's bid opening after the decryption: quote reading (唱标), each
//! bidder confirming its quote (确认), the project details, a challenge
//! (质疑) with a PDF attachment answered by the agent, a quote round
//! (多轮报价) and the verifiable coefficient draw (抽系数), each phone
//! checking the reveal against what it kept when it contributed.

use palmbid_core::api::hall::Phase;
use palmbid_core::hall::{self, Attachment};
use palmbid_toolbox::pades::sample_bid_document;

use super::Steps;
use super::hall::{Bidder, failed, own_bid, pin};
use super::platform::{DemoPlatform, PLATFORM};
use crate::error::{CliResult, core};

/// Each bidder's quote in the first round, in bidder order.
const ROUND_QUOTES: [&str; 3] = ["12200000.00", "12750000.00", "11980000.00"];

/// The draw's candidate coefficients (the K of the price formula).
const CANDIDATES: &str = "0.95,0.96,0.97,0.98,0.99";

/// Runs the steps from the quote reading to the draw.
pub(super) fn evaluation_steps(
    steps: &mut Steps<'_>,
    platform: &DemoPlatform,
    bidders: &[Bidder<'_>],
    project: &str,
) -> CliResult<()> {
    steps.run(
        "代理机构开始唱标；各手机看到全部报价",
        "the agent starts the quote reading; each phone sees every quote",
        || {
            platform.move_hall(project, Phase::QuoteReading)?;
            let table = platform
                .block_on(hall::quotes(bidders[0].store, PLATFORM, project))
                .map_err(core)?;
            for row in &table.quotes {
                outln!(
                    "    {} {} 元",
                    row.company,
                    row.amount.as_deref().unwrap_or("-")
                );
            }
            Ok(())
        },
    )?;

    steps.run(
        "代理机构开始确认；各手机签名确认本单位的唱标报价",
        "the agent starts the confirmation; each phone confirms its own quote, signed",
        || {
            platform.move_hall(project, Phase::QuoteConfirmation)?;
            for bidder in bidders {
                let bid = own_bid(platform, bidder, project)?;
                let amount = bid
                    .quote
                    .map(|q| q.amount)
                    .ok_or_else(|| failed("confirm", format!("{} has no quote", bidder.company)))?;
                platform
                    .block_on(hall::confirm_quote(
                        bidder.store,
                        bidder.keystore,
                        PLATFORM,
                        project,
                        &bid.bid_id,
                        &amount,
                        &pin(),
                    ))
                    .map_err(core)?;
            }
            let details = platform
                .block_on(hall::project_details(bidders[0].store, PLATFORM, project))
                .map_err(core)?;
            outln!("    {} ({})", details.name, details.phase);
            Ok(())
        },
    )?;

    steps.run(
        "一家投标单位提出质疑（附 PDF），代理机构答复，该手机收到答复",
        "a bidder raises a challenge with a PDF, the agent answers and the phone reads the answer",
        || challenge(platform, &bidders[1], project),
    )?;

    steps.run(
        "代理机构开始评标；专家开启第一轮报价，各手机签名报价，结束后公布全部报价",
        "the agent starts the evaluation; the experts open round 1, each phone quotes, signed, and the closed round shows every quote",
        || {
            platform.move_hall(project, Phase::Evaluation)?;
            platform.console(
                &format!("console/experts/{project}/rounds/open"),
                &[("section", "1"), ("deadline_minutes", "")],
            )?;
            for (bidder, amount) in bidders.iter().zip(ROUND_QUOTES) {
                platform
                    .block_on(hall::submit_round_quote(
                        bidder.store,
                        bidder.keystore,
                        PLATFORM,
                        project,
                        1,
                        1,
                        amount,
                        &pin(),
                    ))
                    .map_err(core)?;
            }
            platform.console(
                &format!("console/experts/{project}/rounds/close"),
                &[("section", "1")],
            )?;
            let rounds = platform
                .block_on(hall::rounds(bidders[0].store, PLATFORM, project))
                .map_err(core)?;
            for quote in rounds.iter().flat_map(|r| &r.quotes) {
                outln!("    {} {} 元", quote.company, quote.amount);
            }
            Ok(())
        },
    )?;

    steps.run(
        "专家发起抽系数（先公布承诺值）；各手机提交随机数；公布后各手机核验结果",
        "the experts start the coefficient draw (commitment first); each phone contributes; each phone verifies the reveal",
        || draw(platform, bidders, project),
    )
}

/// Submits a challenge with a PDF from `bidder`, answers it on the agent's
/// console, and reads the answer back on the phone.
fn challenge(platform: &DemoPlatform, bidder: &Bidder<'_>, project: &str) -> CliResult<()> {
    let attachment = Attachment {
        name: "质疑说明.pdf".to_owned(),
        content: sample_bid_document("Challenge (demo)"),
    };
    let record = platform
        .block_on(hall::submit_challenge(
            bidder.store,
            bidder.keystore,
            PLATFORM,
            project,
            "对第三名报价的计算方式有疑问，请说明。",
            &[attachment],
            &pin(),
        ))
        .map_err(core)?;
    platform.console(
        &format!("console/hall/{project}/challenges/{}/answer", record.id),
        &[("answer", "报价按招标文件第三章的公式计算，详见开标记录。")],
    )?;
    let answered = platform
        .block_on(hall::challenges(bidder.store, PLATFORM, project))
        .map_err(core)?
        .into_iter()
        .find(|c| c.id == record.id)
        .and_then(|c| c.answer)
        .ok_or_else(|| failed("challenge", "the answer did not reach the phone"))?;
    outln!("    {}: {}", bidder.company, answered.text);
    Ok(())
}

/// Runs the draw: the commitment is published, every phone contributes,
/// the experts close it and every phone verifies the reveal against its
/// own record.
fn draw(platform: &DemoPlatform, bidders: &[Bidder<'_>], project: &str) -> CliResult<()> {
    platform.console(
        &format!("console/experts/{project}/draws/open"),
        &[("candidates", CANDIDATES)],
    )?;
    let mut kept = Vec::new();
    for bidder in bidders {
        let own = platform
            .block_on(hall::contribute(
                bidder.store,
                bidder.keystore,
                PLATFORM,
                project,
                &pin(),
            ))
            .map_err(core)?;
        kept.push(own);
    }
    platform.console(&format!("console/experts/{project}/draws/close"), &[])?;
    for (bidder, own) in bidders.iter().zip(&kept) {
        let verified = platform
            .block_on(hall::verify_draw(bidder.store, PLATFORM, project, own))
            .map_err(core)?;
        outln!(
            "    {} K = {} (已核验 verified)",
            bidder.company,
            verified.coefficient
        );
    }
    Ok(())
}
