//! Messages of CMS errors met through careless input, as a Chinese user
//! reads them: each must be Chinese throughout and say what to do next.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use palmbid_core::cms;
use palmbid_core::error::Localized;

#[test]
fn garbage_envelope_message_is_chinese() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("garbage.p7m");
    std::fs::write(&path, [0xc5u8; 64]).unwrap();

    let err = cms::inspect(&path).unwrap_err();

    assert_eq!(err.code(), "cms.not_an_envelope");
    assert!(
        !err.message_zh().contains("neither"),
        "{}",
        err.message_zh()
    );
}

#[test]
fn missing_envelope_message_is_chinese_with_next_step() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("missing.p7m");

    let err = cms::inspect(&path).unwrap_err();

    assert_eq!(err.code(), "cms.io");
    assert!(
        !err.message_zh().contains("No such file"),
        "{}",
        err.message_zh()
    );
    assert!(err.to_string().contains("check"), "{err}");
}
