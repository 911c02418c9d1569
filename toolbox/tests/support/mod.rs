//! A whole bench on one machine: the reference platform on loopback, a
//! phone (keystore and account store in a temporary home) logged in,
//! identity-approved and holding a certificate pair picked up from the
//! platform's CA, and a toolbox trusting that CA.
#![allow(dead_code, reason = "each test file uses part of the bench")]
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

pub(crate) mod cdp;

use std::sync::Arc;
use std::time::Duration;

use palmbid_core::account::{self, AccountStore};
use palmbid_core::api::qr::QrState;
use palmbid_core::keystore::{KdfParams, Keystore, Pin, SoftwareDeviceBinding};
use palmbid_core::pki::CertInfo;
use palmbid_core::qr::{self, Scanned, ScannedRequest};
use palmbid_platform::{Config, Platform, RunningPlatform};
use palmbid_toolbox::relay::{Relay, Screen};
use palmbid_toolbox::tasks::Toolbox;
use tokio::sync::watch;

pub(crate) const PHONE: &str = "13800138000";
pub(crate) const OTHER_PHONE: &str = "13900139000";
pub(crate) const ID_NUMBER: &str = "11010519491231002X";
pub(crate) const CREDIT: &str = "91110000802100433B";
pub(crate) const COMPANY: &str = "示例科技有限公司";
pub(crate) const PIN: &str = "135790";

/// The platform and its data folder.
pub(crate) struct Bench {
    pub(crate) server: RunningPlatform,
    pub(crate) data: tempfile::TempDir,
}

/// A phone with its stores.
pub(crate) struct Phone {
    pub(crate) home: tempfile::TempDir,
    pub(crate) store: AccountStore,
    pub(crate) keystore: Keystore,
}

impl Bench {
    pub(crate) async fn start() -> Self {
        let data = tempfile::tempdir().unwrap();
        let mut config = Config::new("127.0.0.1:0".parse().unwrap(), data.path().to_path_buf());
        config.dev_auto_approve = true;
        let server = Platform::spawn(config).await.unwrap();
        let bench = Bench { server, data };
        bench.register_company().await;
        bench
    }

    pub(crate) fn base_url(&self) -> String {
        self.server.base_url()
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url(), path.trim_start_matches('/'))
    }

    /// The platform root.
    pub(crate) fn anchor(&self) -> CertInfo {
        let pem = std::fs::read(self.data.path().join("ca").join("root.pem")).unwrap();
        CertInfo::from_pem_or_der(&pem, "root").unwrap()
    }

    /// A toolbox trusting the platform root.
    pub(crate) fn toolbox(&self) -> Toolbox {
        Toolbox::new(
            Relay::new(&self.base_url()).unwrap(),
            vec![self.anchor()],
            "PC-TEST",
        )
    }

    /// A phone logged in as `number` with approved identity, no
    /// certificate yet.
    pub(crate) async fn bare_phone(&self, number: &str) -> Phone {
        let home = tempfile::tempdir().unwrap();
        let store = AccountStore::open(home.path()).unwrap();
        account::add_platform(&store, "dev", &self.base_url(), 1)
            .await
            .unwrap();
        account::request_login_code(&store, "dev", number)
            .await
            .unwrap();
        let code =
            std::fs::read_to_string(self.data.path().join("sms").join(format!("{number}.txt")))
                .unwrap();
        let terms = account::current_terms(&store, "dev").await.unwrap();
        account::login(&store, "dev", number, code.trim(), &terms)
            .await
            .unwrap();
        let identity = account::request_identity_code(&store, "dev").await.unwrap();
        account::submit_identity(&store, "dev", "张三", ID_NUMBER, &identity.code, b"video")
            .await
            .unwrap();
        let binding = SoftwareDeviceBinding::open(&home.path().join("device.key")).unwrap();
        let cheap = KdfParams {
            m_cost_kib: 256,
            t_cost: 1,
            p_cost: 1,
        };
        let keystore = Keystore::open_with_kdf(home.path(), Arc::new(binding), cheap).unwrap();
        Phone {
            home,
            store,
            keystore,
        }
    }

    /// A phone holding a certificate pair with personal and company seals.
    pub(crate) async fn phone(&self, number: &str) -> Phone {
        let phone = self.bare_phone(number).await;
        let url = self.approved_order(number).await;
        let scanned = account::scan(&phone.store, &url).await.unwrap();
        account::pick_up(&phone.store, &phone.keystore, &scanned, &pin(), &[])
            .await
            .unwrap();
        account::download(
            &phone.store,
            &phone.keystore,
            "dev",
            &scanned.offer.pickup_id,
            &pin(),
        )
        .await
        .unwrap();
        phone
    }

    async fn register_company(&self) {
        let response = console()
            .post(self.url("/console/registry"))
            .form(&[("company", COMPANY), ("credit_code", CREDIT)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
    }

    /// Enters and approves an order for `number`; returns its pickup URL.
    pub(crate) async fn approved_order(&self, number: &str) -> String {
        let response = console()
            .post(self.url("/console/orders"))
            .form(&[
                ("name", "张三"),
                ("phone", number),
                ("company", COMPANY),
                ("credit_code", CREDIT),
                ("seal_personal", "on"),
                ("seal_company", "on"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        let page = response.headers()["location"].to_str().unwrap().to_owned();
        let approved = console()
            .post(self.url(&format!("{page}/approve")))
            .send()
            .await
            .unwrap();
        assert_eq!(approved.status(), 303);
        let html = console()
            .get(self.url(&page))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let marker = "<code id=\"pickup-url\">";
        let start = html.find(marker).unwrap() + marker.len();
        let end = start + html[start..].find("</code>").unwrap();
        html[start..end].to_owned()
    }
}

pub(crate) fn pin() -> Pin {
    Pin::chosen(PIN.to_owned()).unwrap()
}

pub(crate) fn wrong_pin() -> Pin {
    Pin::entered("975310".to_owned())
}

pub(crate) fn console() -> reqwest::Client {
    palmbid_core::api::client::install_ring_provider();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The desktop screen of a test: the latest frame and the login number
/// go to a watch channel the phone side reads; states are recorded.
pub(crate) struct TestScreen {
    frames: watch::Sender<Option<(String, Option<u8>)>>,
    pub(crate) states: Vec<QrState>,
}

impl Screen for TestScreen {
    fn frame(&mut self, url: &str, match_number: Option<u8>, _seconds_left: i64) {
        let _ = self.frames.send(Some((url.to_owned(), match_number)));
    }

    fn state(&mut self, state: QrState) {
        self.states.push(state);
    }
}

/// A screen and the receiver of its frames.
pub(crate) fn screen() -> (TestScreen, Frames) {
    let (frames, receiver) = watch::channel(None);
    (
        TestScreen {
            frames,
            states: Vec::new(),
        },
        Frames(receiver),
    )
}

/// The frames a desktop shows, as the phone's camera sees them.
pub(crate) struct Frames(watch::Receiver<Option<(String, Option<u8>)>>);

impl Frames {
    /// The newest frame, waiting up to 10 s for the first.
    pub(crate) async fn latest(&mut self) -> (String, Option<u8>) {
        tokio::time::timeout(Duration::from_secs(10), self.0.wait_for(Option::is_some))
            .await
            .expect("no QR frame within 10 s")
            .unwrap()
            .clone()
            .unwrap()
    }
}

/// Scans the newest frame and returns the request.
pub(crate) async fn scan_request(
    phone: &Phone,
    frames: &mut Frames,
) -> (Box<ScannedRequest>, Option<u8>) {
    let (url, number) = frames.latest().await;
    match qr::scan(&phone.store, &phone.keystore, &url).await.unwrap() {
        Scanned::Request(request) => (request, number),
        Scanned::Pickup(_) => panic!("a request frame read as a pickup code"),
    }
}
