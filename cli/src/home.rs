//! The keystore home: where it lives and how it opens on a desktop.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use palmbid_core::keystore::{Keystore, KeystoreError, SoftwareDeviceBinding};

use crate::error::{CliError, CliResult, core};

/// Name of the software device key inside a home. On a phone the device
/// secret is sealed by Android Keystore or the Secure Enclave instead.
const DEVICE_KEY_FILE: &str = "device.key";

/// The home folder: `--home`, else the OS per-user data folder
/// (`~/.local/share/palmbid` on Linux).
pub(crate) fn resolve(home: Option<&Path>) -> CliResult<PathBuf> {
    if let Some(home) = home {
        return Ok(home.to_path_buf());
    }
    directories::ProjectDirs::from("", "", "palmbid")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or_else(|| {
            CliError::usage(
                "cli.no_home",
                "找不到用户数据目录；请用 --home 指定证书库目录",
                "no per-user data folder found; pass --home DIR",
            )
        })
}

/// Opens (creating if needed) the keystore in `home` with the software
/// device binding and the production Argon2id parameters.
pub(crate) fn open(home: &Path) -> CliResult<Keystore> {
    if home.exists() && !home.is_dir() {
        let shown = home.display();
        return Err(CliError::usage(
            "cli.home_not_folder",
            format!("证书库目录 {shown} 是一个文件而不是目录；请用 --home 指定一个目录"),
            format!("the keystore home {shown} is a file, not a folder; pass a folder to --home"),
        ));
    }
    std::fs::create_dir_all(home).map_err(|e| CliError::io(home, &e))?;
    check_device_key(&home.join(DEVICE_KEY_FILE))?;
    let binding = SoftwareDeviceBinding::open(&home.join(DEVICE_KEY_FILE))
        .map_err(|e| core(KeystoreError::DeviceBinding(e)))?;
    Keystore::open(home, Arc::new(binding)).map_err(core)
}

/// Checks the device key file the way the core will, to tell the user in
/// their language (the core's binding reports in English): it must be a
/// file that only its owner can read.
fn check_device_key(path: &Path) -> CliResult<()> {
    let Ok(metadata) = std::fs::metadata(path) else {
        // Missing: the core creates it, or reports why it cannot.
        return Ok(());
    };
    let shown = path.display();
    if !metadata.is_file() {
        return Err(CliError::failed(
            "keystore.device_binding",
            format!("设备密钥 {shown} 不是文件；请把它移走以便新建，或从备份恢复设备密钥文件"),
            format!(
                "the device key {shown} is not a file; move it away so that a new key can be created, or restore the key file from a backup"
            ),
        ));
    }

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;

        let mode = metadata.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(CliError::failed(
                "keystore.device_binding",
                format!(
                    "设备密钥文件 {shown} 的权限为 {mode:o}，其他用户可以读取；请运行 `chmod 600 {shown}` 后重试"
                ),
                format!(
                    "the device key file {shown} has mode {mode:o} and can be read by other users; run `chmod 600 {shown}` and try again"
                ),
            ));
        }
    }
    Ok(())
}
