//! The device binding as the apps implement it, adapted to the core trait.
//!
//! The apps seal the keystore's 32-byte device secret with a key that
//! cannot leave the phone (Android Keystore, the iOS Secure Enclave). The
//! foreign trait speaks `ByteArray`/`Data` and throws `PalmbidException`;
//! [`ForeignDeviceBinding`] turns that into
//! [`palmbid_core::keystore::DeviceBinding`], so a failing or throwing
//! implementation reaches the core as a `DeviceBindingError` and comes back
//! to the app as the keystore's device-binding error, never as a crash.

use std::sync::Arc;

use palmbid_core::keystore::{self as core, DeviceBindingError};
use zeroize::Zeroizing;

use crate::error::PalmbidError;

/// Seals and unseals the keystore's device secret with a hardware-held key.
///
/// `unseal(seal(x))` must return `x` on the same device, and must fail (throw
/// `PalmbidException`, or any exception) once the hardware key is gone, for
/// example after the app was reinstalled or the device was reset. Throwing
/// anything is safe: palmbid reports it as a device-binding error.
///
/// A key that is only out of reach for now (the phone is locked, the secure
/// hardware is busy) is reported with code `device.locked` or
/// `device.unavailable`. palmbid then raises `keystore.device_unavailable`,
/// whose message asks the user to unlock the phone and retry. Every other
/// code reports the key as lost (`keystore.device_binding`,
/// `keystore.device_unseal`), and the user must have the certificate
/// issued again.
#[uniffi::export(with_foreign)]
pub trait DeviceBinding: Send + Sync {
    /// Encrypts `secret` (32 bytes); palmbid stores the result.
    ///
    /// # Errors
    /// Whatever the implementation reports when the hardware key fails.
    fn seal(&self, secret: Vec<u8>) -> Result<Vec<u8>, PalmbidError>;

    /// Decrypts what [`DeviceBinding::seal`] returned.
    ///
    /// # Errors
    /// Whatever the implementation reports when the key is gone or changed.
    fn unseal(&self, sealed: Vec<u8>) -> Result<Vec<u8>, PalmbidError>;
}

/// The app's [`DeviceBinding`] seen as the core's.
pub(crate) struct ForeignDeviceBinding(pub(crate) Arc<dyn DeviceBinding>);

impl core::DeviceBinding for ForeignDeviceBinding {
    fn seal(&self, secret: &[u8]) -> Result<Vec<u8>, DeviceBindingError> {
        // NOTE: the copy handed to the app is freed by uniffi without being
        // zeroized, and the JVM copy cannot be wiped; both are short-lived.
        self.0.seal(secret.to_vec()).map_err(binding_error)
    }

    fn unseal(&self, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, DeviceBindingError> {
        self.0
            .unseal(sealed.to_vec())
            .map(Zeroizing::new)
            .map_err(binding_error)
    }
}

/// The app's codes for a key that is out of reach only for now.
const RETRYABLE_CODES: [&str; 2] = ["device.locked", "device.unavailable"];

fn binding_error(error: PalmbidError) -> DeviceBindingError {
    let PalmbidError::Failed {
        code, message_en, ..
    } = error;
    let detail = format!("the app's device binding reported {code}: {message_en}");
    if RETRYABLE_CODES.contains(&code.as_str()) {
        DeviceBindingError::unavailable(detail)
    } else {
        DeviceBindingError::failed(detail)
    }
}

#[cfg(test)]
mod tests {
    use palmbid_core::keystore::DeviceBinding as _;

    use super::*;

    struct Reverses;

    impl DeviceBinding for Reverses {
        fn seal(&self, mut secret: Vec<u8>) -> Result<Vec<u8>, PalmbidError> {
            secret.reverse();
            Ok(secret)
        }

        fn unseal(&self, _sealed: Vec<u8>) -> Result<Vec<u8>, PalmbidError> {
            Err(PalmbidError::new(
                "app.key_gone",
                "密钥丢失".to_owned(),
                "key gone".to_owned(),
            ))
        }
    }

    #[test]
    fn adapter_passes_seal_and_names_failure() {
        let binding = ForeignDeviceBinding(Arc::new(Reverses));

        assert_eq!(binding.seal(&[1, 2, 3]).expect("seal"), vec![3, 2, 1]);

        let error = binding.unseal(&[0]).expect_err("unseal fails");
        assert!(error.detail.contains("app.key_gone"), "{error}");
        assert!(error.detail.contains("key gone"), "{error}");
        assert!(!error.retryable, "an unknown code means the key is lost");
    }

    #[test]
    fn locked_and_unavailable_codes_are_retryable() {
        for (code, retryable) in [
            ("device.locked", true),
            ("device.unavailable", true),
            ("device.key_missing", false),
            ("device.key_invalidated", false),
        ] {
            let error = binding_error(PalmbidError::new(code, "zh".to_owned(), "en".to_owned()));
            assert_eq!(error.retryable, retryable, "{code}");
        }
    }
}
