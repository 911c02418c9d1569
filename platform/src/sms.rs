//! Sending SMS messages, behind the [`SmsGateway`] trait.
//!
//! A real deployment plugs its carrier's gateway in here. The development
//! gateway [`DevSmsGateway`] sends nothing: it writes the code to the log
//! and to `{data}/sms/{phone}.txt`, where tests and the demo read it.

use std::path::PathBuf;

/// Errors of an SMS gateway.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SmsError {
    /// The gateway did not take the message.
    #[error("the SMS gateway failed: {0}")]
    Gateway(String),
}

/// Sends login and verification codes. Called from a blocking thread.
pub trait SmsGateway: Send + Sync {
    /// Sends `code` to `phone`; `purpose` says what it is for (`login`,
    /// `identity`), for the message text.
    ///
    /// # Errors
    /// [`SmsError`] when the message cannot be sent.
    fn send_code(&self, phone: &str, purpose: &str, code: &str) -> Result<(), SmsError>;
}

/// Development gateway: the code goes to the log and to a file.
#[derive(Debug, Clone)]
pub struct DevSmsGateway {
    dir: PathBuf,
}

impl DevSmsGateway {
    /// A gateway writing into `dir` (created when needed).
    pub fn new(dir: PathBuf) -> Self {
        DevSmsGateway { dir }
    }

    /// The file holding the last `purpose` code sent to `phone`.
    pub fn code_file(&self, phone: &str, purpose: &str) -> PathBuf {
        if purpose == "login" {
            self.dir.join(format!("{phone}.txt"))
        } else {
            self.dir.join(format!("{phone}.{purpose}.txt"))
        }
    }
}

impl SmsGateway for DevSmsGateway {
    fn send_code(&self, phone: &str, purpose: &str, code: &str) -> Result<(), SmsError> {
        // NOTE: development only. A real gateway never logs a code.
        tracing::info!(phone, purpose, code, "development SMS (not sent)");
        std::fs::create_dir_all(&self.dir)
            .and_then(|()| std::fs::write(self.code_file(phone, purpose), code))
            .map_err(|e| SmsError::Gateway(format!("{}: {e}", self.dir.display())))
    }
}
