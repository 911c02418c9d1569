//! Following a project: its event stream turned into [`ProjectState`]
//! changes and notices for the app's [`HallListener`].
//!
//! The stream is reopened after every break, after the last event applied,
//! so no event is lost or applied twice. Reminders before the opening come
//! from timers on the server clock as the phone keeps it, so they fire even
//! when no event arrives.

use std::future::Future;
use std::time::Duration;

use super::HallError;
use super::state::{Applied, ProjectState};
use crate::api::client::{HallStreamItem, PlatformClient};
use crate::api::hall::{HallEventKind, Phase};
use crate::api::{ApiError, ErrorCode};

/// Consecutive stream failures without an event in between before
/// [`watch`] gives up.
pub const MAX_BREAKS: u32 = 8;

/// An event counts as news, worth a notice, when it is at most this many
/// seconds old by the server clock. Older ones only rebuild the state (a
/// fresh start replays the whole log).
pub const NOTICE_FRESH_SECS: i64 = 120;

/// Reminders before the opening, in minutes.
pub const REMINDER_MINUTES: [i64; 2] = [60, 15];

/// Maximum wait between two attempts to reopen the stream.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// A notification for the app to raise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HallNotice {
    /// The bid opening starts in `minutes`.
    OpeningSoon {
        /// Minutes left, one of [`REMINDER_MINUTES`].
        minutes: i64,
    },
    /// The project entered `phase` just now.
    PhaseStarted {
        /// The new phase.
        phase: Phase,
    },
    /// The agent answered challenge `challenge_id` just now. It may be
    /// another bidder's: fetch the phone's own challenges
    /// ([`super::challenges()`]) to read an answer.
    ChallengeAnswered {
        /// The challenge.
        challenge_id: String,
    },
    /// The experts opened quote round `round` of `section`: quote now.
    RoundOpened {
        /// The section, from 1.
        section: u32,
        /// The round, from 1.
        round: u32,
        /// Its deadline, if any, Unix seconds, server clock.
        deadline: Option<i64>,
    },
    /// Quote round `round` of `section` closed; every quote is shown.
    RoundClosed {
        /// The section, from 1.
        section: u32,
        /// The round, from 1.
        round: u32,
    },
    /// The experts opened coefficient draw `draw`: contribute now.
    DrawOpened {
        /// The draw's number, from 1.
        draw: u32,
    },
    /// Draw `draw` was revealed: verify it.
    DrawRevealed {
        /// The draw's number, from 1.
        draw: u32,
        /// The announced coefficient.
        coefficient: String,
    },
}

/// Returns the notice an event raises when it is news, if any.
fn notice_for(kind: &HallEventKind) -> Option<HallNotice> {
    Some(match kind {
        HallEventKind::PhaseChanged { phase } => HallNotice::PhaseStarted { phase: *phase },
        HallEventKind::ChallengeAnswered { challenge_id } => HallNotice::ChallengeAnswered {
            challenge_id: challenge_id.clone(),
        },
        HallEventKind::RoundOpened {
            section,
            round,
            deadline,
        } => HallNotice::RoundOpened {
            section: *section,
            round: *round,
            deadline: *deadline,
        },
        HallEventKind::RoundClosed { section, round, .. } => HallNotice::RoundClosed {
            section: *section,
            round: *round,
        },
        HallEventKind::DrawOpened { draw, .. } => HallNotice::DrawOpened { draw: *draw },
        HallEventKind::DrawRevealed {
            draw, coefficient, ..
        } => HallNotice::DrawRevealed {
            draw: *draw,
            coefficient: coefficient.clone(),
        },
        _ => return None,
    })
}

/// The state of the connection to the event stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamStatus {
    /// The stream is open and resumes after `after`.
    Connected {
        /// The last sequence number applied before opening it.
        after: u64,
    },
    /// The stream broke; [`watch`] reopens it after a pause.
    Reconnecting {
        /// Consecutive failures so far.
        breaks: u32,
        /// Why, in English, for logs.
        reason: String,
    },
}

/// The app's side of [`watch`]. Calls come from the watching task, one
/// at a time, in order; implementations hand the data to the UI thread and
/// return quickly.
pub trait HallListener: Send + Sync {
    /// The project's state changed; draw it.
    fn state_changed(&self, state: &ProjectState);

    /// Something to raise as a notification.
    fn notice(&self, state: &ProjectState, notice: &HallNotice);

    /// The connection changed; the app may show "reconnecting".
    fn stream_status(&self, status: &StreamStatus);
}

/// Follows project `project_id` until it closes or `stop` completes, and
/// returns the last state.
///
/// Pass the state a previous watch returned as `resume` to continue after
/// its last event; without it the whole log is replayed (which only
/// rebuilds the state: old events raise no notice).
///
/// # Errors
/// [`HallError::Api`] when the platform refuses the project
/// (`hall.not_found`, `hall.not_a_bidder`, an expired session);
/// [`HallError::StreamLost`] after [`MAX_BREAKS`] failures in a row.
pub async fn watch(
    client: &PlatformClient,
    project_id: &str,
    resume: Option<ProjectState>,
    listener: &dyn HallListener,
    stop: impl Future<Output = ()>,
) -> Result<ProjectState, HallError> {
    let summary = client.hall_project(project_id).await?;
    let mut state = match resume {
        Some(mut state) if state.project.id == summary.id => {
            let phase = state.phase().max(summary.phase);
            state.project = summary;
            state.project.phase = phase;
            state
        }
        _ => ProjectState::new(summary),
    };
    listener.state_changed(&state);

    let mut reminders = Reminders::new(state.project.opening_at, client.server_now());
    let mut watcher = Watcher {
        client,
        listener,
        breaks: 0,
    };
    tokio::pin!(stop);
    loop {
        // A project found closed is still replayed once, so the state
        // carries the log's progress and not only the summary's phase.
        if state.phase() == Phase::Closed && state.last_seq > 0 {
            tracing::info!(project = %project_id, seq = state.last_seq, "hall watch ended: closed");
            return Ok(state);
        }
        tokio::select! {
            () = &mut stop => {
                tracing::info!(project = %project_id, seq = state.last_seq, "hall watch stopped");
                return Ok(state);
            }
            outcome = watcher.follow_once(&mut state, &mut reminders) => {
                outcome?;
            }
        }
    }
}

struct Watcher<'a> {
    client: &'a PlatformClient,
    listener: &'a dyn HallListener,
    breaks: u32,
}

impl Watcher<'_> {
    /// Opens the stream once and applies events until it ends or breaks;
    /// after a break, waits before returning. Fires due reminders
    /// meanwhile.
    async fn follow_once(
        &mut self,
        state: &mut ProjectState,
        reminders: &mut Reminders,
    ) -> Result<(), HallError> {
        let id = state.project.id.clone();
        let reason = match self.client.hall_events(&id, state.last_seq).await {
            Ok(mut stream) => {
                self.listener.stream_status(&StreamStatus::Connected {
                    after: state.last_seq,
                });
                loop {
                    let item = tokio::select! {
                        item = stream.next() => item,
                        minutes = reminders.next_due(self.client) => {
                            self.listener.notice(state, &HallNotice::OpeningSoon { minutes });
                            continue;
                        }
                    };
                    match item {
                        None if state.phase() == Phase::Closed => return Ok(()),
                        None => break "the platform ended the stream".to_owned(),
                        Some(Err(error)) => break error.to_string(),
                        Some(Ok(item)) => {
                            if let Some(reason) = self.apply(state, &item) {
                                break reason;
                            }
                        }
                    }
                }
            }
            Err(ApiError::Refused { status, body })
                if status != 503 && body.code != ErrorCode::Internal =>
            {
                return Err(ApiError::Refused { status, body }.into());
            }
            Err(error) => error.to_string(),
        };

        self.breaks += 1;
        tracing::info!(project = %id, breaks = self.breaks, %reason, "hall event stream broke");
        if self.breaks >= MAX_BREAKS {
            return Err(HallError::StreamLost {
                project: id,
                breaks: self.breaks,
            });
        }
        self.listener.stream_status(&StreamStatus::Reconnecting {
            breaks: self.breaks,
            reason,
        });
        let pause = backoff(self.breaks);
        tokio::select! {
            () = tokio::time::sleep(pause) => {}
            minutes = reminders.next_due(self.client) => {
                self.listener.notice(state, &HallNotice::OpeningSoon { minutes });
            }
        }
        Ok(())
    }

    /// Applies one item; returns why the stream must be reopened, if so.
    fn apply(&mut self, state: &mut ProjectState, item: &HallStreamItem) -> Option<String> {
        match state.apply(item) {
            Applied::Changed => {
                self.breaks = 0;
                self.listener.state_changed(state);
                if let HallStreamItem::Event(event) = item {
                    let fresh = self.client.server_now() - event.at <= NOTICE_FRESH_SECS;
                    if let Some(notice) = notice_for(&event.kind).filter(|_| fresh) {
                        self.listener.notice(state, &notice);
                    }
                }
                None
            }
            Applied::Unchanged => {
                self.breaks = 0;
                None
            }
            Applied::Replayed => {
                tracing::warn!(
                    project = %state.project.id,
                    seq = item.seq(),
                    last = state.last_seq,
                    "replayed hall event ignored"
                );
                None
            }
            Applied::Gap { expected, received } => {
                tracing::warn!(
                    project = %state.project.id,
                    expected,
                    received,
                    "hall events missing; reopening the stream"
                );
                Some(format!("expected event {expected}, received {received}"))
            }
        }
    }
}

/// The reminders still to fire, as server times.
struct Reminders {
    /// `(server time, minutes before the opening)`, earliest first.
    due: Vec<(i64, i64)>,
}

impl Reminders {
    /// The reminders of an opening at `opening_at` that are still ahead of
    /// `now` (both Unix seconds, server clock).
    fn new(opening_at: i64, now: i64) -> Self {
        let mut due: Vec<(i64, i64)> = REMINDER_MINUTES
            .iter()
            .map(|minutes| (opening_at - minutes * 60, *minutes))
            .filter(|(at, _)| *at > now)
            .collect();
        due.sort_unstable();
        Reminders { due }
    }

    /// Waits for the next reminder and returns its minutes; never completes
    /// when none is left.
    async fn next_due(&mut self, client: &PlatformClient) -> i64 {
        let Some(&(at, minutes)) = self.due.first() else {
            return std::future::pending().await;
        };
        let wait = u64::try_from(at - client.server_now()).unwrap_or(0);
        tokio::time::sleep(Duration::from_secs(wait)).await;
        self.due.remove(0);
        minutes
    }
}

/// The pause before reopening after `breaks` failures in a row: 0.5 s
/// doubling, at most [`MAX_BACKOFF`].
fn backoff(breaks: u32) -> Duration {
    let millis = 500_u64.saturating_mul(1 << breaks.saturating_sub(1).min(6));
    Duration::from_millis(millis).min(MAX_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminders_ahead_only() {
        let opening = 1_796_420_000;
        let all = Reminders::new(opening, opening - 7200);
        assert_eq!(all.due, vec![(opening - 3600, 60), (opening - 900, 15)]);

        let late = Reminders::new(opening, opening - 1800);
        assert_eq!(late.due, vec![(opening - 900, 15)]);

        let past = Reminders::new(opening, opening);
        assert!(past.due.is_empty());
    }

    #[test]
    fn backoff_doubles_to_cap() {
        assert_eq!(backoff(1), Duration::from_millis(500));
        assert_eq!(backoff(2), Duration::from_secs(1));
        assert_eq!(backoff(4), Duration::from_secs(4));
        assert_eq!(backoff(6), MAX_BACKOFF);
        assert_eq!(backoff(40), MAX_BACKOFF);
    }
}
