//! Device attestation with the certificate pickup, against a real platform
//! on loopback. The chains are synthetic Android key attestation chains
//! made with rcgen: a test root, an intermediate, and a leaf with a
//! hand-encoded KeyDescription. The phone's real pickup sends them, the
//! platform judges them, and the operator's order page shows the result.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use common::{
    PHONE, TestPlatform, approve_identity, approved_order, console, order_state, phone, pin,
};
use palmbid_core::account::{self, AccountError, ScannedPickup};
use palmbid_core::api::ApiError;
use palmbid_core::api::ErrorCode;
use palmbid_core::api::pickup::pickup_attestation_challenge;
use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DnType, IsCa, Issuer, KeyPair,
    PKCS_ECDSA_P256_SHA256, PKCS_ECDSA_P384_SHA384, PKCS_RSA_SHA256, SignatureAlgorithm,
};

/// OID arcs of the KeyDescription extension.
const KEY_DESCRIPTION: &[u64] = &[1, 3, 6, 1, 4, 1, 11129, 2, 1, 17];

/// A test-only RSA key for the root, as Google's first attestation root is
/// RSA (ring signs with RSA but does not make RSA keys).
const RSA_ROOT_KEY: &str = include_str!("data/attestation-rsa-root.key.pem");

/// StrongBox, as `attestationSecurityLevel` encodes it.
const STRONG_BOX: u8 = 2;
/// TrustedEnvironment.
const TEE: u8 = 1;

/// DER of one TLV with a short or one-byte long length.
fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    match value.len() {
        len @ 0..=127 => out.push(u8::try_from(len).unwrap()),
        len => {
            out.push(0x81);
            out.push(u8::try_from(len).unwrap());
        }
    }
    out.extend(value);
    out
}

/// A KeyDescription (attestation version 300) of `level` for `challenge`,
/// with empty authorization lists.
fn key_description(level: u8, challenge: &[u8]) -> Vec<u8> {
    let version = tlv(0x02, &[0x01, 0x2c]);
    let level = tlv(0x0a, &[level]);
    let body = [
        version.clone(),
        level.clone(),
        version,
        level,
        tlv(0x04, challenge),
        tlv(0x04, &[]),
        tlv(0x30, &[]),
        tlv(0x30, &[]),
    ]
    .concat();
    tlv(0x30, &body)
}

/// A synthetic attestation chain: its DER certificates, leaf first, and
/// the root's PEM for `--attestation-root`.
struct Chain {
    der: Vec<Vec<u8>>,
    root_pem: String,
}

fn ca_params(name: &str) -> CertificateParams {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
}

/// Root (`root_key`) → intermediate (P-256) → leaf (P-256) whose
/// KeyDescription extension contains `extension`.
fn chain_with(root_key: &KeyPair, extension: Vec<u8>) -> Chain {
    let root_params = ca_params("Test attestation root");
    let root = root_params.self_signed(root_key).unwrap();
    let root_issuer = Issuer::from_params(&root_params, root_key);

    let intermediate_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
    let intermediate_params = ca_params("Test attestation intermediate");
    let intermediate = intermediate_params
        .signed_by(&intermediate_key, &root_issuer)
        .unwrap();
    let intermediate_issuer = Issuer::from_params(&intermediate_params, &intermediate_key);

    let leaf_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
    let mut leaf_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, "Android Keystore Key");
    leaf_params.custom_extensions = vec![CustomExtension::from_oid_content(
        KEY_DESCRIPTION,
        extension,
    )];
    let leaf = leaf_params
        .signed_by(&leaf_key, &intermediate_issuer)
        .unwrap();

    Chain {
        der: vec![
            leaf.der().to_vec(),
            intermediate.der().to_vec(),
            root.der().to_vec(),
        ],
        root_pem: root.pem(),
    }
}

fn ec_root(algorithm: &'static SignatureAlgorithm) -> KeyPair {
    KeyPair::generate_for(algorithm).unwrap()
}

fn rsa_root() -> KeyPair {
    KeyPair::from_pem_and_sign_algo(RSA_ROOT_KEY, &PKCS_RSA_SHA256).unwrap()
}

/// Makes a chain for the order of `pickup_id` at `level`, under a P-384
/// root.
fn chain_for(pickup_id: &str, level: u8) -> Chain {
    chain_with(
        &ec_root(&PKCS_ECDSA_P384_SHA384),
        key_description(level, &pickup_attestation_challenge(pickup_id)),
    )
}

/// Starts a platform configured by `configure`, logs a phone in, verifies
/// it and scans an approved order. Returns the order's page and the scan.
async fn scanned_order(
    configure: impl FnOnce(&mut palmbid_platform::Config),
) -> (TestPlatform, common::Phone, String, ScannedPickup) {
    let platform = TestPlatform::start_configured(configure).await;
    let phone = phone(&platform, PHONE).await;
    approve_identity(&platform).await;
    let (page, url) = approved_order(&platform, PHONE).await;
    let scanned = account::scan(&phone.store, &url).await.unwrap();
    (platform, phone, page, scanned)
}

/// Reads the `#attestation` element of the order's page: its opening tag
/// and text.
async fn attestation_on_page(platform: &TestPlatform, page: &str) -> String {
    let html = console()
        .get(platform.url(page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = html.find("<span id=\"attestation\"").unwrap();
    let end = start + html[start..].find("</span>").unwrap();
    html[start..end].to_owned()
}

/// Extracts the platform's error code and both messages.
fn refusal(result: Result<impl std::fmt::Debug, AccountError>) -> (ErrorCode, String, String) {
    match result {
        Err(AccountError::Api(ApiError::Refused { body, .. })) => {
            (body.code, body.message, body.message_zh)
        }
        other => panic!("expected the platform's refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn trusted_rsa_root_is_recorded() {
    let root_key = rsa_root();
    let root_file = tempfile::NamedTempFile::new().unwrap();
    // The root the operator trusts is one made with the same key.
    let probe = chain_with(&root_key, key_description(TEE, b"probe"));
    std::fs::write(root_file.path(), &probe.root_pem).unwrap();
    let root_path = root_file.path().to_path_buf();
    let (platform, phone, page, scanned) =
        scanned_order(|config| config.attestation_roots = vec![root_path]).await;
    let chain = chain_with(
        &root_key,
        key_description(
            STRONG_BOX,
            &pickup_attestation_challenge(&scanned.offer.pickup_id),
        ),
    );

    account::pick_up(&phone.store, &phone.keystore, &scanned, &pin(), &chain.der)
        .await
        .unwrap();
    let shown = attestation_on_page(&platform, &page).await;

    assert_eq!(order_state(&platform, &page).await, "picked_up");
    assert!(shown.contains("data-result=\"verified\""), "{shown}");
    assert!(
        shown.contains("data-security-level=\"strong_box\""),
        "{shown}"
    );
    assert!(shown.contains("data-root-trusted=\"true\""), "{shown}");
    assert!(shown.contains("安全芯片 StrongBox"), "{shown}");
    assert!(shown.contains("根证书受信任 root trusted"), "{shown}");
}

#[tokio::test]
async fn unknown_root_is_recorded_untrusted() {
    let (platform, phone, page, scanned) = scanned_order(|_| {}).await;
    let chain = chain_for(&scanned.offer.pickup_id, TEE);
    let root_fingerprint = {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(chain.der.last().unwrap()))
    };

    account::pick_up(&phone.store, &phone.keystore, &scanned, &pin(), &chain.der)
        .await
        .unwrap();
    let shown = attestation_on_page(&platform, &page).await;

    assert!(shown.contains("data-result=\"verified\""), "{shown}");
    assert!(
        shown.contains("data-security-level=\"trusted_environment\""),
        "{shown}"
    );
    assert!(shown.contains("data-root-trusted=\"false\""), "{shown}");
    assert!(shown.contains("根证书不受信任 root not trusted"), "{shown}");
    assert!(shown.contains(&root_fingerprint), "{shown}");
}

#[tokio::test]
async fn other_order_chain_rejected_at_no_cost() {
    let (platform, phone, page, scanned) = scanned_order(|_| {}).await;
    let other = chain_for("0123456789abcdef0123456789abcdef", STRONG_BOX);

    let (code, en, zh) = refusal(
        account::pick_up(&phone.store, &phone.keystore, &scanned, &pin(), &other.der).await,
    );
    let state = order_state(&platform, &page).await;
    let shown = attestation_on_page(&platform, &page).await;
    // The same keys with a chain for this order go through.
    let good = chain_for(&scanned.offer.pickup_id, STRONG_BOX);
    account::pick_up(&phone.store, &phone.keystore, &scanned, &pin(), &good.der)
        .await
        .unwrap();

    assert_eq!(code, ErrorCode::PickupAttestationInvalid);
    assert!(en.contains("another challenge"), "{en}");
    assert!(zh.contains("挑战值"), "{zh}");
    assert_eq!(state, "approved", "a refused chain must not issue");
    assert!(shown.contains("data-result=\"invalid\""), "{shown}");
    assert!(shown.contains("挑战值"), "{shown}");
    assert_eq!(order_state(&platform, &page).await, "picked_up");
    let shown = attestation_on_page(&platform, &page).await;
    assert!(shown.contains("data-result=\"verified\""), "{shown}");
}

#[tokio::test]
async fn bad_chains_rejected_naming_fault() {
    let (platform, phone, page, scanned) = scanned_order(|_| {}).await;
    let id = scanned.offer.pickup_id.clone();

    // A flipped bit in the leaf's signature (its last byte).
    let mut broken = chain_for(&id, TEE).der;
    let last = broken[0].len() - 1;
    broken[0][last] ^= 1;
    // A flipped bit in the RSA signature of the intermediate.
    let mut broken_rsa = chain_with(
        &rsa_root(),
        key_description(TEE, &pickup_attestation_challenge(&id)),
    )
    .der;
    let last = broken_rsa[1].len() - 1;
    broken_rsa[1][last] ^= 1;
    // The intermediate swapped for one of another chain: the leaf is not
    // signed by it.
    let mut foreign = chain_for(&id, TEE).der;
    foreign[1] = chain_for(&id, TEE).der.remove(1);
    // Nine certificates, one more than allowed.
    let mut long = chain_for(&id, TEE).der;
    while long.len() < 9 {
        long.insert(1, long[1].clone());
    }
    let garbage = chain_with(
        &ec_root(&PKCS_ECDSA_P256_SHA256),
        vec![0x30, 0x03, 0x02, 0x01],
    );
    let no_extension = {
        let mut chain = chain_for(&id, TEE).der;
        chain.remove(0);
        chain
    };
    let cases: [(&str, Vec<Vec<u8>>, &str, &str); 6] = [
        ("broken signature", broken, "certificate 1", "第 1 张"),
        (
            "broken RSA signature",
            broken_rsa,
            "certificate 2",
            "第 2 张",
        ),
        (
            "foreign intermediate",
            foreign,
            "not signed by certificate 2",
            "第 2 张",
        ),
        ("too long", long, "9 certificates", "9 张"),
        ("malformed extension", garbage.der, "malformed", "格式错误"),
        (
            "no key description",
            no_extension,
            "no key description",
            "密钥描述",
        ),
    ];

    for (case, chain, en_part, zh_part) in cases {
        let (code, en, zh) = refusal(
            account::pick_up(&phone.store, &phone.keystore, &scanned, &pin(), &chain).await,
        );
        assert_eq!(code, ErrorCode::PickupAttestationInvalid, "{case}: {en}");
        assert!(en.contains(en_part), "{case}: {en}");
        assert!(zh.contains(zh_part), "{case}: {zh}");
    }
    assert_eq!(order_state(&platform, &page).await, "approved");
}

#[tokio::test]
async fn undecodable_certificates_rejected() {
    let (_platform, phone, _page, scanned) = scanned_order(|_| {}).await;
    let client = account::client_for(&phone.store, "dev").unwrap();
    let subject = palmbid_core::pki::Subject {
        name: "张三".into(),
        company: "示例科技有限公司".into(),
        credit_code: common::CREDIT.into(),
    };
    let csr = |role| {
        let der = palmbid_core::pki::build_csr(&palmbid_core::pki::generate_key(), &subject, role)
            .unwrap();
        der::pem::encode_string("CERTIFICATE REQUEST", der::pem::LineEnding::LF, &der).unwrap()
    };
    let signing = csr(palmbid_core::pki::KeyRole::Signing);
    let encryption = csr(palmbid_core::pki::KeyRole::Encryption);
    let cases = [
        (vec!["not base64!".to_owned()], "not standard base64"),
        (vec!["MAMCAQE=".to_owned()], "not a DER X.509 certificate"),
        (vec!["A".repeat(30_000)], "larger than 16384 bytes"),
    ];

    for (chain, expected) in cases {
        let body = palmbid_core::api::pickup::CertificateRequest {
            signing_csr_pem: signing.clone(),
            encryption_csr_pem: encryption.clone(),
            device_attestation: chain,
        };
        let err = client
            .request_certificates(&scanned.offer.pickup_id, &body)
            .await
            .unwrap_err();
        assert_eq!(
            err.server_code(),
            Some(ErrorCode::PickupAttestationInvalid),
            "{err}"
        );
        assert!(err.to_string().contains(expected), "{err}");
    }
}

#[tokio::test]
async fn absent_chain_accepted_by_default() {
    let (platform, phone, page, scanned) = scanned_order(|_| {}).await;

    account::pick_up(&phone.store, &phone.keystore, &scanned, &pin(), &[])
        .await
        .unwrap();
    let shown = attestation_on_page(&platform, &page).await;

    assert_eq!(order_state(&platform, &page).await, "picked_up");
    assert!(shown.contains("data-result=\"absent\""), "{shown}");
}

#[tokio::test]
async fn absent_chain_rejected_when_required() {
    let (platform, phone, page, scanned) =
        scanned_order(|config| config.require_attestation = true).await;

    let (code, en, zh) =
        refusal(account::pick_up(&phone.store, &phone.keystore, &scanned, &pin(), &[]).await);
    let state = order_state(&platform, &page).await;
    let chain = chain_for(&scanned.offer.pickup_id, STRONG_BOX);
    account::pick_up(&phone.store, &phone.keystore, &scanned, &pin(), &chain.der)
        .await
        .unwrap();

    assert_eq!(code, ErrorCode::PickupAttestationRequired);
    assert!(en.contains("requires a device attestation"), "{en}");
    assert!(zh.contains("设备证明"), "{zh}");
    assert_eq!(state, "approved");
    assert_eq!(order_state(&platform, &page).await, "picked_up");
}

#[tokio::test]
async fn unusable_root_file_stops_startup() {
    let data = tempfile::tempdir().unwrap();
    let root_file = data.path().join("roots.pem");
    std::fs::write(&root_file, "not a certificate").unwrap();
    let mut config =
        palmbid_platform::Config::new("127.0.0.1:0".parse().unwrap(), data.path().join("data"));
    config.attestation_roots = vec![root_file.clone(), data.path().join("missing.pem")];

    let result = palmbid_platform::Platform::spawn(config).await;

    let Err(err) = result else {
        panic!("the platform started with an unusable root file");
    };
    assert!(
        matches!(err, palmbid_platform::PlatformError::AttestationRoot(_)),
        "{err}"
    );
    assert!(err.to_string().contains("roots.pem"), "{err}");
}
