//! The `Account` object: the phone's side of the platform protocol, over
//! one keystore home: trusted platforms, SMS login, identity verification
//! (here), certificate pickup ([`pickup`]) and electronic bid guarantees
//! (`guarantee`).
//!
//! `Account.open(keystore)` opens the account tables of the keystore's own
//! home folder (one SQLite database, a second connection), so sessions,
//! pickups and keys can never belong to different homes. The `Account`
//! keeps the keystore's core alive: pickup makes its keys and download
//! installs its certificates there.
//!
//! Each method converts its arguments, runs the core call as a task on the
//! library's runtime ([`crate::runtime::spawn`]) and converts the result. The bearer
//! token of a session never crosses the FFI: it stays in the database and
//! every call that needs it is made here. SMS codes and PINs arrive as
//! strings and are moved at once into zeroizing types.

mod guarantee;
mod pickup;
pub mod records;

use std::sync::Arc;

use palmbid_core::account::{self as core, AccountStore};
use zeroize::Zeroizing;

use crate::error::PalmbidError;
use crate::keystore::Keystore;
use crate::runtime::{blocking, spawn};
use records::{
    AccountInfo, IdentityCode, IdentityStatus, LoginCodeSent, LogoutOutcome, Session, Terms,
    TrustedPlatform,
};

/// The phone's accounts with platforms, stored in a keystore's home.
///
/// Kotlin: `close()` it (or `use {}`) when done; Swift frees it with the
/// last reference. Closing the `Keystore` it was opened from does not
/// close it. Every method may be called from any thread.
#[derive(uniffi::Object)]
pub struct Account {
    store: Arc<AccountStore>,
    keystore: Arc<palmbid_core::keystore::Keystore>,
}

impl Account {
    /// The account store, for the QR calls ([`crate::qr`]).
    pub(crate) fn store(&self) -> Arc<AccountStore> {
        Arc::clone(&self.store)
    }

    /// The keystore's core, for the QR calls.
    pub(crate) fn keystore(&self) -> Arc<palmbid_core::keystore::Keystore> {
        Arc::clone(&self.keystore)
    }

    /// Runs the future made by `call` with the store, on the runtime.
    async fn run<T, F>(
        &self,
        operation: &'static str,
        call: impl FnOnce(Arc<AccountStore>) -> F,
    ) -> Result<T, PalmbidError>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, core::AccountError>> + Send + 'static,
    {
        let future = call(Arc::clone(&self.store));
        spawn(operation, async move {
            future.await.map_err(PalmbidError::from_core)
        })
        .await
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Account {
    /// Opens the account tables of `keystore`'s home (created and migrated
    /// when needed).
    ///
    /// # Errors
    /// A database error.
    #[uniffi::constructor]
    pub async fn open(keystore: Arc<Keystore>) -> Result<Arc<Self>, PalmbidError> {
        let home = keystore.home().to_path_buf();
        let core_keystore = keystore.core();
        blocking("Account.open", move || {
            let store = AccountStore::open(&home).map_err(PalmbidError::from_core)?;
            Ok(Arc::new(Account {
                store: Arc::new(store),
                keystore: core_keystore,
            }))
        })
        .await
    }

    /// Trusts the platform at `base_url` (https://, or http:// on
    /// loopback) under the name `name`: fetches the root certificate of
    /// its CA and stores both.
    ///
    /// # Errors
    /// `account.invalid_name`, `account.platform_exists`,
    /// `account.anchor_not_ca`, `api.invalid_url`, `api.unreachable`, or
    /// a certificate that cannot be parsed.
    pub async fn add_platform(
        &self,
        name: String,
        base_url: String,
    ) -> Result<TrustedPlatform, PalmbidError> {
        let now = crate::unix_now();
        self.run("Account.add_platform", move |store| async move {
            core::add_platform(&store, &name, &base_url, now)
                .await
                .map(TrustedPlatform::from)
        })
        .await
    }

    /// Lists the trusted platforms, by name.
    ///
    /// # Errors
    /// A database error.
    pub async fn platforms(&self) -> Result<Vec<TrustedPlatform>, PalmbidError> {
        self.run("Account.platforms", |store| async move {
            let platforms = store.platforms()?;
            Ok(platforms.into_iter().map(TrustedPlatform::from).collect())
        })
        .await
    }

    /// Stops trusting platform `platform` and forgets its session (without
    /// telling the platform; call `logout` first to end it there).
    ///
    /// # Errors
    /// `account.unknown_platform`, or a database error.
    pub async fn remove_platform(&self, platform: String) -> Result<(), PalmbidError> {
        self.run("Account.remove_platform", |store| async move {
            store.remove_platform(&platform)
        })
        .await
    }

    /// Fetches the terms platform `platform` currently requires a login to
    /// accept.
    ///
    /// # Errors
    /// `account.unknown_platform`, or the platform's refusal.
    pub async fn current_terms(&self, platform: String) -> Result<Terms, PalmbidError> {
        self.run("Account.current_terms", |store| async move {
            core::current_terms(&store, &platform)
                .await
                .map(Terms::from)
        })
        .await
    }

    /// Asks platform `platform` to send a login code by SMS to `phone`
    /// (11 digits, no +86).
    ///
    /// # Errors
    /// `account.invalid_phone` before any request; the platform's refusal
    /// (`auth.sms_rate_limited`, ...).
    pub async fn request_login_code(
        &self,
        platform: String,
        phone: String,
    ) -> Result<LoginCodeSent, PalmbidError> {
        self.run("Account.request_login_code", |store| async move {
            core::request_login_code(&store, &platform, &phone)
                .await
                .map(LoginCodeSent::from)
        })
        .await
    }

    /// Logs in to platform `platform` with the SMS `code` and the `terms`
    /// the user accepted, and keeps the session (replacing an older one).
    ///
    /// # Errors
    /// `account.invalid_phone` or `account.invalid_code` before any
    /// request; the platform's refusal (`auth.sms_code_wrong`,
    /// `auth.sms_code_expired`, `auth.agreement_outdated`, ...).
    pub async fn login(
        &self,
        platform: String,
        phone: String,
        code: String,
        terms: Terms,
    ) -> Result<Session, PalmbidError> {
        let code = Zeroizing::new(code);
        let terms = core::AcceptedTerms::from(terms);
        self.run("Account.login", |store| async move {
            core::login(&store, &platform, &phone, &code, &terms)
                .await
                .map(Session::from)
        })
        .await
    }

    /// Returns the session held with platform `platform`, if any, from the
    /// phone's own records (no request, so the platform may have ended it
    /// since).
    ///
    /// # Errors
    /// A database error.
    pub async fn session(&self, platform: String) -> Result<Option<Session>, PalmbidError> {
        self.run("Account.session", |store| async move {
            Ok(store.session(&platform)?.map(Session::from))
        })
        .await
    }

    /// Fetches the account of the session with platform `platform`, as
    /// the platform reports it.
    ///
    /// # Errors
    /// `account.not_logged_in` without a session; `auth.unauthorized` when
    /// the platform ended it.
    pub async fn whoami(&self, platform: String) -> Result<AccountInfo, PalmbidError> {
        self.run("Account.whoami", |store| async move {
            core::whoami(&store, &platform).await.map(AccountInfo::from)
        })
        .await
    }

    /// Ends the session with platform `platform` and forgets its token.
    ///
    /// # Errors
    /// `account.not_logged_in` without a session; `api.unreachable` when
    /// the platform cannot be reached, in which case the token is kept so
    /// the logout can be retried.
    pub async fn logout(&self, platform: String) -> Result<LogoutOutcome, PalmbidError> {
        self.run("Account.logout", |store| async move {
            core::logout(&store, &platform)
                .await
                .map(LogoutOutcome::from)
        })
        .await
    }

    /// Asks platform `platform` for the code the user reads aloud in the
    /// identity verification video.
    ///
    /// # Errors
    /// `account.not_logged_in`; `identity.case_open` when a case is
    /// pending or approved.
    pub async fn request_identity_code(
        &self,
        platform: String,
    ) -> Result<IdentityCode, PalmbidError> {
        self.run("Account.request_identity_code", |store| async move {
            core::request_identity_code(&store, &platform)
                .await
                .map(IdentityCode::from)
        })
        .await
    }

    /// Submits an identity verification case: the user's legal `name`,
    /// resident ID card number, the `code` read in the video, and the
    /// video itself.
    ///
    /// # Errors
    /// `account.invalid_id_number` or `account.video_size` before any
    /// upload; `account.not_logged_in`; the platform's `identity.*`
    /// refusal.
    pub async fn submit_identity(
        &self,
        platform: String,
        name: String,
        id_number: String,
        code: String,
        video: Vec<u8>,
    ) -> Result<IdentityStatus, PalmbidError> {
        self.run("Account.submit_identity", |store| async move {
            core::submit_identity(&store, &platform, &name, &id_number, &code, &video)
                .await
                .map(IdentityStatus::from)
        })
        .await
    }

    /// Fetches the latest identity verification case with platform
    /// `platform`.
    ///
    /// # Errors
    /// `account.not_logged_in`, or the platform's refusal.
    pub async fn identity_status(&self, platform: String) -> Result<IdentityStatus, PalmbidError> {
        self.run("Account.identity_status", |store| async move {
            core::identity_status(&store, &platform)
                .await
                .map(IdentityStatus::from)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::records::{IdentityCode, IdentityState, OrderState, ScannedPickup, SealKind};
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

    /// Opens a keystore and its account in a new home (a real SQLite file).
    fn open(home: &Path) -> (Arc<Keystore>, Arc<Account>) {
        let cheap = KdfParams {
            m_cost_kib: 256,
            t_cost: 1,
            p_cost: 1,
        };
        block_on(async {
            let keystore = Keystore::open_for_testing(
                home.display().to_string(),
                Arc::new(Transparent),
                cheap,
            )
            .await
            .expect("a new home opens");
            let account = Account::open(Arc::clone(&keystore))
                .await
                .expect("its account tables open");
            (keystore, account)
        })
    }

    fn code<T: std::fmt::Debug>(result: Result<T, PalmbidError>) -> String {
        result.expect_err("the call must fail").code().to_owned()
    }

    #[test]
    fn refusals_made_before_any_request_keep_their_core_codes() {
        let home = tempfile::tempdir().expect("a temporary folder");
        let (_keystore, account) = open(home.path());

        block_on(async {
            assert_eq!(
                code(
                    account
                        .add_platform(String::new(), "http://127.0.0.1:1/".into())
                        .await
                ),
                "account.invalid_name"
            );
            assert_eq!(
                code(
                    account
                        .add_platform("dev".into(), "http://example.com/".into())
                        .await
                ),
                "api.invalid_url"
            );
            assert_eq!(
                code(account.current_terms("nowhere".into()).await),
                "account.unknown_platform"
            );
            assert_eq!(
                code(
                    account
                        .request_login_code("nowhere".into(), "12345".into())
                        .await
                ),
                "account.invalid_phone"
            );
            assert_eq!(
                code(account.whoami("nowhere".into()).await),
                "account.not_logged_in"
            );
            assert_eq!(
                code(account.scan("not a url".into()).await),
                "account.invalid_pickup_url"
            );
            assert_eq!(
                code(account.scan(format!("https://evil.example/q/{ID}")).await),
                "account.unknown_host"
            );
        });
    }

    #[test]
    fn an_unreachable_platform_is_reported_and_not_stored() {
        let home = tempfile::tempdir().expect("a temporary folder");
        let (_keystore, account) = open(home.path());

        // Port 1 on loopback: nothing listens, the connection is refused.
        let result = block_on(account.add_platform("dev".into(), "http://127.0.0.1:1/".into()));

        assert_eq!(code(result), "api.unreachable");
        assert!(block_on(account.platforms()).expect("listed").is_empty());
    }

    #[test]
    fn a_new_home_has_no_session_and_no_pickups() {
        let home = tempfile::tempdir().expect("a temporary folder");
        let (_keystore, account) = open(home.path());

        assert_eq!(block_on(account.session("dev".into())).expect("read"), None);
        assert!(block_on(account.pickups()).expect("read").is_empty());
    }

    #[test]
    fn pick_up_refuses_a_forged_id_before_making_keys() {
        let home = tempfile::tempdir().expect("a temporary folder");
        let (keystore, account) = open(home.path());
        let forged = ScannedPickup {
            platform: "dev".into(),
            pickup_id: "../../console/orders".into(),
            name: "张三".into(),
            phone: "13800138000".into(),
            company: "示例科技有限公司".into(),
            credit_code: "91110000802100433B".into(),
            seals: vec![SealKind::Personal],
            state: OrderState::Approved,
        };

        let result = block_on(account.pick_up(forged, "135790".into(), Vec::new()));

        assert_eq!(code(result), crate::error::CODE_INVALID_ARGUMENT);
        assert!(keystore.core().keys().expect("listed").is_empty());
    }

    #[test]
    fn a_pick_up_with_an_unknown_platform_makes_no_keys() {
        let home = tempfile::tempdir().expect("a temporary folder");
        let (keystore, account) = open(home.path());
        let scanned = ScannedPickup {
            platform: "nowhere".into(),
            pickup_id: ID.into(),
            name: "张三".into(),
            phone: "13800138000".into(),
            company: "示例科技有限公司".into(),
            credit_code: "91110000802100433B".into(),
            seals: vec![],
            state: OrderState::Approved,
        };

        let result = block_on(account.pick_up(scanned, "135790".into(), Vec::new()));

        assert_eq!(code(result), "account.unknown_platform");
        assert!(keystore.core().keys().expect("listed").is_empty());
    }

    #[test]
    fn records_keep_secrets_out() {
        let stored = core::StoredSession {
            platform: "dev".into(),
            phone: "13800138000".into(),
            token: Zeroizing::new("tok-secret-value".into()),
            expires_at: 42,
        };
        let identity = IdentityCode {
            code: "4821".into(),
            expires_at_unix: 7,
        };

        let session = Session::from(stored);

        assert!(!format!("{session:?}").contains("tok-secret-value"));
        assert_eq!(session.expires_at_unix, 42);
        assert!(!format!("{identity:?}").contains("4821"));
    }

    #[test]
    fn the_empty_identity_state_is_not_named_none() {
        let state = IdentityState::from(palmbid_core::api::identity::IdentityState::None);

        assert_eq!(state, IdentityState::NotSubmitted);
    }

    #[test]
    fn a_scanned_record_gives_back_the_offer_fields() {
        use palmbid_core::api::pickup as wire;
        let record = ScannedPickup {
            platform: "dev".into(),
            pickup_id: ID.into(),
            name: "张三".into(),
            phone: "13800138000".into(),
            company: "示例科技有限公司".into(),
            credit_code: "91110000802100433B".into(),
            seals: vec![SealKind::LegalRepresentative, SealKind::Company],
            state: OrderState::PickedUp,
        };

        let offer = wire::PickupOffer::from(record);

        assert_eq!(
            offer,
            wire::PickupOffer {
                pickup_id: ID.into(),
                name: "张三".into(),
                phone: "13800138000".into(),
                company: "示例科技有限公司".into(),
                credit_code: "91110000802100433B".into(),
                seals: vec![wire::SealKind::LegalRepresentative, wire::SealKind::Company],
                state: wire::OrderState::PickedUp,
            }
        );
        for state in [
            wire::OrderState::Pending,
            wire::OrderState::Approved,
            wire::OrderState::Rejected,
            wire::OrderState::PickedUp,
            wire::OrderState::Issued,
        ] {
            assert_eq!(wire::OrderState::from(OrderState::from(state)), state);
        }
    }
}
