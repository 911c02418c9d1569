//! One project's hall state as the phone keeps it, and how each event
//! changes it.
//!
//! [`ProjectState::apply`] is the whole state machine: pure, so it is the
//! same on every platform and testable without a server. It enforces the
//! resume rule of [`crate::api::hall`]: events apply in sequence order,
//! exactly once. A replayed event (a number already applied) is ignored; a
//! gap (a number beyond the next) is not applied, and the caller reopens
//! the stream after the last number applied, so the platform resends what
//! was skipped.

use crate::api::client::HallStreamItem;
use crate::api::hall::{HallEvent, HallEventKind, Phase, ProjectSummary};

/// How far the bidders of a project are, as the platform last reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// Bidders of the project.
    pub bidders: u32,
    /// Bidders signed in.
    pub signed_in: u32,
    /// Bidders whose bid files are decrypted.
    pub decrypted: u32,
    /// Bidders that confirmed their quotes.
    pub confirmed: u32,
}

/// A quote round that is open, from its [`HallEventKind::RoundOpened`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenRound {
    /// The section, from 1.
    pub section: u32,
    /// The round, from 1.
    pub round: u32,
    /// Its deadline, if any, Unix seconds, server clock.
    pub deadline: Option<i64>,
}

/// The project's latest coefficient draw, as its events tell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawStatus {
    /// The draw's number, from 1.
    pub draw: u32,
    /// The candidates, in published order.
    pub candidates: Vec<String>,
    /// The drawn candidate's index and value once revealed. Announced by
    /// the platform; [`crate::hall::verify_draw`] checks it.
    pub revealed: Option<(u32, String)>,
}

/// A project's state in the hall: what the app draws.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectState {
    /// The project as last fetched; its `phase` follows the events.
    pub project: ProjectSummary,
    /// The bidders' progress, once the platform reported it.
    pub progress: Option<Progress>,
    /// Sequence number of the last event applied; 0 before any.
    pub last_seq: u64,
    /// Server time of the last event applied, Unix seconds; 0 before any.
    pub updated_at: i64,
    /// Ids of the challenges the agent answered, in the order of their
    /// events. Any bidder's: the phone fetches its own challenges to learn
    /// whether one is its.
    pub answered_challenges: Vec<String>,
    /// The quote rounds open now, by section.
    pub open_rounds: Vec<OpenRound>,
    /// The latest coefficient draw, once one opened.
    pub draw: Option<DrawStatus>,
}

/// What [`ProjectState::apply`] did with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// Applied; the state changed.
    Changed,
    /// Applied (its number is taken), but the state did not change: an
    /// event of an unknown kind, or a phase the project is already past.
    Unchanged,
    /// Ignored: its number was applied already.
    Replayed,
    /// Ignored: events between the last one applied and this one are
    /// missing. Reopen the stream after [`ProjectState::last_seq`].
    Gap {
        /// The number expected next.
        expected: u64,
        /// The number received.
        received: u64,
    },
}

impl ProjectState {
    /// The state of `project` before any event.
    pub fn new(project: ProjectSummary) -> Self {
        ProjectState {
            project,
            progress: None,
            last_seq: 0,
            updated_at: 0,
            answered_challenges: Vec::new(),
            open_rounds: Vec::new(),
            draw: None,
        }
    }

    /// The phase now.
    pub fn phase(&self) -> Phase {
        self.project.phase
    }

    /// Applies the next item of the project's event stream.
    pub fn apply(&mut self, item: &HallStreamItem) -> Applied {
        let seq = item.seq();
        if seq <= self.last_seq {
            return Applied::Replayed;
        }
        if seq != self.last_seq + 1 {
            return Applied::Gap {
                expected: self.last_seq + 1,
                received: seq,
            };
        }
        self.last_seq = seq;

        let HallStreamItem::Event(event) = item else {
            return Applied::Unchanged;
        };
        self.updated_at = event.at;
        self.apply_kind(event)
    }

    fn apply_kind(&mut self, event: &HallEvent) -> Applied {
        match &event.kind {
            // Phases never go back. The project summary fetched before the
            // stream may already be past the phases of older events.
            HallEventKind::PhaseChanged { phase } if *phase > self.project.phase => {
                self.project.phase = *phase;
                Applied::Changed
            }
            HallEventKind::Progress {
                bidders,
                signed_in,
                decrypted,
                confirmed,
            } => {
                let progress = Progress {
                    bidders: *bidders,
                    signed_in: *signed_in,
                    decrypted: *decrypted,
                    confirmed: *confirmed,
                };
                if self.progress == Some(progress) {
                    return Applied::Unchanged;
                }
                self.progress = Some(progress);
                Applied::Changed
            }
            HallEventKind::ChallengeAnswered { challenge_id } => {
                if self.answered_challenges.contains(challenge_id) {
                    return Applied::Unchanged;
                }
                self.answered_challenges.push(challenge_id.clone());
                Applied::Changed
            }
            HallEventKind::RoundOpened { .. }
            | HallEventKind::RoundClosed { .. }
            | HallEventKind::DrawOpened { .. }
            | HallEventKind::DrawRevealed { .. } => self.apply_evaluation(&event.kind),
            // A phase already reached, or a kind without state of its own.
            _ => Applied::Unchanged,
        }
    }
}

impl ProjectState {
    /// Applies an event of the evaluation phase: rounds and draws.
    fn apply_evaluation(&mut self, kind: &HallEventKind) -> Applied {
        match kind {
            HallEventKind::RoundOpened {
                section,
                round,
                deadline,
            } => {
                self.open_rounds.retain(|open| open.section != *section);
                self.open_rounds.push(OpenRound {
                    section: *section,
                    round: *round,
                    deadline: *deadline,
                });
                self.open_rounds.sort_by_key(|open| open.section);
                Applied::Changed
            }
            HallEventKind::RoundClosed { section, round, .. } => {
                let before = self.open_rounds.len();
                self.open_rounds
                    .retain(|open| (open.section, open.round) != (*section, *round));
                if self.open_rounds.len() == before {
                    Applied::Unchanged
                } else {
                    Applied::Changed
                }
            }
            HallEventKind::DrawOpened {
                draw, candidates, ..
            } => {
                self.draw = Some(DrawStatus {
                    draw: *draw,
                    candidates: candidates.clone(),
                    revealed: None,
                });
                Applied::Changed
            }
            HallEventKind::DrawRevealed {
                draw,
                index,
                coefficient,
            } => match &mut self.draw {
                Some(status) if status.draw == *draw => {
                    status.revealed = Some((*index, coefficient.clone()));
                    Applied::Changed
                }
                _ => Applied::Unchanged,
            },
            _ => Applied::Unchanged,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    fn project() -> ProjectSummary {
        ProjectSummary {
            id: "00112233445566778899aabbccddeeff".into(),
            name: "市政道路改造工程".into(),
            sections: vec!["第一标段".into()],
            opening_at: 1_796_420_000,
            opening_certificate: String::new(),
            phase: Phase::NotOpen,
        }
    }

    fn phase_event(seq: u64, phase: Phase) -> HallStreamItem {
        HallStreamItem::Event(HallEvent {
            seq,
            at: 1_796_416_400 + i64::try_from(seq).unwrap(),
            kind: HallEventKind::PhaseChanged { phase },
        })
    }

    #[test]
    fn events_apply_in_order() {
        let mut state = ProjectState::new(project());
        assert_eq!(
            state.apply(&phase_event(1, Phase::SignIn)),
            Applied::Changed
        );
        assert_eq!(
            state.apply(&phase_event(2, Phase::Decryption)),
            Applied::Changed
        );
        assert_eq!(state.phase(), Phase::Decryption);
        assert_eq!(state.last_seq, 2);
        assert_eq!(state.updated_at, 1_796_416_402);
    }

    #[test]
    fn replayed_event_is_ignored() {
        let mut state = ProjectState::new(project());
        state.apply(&phase_event(1, Phase::SignIn));
        state.apply(&phase_event(2, Phase::Decryption));
        let before = state.clone();

        assert_eq!(
            state.apply(&phase_event(1, Phase::SignIn)),
            Applied::Replayed
        );
        assert_eq!(
            state.apply(&phase_event(2, Phase::Decryption)),
            Applied::Replayed
        );
        assert_eq!(state, before);
    }

    #[test]
    fn gap_is_not_applied() {
        let mut state = ProjectState::new(project());
        state.apply(&phase_event(1, Phase::SignIn));

        let applied = state.apply(&phase_event(3, Phase::QuoteReading));
        assert_eq!(
            applied,
            Applied::Gap {
                expected: 2,
                received: 3
            }
        );
        assert_eq!(state.phase(), Phase::SignIn);
        assert_eq!(state.last_seq, 1);
    }

    #[test]
    fn phase_never_goes_back() {
        let mut summary = project();
        summary.phase = Phase::Decryption;
        let mut state = ProjectState::new(summary);

        // The log from the start, as a fresh stream sends it.
        assert_eq!(
            state.apply(&phase_event(1, Phase::SignIn)),
            Applied::Unchanged
        );
        assert_eq!(state.phase(), Phase::Decryption);
        assert_eq!(
            state.apply(&phase_event(2, Phase::Decryption)),
            Applied::Unchanged
        );
        assert_eq!(
            state.apply(&phase_event(3, Phase::QuoteReading)),
            Applied::Changed
        );
        assert_eq!(state.phase(), Phase::QuoteReading);
    }

    #[test]
    fn unrecognized_kind_takes_its_number() {
        let mut state = ProjectState::new(project());
        state.apply(&phase_event(1, Phase::SignIn));
        let later = HallStreamItem::Unrecognized {
            seq: 2,
            kind: "weather".into(),
        };

        assert_eq!(state.apply(&later), Applied::Unchanged);
        assert_eq!(state.last_seq, 2);
        assert_eq!(
            state.apply(&phase_event(3, Phase::Decryption)),
            Applied::Changed
        );
    }

    #[test]
    fn progress_updates_once() {
        let mut state = ProjectState::new(project());
        let progress = |seq, signed_in| {
            HallStreamItem::Event(HallEvent {
                seq,
                at: 1_796_416_500,
                kind: HallEventKind::Progress {
                    bidders: 3,
                    signed_in,
                    decrypted: 0,
                    confirmed: 0,
                },
            })
        };

        assert_eq!(state.apply(&progress(1, 1)), Applied::Changed);
        assert_eq!(state.apply(&progress(2, 1)), Applied::Unchanged);
        assert_eq!(state.apply(&progress(3, 2)), Applied::Changed);
        assert_eq!(
            state.progress,
            Some(Progress {
                bidders: 3,
                signed_in: 2,
                decrypted: 0,
                confirmed: 0,
            })
        );
    }

    #[test]
    fn answered_challenges_are_listed_once() {
        let mut state = ProjectState::new(project());
        let answered = |seq, id: &str| {
            HallStreamItem::Event(HallEvent {
                seq,
                at: 1_796_416_600,
                kind: HallEventKind::ChallengeAnswered {
                    challenge_id: id.into(),
                },
            })
        };

        assert_eq!(state.apply(&answered(1, "c1")), Applied::Changed);
        assert_eq!(state.apply(&answered(2, "c1")), Applied::Unchanged);
        assert_eq!(state.apply(&answered(3, "c2")), Applied::Changed);
        assert_eq!(state.answered_challenges, ["c1", "c2"]);
        assert_eq!(state.last_seq, 3);
    }

    #[test]
    fn rounds_and_draws_follow_their_events() {
        let mut state = ProjectState::new(project());
        let event = |seq, kind| {
            HallStreamItem::Event(HallEvent {
                seq,
                at: 1_796_420_100,
                kind,
            })
        };
        let opened = HallEventKind::RoundOpened {
            section: 1,
            round: 2,
            deadline: Some(1_796_420_400),
        };
        assert_eq!(state.apply(&event(1, opened)), Applied::Changed);
        assert_eq!(
            state.open_rounds,
            [OpenRound {
                section: 1,
                round: 2,
                deadline: Some(1_796_420_400)
            }]
        );
        let closed = |round| HallEventKind::RoundClosed {
            section: 1,
            round,
            quotes: 2,
        };
        assert_eq!(state.apply(&event(2, closed(1))), Applied::Unchanged);
        assert_eq!(state.apply(&event(3, closed(2))), Applied::Changed);
        assert!(state.open_rounds.is_empty());

        let commitment = crate::hall::draw::commit("p", "1", &["0.95".into()], &[7; 32]);
        let drawn = HallEventKind::DrawOpened {
            draw: 1,
            candidates: vec!["0.95".into()],
            commitment,
        };
        assert_eq!(state.apply(&event(4, drawn)), Applied::Changed);
        assert_eq!(state.draw.as_ref().unwrap().revealed, None);
        let revealed = |draw| HallEventKind::DrawRevealed {
            draw,
            index: 0,
            coefficient: "0.95".into(),
        };
        assert_eq!(state.apply(&event(5, revealed(2))), Applied::Unchanged);
        assert_eq!(state.apply(&event(6, revealed(1))), Applied::Changed);
        assert_eq!(state.draw.unwrap().revealed, Some((0, "0.95".to_owned())));
    }
}
