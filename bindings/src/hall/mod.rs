//! The bid-opening hall (掌上开标) through the bindings: the project list,
//! the bidder's actions as `Account` methods, and `Account.watchHall`,
//! which follows a project and calls the app's `HallListener`; quote
//! reading, confirmation, details and challenges are in `quotes`.
//!
//! The state machine, the resume rule and the reminders live in
//! `palmbid_core::hall`; this module converts values and runs the calls on
//! the library's runtime. PINs cross as strings and become the core's
//! zeroizing `Pin` at once.

pub mod evaluation;
pub mod quote_records;
mod quotes;
pub mod records;

use std::sync::{Arc, Mutex, PoisonError};

use palmbid_core::hall as core;
use palmbid_core::keystore::Pin;
use tokio::sync::oneshot;

use crate::account::Account;
use crate::error::PalmbidError;
use crate::runtime::{blocking_future, spawn, spawn_task};
use records::{
    HallBid, HallDecryptionCheck, HallNotice, HallProject, HallProjectState, HallSignIn,
    HallStreamStatus,
};

/// The app's side of a hall watch. Calls come from a library thread, one
/// at a time and in order; hand the values to the UI thread and return
/// quickly. What a method throws is logged and dropped.
#[uniffi::export(with_foreign)]
pub trait HallListener: Send + Sync {
    /// Receives the project's new state, to draw.
    ///
    /// # Errors
    /// Whatever the app throws; palmbid logs it and goes on.
    fn state_changed(&self, state: HallProjectState) -> Result<(), PalmbidError>;

    /// Raise `notice` as a notification.
    ///
    /// # Errors
    /// As `state_changed`.
    fn notice(&self, state: HallProjectState, notice: HallNotice) -> Result<(), PalmbidError>;

    /// Receives the event stream's new status (connected or broken).
    ///
    /// # Errors
    /// As `state_changed`.
    fn stream_status(&self, status: HallStreamStatus) -> Result<(), PalmbidError>;
}

/// Passes the core's calls to the app's listener.
struct Forward(Arc<dyn HallListener>);

impl Forward {
    fn report(call: &'static str, result: Result<(), PalmbidError>) {
        if let Err(error) = result {
            tracing::warn!(target: "palmbid_ffi", call, %error, "hall listener threw");
        }
    }
}

impl core::HallListener for Forward {
    fn state_changed(&self, state: &core::ProjectState) {
        Self::report("state_changed", self.0.state_changed(state.into()));
    }

    fn notice(&self, state: &core::ProjectState, notice: &core::HallNotice) {
        Self::report("notice", self.0.notice(state.into(), notice.into()));
    }

    fn stream_status(&self, status: &core::StreamStatus) {
        Self::report("stream_status", self.0.stream_status(status.into()));
    }
}

type WatchResult = Result<core::ProjectState, PalmbidError>;

/// A running hall watch. `stop()` ends it; `finished()` waits for its end
/// and returns the last state. Closing (Kotlin) or dropping (Swift) the
/// object stops the watch too.
#[derive(uniffi::Object)]
pub struct HallWatch {
    stop: Mutex<Option<oneshot::Sender<()>>>,
    task: tokio::sync::Mutex<Option<tokio::task::JoinHandle<WatchResult>>>,
}

#[uniffi::export(async_runtime = "tokio")]
impl HallWatch {
    /// Stops the watch; the listener gets no call after `finished()`
    /// returns.
    pub fn stop(&self) {
        let sender = self
            .stop
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(sender) = sender {
            let _ = sender.send(());
        }
    }

    /// Waits until the watch ends (the project closed, or `stop()`) and
    /// returns the last state.
    ///
    /// # Errors
    /// `hall.not_found`, `hall.not_a_bidder` or an expired session when
    /// the platform refused the project; `hall.stream_lost` when the
    /// stream kept breaking; `hall.watch_finished` when called again after
    /// it returned.
    pub async fn finished(&self) -> Result<HallProjectState, PalmbidError> {
        let Some(task) = self.task.lock().await.take() else {
            return Err(PalmbidError::new(
                "hall.watch_finished",
                "该开标跟踪已结束并已返回结果；如需继续，请重新开始跟踪".to_owned(),
                "this hall watch already ended and returned its result; start a new watch to go on"
                    .to_owned(),
            ));
        };
        let state = task
            .await
            .unwrap_or_else(|_| Err(PalmbidError::panic("HallWatch.finished")))?;
        Ok((&state).into())
    }
}

impl Drop for HallWatch {
    fn drop(&mut self) {
        self.stop();
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Account {
    /// Lists the hall projects of the session's company on `platform`, by
    /// opening time (手机开标).
    ///
    /// # Errors
    /// `hall.not_logged_in`; the platform's refusal.
    pub async fn hall_projects(&self, platform: String) -> Result<Vec<HallProject>, PalmbidError> {
        let store = self.store();
        spawn("Account.hall_projects", async move {
            let projects = core::projects(&store, &platform)
                .await
                .map_err(PalmbidError::from_core)?;
            Ok(projects.into_iter().map(HallProject::from).collect())
        })
        .await
    }

    /// Starts following project `project` on `platform`: `listener` gets
    /// the state at once, then every change, notice (phase started,
    /// reminders 60 and 15 minutes before the opening) and connection
    /// change, until the project closes or the watch is stopped. The
    /// event log is replayed from its start, so old events rebuild the
    /// state without raising notices.
    ///
    /// # Errors
    /// `ffi.runtime` when the background threads cannot start; the
    /// platform's refusal comes from `HallWatch.finished()`.
    pub fn watch_hall(
        &self,
        platform: String,
        project: String,
        listener: Arc<dyn HallListener>,
    ) -> Result<Arc<HallWatch>, PalmbidError> {
        let store = self.store();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = spawn_task(async move {
            let forward = Forward(listener);
            // A dropped sender (the watch object freed) stops it too.
            let stop = async {
                let _ = stopped.await;
            };
            core::watch_project(&store, &platform, &project, None, &forward, stop)
                .await
                .map_err(PalmbidError::from_core)
        })?;
        Ok(Arc::new(HallWatch {
            stop: Mutex::new(Some(stop)),
            task: tokio::sync::Mutex::new(Some(task)),
        }))
    }

    /// The credential whose PIN an action on project `project` asks for:
    /// with `bid`, the one holding the key that opens that bid
    /// (`hallCheckBid`, `hallReleaseBid`); without, the one whose signing
    /// certificate acts for the platform now (every other signed hall
    /// action). Show its tries left, or pick a PIN kept for biometric
    /// unlock, before the PIN is typed. Uses no PIN.
    ///
    /// # Errors
    /// `hall.not_logged_in`, `hall.no_certificate`; with `bid`,
    /// `hall.bid_not_found` and `hall.no_key_for_bid`; the platform's
    /// refusal.
    pub async fn hall_pin_credential(
        &self,
        platform: String,
        project: String,
        bid: Option<String>,
    ) -> Result<String, PalmbidError> {
        let (store, keystore) = (self.store(), self.keystore());
        blocking_future("Account.hall_pin_credential", async move {
            core::pin_credential(&store, &keystore, &platform, &project, bid.as_deref())
                .await
                .map(|credential| credential.0)
                .map_err(PalmbidError::from_core)
        })
        .await
    }

    /// Signs in to project `project` (签到) with the signing certificate;
    /// refused outside the hour before the opening. A second sign-in
    /// returns the first record.
    ///
    /// # Errors
    /// `hall.sign_in_not_open` or `hall.sign_in_closed` before the PIN is
    /// used; `hall.no_certificate`; `keystore.pin_incorrect` and the
    /// other keystore errors; the platform's refusal.
    pub async fn hall_sign_in(
        &self,
        platform: String,
        project: String,
        pin: String,
    ) -> Result<HallSignIn, PalmbidError> {
        let pin = Pin::entered(pin);
        let (store, keystore) = (self.store(), self.keystore());
        blocking_future("Account.hall_sign_in", async move {
            core::sign_in(&store, &keystore, &platform, &project, &pin)
                .await
                .map(HallSignIn::from)
                .map_err(PalmbidError::from_core)
        })
        .await
    }

    /// Downloads the sign-in receipt (签到凭证) of project `project`, a PDF.
    ///
    /// # Errors
    /// `hall.not_signed_in` before sign-in; the platform's refusal.
    pub async fn hall_sign_in_receipt(
        &self,
        platform: String,
        project: String,
    ) -> Result<Vec<u8>, PalmbidError> {
        let store = self.store();
        spawn("Account.hall_sign_in_receipt", async move {
            core::sign_in_receipt(&store, &platform, &project)
                .await
                .map_err(PalmbidError::from_core)
        })
        .await
    }

    /// Lists the company's bid files in project `project`, with their
    /// decryption check and decryption state.
    ///
    /// # Errors
    /// The platform's refusal.
    pub async fn hall_bids(
        &self,
        platform: String,
        project: String,
    ) -> Result<Vec<HallBid>, PalmbidError> {
        let store = self.store();
        spawn("Account.hall_bids", async move {
            let bids = core::bids(&store, &platform, &project)
                .await
                .map_err(PalmbidError::from_core)?;
            Ok(bids.into_iter().map(HallBid::from).collect())
        })
        .await
    }

    /// Checks before the opening that this phone opens bid `bid`
    /// (解密检测), without releasing anything, keeps its key until the
    /// opening, and records the signed check on the platform. `pin` is the
    /// PIN of the credential `hallPinCredential` names for the bid;
    /// `signerPin` is asked for only after `hall.signer_pin_needed`.
    ///
    /// # Errors
    /// `hall.no_key_for_bid` before the PIN is used when no key of this
    /// phone is a recipient; `hall.signer_pin_needed`, also before any PIN
    /// is used, when the bid's key belongs to a credential with no signing
    /// certificate for the platform (expired, or an imported key): call
    /// again with `signerPin`, the PIN of the credential
    /// `hallPinCredential` names without a bid;
    /// `cms.key_unwrap_failed`; keystore errors; the platform's refusal.
    #[uniffi::method(default(signer_pin = None))]
    pub async fn hall_check_bid(
        &self,
        platform: String,
        project: String,
        bid: String,
        pin: String,
        signer_pin: Option<String>,
    ) -> Result<HallDecryptionCheck, PalmbidError> {
        let pin = Pin::entered(pin);
        let signer_pin = signer_pin.map(Pin::entered);
        let (store, keystore) = (self.store(), self.keystore());
        blocking_future("Account.hall_check_bid", async move {
            core::check_bid(
                &store,
                &keystore,
                &platform,
                &project,
                &bid,
                &pin,
                signer_pin.as_ref(),
            )
            .await
            .map(HallDecryptionCheck::from)
            .map_err(PalmbidError::from_core)
        })
        .await
    }

    /// Decrypts bid `bid` at the opening (解密): releases its content key to
    /// the hall's opening certificate; the platform decrypts it. Returns
    /// the quote read, in yuan. Safe to retry: a bid already decrypted is
    /// not released again.
    ///
    /// # Errors
    /// `hall.not_decryption_phase`, `hall.no_key_for_bid` and
    /// `hall.signer_pin_needed` (as for `hallCheckBid`) before the PIN is
    /// used; keystore errors; the platform's `hall.wrong_key`,
    /// `hall.damaged_bid` or another refusal.
    #[uniffi::method(default(signer_pin = None))]
    pub async fn hall_release_bid(
        &self,
        platform: String,
        project: String,
        bid: String,
        pin: String,
        signer_pin: Option<String>,
    ) -> Result<String, PalmbidError> {
        let pin = Pin::entered(pin);
        let signer_pin = signer_pin.map(Pin::entered);
        let (store, keystore) = (self.store(), self.keystore());
        blocking_future("Account.hall_release_bid", async move {
            core::release_bid(
                &store,
                &keystore,
                &platform,
                &project,
                &bid,
                &pin,
                signer_pin.as_ref(),
            )
            .await
            .map(|result| result.quote.amount)
            .map_err(PalmbidError::from_core)
        })
        .await
    }
}
