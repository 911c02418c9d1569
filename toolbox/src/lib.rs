//! palmbid-toolbox: the bid toolbox's side (投标工具) of the phone's QR
//! requests, as the `palmbid toolbox` commands and the tests use it.
//!
//! - [`relay`]: the desktop's client of the platform's QR relay (create,
//!   server-sent events, answer).
//! - [`tasks`]: login, signing, encryption to the phone's certificate and
//!   decryption by key release, each checked against the platform CA.
//! - [`pades`]: sealing a PDF with a `PAdES` signature made on the phone.
//! - [`error`]: the toolbox's errors.

#![forbid(unsafe_code)]

pub mod error;
pub mod pades;
pub mod relay;
pub mod tasks;

pub use error::ToolboxError;
