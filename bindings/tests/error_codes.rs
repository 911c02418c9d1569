//! Every core error code reaches the FFI unchanged, and no two core error
//! variants share a code.
//!
//! The codes are read from the `fn code(&self)` bodies of the core sources,
//! so a variant added later is checked without editing this test.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use palmbid_ffi::PalmbidError;

/// `(code, file)` for every string literal in a `fn code(&self)` body.
fn core_codes() -> Vec<(String, PathBuf)> {
    let core_src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/src");
    let mut files = Vec::new();
    collect_rust_files(&core_src, &mut files);

    let mut codes = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("core sources are readable");
        let mut rest = text.as_str();
        while let Some(start) = rest.find("fn code(&self)") {
            let body = &rest[start..];
            let end = body.find("fn message_zh").unwrap_or(body.len());
            for literal in body[..end].split('"').skip(1).step_by(2) {
                codes.push((literal.to_owned(), file.clone()));
            }
            rest = &body[end..];
        }
    }
    codes
}

fn collect_rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("core/src is listable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            collect_rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn is_snake(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

#[test]
fn core_codes_are_distinct_well_formed_and_outside_the_ffi_namespace() {
    let codes = core_codes();
    assert!(
        codes.len() >= 20,
        "found only {} codes; did the scan break?",
        codes.len()
    );

    let mut seen: BTreeMap<&str, &Path> = BTreeMap::new();
    for (code, file) in &codes {
        let (module, reason) = code.split_once('.').unwrap_or(("", ""));
        assert!(
            is_snake(module) && is_snake(reason),
            "{code} in {} is not module.snake_reason",
            file.display()
        );
        assert_ne!(
            module,
            "ffi",
            "{code} in {} uses the FFI's namespace",
            file.display()
        );
        if let Some(first) = seen.insert(code, file) {
            panic!(
                "{code} is used twice: {} and {}",
                first.display(),
                file.display()
            );
        }
    }
}

#[test]
fn a_core_error_keeps_its_code_and_both_messages_at_the_ffi() {
    let core = palmbid_core::pki::CertInfo::from_der(b"not a certificate", "test input")
        .expect_err("garbage is not a certificate");

    let PalmbidError::Failed {
        code,
        message_zh,
        message_en,
    } = PalmbidError::from_core(core);

    assert_eq!(code, "pki.invalid_certificate");
    assert!(message_en.contains("test input"), "{message_en}");
    assert!(
        message_zh.contains("test input") && message_zh != message_en,
        "{message_zh}"
    );
}

#[test]
fn account_errors_and_platform_refusals_keep_their_codes_at_the_ffi() {
    use palmbid_core::account::AccountError;
    use palmbid_core::api::{ApiError, ErrorBody, ErrorCode};

    let invalid_phone = PalmbidError::from_core(AccountError::InvalidPhone {
        phone: "12345".to_owned(),
    });
    let refused = PalmbidError::from_core(AccountError::Api(ApiError::Refused {
        status: 400,
        body: ErrorBody {
            code: ErrorCode::SmsCodeWrong,
            message: "the SMS code is wrong".to_owned(),
            message_zh: "短信验证码错误".to_owned(),
        },
    }));

    let PalmbidError::Failed {
        code, message_en, ..
    } = invalid_phone;
    assert_eq!(code, "account.invalid_phone");
    assert!(message_en.contains("12345"), "{message_en}");

    let PalmbidError::Failed {
        code,
        message_zh,
        message_en,
    } = refused;
    assert_eq!(code, "auth.sms_code_wrong");
    assert_eq!(message_zh, "短信验证码错误");
    assert!(message_en.contains("the SMS code is wrong"), "{message_en}");
}
