//! Forwarding of the core's `tracing` events to a logger the app provides,
//! so Android sends them to logcat and iOS to `os_log`.
//!
//! [`set_logger`] installs, once per process, a global `tracing` subscriber
//! made of one [`ForeignLayer`]; later calls only swap the logger and the
//! level. The layer formats each event into one line (the message, then its
//! fields as `key=value`) and calls the app. The core logs operations, ids
//! and outcomes, never secrets, so nothing is filtered here.
//!
//! The app is called with no lock held: the logger is cloned out of its
//! lock first. An event raised while the app's logger runs on the same
//! thread (the logger calling back into palmbid) is dropped rather than
//! recursing, and a panic while logging is swallowed: logging never breaks
//! the operation that logged.

use std::cell::Cell;
use std::fmt::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Once, PoisonError, RwLock};

use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

use crate::error::PalmbidError;

/// Severity of a log event, most severe first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, uniffi::Enum)]
pub enum LogLevel {
    /// An operation failed.
    Error,
    /// Something unexpected that the operation survived.
    Warn,
    /// Operations and their outcomes.
    Info,
    /// Steps inside an operation.
    Debug,
    /// Fine detail, for development.
    Trace,
}

impl LogLevel {
    fn from_tracing(level: Level) -> Self {
        match level {
            Level::ERROR => LogLevel::Error,
            Level::WARN => LogLevel::Warn,
            Level::INFO => LogLevel::Info,
            Level::DEBUG => LogLevel::Debug,
            Level::TRACE => LogLevel::Trace,
        }
    }

    fn as_u8(self) -> u8 {
        match self {
            LogLevel::Error => 1,
            LogLevel::Warn => 2,
            LogLevel::Info => 3,
            LogLevel::Debug => 4,
            LogLevel::Trace => 5,
        }
    }
}

/// Receives palmbid's log events; the app implements it (Kotlin
/// `Logger`, Swift `Logger`) and routes them to logcat or `os_log`.
///
/// Called on whichever thread logged, possibly several at once, so the
/// implementation must be thread-safe. It should return quickly and must not
/// call palmbid back: events raised meanwhile are dropped.
#[uniffi::export(with_foreign)]
pub trait Logger: Send + Sync {
    /// One event: its level, its target (the Rust module path, e.g.
    /// `palmbid_core::keystore`) and the formatted line.
    ///
    /// # Errors
    /// Whatever the app throws; palmbid drops that event and goes on. (The
    /// `Result` lets a throwing logger come back as an error value instead
    /// of a panic inside uniffi.)
    fn log(&self, level: LogLevel, target: String, message: String) -> Result<(), PalmbidError>;
}

/// Routes palmbid's logs at `max_level` and above to `logger`.
///
/// The first call installs palmbid's `tracing` subscriber for the process;
/// later calls replace the logger and the level.
///
/// # Errors
/// `ffi.logger_unavailable` when another `tracing` subscriber was installed
/// for the process before the first call (possible only when palmbid is
/// linked into a Rust host that sets its own).
#[uniffi::export]
pub fn set_logger(logger: Arc<dyn Logger>, max_level: LogLevel) -> Result<(), PalmbidError> {
    crate::runtime::guard("set_logger", || {
        *LOGGER.write().unwrap_or_else(PoisonError::into_inner) = Some(logger);
        MAX_LEVEL.store(max_level.as_u8(), Ordering::Relaxed);

        let mut installed = Ok(());
        INSTALL.call_once(|| {
            let subscriber = tracing_subscriber::registry().with(ForeignLayer);
            installed = tracing::subscriber::set_global_default(subscriber);
        });

        installed.map_err(|e| {
            PalmbidError::new(
                "ffi.logger_unavailable",
                format!("无法接管日志：{e}"),
                format!("cannot route logs to the app: {e}"),
            )
        })
    })
}

static LOGGER: RwLock<Option<Arc<dyn Logger>>> = RwLock::new(None);
static MAX_LEVEL: AtomicU8 = AtomicU8::new(0);
static INSTALL: Once = Once::new();

thread_local! {
    /// Set while this thread is inside the app's logger.
    static IN_LOGGER: Cell<bool> = const { Cell::new(false) };
}

/// The `tracing` layer that hands events to the app's [`Logger`].
struct ForeignLayer;

impl<S: Subscriber> Layer<S> for ForeignLayer {
    fn register_callsite(&self, _metadata: &'static Metadata<'static>) -> Interest {
        // The level can change at any time through `set_logger`, so every
        // callsite calls `enabled` each time instead of caching the result.
        Interest::sometimes()
    }

    fn enabled(&self, metadata: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        LogLevel::from_tracing(*metadata.level()).as_u8() <= MAX_LEVEL.load(Ordering::Relaxed)
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        if IN_LOGGER.with(Cell::get) {
            return;
        }

        let Some(logger) = LOGGER
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
        else {
            return;
        };

        let metadata = event.metadata();
        let mut line = Line::default();
        event.record(&mut line);

        // A failing or panicking logger loses this event and nothing else.
        IN_LOGGER.with(|flag| flag.set(true));
        let _ = catch_unwind(AssertUnwindSafe(|| {
            logger.log(
                LogLevel::from_tracing(*metadata.level()),
                metadata.target().to_owned(),
                line.finish(),
            )
        }));
        IN_LOGGER.with(|flag| flag.set(false));
    }
}

/// An event's message followed by its other fields as `key=value`.
#[derive(Default)]
struct Line {
    message: String,
    fields: String,
}

impl Line {
    fn finish(self) -> String {
        if self.fields.is_empty() {
            self.message
        } else if self.message.is_empty() {
            self.fields
        } else {
            format!("{} {}", self.message, self.fields)
        }
    }
}

impl tracing::field::Visit for Line {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            self.push_field(field.name(), &value);
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            self.push_field(field.name(), value);
        }
    }
}

impl Line {
    fn push_field(&mut self, name: &str, value: &dyn std::fmt::Debug) {
        if !self.fields.is_empty() {
            self.fields.push(' ');
        }
        let _ = write!(self.fields, "{name}={value:?}");
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[derive(Default)]
    struct Collect(Mutex<Vec<(LogLevel, String, String)>>);

    impl Logger for Collect {
        fn log(
            &self,
            level: LogLevel,
            target: String,
            message: String,
        ) -> Result<(), PalmbidError> {
            self.0
                .lock()
                .expect("test lock")
                .push((level, target, message));
            Ok(())
        }
    }

    struct Panics;

    impl Logger for Panics {
        fn log(
            &self,
            _level: LogLevel,
            _target: String,
            _message: String,
        ) -> Result<(), PalmbidError> {
            panic!("a broken app logger");
        }
    }

    /// One test drives the process-global logger through its states, so
    /// that parallel tests cannot swap it under each other.
    #[test]
    fn logger_receives_filtered_events() {
        let collect = Arc::new(Collect::default());
        set_logger(collect.clone(), LogLevel::Info).expect("first install");

        tracing::info!(target: "palmbid_test", key_id = "k1", "unlocked");
        tracing::debug!(target: "palmbid_test", "below the level");

        let seen = collect.0.lock().expect("test lock").clone();
        assert_eq!(
            seen,
            vec![(
                LogLevel::Info,
                "palmbid_test".to_owned(),
                "unlocked key_id=\"k1\"".to_owned()
            )]
        );

        set_logger(collect.clone(), LogLevel::Debug).expect("swap the level");
        tracing::debug!(target: "palmbid_test", "now shown");
        assert_eq!(collect.0.lock().expect("test lock").len(), 2);

        set_logger(Arc::new(Panics), LogLevel::Trace).expect("swap the logger");
        tracing::error!(target: "palmbid_test", "the logger panics on this");
    }
}
