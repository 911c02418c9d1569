//! Project details (项目详情): `GET .../projects/{id}/details`
//! ([`ProjectDetails`]), for the project's bidders in any phase.
//!
//! The tenderer, agent, project code, place and notes are what the agent
//! entered on the console; each may be absent. Progress counts companies,
//! as the [`super::HallEventKind::Progress`] event does.

use serde::{Deserialize, Serialize};

use super::Phase;

/// Maximum length of a project code, in characters.
pub const MAX_PROJECT_CODE_CHARS: usize = 100;

/// Maximum length of the tenderer, agent or place, in characters.
pub const MAX_DETAIL_CHARS: usize = 200;

/// Maximum length of the notes, in characters.
pub const MAX_NOTES_CHARS: usize = 2000;

/// A section with its number of bidders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionDetails {
    /// The section, from 1.
    pub position: u32,
    /// Its name.
    pub name: String,
    /// Companies bidding in it.
    pub bidders: u32,
}

/// How far the bidders are, in companies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ProjectProgress {
    /// Bidders of the project.
    pub bidders: u32,
    /// Bidders signed in.
    pub signed_in: u32,
    /// Bidders whose bid files are decrypted.
    pub decrypted: u32,
    /// Bidders that confirmed their quotes.
    pub confirmed: u32,
}

/// `GET .../projects/{id}/details`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectDetails {
    /// The project's id.
    pub id: String,
    /// The project's name.
    pub name: String,
    /// The project code (项目编号), if entered.
    pub code: Option<String>,
    /// The tenderer (招标人), if entered.
    pub tenderer: Option<String>,
    /// The tender agent (招标代理), if entered.
    pub agent: Option<String>,
    /// When the bids open, Unix seconds, server clock.
    pub opening_at: i64,
    /// The place of the opening (开标地点), if entered.
    pub place: Option<String>,
    /// The agent's notes, if entered.
    pub notes: Option<String>,
    /// The sections, in order.
    pub sections: Vec<SectionDetails>,
    /// The phase now, by the server clock.
    pub phase: Phase,
    /// The bidders' progress now.
    pub progress: ProjectProgress,
}
