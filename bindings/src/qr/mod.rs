//! QR codes of the portal and the bid toolbox (扫一扫) through the
//! bindings: `Account.scanCode` and the `QrRequest` object.
//!
//! The protocol and its anti-phishing rules live in `palmbid_core::qr` and
//! `palmbid_core::api::qr`; this module only carries them across:
//!
//! 1. `Account.scanCode(text)` reads any scanned text. A pickup code comes
//!    back as the `ScannedPickup` record of `Account.scan`; a QR request
//!    is bound to this phone by the platform and comes back as a
//!    `QrRequest` object.
//! 2. `QrRequest.details()` is the confirm screen: who asks, from which
//!    machine and address, for what document, with which certificate.
//!    `secondsLeft()` counts down by the platform's clock.
//! 3. Login: `chooseNumber(n)` with the number the user picked; a wrong
//!    one cancels the request on both sides.
//! 4. `answer(seal, pin)` unlocks, signs and sends; or `cancel()`.
//!
//! The object holds the core `ScannedRequest` unchanged, so the answer
//! signs the request exactly as the platform sent it, not a copy the app
//! could have altered. The PIN crosses as a string and becomes the core's
//! zeroizing `Pin` before anything else happens.

pub mod records;

use std::sync::Arc;

use palmbid_core::account::AccountStore;
use palmbid_core::keystore::{Keystore, Pin};
use palmbid_core::qr::{self as core, AnswerChoice, Scanned, ScannedRequest};

use crate::account::Account;
use crate::account::records::{ScannedPickup, SealKind};
use crate::error::PalmbidError;
use crate::runtime::{blocking_future, spawn};
use records::{QrRequestDetails, ScannedCode};

#[uniffi::export(async_runtime = "tokio")]
impl Account {
    /// Reads any scanned text (the app's one scanner): a certificate
    /// pickup code, or a QR request of the portal or the bid toolbox,
    /// which the platform then binds to this phone's session. Scan the
    /// newest frame: a frame older than 5 seconds is refused.
    ///
    /// # Errors
    /// `qr.invalid_code` naming the rule broken; `qr.unknown_host` for a
    /// host that is not a trusted platform's (do not trust the code);
    /// `qr.not_logged_in`; `qr.no_certificate` or
    /// `qr.no_encryption_certificate` when this phone cannot answer;
    /// `cms.no_recipient` for a decryption request whose bid file is not
    /// encrypted to this phone's certificate; the platform's refusal (`qr.frame_stale`, `qr.expired`,
    /// `qr.bound_to_other_phone`, ...); for a pickup code, the errors of
    /// `Account.scan`.
    pub async fn scan_code(&self, text: String) -> Result<ScannedCode, PalmbidError> {
        let store = self.store();
        let keystore = self.keystore();

        spawn("Account.scan_code", async move {
            let scanned = core::scan(&store, &keystore, &text)
                .await
                .map_err(PalmbidError::from_core)?;
            match scanned {
                Scanned::Pickup(pickup) => Ok(ScannedCode::Pickup {
                    pickup: ScannedPickup::from(*pickup),
                }),
                Scanned::Request(request) => Ok(ScannedCode::Request {
                    request: Arc::new(QrRequest::new(store, keystore, *request)?),
                }),
            }
        })
        .await
    }
}

/// A QR request bound to this phone, waiting for the user's answer.
///
/// Answer it once, or cancel it; the platform refuses a second answer.
/// Kotlin: `close()` it (or `use {}`) when the confirm screen goes away.
/// Every method may be called from any thread.
#[derive(uniffi::Object)]
pub struct QrRequest {
    store: Arc<AccountStore>,
    keystore: Arc<Keystore>,
    scanned: Arc<ScannedRequest>,
    details: QrRequestDetails,
}

impl QrRequest {
    fn new(
        store: Arc<AccountStore>,
        keystore: Arc<Keystore>,
        scanned: ScannedRequest,
    ) -> Result<Self, PalmbidError> {
        Ok(QrRequest {
            details: QrRequestDetails::of(&scanned)?,
            scanned: Arc::new(scanned),
            store,
            keystore,
        })
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl QrRequest {
    /// Returns what the confirm screen shows.
    pub fn details(&self) -> QrRequestDetails {
        self.details.clone()
    }

    /// Seconds left to answer, by the platform's clock; 0 when over.
    pub fn seconds_left(&self) -> i64 {
        self.scanned.seconds_left()
    }

    /// Tells whether the phone's clock is more than 10 seconds off the
    /// platform's, so the app shows a warning. The times shown are the
    /// platform's either way.
    pub fn clock_warning(&self) -> bool {
        self.scanned.clock_warning()
    }

    /// Login: sends the number the user chose among
    /// `details().numberChoices`.
    ///
    /// # Errors
    /// `qr.not_a_choice` for a number not offered (nothing is sent, the
    /// user may choose again); `ffi.invalid_argument` for a number above
    /// 255, which no request offers; `qr.request_incomplete` when the
    /// request is not a login; `qr.wrong_number` when it is not the
    /// desktop's, after which the platform has cancelled the request;
    /// another `qr.*` refusal.
    pub async fn choose_number(&self, number: u32) -> Result<(), PalmbidError> {
        let number = u8::try_from(number).map_err(|_| {
            PalmbidError::invalid_argument(
                "number",
                &format!("{number} is not a login number; pass one of details().numberChoices"),
            )
        })?;
        let store = Arc::clone(&self.store);
        let scanned = Arc::clone(&self.scanned);

        spawn("QrRequest.choose_number", async move {
            core::choose_number(&store, &scanned, number)
                .await
                .map_err(PalmbidError::from_core)
        })
        .await
    }

    /// Answers with the PIN of the signer's credential: unlocks the key,
    /// makes the answer of the request's kind (with `seal` for the seal
    /// kind, else `null`/`nil`), signs it and sends it.
    ///
    /// For a seal request the chosen seal goes to the desktop first, which
    /// places it in the PDF; the phone then signs the digest of that
    /// revision, so the call lasts as long as the desktop takes. After a
    /// wrong PIN, answering again with the same seal reuses that digest.
    ///
    /// # Errors
    /// `qr.time_up` past the deadline (no PIN try is used);
    /// `qr.seal_not_available`; `keystore.pin_incorrect` with tries left
    /// (answer again with the right PIN) or `keystore.locked`; a `cms.*`
    /// code when the key cannot be released; the platform's `qr.*`
    /// refusal.
    pub async fn answer(&self, seal: Option<SealKind>, pin: String) -> Result<(), PalmbidError> {
        let pin = Pin::entered(pin);
        let choice = AnswerChoice {
            seal: seal.map(Into::into),
        };
        let store = Arc::clone(&self.store);
        let keystore = Arc::clone(&self.keystore);
        let scanned = Arc::clone(&self.scanned);

        // Runs on the blocking pool because Argon2id of the PIN is CPU-bound.
        // A seal request also waits there for the desktop's digest (a long
        // poll of at most 20 s at a time, until the answer deadline).
        blocking_future("QrRequest.answer", async move {
            core::answer(&store, &keystore, &scanned, choice, &pin)
                .await
                .map_err(PalmbidError::from_core)
        })
        .await
    }

    /// Cancels the request (the user pressed cancel); the desktop sees it
    /// cancelled.
    ///
    /// # Errors
    /// The platform cannot be reached, or refuses (for example the
    /// request is already answered).
    pub async fn cancel(&self) -> Result<(), PalmbidError> {
        let store = Arc::clone(&self.store);
        let scanned = Arc::clone(&self.scanned);

        spawn("QrRequest.cancel", async move {
            core::cancel(&store, &scanned)
                .await
                .map_err(PalmbidError::from_core)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::device::DeviceBinding;
    use crate::records::KdfParams;

    /// A device binding that seals nothing: enough for a home on disk.
    struct Transparent;

    impl DeviceBinding for Transparent {
        fn seal(&self, secret: Vec<u8>) -> Result<Vec<u8>, PalmbidError> {
            Ok(secret)
        }

        fn unseal(&self, sealed: Vec<u8>) -> Result<Vec<u8>, PalmbidError> {
            Ok(sealed)
        }
    }

    const ID: &str = "0123456789abcdef0123456789abcdef";

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime needs no threads")
            .block_on(future)
    }

    /// An account in a new home (a real SQLite file), with no platform.
    fn account(home: &Path) -> Arc<Account> {
        let cheap = KdfParams {
            m_cost_kib: 256,
            t_cost: 1,
            p_cost: 1,
        };
        block_on(async {
            let keystore = crate::keystore::Keystore::open_for_testing(
                home.display().to_string(),
                Arc::new(Transparent),
                cheap,
            )
            .await
            .expect("a new home opens");
            Account::open(keystore)
                .await
                .expect("its account tables open")
        })
    }

    fn code(result: Result<ScannedCode, PalmbidError>) -> String {
        match result {
            Ok(_) => panic!("the scan must fail"),
            Err(error) => error.code().to_owned(),
        }
    }

    /// The refusals made before any request; the flows against the real
    /// platform and toolbox are in `tests/kotlin` (`QrFlowTest`).
    #[test]
    fn scanned_text_is_checked_before_any_request() {
        let home = tempfile::tempdir().expect("a temporary folder");
        let account = account(home.path());

        block_on(async {
            assert_eq!(
                code(account.scan_code("not a url".into()).await),
                "qr.invalid_code"
            );
            assert_eq!(
                code(
                    account
                        .scan_code(format!("https://user@evil.example/q/{ID}?t=1&h=abc"))
                        .await
                ),
                "qr.invalid_code"
            );
            assert_eq!(
                code(
                    account
                        .scan_code(format!("https://evil.example/q/{ID}?t=1&h=abc"))
                        .await
                ),
                "qr.unknown_host"
            );
            assert_eq!(
                code(account.scan_code("x".repeat(4096)).await),
                "qr.invalid_code"
            );
        });
    }
}
