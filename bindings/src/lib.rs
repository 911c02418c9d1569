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
//! - [`keystore`]: the `Keystore` object and its operations.
//!
//! Kotlin and Swift are generated from the built library; see
//! `bindings/README.md`.

uniffi::setup_scaffolding!();

pub mod device;
pub mod error;
pub mod keystore;
pub mod logging;
pub mod records;
mod runtime;

pub use error::PalmbidError;

/// Panics under the panic guard, to let app test suites check that a panic
/// in palmbid arrives as `PalmbidException` with code `ffi.panic` and does
/// not abort the process. Apps never call this.
///
/// # Errors
/// Always `ffi.panic`.
#[uniffi::export]
pub fn panic_for_testing() -> Result<(), PalmbidError> {
    runtime::guard("panic_for_testing", || panic!("deliberate panic for a binding test"))
}
