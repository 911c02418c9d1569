//! SMS code login against a real platform on loopback: the happy path and
//! each abuse case with its own error code.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use common::{TestPlatform, login_request, other_code};
use palmbid_core::api::ErrorCode;
use palmbid_core::api::auth::{SMS_CODE_TTL_SECS, SMS_RESEND_SECS};
use palmbid_core::api::client::PlatformClient;

const PHONE: &str = "13800138000";

fn refused_with(result: Result<impl std::fmt::Debug, palmbid_core::api::ApiError>) -> ErrorCode {
    match result {
        Err(err) => err
            .server_code()
            .unwrap_or_else(|| panic!("not a refusal: {err:?}")),
        Ok(v) => panic!("accepted: {v:?}"),
    }
}

#[tokio::test]
async fn login_me_and_logout() {
    let platform = TestPlatform::start().await;
    let mut client = platform.client();

    let sent = client.request_sms_code(PHONE).await.unwrap();
    let code = platform.sms_code(PHONE);
    let session = client.login(&login_request(PHONE, &code)).await.unwrap();
    let me = client.me().await.unwrap();

    assert_eq!(code.len(), 6);
    assert_eq!(sent.expires_at - client.server_now(), SMS_CODE_TTL_SECS);
    assert_eq!(session.phone, PHONE);
    assert_eq!(session.token.len(), 64);
    assert_eq!(me.phone, PHONE);
    assert_eq!(me.agreement_version, sent.agreement_version);
    assert_eq!(me.privacy_version, sent.privacy_version);

    client.logout().await.unwrap();
    let mut stale = platform.client();
    stale.set_token(zeroize::Zeroizing::new(session.token.clone()));
    assert_eq!(refused_with(stale.me().await), ErrorCode::Unauthorized);
}

#[tokio::test]
async fn wrong_code_counts_and_right_code_still_works() {
    let platform = TestPlatform::start().await;
    let mut client = platform.client();
    client.request_sms_code(PHONE).await.unwrap();
    let code = platform.sms_code(PHONE);

    let err = client
        .login(&login_request(PHONE, &other_code(&code)))
        .await
        .unwrap_err();

    assert_eq!(err.server_code(), Some(ErrorCode::SmsCodeWrong));
    assert!(err.to_string().contains("4 tries left"), "{err}");
    client.login(&login_request(PHONE, &code)).await.unwrap();
}

#[tokio::test]
async fn five_wrong_tries_void_the_code() {
    let platform = TestPlatform::start().await;
    let mut client = platform.client();
    client.request_sms_code(PHONE).await.unwrap();
    let code = platform.sms_code(PHONE);
    let wrong = login_request(PHONE, &other_code(&code));

    for _ in 0..4 {
        assert_eq!(
            refused_with(client.login(&wrong).await),
            ErrorCode::SmsCodeWrong
        );
    }
    let fifth = refused_with(client.login(&wrong).await);
    let right = refused_with(client.login(&login_request(PHONE, &code)).await);

    assert_eq!(fifth, ErrorCode::SmsCodeExhausted);
    assert_eq!(right, ErrorCode::SmsCodeExhausted);
}

#[tokio::test]
async fn expired_code_is_refused() {
    let platform = TestPlatform::start().await;
    let mut client = platform.client();
    client.request_sms_code(PHONE).await.unwrap();
    let code = platform.sms_code(PHONE);

    platform.server.clock().advance(SMS_CODE_TTL_SECS);
    let code_result = client.login(&login_request(PHONE, &code)).await;

    assert_eq!(refused_with(code_result), ErrorCode::SmsCodeExpired);
}

#[tokio::test]
async fn used_code_cannot_log_in_again() {
    let platform = TestPlatform::start().await;
    let mut client = platform.client();
    client.request_sms_code(PHONE).await.unwrap();
    let code = platform.sms_code(PHONE);
    client.login(&login_request(PHONE, &code)).await.unwrap();

    let again = client.login(&login_request(PHONE, &code)).await;

    assert_eq!(refused_with(again), ErrorCode::SmsCodeExpired);
}

#[tokio::test]
async fn login_without_a_code_is_refused() {
    let platform = TestPlatform::start().await;
    let mut client = platform.client();

    let result = client.login(&login_request(PHONE, "123456")).await;

    assert_eq!(refused_with(result), ErrorCode::SmsCodeExpired);
}

#[tokio::test]
async fn second_code_within_a_minute_is_refused() {
    let platform = TestPlatform::start().await;
    let client = platform.client();
    client.request_sms_code(PHONE).await.unwrap();

    let again = client.request_sms_code(PHONE).await;
    let other_number = client.request_sms_code("13900139000").await;
    platform.server.clock().advance(SMS_RESEND_SECS);
    let later = client.request_sms_code(PHONE).await;

    match again {
        Err(palmbid_core::api::ApiError::Refused { status, body }) => {
            assert_eq!(status, 429);
            assert_eq!(body.code, ErrorCode::SmsRateLimited);
        }
        other => panic!("{other:?}"),
    }
    other_number.unwrap();
    later.unwrap();
}

#[tokio::test]
async fn new_code_replaces_the_old_one() {
    let platform = TestPlatform::start().await;
    let mut client = platform.client();
    client.request_sms_code(PHONE).await.unwrap();
    let first = platform.sms_code(PHONE);
    platform.server.clock().advance(SMS_RESEND_SECS);
    client.request_sms_code(PHONE).await.unwrap();
    let second = platform.sms_code(PHONE);

    if first != second {
        let old = client.login(&login_request(PHONE, &first)).await;
        assert_eq!(refused_with(old), ErrorCode::SmsCodeWrong);
    }
    client.login(&login_request(PHONE, &second)).await.unwrap();
}

#[tokio::test]
async fn bad_phone_numbers_are_refused() {
    let platform = TestPlatform::start().await;
    let client = platform.client();

    for phone in [
        "1380013800",
        "+8613800138000",
        "../../etc/passwd",
        "12800138000",
    ] {
        let result = client.request_sms_code(phone).await;
        assert_eq!(refused_with(result), ErrorCode::InvalidPhone, "{phone}");
    }
    assert!(!platform.data.path().join("sms").exists());
}

#[tokio::test]
async fn outdated_agreement_is_refused() {
    let platform = TestPlatform::start().await;
    let mut client = platform.client();
    client.request_sms_code(PHONE).await.unwrap();
    let mut request = login_request(PHONE, &platform.sms_code(PHONE));
    request.agreement_version = "2020-01-01".to_owned();

    let result = client.login(&request).await;

    assert_eq!(refused_with(result), ErrorCode::AgreementOutdated);
    // The refusal happened before the code was looked at: it still works.
    client
        .login(&login_request(PHONE, &platform.sms_code(PHONE)))
        .await
        .unwrap();
}

#[tokio::test]
async fn session_calls_need_a_known_token() {
    let platform = TestPlatform::start().await;
    let _logged_in = platform.logged_in(PHONE).await;
    let mut forged = PlatformClient::new(&platform.server.base_url()).unwrap();
    forged.set_token(zeroize::Zeroizing::new("0".repeat(64)));

    let no_token = platform.client().me().await;
    let bad_token = forged.me().await;

    assert!(matches!(
        no_token,
        Err(palmbid_core::api::ApiError::NotLoggedIn)
    ));
    assert_eq!(refused_with(bad_token), ErrorCode::Unauthorized);
}
