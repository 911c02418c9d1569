//! Starts a real platform on a free loopback port for a test.

#![allow(dead_code, reason = "each test file uses part of the helpers")]
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::path::PathBuf;

use palmbid_core::api::auth::LoginRequest;
use palmbid_core::api::client::PlatformClient;
use palmbid_platform::accounts::{AGREEMENT_VERSION, PRIVACY_VERSION};
use palmbid_platform::{Config, Platform, RunningPlatform};

/// A running platform and its data folder.
pub(crate) struct TestPlatform {
    pub(crate) server: RunningPlatform,
    pub(crate) data: tempfile::TempDir,
}

impl TestPlatform {
    pub(crate) async fn start() -> Self {
        Self::start_with(false).await
    }

    /// Starts with `dev_auto_approve` set as given.
    pub(crate) async fn start_with(dev_auto_approve: bool) -> Self {
        let data = tempfile::tempdir().unwrap();
        let config = Config {
            dev_auto_approve,
            ..Config::new("127.0.0.1:0".parse().unwrap(), data.path().to_path_buf())
        };
        let server = Platform::spawn(config).await.unwrap();
        TestPlatform { server, data }
    }

    /// A keystore-home account store with this platform added as `dev`
    /// and `phone` logged in.
    pub(crate) async fn phone_home(
        &self,
        phone: &str,
    ) -> (tempfile::TempDir, palmbid_core::account::AccountStore) {
        use palmbid_core::account;
        let home = tempfile::tempdir().unwrap();
        let store = account::AccountStore::open(home.path()).unwrap();
        account::add_platform(&store, "dev", &self.server.base_url(), 1)
            .await
            .unwrap();
        let sent = account::request_login_code(&store, "dev", phone)
            .await
            .unwrap();
        account::login(&store, "dev", phone, &self.sms_code(phone), &(&sent).into())
            .await
            .unwrap();
        (home, store)
    }

    pub(crate) fn client(&self) -> PlatformClient {
        PlatformClient::new(&self.server.base_url()).unwrap()
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server.local_addr())
    }

    /// The last login code the development SMS gateway wrote for `phone`.
    pub(crate) fn sms_code(&self, phone: &str) -> String {
        let path: PathBuf = self.data.path().join("sms").join(format!("{phone}.txt"));
        std::fs::read_to_string(path).unwrap()
    }

    /// Requests a code and logs in with it.
    pub(crate) async fn logged_in(&self, phone: &str) -> PlatformClient {
        let mut client = self.client();
        client.request_sms_code(phone).await.unwrap();
        client
            .login(&login_request(phone, &self.sms_code(phone)))
            .await
            .unwrap();
        client
    }
}

pub(crate) fn login_request(phone: &str, code: &str) -> LoginRequest {
    LoginRequest {
        phone: phone.to_owned(),
        code: code.to_owned(),
        agreement_version: AGREEMENT_VERSION.to_owned(),
        privacy_version: PRIVACY_VERSION.to_owned(),
    }
}

/// A 6-digit code different from `code`.
pub(crate) fn other_code(code: &str) -> String {
    let n: u32 = code.parse().unwrap();
    format!("{:06}", (n + 1) % 1_000_000)
}

/// A plain reqwest client for raw requests, with the ring TLS provider.
pub(crate) fn raw_http() -> reqwest::Client {
    palmbid_core::api::client::install_ring_provider();
    reqwest::Client::new()
}
