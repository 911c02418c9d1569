//! PIN values and the rules a new PIN must meet.
//!
//! A PIN being chosen (a new credential, the new PIN of a change) must be
//! at least [`MIN_PIN_LEN`] ASCII digits and must not be trivial: all one
//! digit (`000000`), a run up (`123456`, also wrapping past 9 as in
//! `890123`) or a run down (`654321`, `210987`). These are the first PINs
//! an attacker tries, so with six tries they would fall at once. A PIN
//! entered to unlock is taken as it is ([`Pin::entered`]): a key imported
//! or set under older rules must still open.

use zeroize::Zeroizing;

use super::KeystoreError;

/// Minimum number of digits in a new PIN.
pub const MIN_PIN_LEN: usize = 6;

/// A PIN. The digits are zeroized on drop and never printed.
pub struct Pin(Zeroizing<String>);

impl Pin {
    /// Wraps a PIN entered to unlock; rules are not checked here, because
    /// an imported or older key may have been set under other rules.
    pub fn entered(pin: String) -> Self {
        Pin(Zeroizing::new(pin))
    }

    /// Wraps a PIN being chosen, after checking the rules.
    ///
    /// # Errors
    /// [`KeystoreError::PinNotDigits`], [`KeystoreError::PinTooShort`],
    /// [`KeystoreError::PinAllSame`], [`KeystoreError::PinAscending`] or
    /// [`KeystoreError::PinDescending`].
    pub fn chosen(pin: String) -> Result<Self, KeystoreError> {
        let pin = Pin::entered(pin);
        pin.check_rules()?;
        Ok(pin)
    }

    /// Checks the rules for a new PIN (see the module documentation).
    ///
    /// # Errors
    /// As [`Pin::chosen`].
    pub fn check_rules(&self) -> Result<(), KeystoreError> {
        let digits = self.0.as_bytes();

        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(KeystoreError::PinNotDigits);
        }
        if digits.len() < MIN_PIN_LEN {
            return Err(KeystoreError::PinTooShort { min: MIN_PIN_LEN });
        }
        if steps_all(digits, 0) {
            return Err(KeystoreError::PinAllSame);
        }
        if steps_all(digits, 1) {
            return Err(KeystoreError::PinAscending);
        }
        if steps_all(digits, 9) {
            return Err(KeystoreError::PinDescending);
        }
        Ok(())
    }

    /// The PIN's characters.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether two PINs are the same, compared in constant time over their
    /// SHA-256 digests so that neither where they differ nor their lengths
    /// show in the timing. Used to refuse a new PIN equal to the old one.
    pub(super) fn same_as(&self, other: &Pin) -> bool {
        use hmac::digest::CtOutput;
        use sha2::{Digest, Sha256};

        let a = CtOutput::<Sha256>::new(Sha256::digest(self.0.as_bytes()));
        let b = CtOutput::<Sha256>::new(Sha256::digest(other.0.as_bytes()));
        a == b
    }
}

/// Whether each digit is the previous one plus `step`, modulo 10: step 0
/// is one repeated digit, 1 a run up, 9 a run down.
fn steps_all(digits: &[u8], step: u8) -> bool {
    digits
        .windows(2)
        .all(|pair| (pair[0] - b'0' + step) % 10 == pair[1] - b'0')
}

impl std::fmt::Debug for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pin(***)")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    fn chosen(pin: &str) -> Result<Pin, KeystoreError> {
        Pin::chosen(pin.to_owned())
    }

    #[test]
    fn accepts_ordinary_pins() {
        for pin in [
            "135790",
            "246802",
            "1357924680",
            "000001",
            "123457",
            "998877",
        ] {
            assert!(chosen(pin).is_ok(), "{pin} should be accepted");
        }
    }

    #[test]
    fn refuses_non_digits() {
        for pin in ["12a456", "１２３４５７", "13579 ", "abcdef"] {
            let err = chosen(pin).unwrap_err();
            assert!(matches!(err, KeystoreError::PinNotDigits), "{pin}: {err:?}");
        }
    }

    #[test]
    fn refuses_short_pins() {
        for pin in ["", "1", "13579"] {
            let err = chosen(pin).unwrap_err();
            assert!(
                matches!(err, KeystoreError::PinTooShort { min: 6 }),
                "{pin}: {err:?}"
            );
        }
    }

    #[test]
    fn refuses_one_repeated_digit() {
        for pin in ["000000", "99999999"] {
            let err = chosen(pin).unwrap_err();
            assert!(matches!(err, KeystoreError::PinAllSame), "{pin}: {err:?}");
        }
    }

    #[test]
    fn refuses_runs_up_including_wrapping() {
        for pin in ["123456", "345678", "890123", "0123456789"] {
            let err = chosen(pin).unwrap_err();
            assert!(matches!(err, KeystoreError::PinAscending), "{pin}: {err:?}");
        }
    }

    #[test]
    fn refuses_runs_down_including_wrapping() {
        for pin in ["654321", "987654", "210987"] {
            let err = chosen(pin).unwrap_err();
            assert!(
                matches!(err, KeystoreError::PinDescending),
                "{pin}: {err:?}"
            );
        }
    }

    #[test]
    fn entered_pins_skip_the_rules() {
        assert_eq!(Pin::entered("123456".to_owned()).expose(), "123456");
    }

    #[test]
    fn debug_hides_the_digits() {
        let pin = Pin::entered("135790".to_owned());
        assert_eq!(format!("{pin:?}"), "Pin(***)");
    }

    #[test]
    fn equality_compares_digits() {
        let pin = |digits: &str| Pin::entered(digits.to_owned());
        assert!(pin("135790").same_as(&pin("135790")));
        assert!(!pin("135790").same_as(&pin("135791")));
        assert!(!pin("135790").same_as(&pin("1357900")));
    }
}
