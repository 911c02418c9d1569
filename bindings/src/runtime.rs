//! The library's own tokio runtime, and the guard every export runs under.
//!
//! Async exports are declared with `async_runtime = "tokio"`, so uniffi
//! polls them inside a tokio context; the CPU-bound work (Argon2id, large
//! decryptions) runs on this runtime's blocking pool through [`blocking`],
//! so neither the app's thread nor a runtime worker is held up by it.
//! Network calls of the platform protocol run as tasks of this runtime
//! through [`spawn`], so the HTTP client's sockets and timers are driven
//! by this runtime and not by whichever executor polls the export. A
//! network call that also derives a PIN key runs through
//! [`blocking_future`].
//!
//! [`guard`] turns a panic into [`PalmbidError`] with code `ffi.panic`. This
//! needs the release profile's `panic = "unwind"` (root `Cargo.toml`); with
//! `abort` the process would die before any catch.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;

use tokio::runtime::{Builder, Runtime};

use crate::error::PalmbidError;

/// Worker threads of the runtime. The runtime only awaits: the heavy work
/// goes to the blocking pool, so two workers are plenty on a phone.
const WORKER_THREADS: usize = 2;

/// Upper bound on threads in the blocking pool: enough for a decryption and
/// a few unlocks at once, without letting a burst of calls spawn dozens.
const MAX_BLOCKING_THREADS: usize = 8;

static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();

/// The runtime, built on first use.
///
/// # Errors
/// `ffi.runtime` when the threads cannot be started.
fn runtime() -> Result<&'static Runtime, PalmbidError> {
    let built = RUNTIME.get_or_init(|| {
        Builder::new_multi_thread()
            .worker_threads(WORKER_THREADS)
            .max_blocking_threads(MAX_BLOCKING_THREADS)
            .thread_name("palmbid")
            .enable_all()
            .build()
            .map_err(|e| e.to_string())
    });

    built.as_ref().map_err(|detail| {
        PalmbidError::new(
            "ffi.runtime",
            format!("无法启动后台线程：{detail}；请重启应用"),
            format!("cannot start the background threads: {detail}; restart the app"),
        )
    })
}

/// Runs one export's body, turning a panic into `ffi.panic`.
///
/// `operation` names the export in the error and the log. The closure is
/// asserted unwind-safe: after a panic the caller gets an error and nothing
/// half-updated is used again by this call; the core's shared state is a
/// database whose transactions roll back when dropped.
pub(crate) fn guard<T>(
    operation: &'static str,
    body: impl FnOnce() -> Result<T, PalmbidError>,
) -> Result<T, PalmbidError> {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| {
        tracing::error!(target: "palmbid_ffi", operation, "panic under an export");
        Err(PalmbidError::panic(operation))
    })
}

/// Runs `body` on the runtime's blocking pool under [`guard`] and awaits it.
///
/// If the app cancels the awaiting coroutine or task, the work already
/// started still runs to its end (an Argon2id pass cannot be interrupted);
/// only its result is dropped.
pub(crate) async fn blocking<T: Send + 'static>(
    operation: &'static str,
    body: impl FnOnce() -> Result<T, PalmbidError> + Send + 'static,
) -> Result<T, PalmbidError> {
    let task = runtime()?.spawn_blocking(move || guard(operation, body));

    // `guard` already caught panics, and the runtime is never shut down, so
    // a join error cannot happen in practice; map it like a panic anyway.
    task.await
        .unwrap_or_else(|_| Err(PalmbidError::panic(operation)))
}

/// Starts `future` as a task on the runtime and returns its handle, for
/// work that outlives the export that started it (a hall watch).
///
/// # Errors
/// `ffi.runtime` when the runtime cannot start.
pub(crate) fn spawn_task<T: Send + 'static>(
    future: impl Future<Output = T> + Send + 'static,
) -> Result<tokio::task::JoinHandle<T>, PalmbidError> {
    Ok(runtime()?.spawn(future))
}

/// Runs `future` (network I/O and short database work) as a task on the
/// runtime and awaits it; a panic in it becomes `ffi.panic`.
///
/// As with [`blocking`], cancelling the caller drops only the result: the
/// task runs to its end, so a request already sent is not cut in half.
pub(crate) async fn spawn<T: Send + 'static>(
    operation: &'static str,
    future: impl Future<Output = Result<T, PalmbidError>> + Send + 'static,
) -> Result<T, PalmbidError> {
    let task = runtime()?.spawn(future);

    // Tasks are never aborted, so a join error is a panic.
    task.await.unwrap_or_else(|_| {
        tracing::error!(target: "palmbid_ffi", operation, "panic under an export");
        Err(PalmbidError::panic(operation))
    })
}

/// Drives `future` to its end on a thread of the blocking pool, for calls
/// that mix network I/O with CPU-bound work (Argon2id of a new or entered
/// PIN), so that no runtime worker is held for the derivation. The I/O is
/// still driven by the runtime's workers.
pub(crate) async fn blocking_future<T: Send + 'static>(
    operation: &'static str,
    future: impl Future<Output = Result<T, PalmbidError>> + Send + 'static,
) -> Result<T, PalmbidError> {
    let handle = runtime()?.handle().clone();
    blocking(operation, move || handle.block_on(future)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_turns_a_panic_into_ffi_panic() {
        let result: Result<(), _> = guard("test.operation", || panic!("deliberate"));

        let error = result.expect_err("a panic must come back as an error");
        assert_eq!(error.code(), crate::error::CODE_PANIC);
        assert!(error.to_string().contains("test.operation"), "{error}");
    }

    #[test]
    fn blocking_runs_off_the_calling_thread_and_returns_its_value() {
        let caller = std::thread::current().id();

        let worker = block_on(blocking("test.thread", move || {
            Ok(std::thread::current().id())
        }))
        .expect("the body returns Ok");

        assert_ne!(worker, caller);
    }

    #[test]
    fn blocking_turns_a_panic_into_ffi_panic() {
        let result: Result<(), _> =
            block_on(blocking("test.blocking_panic", || panic!("deliberate")));

        assert_eq!(result.expect_err("panic").code(), crate::error::CODE_PANIC);
    }

    #[test]
    fn spawn_returns_the_value_and_turns_a_panic_into_ffi_panic() {
        let value = block_on(spawn("test.spawn", async { Ok(7) })).expect("the future returns Ok");
        let panicked: Result<(), _> =
            block_on(spawn("test.spawn_panic", async { panic!("deliberate") }));

        assert_eq!(value, 7);
        assert_eq!(
            panicked.expect_err("panic").code(),
            crate::error::CODE_PANIC
        );
    }

    #[test]
    fn blocking_future_runs_io_on_a_pool_thread_and_catches_panics() {
        let caller = std::thread::current().id();

        let worker = block_on(blocking_future("test.blocking_future", async move {
            // A timer needs the runtime's driver: it must fire from a pool
            // thread that is not a worker.
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            Ok(std::thread::current().id())
        }))
        .expect("the future returns Ok");
        let panicked: Result<(), _> =
            block_on(blocking_future("test.blocking_future_panic", async {
                panic!("deliberate")
            }));

        assert_ne!(worker, caller);
        assert_eq!(
            panicked.expect_err("panic").code(),
            crate::error::CODE_PANIC
        );
    }

    /// Drives a future to completion on a throwaway current-thread runtime,
    /// standing in for the foreign executor.
    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        Builder::new_current_thread()
            .build()
            .expect("a current-thread runtime needs no threads")
            .block_on(future)
    }
}
