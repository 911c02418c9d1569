//! PIN values and the rules a new PIN must meet.

use zeroize::Zeroizing;

/// A PIN as entered. The digits are zeroized on drop and never printed.
pub struct Pin(Zeroizing<String>);

impl Pin {
    /// Wraps a PIN entered to unlock; rules are not checked here, because
    /// an imported or older key may have been set under other rules.
    pub fn entered(pin: String) -> Self {
        Pin(Zeroizing::new(pin))
    }

    /// The PIN's characters.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(***)")
    }
}
