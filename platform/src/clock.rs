//! The server clock: the one source of time for expiries and validity.
//!
//! The system clock plus an offset that only an in-process owner (tests,
//! the demo) can move, so that expiry can be tested against the real
//! server without waiting.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// The platform's clock; clones share one offset.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_ms: Arc<AtomicI64>,
}

impl Clock {
    /// Now, Unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        let system = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        i64::try_from(system.as_millis()).unwrap_or(i64::MAX)
            + self.offset_ms.load(Ordering::Relaxed)
    }

    /// Now, Unix seconds.
    pub fn now(&self) -> i64 {
        self.now_ms().div_euclid(1000)
    }

    /// Moves the clock forward by `secs` seconds.
    pub fn advance(&self, secs: i64) {
        self.offset_ms.fetch_add(secs * 1000, Ordering::Relaxed);
    }
}
