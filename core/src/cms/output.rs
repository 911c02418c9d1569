//! Output files written all or nothing.
//!
//! Data goes to a temporary file in the target's folder (so the final
//! rename stays on one file system), is synced, and is renamed into place
//! only when the caller commits, which it does after the content has been
//! authenticated. Dropping an uncommitted output deletes the temporary
//! file, so a failure leaves nothing behind. An existing target is never
//! replaced.
//!
//! NOTE: a process killed mid-way leaves its `.palmbid-*.part` file (mode
//! 0600, partial plaintext) in the target folder; nothing sweeps it yet.

use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use super::CmsError;

/// A file being written that appears at its path only on commit.
pub(crate) struct PendingOutput {
    file: NamedTempFile,
    path: PathBuf,
    written: u64,
}

impl PendingOutput {
    /// Creates the temporary file beside `path`.
    ///
    /// # Errors
    /// [`CmsError::OutputExists`] when `path` exists,
    /// [`CmsError::OutputNotWritable`] when the folder does not take a file.
    pub(crate) fn create(path: &Path) -> Result<Self, CmsError> {
        if path.symlink_metadata().is_ok() {
            return Err(CmsError::OutputExists {
                path: path.display().to_string(),
            });
        }
        let folder = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
            .unwrap_or_else(|| Path::new("."));
        let file = tempfile::Builder::new()
            .prefix(".palmbid-")
            .suffix(".part")
            .tempfile_in(folder)
            .map_err(|source| CmsError::OutputNotWritable {
                path: path.display().to_string(),
                source,
            })?;
        Ok(PendingOutput {
            file,
            path: path.to_owned(),
            written: 0,
        })
    }

    /// Appends `data`.
    ///
    /// # Errors
    /// [`CmsError::OutputNotWritable`].
    pub(crate) fn write(&mut self, data: &[u8]) -> Result<(), CmsError> {
        self.file
            .write_all(data)
            .map_err(|source| CmsError::OutputNotWritable {
                path: self.path.display().to_string(),
                source,
            })?;
        self.written += data.len() as u64;
        Ok(())
    }

    /// Syncs the file and renames it into place; returns the bytes written.
    ///
    /// # Errors
    /// [`CmsError::OutputExists`] when the target appeared meanwhile,
    /// [`CmsError::OutputNotWritable`] when syncing or renaming fails.
    pub(crate) fn commit(self) -> Result<u64, CmsError> {
        let not_writable = |source| CmsError::OutputNotWritable {
            path: self.path.display().to_string(),
            source,
        };
        self.file.as_file().sync_all().map_err(not_writable)?;
        match self.file.persist_noclobber(&self.path) {
            Ok(_) => Ok(self.written),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
                Err(CmsError::OutputExists {
                    path: self.path.display().to_string(),
                })
            }
            Err(e) => Err(not_writable(e.error)),
        }
    }
}
