//! The phone side (`palmbid_core::account`) against a real platform on
//! loopback: trusted platforms, login with the session stored in the
//! keystore database, logout.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::sync::Arc;

use common::TestPlatform;
use palmbid_core::account::{self, AccountError, AccountStore, LogoutOutcome};
use palmbid_core::api::{ApiError, ErrorCode};
use palmbid_core::keystore::{KdfParams, Keystore, SoftwareDeviceBinding};

const PHONE: &str = "13800138000";

fn open_store(home: &std::path::Path) -> AccountStore {
    AccountStore::open(home).unwrap()
}

#[tokio::test]
async fn add_list_find_and_remove_platforms() {
    let platform = TestPlatform::start().await;
    let home = tempfile::tempdir().unwrap();
    let store = open_store(home.path());
    let url = platform.server.base_url();

    let added = account::add_platform(&store, "本地平台", &url, 1)
        .await
        .unwrap();
    let again = account::add_platform(&store, "other", &url, 1).await;
    let listed = store.platforms().unwrap();

    assert!(added.anchor.is_ca);
    assert!(
        matches!(again, Err(AccountError::PlatformExists { .. })),
        "{again:?}"
    );
    assert_eq!(listed, vec![added.clone()]);
    assert_eq!(store.platform_for_host("127.0.0.1").unwrap(), Some(added));
    assert_eq!(store.platform_for_host("127.0.0.2").unwrap(), None);

    store.remove_platform("本地平台").unwrap();
    assert!(store.platforms().unwrap().is_empty());
    assert!(matches!(
        store.remove_platform("本地平台"),
        Err(AccountError::UnknownPlatform { .. })
    ));
}

#[tokio::test]
async fn refused_platform_addresses() {
    let home = tempfile::tempdir().unwrap();
    let store = open_store(home.path());
    // A port nothing listens on: bind one, then free it.
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();

    let user_info = account::add_platform(&store, "a", "http://user@127.0.0.1:1/", 1).await;
    let remote_http = account::add_platform(&store, "b", "http://ca.example.cn/", 1).await;
    let unreachable = account::add_platform(&store, "c", &format!("http://{free}/"), 1).await;

    assert!(
        matches!(
            user_info,
            Err(AccountError::Api(ApiError::InvalidUrl { .. }))
        ),
        "{user_info:?}"
    );
    assert!(
        matches!(
            remote_http,
            Err(AccountError::Api(ApiError::InvalidUrl { .. }))
        ),
        "{remote_http:?}"
    );
    assert!(
        matches!(
            unreachable,
            Err(AccountError::Api(ApiError::Transport { .. }))
        ),
        "{unreachable:?}"
    );
    assert!(store.platforms().unwrap().is_empty());
}

#[tokio::test]
async fn login_stores_session_and_logout_forgets_it() {
    let platform = TestPlatform::start().await;
    let home = tempfile::tempdir().unwrap();
    let store = open_store(home.path());
    account::add_platform(&store, "dev", &platform.server.base_url(), 1)
        .await
        .unwrap();

    let sent = account::request_login_code(&store, "dev", PHONE)
        .await
        .unwrap();
    let code = platform.sms_code(PHONE);
    let session = account::login(&store, "dev", PHONE, &code, &(&sent).into())
        .await
        .unwrap();
    let me = account::whoami(&store, "dev").await.unwrap();
    let stored = store.session("dev").unwrap().unwrap();

    assert_eq!(me.phone, PHONE);
    assert_eq!(stored.phone, PHONE);
    assert_eq!(stored.token, session.token);
    assert_eq!(stored.expires_at, session.expires_at);

    // The token is in the keystore database file, next to the keys.
    let conn = rusqlite::Connection::open(home.path().join("keystore.sqlite3")).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, i64::from(palmbid_core::store::SCHEMA_VERSION));
    drop(conn);

    assert_eq!(
        account::logout(&store, "dev").await.unwrap(),
        LogoutOutcome::Ended
    );
    assert!(store.session("dev").unwrap().is_none());
    assert!(matches!(
        account::logout(&store, "dev").await,
        Err(AccountError::NotLoggedIn { .. })
    ));
    let mut stale = platform.client();
    stale.set_token(session.token.clone());
    assert_eq!(
        stale.me().await.unwrap_err().server_code(),
        Some(ErrorCode::Unauthorized)
    );
}

#[tokio::test]
async fn logout_of_an_expired_session_still_forgets_it() {
    let platform = TestPlatform::start().await;
    let home = tempfile::tempdir().unwrap();
    let store = open_store(home.path());
    account::add_platform(&store, "dev", &platform.server.base_url(), 1)
        .await
        .unwrap();
    let sent = account::request_login_code(&store, "dev", PHONE)
        .await
        .unwrap();
    account::login(
        &store,
        "dev",
        PHONE,
        &platform.sms_code(PHONE),
        &(&sent).into(),
    )
    .await
    .unwrap();

    platform
        .server
        .clock()
        .advance(palmbid_platform::accounts::SESSION_TTL_SECS);
    let whoami = account::whoami(&store, "dev").await;
    let outcome = account::logout(&store, "dev").await.unwrap();

    match whoami {
        Err(AccountError::Api(err)) => assert_eq!(err.server_code(), Some(ErrorCode::Unauthorized)),
        other => panic!("{other:?}"),
    }
    assert_eq!(outcome, LogoutOutcome::AlreadyEnded);
    assert!(store.session("dev").unwrap().is_none());
}

#[tokio::test]
async fn bad_phone_and_code_fail_before_any_request() {
    let home = tempfile::tempdir().unwrap();
    let store = open_store(home.path());
    let terms = account::AcceptedTerms {
        agreement_version: "x".into(),
        privacy_version: "y".into(),
    };

    let phone = account::request_login_code(&store, "dev", "12345").await;
    let code = account::login(&store, "dev", PHONE, "12ab56", &terms).await;
    let unknown = account::login(&store, "dev", PHONE, "123456", &terms).await;

    assert!(
        matches!(phone, Err(AccountError::InvalidPhone { .. })),
        "{phone:?}"
    );
    assert!(matches!(code, Err(AccountError::InvalidCode)), "{code:?}");
    assert!(
        matches!(unknown, Err(AccountError::UnknownPlatform { .. })),
        "{unknown:?}"
    );
}

#[tokio::test]
async fn account_tables_live_beside_an_open_keystore() {
    let platform = TestPlatform::start().await;
    let home = tempfile::tempdir().unwrap();
    let binding = SoftwareDeviceBinding::open(&home.path().join("device.key")).unwrap();
    let cheap = KdfParams {
        m_cost_kib: 256,
        t_cost: 1,
        p_cost: 1,
    };
    let keystore = Keystore::open_with_kdf(home.path(), Arc::new(binding), cheap).unwrap();
    let store = open_store(home.path());

    account::add_platform(&store, "dev", &platform.server.base_url(), 1)
        .await
        .unwrap();

    assert!(keystore.keys().unwrap().is_empty());
    assert_eq!(store.platforms().unwrap().len(), 1);
}
