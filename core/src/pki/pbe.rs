//! Password-based decryption shared by PKCS#12 and encrypted PKCS#8.
//!
//! Two families appear in the wild:
//! - PBES2 (RFC 8018, section 6.2) with PBKDF2 and AES-CBC or DES-EDE3-CBC,
//!   through the `pkcs5` crate; the password is its UTF-8 bytes.
//! - The PKCS#12 PBE schemes (RFC 7292, appendix C) with the PKCS#12 KDF
//!   (appendix B) over SHA-1: pbeWithSHAAnd3-KeyTripleDES-CBC, the 2-key
//!   variant, and pbeWithSHAAnd128BitRC2-CBC / 40BitRC2-CBC, which
//!   `openssl pkcs12 -legacy` and older producers use for certificates. The
//!   password is a `BMPString` with a two-byte terminator (appendix B.1).
//!
//! Every iteration count is capped at [`MAX_ITERATIONS`] before any work is
//! done, so a hostile file cannot keep the phone busy. Decrypted bytes are
//! returned in `Zeroizing` buffers.
//!
//! NOTE: scrypt (PBES2) and the RC4 PKCS#12 schemes are refused as
//! unsupported; no producer in our users' hands is known to use them.

use cipher::block_padding::Pkcs7;
use cipher::{BlockDecryptMut, KeyIvInit};
use der::{Decode, Encode};
use spki::AlgorithmIdentifierOwned;
use zeroize::Zeroizing;

use super::PkiError;

/// The largest key-derivation iteration count accepted.
pub const MAX_ITERATIONS: u64 = 1_000_000;

const PBES2: der::asn1::ObjectIdentifier = pkcs5::pbes2::PBES2_OID;

/// The encodings of one password that producers use.
pub(crate) struct PasswordForms {
    /// UTF-8 bytes, for PBES2.
    pub(crate) utf8: Zeroizing<Vec<u8>>,
    /// Candidates for the PKCS#12 KDF: the `BMPString` with terminator first,
    /// then, for an empty password, the empty string (an absent password,
    /// which some producers use instead).
    pub(crate) bmp_candidates: Vec<Zeroizing<Vec<u8>>>,
}

impl PasswordForms {
    pub(crate) fn new(password: &str) -> Self {
        let mut bmp = Zeroizing::new(Vec::with_capacity(password.len() * 2 + 2));
        for unit in password.encode_utf16() {
            bmp.extend_from_slice(&unit.to_be_bytes());
        }
        bmp.extend_from_slice(&[0, 0]);

        let mut bmp_candidates = vec![bmp];
        if password.is_empty() {
            bmp_candidates.push(Zeroizing::new(Vec::new()));
        }
        PasswordForms {
            utf8: Zeroizing::new(password.as_bytes().to_vec()),
            bmp_candidates,
        }
    }
}

/// Why a decryption failed.
pub(crate) enum PbeError {
    /// The padding or the plaintext did not check out: most likely the
    /// wrong password (or damaged ciphertext, which cannot be told apart).
    Decrypt,
    /// The algorithm or its parameters are refused.
    Refused(PkiError),
}

impl From<PkiError> for PbeError {
    fn from(e: PkiError) -> Self {
        PbeError::Refused(e)
    }
}

/// Checks an iteration count from a file against [`MAX_ITERATIONS`].
pub(crate) fn check_iterations(what: &'static str, iterations: i64) -> Result<(), PkiError> {
    let Ok(count) = u64::try_from(iterations) else {
        return Err(PkiError::Pkcs12Malformed {
            detail: format!("negative iteration count in {what}"),
        });
    };
    if count > MAX_ITERATIONS {
        return Err(PkiError::IterationsTooHigh {
            what,
            iterations: count,
            max: MAX_ITERATIONS,
        });
    }
    Ok(())
}

/// Decrypts `ciphertext` encrypted under `algorithm` with the password.
/// `bmp` is the PKCS#12 KDF form to use.
pub(crate) fn decrypt(
    what: &'static str,
    algorithm: &AlgorithmIdentifierOwned,
    utf8: &[u8],
    bmp: &[u8],
    ciphertext: &[u8],
) -> Result<Zeroizing<Vec<u8>>, PbeError> {
    let unsupported = || PkiError::UnsupportedEncryption {
        what,
        oid: algorithm.oid.to_string(),
    };
    let malformed = |detail: String| PkiError::Pkcs12Malformed {
        detail: format!("{what}: {detail}"),
    };

    if algorithm.oid == PBES2 {
        let params = algorithm
            .parameters
            .as_ref()
            .ok_or_else(|| malformed("PBES2 without parameters".to_owned()))?
            .to_der()
            .map_err(|e| malformed(e.to_string()))?;
        let params =
            pkcs5::pbes2::Parameters::from_der(&params).map_err(|e| malformed(e.to_string()))?;
        let Some(pbkdf2) = params.kdf.pbkdf2() else {
            return Err(unsupported().into());
        };
        check_iterations(what, i64::from(pbkdf2.iteration_count))?;
        return pkcs5::EncryptionScheme::from(params)
            .decrypt(utf8, ciphertext)
            .map(Zeroizing::new)
            .map_err(|e| match e {
                // pkcs5 0.7 reports a bad padding as EncryptFailed.
                pkcs5::Error::DecryptFailed | pkcs5::Error::EncryptFailed => PbeError::Decrypt,
                _ => PbeError::Refused(unsupported()),
            });
    }

    let (key_len, cipher) = match algorithm.oid {
        pkcs12::PKCS_12_PBE_WITH_SHAAND3_KEY_TRIPLE_DES_CBC => (24, LegacyCipher::Tdes3),
        pkcs12::PKCS_12_PBE_WITH_SHAAND2_KEY_TRIPLE_DES_CBC => (16, LegacyCipher::Tdes2),
        pkcs12::PKCS_12_PBE_WITH_SHAAND128_BIT_RC2_CBC => (16, LegacyCipher::Rc2 { bits: 128 }),
        pkcs12::PKCS_12_PBEWITH_SHAAND40_BIT_RC2_CBC => (5, LegacyCipher::Rc2 { bits: 40 }),
        _ => return Err(unsupported().into()),
    };
    let params = algorithm
        .parameters
        .as_ref()
        .ok_or_else(|| malformed("PBE without parameters".to_owned()))?
        .decode_as::<pkcs12::pbe_params::Pkcs12PbeParams>()
        .map_err(|e| malformed(e.to_string()))?;
    check_iterations(what, i64::from(params.iterations))?;

    let salt = params.salt.as_bytes();
    let key = Zeroizing::new(pkcs12::kdf::derive_key::<sha1::Sha1>(
        bmp,
        salt,
        pkcs12::kdf::Pkcs12KeyType::EncryptionKey,
        params.iterations,
        key_len,
    ));
    let iv = Zeroizing::new(pkcs12::kdf::derive_key::<sha1::Sha1>(
        bmp,
        salt,
        pkcs12::kdf::Pkcs12KeyType::Iv,
        params.iterations,
        8,
    ));
    cipher
        .decrypt(&key, &iv, ciphertext)
        .map_err(|()| PbeError::Decrypt)
}

#[derive(Clone, Copy)]
enum LegacyCipher {
    Tdes3,
    Tdes2,
    Rc2 { bits: usize },
}

impl LegacyCipher {
    fn decrypt(self, key: &[u8], iv: &[u8], ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>, ()> {
        let plain = match self {
            LegacyCipher::Tdes3 => cbc::Decryptor::<des::TdesEde3>::new_from_slices(key, iv)
                .map_err(|_| ())?
                .decrypt_padded_vec_mut::<Pkcs7>(ciphertext),
            LegacyCipher::Tdes2 => cbc::Decryptor::<des::TdesEde2>::new_from_slices(key, iv)
                .map_err(|_| ())?
                .decrypt_padded_vec_mut::<Pkcs7>(ciphertext),
            LegacyCipher::Rc2 { bits } => {
                let rc2 = rc2::Rc2::new_with_eff_key_len(key, bits);
                let iv = cipher::generic_array::GenericArray::from_slice(iv);
                <cbc::Decryptor<rc2::Rc2> as cipher::InnerIvInit>::inner_iv_init(rc2, iv)
                    .decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
            }
        };
        plain.map(Zeroizing::new).map_err(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bmp_form_has_terminator_and_empty_has_two_forms() {
        let forms = PasswordForms::new("ab");
        assert_eq!(forms.bmp_candidates.len(), 1);
        assert_eq!(
            forms.bmp_candidates[0].as_slice(),
            &[0, b'a', 0, b'b', 0, 0]
        );

        let empty = PasswordForms::new("");
        assert_eq!(empty.bmp_candidates.len(), 2);
        assert_eq!(empty.bmp_candidates[0].as_slice(), &[0, 0]);
        assert!(empty.bmp_candidates[1].is_empty());
    }

    #[test]
    fn iteration_cap_is_enforced() {
        assert!(check_iterations("test", 1_000_000).is_ok());
        assert!(matches!(
            check_iterations("test", 5_000_000),
            Err(PkiError::IterationsTooHigh {
                iterations: 5_000_000,
                ..
            })
        ));
        assert!(matches!(
            check_iterations("test", -1),
            Err(PkiError::Pkcs12Malformed { .. })
        ));
    }
}
