//! One module per subcommand.

pub(crate) mod certs;
pub(crate) mod demo;
pub(crate) mod envelope;
pub(crate) mod guarantee;
pub(crate) mod hall;
mod hall_evaluation;
pub(crate) mod hall_quotes;
pub(crate) mod identity;
pub(crate) mod import;
pub(crate) mod log;
pub(crate) mod login;
pub(crate) mod pickup;
pub(crate) mod pin;
pub(crate) mod platform;
pub(crate) mod qr;
pub(crate) mod request;
pub(crate) mod sign;
pub(crate) mod toolbox;
