//! One module per subcommand.

pub(crate) mod certs;
pub(crate) mod pin;
