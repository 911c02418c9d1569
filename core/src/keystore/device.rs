//! Binding of the keystore to one device.

use zeroize::Zeroizing;

/// Seals and unseals the keystore's 32-byte device secret with a key that
/// cannot leave the device: Android Keystore, the iOS Secure Enclave, or a
/// key file for desktop hosts and tests ([`SoftwareDeviceBinding`]).
pub trait DeviceBinding: Send + Sync {
    /// Encrypts the device secret; the result is stored in the database.
    ///
    /// # Errors
    /// [`DeviceBindingError`] when the hardware key is unavailable.
    fn seal(&self, secret: &[u8]) -> Result<Vec<u8>, DeviceBindingError>;

    /// Decrypts what [`DeviceBinding::seal`] returned.
    ///
    /// # Errors
    /// [`DeviceBindingError`] when the hardware key is gone or changed.
    fn unseal(&self, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, DeviceBindingError>;
}

/// Failure reported by a [`DeviceBinding`].
#[derive(Debug, thiserror::Error)]
#[error("device binding failed: {0}")]
pub struct DeviceBindingError(pub String);

/// A software [`DeviceBinding`]: AES-256-GCM under a random key kept in a
/// file readable by its owner only.
pub struct SoftwareDeviceBinding {
    _key_path: std::path::PathBuf,
}
