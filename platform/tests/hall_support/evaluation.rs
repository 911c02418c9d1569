//! Helpers of the evaluation tests: the experts' console forms, a project
//! brought to phase evaluation with its bidders signed in, and the
//! phone's signed round quotes and draw contributions.

use palmbid_core::api::hall::{
    ActionPayload, DrawList, DrawView, Phase, RoundList, RoundQuote, SignInRecord,
};
use palmbid_core::api::paths;

use super::{create_project, get, move_to, proof, sign_in};
use crate::common::{TestPlatform, console};
use crate::qr_support::{Refused, TestPhone, post};

/// Posts an experts' console form; returns the status and the page.
pub(crate) async fn experts(
    platform: &TestPlatform,
    id: &str,
    action: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let response = console()
        .post(platform.url(&format!("/console/experts/{id}/{action}")))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// Posts an experts' form that must succeed (303 to the page).
pub(crate) async fn experts_ok(
    platform: &TestPlatform,
    id: &str,
    action: &str,
    form: &[(&str, &str)],
) {
    let (status, page) = experts(platform, id, action, form).await;
    assert_eq!(status, 303, "{action}: {page}");
}

/// A project whose section has `bidders` (phones and their codes), each
/// phone of `signed_in` signed in, moved to phase evaluation.
pub(crate) async fn evaluation_project(
    platform: &TestPlatform,
    name: &str,
    codes: &[&str],
    signed_in: &[&TestPhone],
) -> String {
    let id = create_project(platform, name, 1800, codes).await;
    for phone in signed_in {
        let _: SignInRecord = sign_in(platform, phone, &id).await.unwrap();
    }
    for phase in [
        Phase::Decryption,
        Phase::QuoteReading,
        Phase::QuoteConfirmation,
        Phase::Evaluation,
    ] {
        move_to(platform, &id, phase).await;
    }
    id
}

/// `phone`'s quote of `amount` in `round` of `section`, signed now.
pub(crate) async fn quote(
    platform: &TestPlatform,
    phone: &TestPhone,
    id: &str,
    section: u32,
    round: u32,
    amount: &str,
) -> Result<RoundQuote, Refused> {
    let payload = ActionPayload::RoundQuote {
        section,
        round,
        amount: amount.to_owned(),
    };
    let body = serde_json::json!({
        "section": section,
        "round": round,
        "amount": amount,
        "proof": proof(platform, phone, id, &payload).await,
    });
    post(
        platform,
        &paths::hall_project_path(id, "rounds/quote"),
        Some(&phone.token),
        &body,
    )
    .await
}

/// The rounds as `phone` sees them.
pub(crate) async fn rounds(platform: &TestPlatform, phone: &TestPhone, id: &str) -> RoundList {
    get(
        platform,
        &paths::hall_project_path(id, "rounds"),
        &phone.token,
    )
    .await
    .unwrap()
}

/// `phone`'s contribution of `value` (hex) to draw `draw`, signed now.
pub(crate) async fn contribute(
    platform: &TestPlatform,
    phone: &TestPhone,
    id: &str,
    draw: u32,
    value: &str,
) -> Result<DrawView, Refused> {
    let payload = ActionPayload::DrawContribution {
        draw,
        value: value.to_owned(),
    };
    let body = serde_json::json!({
        "value": value,
        "proof": proof(platform, phone, id, &payload).await,
    });
    post(
        platform,
        &paths::hall_project_path(id, &format!("draws/{draw}/contribute")),
        Some(&phone.token),
        &body,
    )
    .await
}

/// The draws as `phone` sees them.
pub(crate) async fn draws(platform: &TestPlatform, phone: &TestPhone, id: &str) -> DrawList {
    get(
        platform,
        &paths::hall_project_path(id, "draws"),
        &phone.token,
    )
    .await
    .unwrap()
}

/// Closes project `id` and returns its whole event log, read from the
/// phone's stream (which ends after the closed phase).
pub(crate) async fn closed_log(
    platform: &TestPlatform,
    phone: &TestPhone,
    id: &str,
) -> Vec<palmbid_core::api::hall::HallEventKind> {
    move_to(platform, id, Phase::Closed).await;
    let text = crate::common::raw_http()
        .get(platform.url(&paths::hall_project_path(id, "events")))
        .bearer_auth(&phone.token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .map(|data| {
            serde_json::from_str::<palmbid_core::api::hall::HallEvent>(data.trim())
                .unwrap()
                .kind
        })
        .collect()
}
