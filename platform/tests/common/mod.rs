//! Starts a real platform on a free loopback port for a test.

#![allow(dead_code, reason = "each test file uses part of the helpers")]
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::path::PathBuf;
use std::sync::Arc;

use palmbid_core::account::{self, AccountStore};
use palmbid_core::api::auth::LoginRequest;
use palmbid_core::api::client::PlatformClient;
use palmbid_core::keystore::{KdfParams, Keystore, Pin, SoftwareDeviceBinding};
use palmbid_platform::accounts::{AGREEMENT_VERSION, PRIVACY_VERSION};
use palmbid_platform::{Config, Platform, RunningPlatform};

pub(crate) const PHONE: &str = "13800138000";
pub(crate) const ID: &str = "11010519491231002X";
pub(crate) const CREDIT: &str = "91110000802100433B";
pub(crate) const PIN: &str = "135790";

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
        Self::start_configured(|config| config.dev_auto_approve = dev_auto_approve).await
    }

    /// Starts with the default configuration as `configure` changes it.
    pub(crate) async fn start_configured(configure: impl FnOnce(&mut Config)) -> Self {
        let data = tempfile::tempdir().unwrap();
        let mut config = Config::new("127.0.0.1:0".parse().unwrap(), data.path().to_path_buf());
        configure(&mut config);
        let server = Platform::spawn(config).await.unwrap();
        TestPlatform { server, data }
    }

    /// A keystore-home account store with this platform added as `dev`
    /// and `phone` logged in.
    pub(crate) async fn phone_home(
        &self,
        phone: &str,
    ) -> (tempfile::TempDir, palmbid_core::account::AccountStore) {
        self.phone_home_at(phone, &self.server.base_url()).await
    }

    /// As [`TestPlatform::phone_home`], with the platform added at `base`
    /// (its public address when that is not the listening one).
    pub(crate) async fn phone_home_at(
        &self,
        phone: &str,
        base: &str,
    ) -> (tempfile::TempDir, palmbid_core::account::AccountStore) {
        use palmbid_core::account;
        let home = tempfile::tempdir().unwrap();
        let store = account::AccountStore::open(home.path()).unwrap();
        account::add_platform(&store, "dev", base, 1).await.unwrap();
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

/// A phone: account store, keystore, logged in and identity-approved.
pub(crate) struct Phone {
    pub(crate) home: tempfile::TempDir,
    pub(crate) store: AccountStore,
    pub(crate) keystore: Keystore,
}

pub(crate) async fn phone(platform: &TestPlatform, number: &str) -> Phone {
    phone_at(platform, number, &platform.server.base_url()).await
}

/// As [`phone`], with the platform added at `base`.
pub(crate) async fn phone_at(platform: &TestPlatform, number: &str, base: &str) -> Phone {
    let (home, store) = platform.phone_home_at(number, base).await;
    let code = account::request_identity_code(&store, "dev").await.unwrap();
    account::submit_identity(&store, "dev", "张三", ID, &code.code, b"video")
        .await
        .unwrap();
    let keystore = open_keystore(home.path());
    Phone {
        home,
        store,
        keystore,
    }
}

/// Opens the keystore of a phone home, with cheap Argon2 parameters.
pub(crate) fn open_keystore(home: &std::path::Path) -> Keystore {
    let binding = SoftwareDeviceBinding::open(&home.join("device.key")).unwrap();
    let cheap = KdfParams {
        m_cost_kib: 256,
        t_cost: 1,
        p_cost: 1,
    };
    Keystore::open_with_kdf(home, Arc::new(binding), cheap).unwrap()
}

pub(crate) fn pin() -> Pin {
    Pin::chosen(PIN.to_owned()).unwrap()
}

pub(crate) fn console() -> reqwest::Client {
    palmbid_core::api::client::install_ring_provider();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Enters an order for `phone` on the console; returns its page path.
pub(crate) async fn enter_order(platform: &TestPlatform, phone: &str) -> String {
    enter_order_for(platform, phone, "示例科技有限公司", CREDIT, true).await
}

/// Enters an order for `phone` of `company` (`credit_code`), with the
/// personal and company seals when `seals`; returns its page path.
pub(crate) async fn enter_order_for(
    platform: &TestPlatform,
    phone: &str,
    company: &str,
    credit_code: &str,
    seals: bool,
) -> String {
    let mut form = vec![
        ("name", "张三"),
        ("phone", phone),
        ("company", company),
        ("credit_code", credit_code),
    ];
    if seals {
        form.extend([("seal_personal", "on"), ("seal_company", "on")]);
    }
    let response = console()
        .post(platform.url("/console/orders"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    response.headers()["location"].to_str().unwrap().to_owned()
}

pub(crate) async fn approve(platform: &TestPlatform, order_page: &str) {
    let response = console()
        .post(platform.url(&format!("{order_page}/approve")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
}

/// The pickup URL shown on an order's page.
pub(crate) async fn pickup_url(platform: &TestPlatform, order_page: &str) -> String {
    let page = console()
        .get(platform.url(order_page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = page.find("<code id=\"pickup-url\">").unwrap() + "<code id=\"pickup-url\">".len();
    let end = start + page[start..].find("</code>").unwrap();
    assert!(page.contains("<svg"), "no QR code drawn");
    page[start..end].to_owned()
}

pub(crate) async fn register_company(platform: &TestPlatform) {
    register(platform, "示例科技有限公司", CREDIT).await;
}

/// Enters `company` with `credit_code` in the entity registry (主体库).
pub(crate) async fn register(platform: &TestPlatform, company: &str, credit_code: &str) {
    let response = console()
        .post(platform.url("/console/registry"))
        .form(&[("company", company), ("credit_code", credit_code)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
}

pub(crate) async fn order_state(platform: &TestPlatform, order_page: &str) -> String {
    let json: serde_json::Value = console()
        .get(platform.url(&format!("{order_page}/status")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    json["state"].as_str().unwrap().to_owned()
}

pub(crate) async fn approved_order(platform: &TestPlatform, phone: &str) -> (String, String) {
    let page = enter_order(platform, phone).await;
    approve(platform, &page).await;
    let url = pickup_url(platform, &page).await;
    (page, url)
}

/// Approves every pending identity case on the console.
pub(crate) async fn approve_identity(platform: &TestPlatform) {
    let page = console()
        .get(platform.url("/console/identity"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for part in page.split("action=\"").skip(1) {
        let path = &part[..part.find('"').unwrap()];
        if path.ends_with("/approve") {
            let status = console()
                .post(platform.url(path))
                .send()
                .await
                .unwrap()
                .status();
            assert_eq!(status, 303);
        }
    }
}
