//! Output files: checked before a PIN is asked, written through a private
//! staging folder, and removed when the user interrupts the command.
//!
//! Everything that can be known about an output before the key is
//! unlocked (its folder exists, it is not a folder, it is not the input)
//! is checked first, so that no PIN try is spent on a command that could
//! not have written its result.
//!
//! Large outputs (envelopes, decrypted files) are written by the core into
//! a staging folder created beside the target. The folder is registered
//! with the interrupt handler: Ctrl-C, `SIGTERM` or `SIGHUP` remove it,
//! with whatever unauthenticated plaintext it holds, before the process
//! exits. `SIGKILL` cannot be caught: the staging folder of a killed
//! process stays until the next command that writes into the same folder
//! finds its process gone and removes it.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use palmbid_core::error::Lang;

use crate::error::{CliError, CliResult, EXIT_FAILED};

/// Start of a staging folder's name; the creating process id follows, so
/// that a later run can tell a killed process's folder from a live one.
const STAGING_PREFIX: &str = ".palmbid-staging-";

/// Staging folders to remove when the process is interrupted.
static STAGING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Installs the handler for Ctrl-C, `SIGTERM` and `SIGHUP`: it removes the
/// registered staging folders and exits with status 1.
pub(crate) fn install_interrupt_handler(lang: Lang) {
    let installed = ctrlc::set_handler(move || {
        let folders = STAGING.lock().unwrap_or_else(PoisonError::into_inner);
        for folder in folders.iter() {
            // Best effort: the process is exiting either way.
            let _ = std::fs::remove_dir_all(folder);
        }
        let message = match (lang, folders.is_empty()) {
            (Lang::ZhCn, true) => "palmbid: 操作已中断",
            (Lang::ZhCn, false) => "palmbid: 操作已中断，未完成的输出文件已删除",
            (Lang::En, true) => "palmbid: interrupted",
            (Lang::En, false) => "palmbid: interrupted; the unfinished output was removed",
        };
        eprintln!("{message}");
        std::process::exit(i32::from(EXIT_FAILED));
    });
    if let Err(e) = installed {
        tracing::warn!(error = %e, "interrupt handler not installed");
    }
}

/// A private folder beside an output, removed on drop and on interrupt.
pub(crate) struct Staging {
    dir: tempfile::TempDir,
    target: PathBuf,
}

impl Staging {
    /// Creates the staging folder in the folder of `target`.
    pub(crate) fn beside(target: &Path) -> CliResult<Self> {
        let folder = folder_of(target);
        remove_stale(folder);
        let dir = tempfile::Builder::new()
            .prefix(&format!("{STAGING_PREFIX}{}-", std::process::id()))
            .tempdir_in(folder)
            .map_err(|e| not_writable(target, &e))?;
        STAGING
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(dir.path().to_path_buf());
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
        })
    }

    /// Where the core writes the output; it does not exist yet.
    pub(crate) fn file(&self) -> PathBuf {
        self.dir.path().join("output")
    }

    /// Writes and syncs `bytes` as the staged output.
    pub(crate) fn write(&self, bytes: &[u8]) -> CliResult<()> {
        use std::io::Write;

        let write = || -> std::io::Result<()> {
            let mut file = std::fs::File::create(self.file())?;
            file.write_all(bytes)?;
            file.sync_all()
        };
        write().map_err(|e| not_writable(&self.target, &e))
    }

    /// Moves the finished output to the target. With
    /// [`Existing::Refuse`] a file that appeared there meanwhile is never
    /// replaced.
    pub(crate) fn commit(self, existing: Existing) -> CliResult<()> {
        let staged = self.file();
        if existing == Existing::Replace {
            return std::fs::rename(&staged, &self.target)
                .map_err(|e| not_writable(&self.target, &e));
        }
        match std::fs::hard_link(&staged, &self.target) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                Err(output_exists(&self.target))
            }
            // A file system without hard links: the target was checked
            // to be absent, so a rename is the fallback.
            Err(_) => {
                std::fs::rename(&staged, &self.target).map_err(|e| not_writable(&self.target, &e))
            }
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let mut folders = STAGING.lock().unwrap_or_else(PoisonError::into_inner);
        folders.retain(|folder| folder != self.dir.path());
    }
}

/// Removes staging folders in `folder` left by processes that no longer
/// run (killed with `SIGKILL`, or by a power cut), with the plaintext they
/// may hold. A folder whose process still runs, or whose process cannot
/// be checked, is left alone.
fn remove_stale(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(STAGING_PREFIX))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && process_gone(pid) {
            // Best effort: what cannot be removed now is tried next run.
            let _ = std::fs::remove_dir_all(entry.path());
            tracing::info!(pid, "removed a staging folder left by a killed process");
        }
    }
}

/// Whether process `pid` has certainly ended. NOTE: only Linux (`/proc`)
/// answers; elsewhere a killed process's staging folder stays.
fn process_gone(pid: u32) -> bool {
    let proc = Path::new("/proc");
    proc.join("self").exists() && !proc.join(pid.to_string()).exists()
}

/// How an output may relate to an existing file.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Existing {
    /// An existing file is an error (decrypted files, envelopes).
    Refuse,
    /// An existing file is replaced (signatures), unless it is the input.
    Replace,
}

/// Checks, before any PIN is asked, that `out` can be written: its folder
/// exists, it is not a folder, and it is not one of `inputs`.
pub(crate) fn check_target(out: &Path, inputs: &[&Path], existing: Existing) -> CliResult<()> {
    let shown = out.display();

    if out.is_dir() {
        return Err(CliError::usage(
            "cli.output_is_folder",
            format!("输出 {shown} 是一个目录；请在 --out 中给出文件名"),
            format!("output {shown} is a folder; give a file name to --out"),
        ));
    }

    let folder = folder_of(out);
    if !folder.is_dir() {
        let folder = folder.display();
        return Err(CliError::failed(
            "cli.output_folder_missing",
            format!("输出文件 {shown} 所在的目录 {folder} 不存在；请先创建该目录或换一个位置"),
            format!(
                "the folder {folder} of output {shown} does not exist; create it or choose another place"
            ),
        ));
    }

    for input in inputs {
        if same_file(input, out) {
            return Err(CliError::usage(
                "cli.output_is_input",
                format!("输出文件 {shown} 就是输入文件；写入会毁掉原文件，请换一个输出文件名"),
                format!(
                    "output {shown} is the input file and writing it would destroy the input; choose another output name"
                ),
            ));
        }
    }

    if existing == Existing::Refuse && out.symlink_metadata().is_ok() {
        return Err(output_exists(out));
    }
    Ok(())
}

/// Checks that `input` exists and is not a folder, before a PIN is asked.
pub(crate) fn check_input(input: &Path) -> CliResult<()> {
    let metadata = std::fs::metadata(input).map_err(|e| CliError::io(input, &e))?;
    if metadata.is_dir() {
        let shown = input.display();
        return Err(CliError::usage(
            "cli.input_is_folder",
            format!("输入 {shown} 是一个目录；请给出文件"),
            format!("input {shown} is a folder; give a file"),
        ));
    }
    Ok(())
}

fn output_exists(out: &Path) -> CliError {
    let shown = out.display();
    CliError::usage(
        "cli.output_exists",
        format!("输出文件 {shown} 已存在；请换一个文件名或先删除它"),
        format!("output file {shown} already exists; choose another name or remove it"),
    )
}

fn not_writable(out: &Path, err: &std::io::Error) -> CliError {
    let shown = out.display();
    // The kind alone: the error of a temporary file names its random path,
    // which means nothing to the user.
    let err = std::io::Error::from(err.kind());
    CliError::failed(
        "cli.output_not_writable",
        format!("无法在 {shown} 所在目录写入文件（{err}）；请检查目录权限或换一个位置"),
        format!(
            "cannot write a file in the folder of {shown} ({err}); check the folder's permissions or choose another place"
        ),
    )
}

/// The folder a path is in; `.` for a bare file name.
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Whether `a` and `b` name one existing file, through any links.
fn same_file(a: &Path, b: &Path) -> bool {
    let (Ok(meta_a), Ok(meta_b)) = (std::fs::metadata(a), std::fs::metadata(b)) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        meta_a.dev() == meta_b.dev() && meta_a.ino() == meta_b.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (meta_a, meta_b);
        matches!(
            (std::fs::canonicalize(a), std::fs::canonicalize(b)),
            (Ok(x), Ok(y)) if x == y
        )
    }
}
