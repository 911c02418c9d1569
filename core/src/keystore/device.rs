//! Binding of the keystore to one device.
//!
//! The keystore's 32-byte device secret enters every key-encryption key,
//! and is stored only sealed by a [`DeviceBinding`]: on phones a key in
//! Android Keystore or the Secure Enclave that cannot be exported, so a
//! copied database cannot be unlocked, nor its PINs searched, elsewhere.
//! [`SoftwareDeviceBinding`] stands in on desktops and in tests: the
//! sealing key is a file readable by its owner only, which binds the
//! keystore to that file rather than to hardware.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rand_core::{OsRng, RngCore};
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
#[error("device binding failed: {detail}")]
pub struct DeviceBindingError {
    /// The failure, for the error message. Names no secret.
    pub detail: String,
    /// The key is only out of reach for now (the phone is locked, the
    /// secure hardware is busy), so a later try may succeed. When false the
    /// key is lost, invalidated or refuses for good.
    pub retryable: bool,
}

impl DeviceBindingError {
    /// Makes the error of a key that failed itself: lost, invalidated or
    /// refusing.
    pub fn failed(detail: impl Into<String>) -> Self {
        DeviceBindingError {
            detail: detail.into(),
            retryable: false,
        }
    }

    /// Makes the error of a key out of reach for now, such as on a locked
    /// phone; a later try may succeed.
    pub fn unavailable(detail: impl Into<String>) -> Self {
        DeviceBindingError {
            detail: detail.into(),
            retryable: true,
        }
    }
}

/// Length of the software sealing key: AES-256.
const KEY_LEN: usize = 32;

/// Length of an AES-GCM nonce, prepended to each sealed secret.
const NONCE_LEN: usize = 12;

/// Associated data of a sealed device secret, so that the key file cannot
/// be used to open some other AES-GCM text by mistake.
const SEAL_AAD: &[u8] = b"palmbid/device-secret/v1";

/// A software [`DeviceBinding`]: AES-256-GCM under a random key kept in a
/// file readable by its owner only.
pub struct SoftwareDeviceBinding {
    key_path: PathBuf,
    key: Zeroizing<[u8; KEY_LEN]>,
}

impl SoftwareDeviceBinding {
    /// Opens the key file at `path`, creating it with a new random key and
    /// mode 0600 when it does not exist.
    ///
    /// # Errors
    /// [`DeviceBindingError`] when the file cannot be created or read, is
    /// readable by group or others, or does not hold exactly 32 bytes.
    pub fn open(path: &Path) -> Result<Self, DeviceBindingError> {
        let key = if path.exists() {
            read_key(path)?
        } else {
            create_key(path)?
        };
        Ok(SoftwareDeviceBinding {
            key_path: path.to_path_buf(),
            key,
        })
    }

    /// The key file.
    pub fn key_path(&self) -> &Path {
        &self.key_path
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(self.key.as_ref().into())
    }
}

impl DeviceBinding for SoftwareDeviceBinding {
    fn seal(&self, secret: &[u8]) -> Result<Vec<u8>, DeviceBindingError> {
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);

        let ciphertext = self
            .cipher()
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: secret,
                    aad: SEAL_AAD,
                },
            )
            .map_err(|_| DeviceBindingError::failed("cannot seal the device secret".to_owned()))?;

        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&ciphertext);
        Ok(sealed)
    }

    fn unseal(&self, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, DeviceBindingError> {
        let foreign = || {
            DeviceBindingError::failed(format!(
                "the device key {} does not open it",
                self.key_path.display()
            ))
        };

        if sealed.len() < NONCE_LEN {
            return Err(foreign());
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        self.cipher()
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: SEAL_AAD,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| foreign())
    }
}

impl std::fmt::Debug for SoftwareDeviceBinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SoftwareDeviceBinding")
            .field("key_path", &self.key_path)
            .finish_non_exhaustive()
    }
}

fn create_key(path: &Path) -> Result<Zeroizing<[u8; KEY_LEN]>, DeviceBindingError> {
    // The kind alone: the error of a temporary file names its random path.
    let fail = |e: std::io::Error| {
        DeviceBindingError::failed(format!(
            "cannot create the device key file {}: {}; check that its folder exists and is \
             writable",
            path.display(),
            std::io::Error::from(e.kind())
        ))
    };

    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    OsRng.fill_bytes(key.as_mut());

    // The key is written and synced under a temporary name, then moved to
    // `path` only if nothing is there yet. Another process opening the
    // same new home therefore never sees a half-written file, and a crash
    // never leaves an empty one; the loser of a race reads the winner's.
    let folder = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let mut file = private_temp_file(folder).map_err(fail)?;
    file.write_all(key.as_ref()).map_err(fail)?;
    file.as_file().sync_all().map_err(fail)?;
    match file.persist_noclobber(path) {
        Ok(_) => Ok(key),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => read_key(path),
        Err(e) => Err(fail(e.error)),
    }
}

/// A temporary file in `folder`. NOTE: tempfile creates it with mode 0600
/// on Unix; other systems rely on the folder's access control.
fn private_temp_file(folder: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(".device-key-")
        .tempfile_in(folder)
}

fn read_key(path: &Path) -> Result<Zeroizing<[u8; KEY_LEN]>, DeviceBindingError> {
    let fail = |e: std::io::Error| {
        DeviceBindingError::failed(format!(
            "cannot read the device key file {}: {e}",
            path.display()
        ))
    };

    let file = std::fs::File::open(path).map_err(fail)?;
    let metadata = file.metadata().map_err(fail)?;
    if !metadata.is_file() {
        return Err(DeviceBindingError::failed(format!(
            "the device key {} is not a file; move it away so that a new key can be \
             created, or restore the key file from a backup",
            path.display()
        )));
    }
    check_private(path, &metadata)?;

    // Read one byte more than a key so that a longer file is noticed.
    let mut bytes = Zeroizing::new(Vec::with_capacity(2 * KEY_LEN));
    file.take(KEY_LEN as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(fail)?;
    if bytes.len() != KEY_LEN {
        return Err(DeviceBindingError::failed(format!(
            "the device key file {} is damaged: it must hold exactly {KEY_LEN} bytes; \
             restore it from a backup",
            path.display()
        )));
    }

    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    key.copy_from_slice(&bytes);
    Ok(key)
}

#[cfg(unix)]
fn check_private(path: &Path, metadata: &std::fs::Metadata) -> Result<(), DeviceBindingError> {
    use std::os::unix::fs::PermissionsExt;

    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(DeviceBindingError::failed(format!(
            "the device key file {} has mode {mode:o} and can be read by other users; \
             run `chmod 600 {}` and try again",
            path.display(),
            path.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path, _metadata: &std::fs::Metadata) -> Result<(), DeviceBindingError> {
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    #[test]
    fn seal_and_unseal_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let binding = SoftwareDeviceBinding::open(&dir.path().join("device.key")).unwrap();

        let sealed = binding.seal(b"thirty-two bytes of device data!").unwrap();
        let opened = binding.unseal(&sealed).unwrap();

        assert_eq!(opened.as_slice(), b"thirty-two bytes of device data!");
        assert_ne!(
            &sealed[NONCE_LEN..NONCE_LEN + 32],
            b"thirty-two bytes of device data!"
        );
    }

    #[test]
    fn reopening_reads_the_same_key() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("device.key");
        let sealed = SoftwareDeviceBinding::open(&path)
            .unwrap()
            .seal(b"secret")
            .unwrap();

        let opened = SoftwareDeviceBinding::open(&path)
            .unwrap()
            .unseal(&sealed)
            .unwrap();

        assert_eq!(opened.as_slice(), b"secret");
    }

    #[cfg(unix)]
    #[test]
    fn key_file_is_created_private() {
        use std::os::unix::fs::PermissionsExt;

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("device.key");
        SoftwareDeviceBinding::open(&path).unwrap();

        let metadata = std::fs::metadata(&path).unwrap();
        assert_eq!(metadata.permissions().mode() & 0o777, 0o600);
        assert_eq!(metadata.len(), 32);
    }

    #[cfg(unix)]
    #[test]
    fn readable_key_file_is_refused_with_chmod_advice() {
        use std::os::unix::fs::PermissionsExt;

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("device.key");
        SoftwareDeviceBinding::open(&path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();

        let err = SoftwareDeviceBinding::open(&path).unwrap_err();

        assert!(err.detail.contains("chmod 600"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn short_key_file_is_refused() {
        use std::os::unix::fs::PermissionsExt;

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("device.key");
        std::fs::write(&path, [7u8; 31]).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();

        let err = SoftwareDeviceBinding::open(&path).unwrap_err();

        assert!(err.detail.contains("exactly 32 bytes"), "{err}");
    }

    #[test]
    fn another_key_cannot_unseal() {
        let dir = tempfile::tempdir().unwrap();
        let first = SoftwareDeviceBinding::open(&dir.path().join("a.key")).unwrap();
        let second = SoftwareDeviceBinding::open(&dir.path().join("b.key")).unwrap();
        let sealed = first.seal(b"secret").unwrap();

        let err = second.unseal(&sealed).unwrap_err();

        assert!(err.detail.contains("does not open it"), "{err}");
        assert!(second.unseal(&[1, 2, 3]).is_err());
    }
}
