//! palmbid-ffi: the uniffi bindings of palmbid-core for the Android and iOS
//! apps.
//!
//! This crate is the thin FFI ring around the core: every export converts
//! types and errors and calls the core, nothing more. What it adds is what
//! only the FFI needs:
//!
//! - [`error`]: the one flattened error, `PalmbidError`, with the core's
//!   stable code and messages in Chinese and English.
//! - [`runtime`]: the library's tokio runtime; heavy work runs on its
//!   blocking pool, and a panic under an export becomes `ffi.panic`.
//! - [`device`]: the app's hardware-backed `DeviceBinding`.
//! - [`logging`]: `tracing` events forwarded to the app's `Logger`.
//! - [`keystore`]: the `Keystore` object: opening, certificates, PIN.
//! - [`enroll`]: requests, installation, PKCS#12 and PKCS#8 imports.
//! - [`sign`]: detached CMS signatures and their verification.
//! - [`envelope`]: envelope decryption, key release, encryption.
//! - [`account`]: the `Account` object: trusted platforms, SMS login,
//!   identity verification, certificate pickup.
//! - [`qr`]: `Account.scanCode` and the `QrRequest` object: QR codes of
//!   the portal and the bid toolbox, from confirm screen to answer.
//! - [`hall`]: the bid-opening hall: projects, `Account.watchHall` with
//!   the app's `HallListener`, sign-in, decryption check and decryption.
//! - [`records`]: the plain values that cross the FFI.
//!
//! Kotlin and Swift are generated from the built library; see
//! `bindings/README.md`.

uniffi::setup_scaffolding!();

pub mod account;
pub mod device;
pub mod enroll;
pub mod envelope;
pub mod error;
pub mod hall;
pub mod keystore;
pub mod logging;
pub mod qr;
pub mod records;
mod runtime;
pub mod sign;
pub mod signature_log;

pub use error::PalmbidError;

/// Panics under the panic guard, to let app test suites check that a panic
/// in palmbid arrives as `PalmbidException` with code `ffi.panic` and does
/// not abort the process. Apps never call this.
///
/// # Errors
/// Always `ffi.panic`.
#[uniffi::export]
pub fn panic_for_testing() -> Result<(), PalmbidError> {
    runtime::guard("panic_for_testing", || {
        panic!("deliberate panic for a binding test")
    })
}

/// Now, in seconds since the Unix epoch, for signing times and validity
/// checks.
///
/// NOTE: this is the phone's clock; once the core keeps the platform's
/// clock offset, signing and validity should use server time instead.
fn unix_now() -> i64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX)
}
