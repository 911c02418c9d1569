//! Key wrapping: the key-encryption key, the wrapped-key blob and the PIN
//! verifier.
//!
//! The key-encryption key (KEK) of a credential is
//!
//! ```text
//! stretched = Argon2id(PIN, salt, m, t, p)                  (RFC 9106, 32 bytes)
//! prk       = HKDF-Extract(salt = none, stretched || device secret)  (RFC 5869)
//! KEK       = HKDF-Expand(prk, "palmbid/kek/v1", 32)
//! vkey      = HKDF-Expand(prk, "palmbid/pin-verifier/v1", 32)
//! ```
//!
//! so that neither the PIN alone nor the device alone yields it. A private
//! key (its 32-byte P-256 scalar) is sealed with AES-256-GCM under the KEK
//! and a random 96-bit nonce; the associated data binds the key id, the
//! SHA-256 fingerprint of its certificate (empty before one is installed)
//! and the algorithm, so a blob moved to another row or another
//! certificate fails to open.
//!
//! The PIN verifier of a credential is `HMAC-SHA256(vkey, credential id)`.
//! It tells a wrong PIN (verifier mismatch, counts as a failed try) from a
//! damaged key row (verifier matches, unwrapping fails), which must not
//! cost the user a try.
//!
//! Both blobs start with a version byte and their own Argon2id cost and
//! salt, so defaults can rise without breaking stored keys:
//!
//! ```text
//! wrapped key: 01 | m u32 BE | t u32 BE | p u32 BE | salt len u8 | salt | nonce (12) | ciphertext+tag
//! verifier:    01 | m u32 BE | t u32 BE | p u32 BE | salt len u8 | salt | HMAC tag (32)
//! ```
//!
//! All keys of a credential are wrapped with the salt of its verifier, so
//! one Argon2id run both checks the PIN and opens a key.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hkdf::Hkdf;
use hmac::{Hmac, Mac};
use rand_core::{OsRng, RngCore};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::{CredentialId, KdfParams, KeyId, KeystoreError, Pin};

/// Algorithm name stored with a key and bound into its associated data:
/// a P-256 private scalar, 32 bytes big-endian.
pub(super) const ALGORITHM_P256: &str = "ec-p256";

const BLOB_VERSION: u8 = 1;
const SALT_LEN: usize = 16;
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 32;
const KEY_LEN: usize = 32;
const KEK_INFO: &[u8] = b"palmbid/kek/v1";
const VERIFIER_INFO: &[u8] = b"palmbid/pin-verifier/v1";
const AAD_LABEL: &[u8] = b"palmbid/wrapped-key/v1";

/// Highest costs accepted from a stored blob: a damaged or hostile row
/// must not make the phone allocate gigabytes or spin for minutes.
const MAX_M_COST_KIB: u32 = 1024 * 1024;
const MAX_T_COST: u32 = 64;
const MAX_P_COST: u32 = 16;

/// Argon2id salt and cost of one derivation, stored in front of a blob.
#[derive(Clone, PartialEq, Eq)]
pub(super) struct KdfHeader {
    pub(super) params: KdfParams,
    pub(super) salt: Vec<u8>,
}

impl KdfHeader {
    /// A fresh random salt with the given costs.
    pub(super) fn fresh(params: KdfParams) -> Self {
        let mut salt = vec![0u8; SALT_LEN];
        OsRng.fill_bytes(&mut salt);
        KdfHeader { params, salt }
    }

    fn encode(&self, out: &mut Vec<u8>) {
        out.push(BLOB_VERSION);
        out.extend_from_slice(&self.params.m_cost_kib.to_be_bytes());
        out.extend_from_slice(&self.params.t_cost.to_be_bytes());
        out.extend_from_slice(&self.params.p_cost.to_be_bytes());
        // The salt is generated here at SALT_LEN, or was parsed with a
        // one-byte length, so it fits.
        out.push(u8::try_from(self.salt.len()).unwrap_or(u8::MAX));
        out.extend_from_slice(&self.salt);
    }

    /// Parses the header and returns it with the bytes after it.
    fn parse(bytes: &[u8]) -> Result<(Self, &[u8]), &'static str> {
        let mut reader = Reader(bytes);

        if reader.take(1)?[0] != BLOB_VERSION {
            return Err("unknown blob version");
        }
        let m_cost_kib = reader.u32()?;
        let t_cost = reader.u32()?;
        let p_cost = reader.u32()?;
        let salt_len = usize::from(reader.take(1)?[0]);
        let salt = reader.take(salt_len)?.to_vec();

        let params = KdfParams {
            m_cost_kib,
            t_cost,
            p_cost,
        };
        if m_cost_kib > MAX_M_COST_KIB || t_cost > MAX_T_COST || p_cost > MAX_P_COST {
            return Err("Argon2id cost out of range");
        }
        argon2_params(params).map_err(|_| "invalid Argon2id cost")?;
        if salt.len() < argon2::RECOMMENDED_SALT_LEN {
            return Err("salt too short");
        }

        Ok((KdfHeader { params, salt }, reader.0))
    }
}

/// A wrapped private key as stored in `keys.wrapped_key`.
pub(super) struct WrappedKey {
    pub(super) header: KdfHeader,
    nonce: [u8; NONCE_LEN],
    ciphertext: Vec<u8>,
}

impl WrappedKey {
    /// Parses a stored blob.
    ///
    /// # Errors
    /// A short reason when the blob is malformed.
    pub(super) fn parse(bytes: &[u8]) -> Result<Self, &'static str> {
        let (header, rest) = KdfHeader::parse(bytes)?;
        let mut reader = Reader(rest);
        let nonce = reader.array::<NONCE_LEN>()?;
        let ciphertext = reader.0.to_vec();
        if ciphertext.len() != KEY_LEN + 16 {
            return Err("ciphertext has the wrong length");
        }
        Ok(WrappedKey {
            header,
            nonce,
            ciphertext,
        })
    }

    /// The stored form.
    pub(super) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + self.ciphertext.len());
        self.header.encode(&mut out);
        out.extend_from_slice(&self.nonce);
        out.extend_from_slice(&self.ciphertext);
        out
    }
}

/// A credential's PIN verifier as stored in `credentials.pin_verifier`.
pub(super) struct Verifier {
    pub(super) header: KdfHeader,
    tag: [u8; TAG_LEN],
}

impl Verifier {
    /// Parses a stored verifier.
    ///
    /// # Errors
    /// A short reason when the verifier is malformed.
    pub(super) fn parse(bytes: &[u8]) -> Result<Self, &'static str> {
        let (header, rest) = KdfHeader::parse(bytes)?;
        let mut reader = Reader(rest);
        let tag = reader.array::<TAG_LEN>()?;
        if !reader.0.is_empty() {
            return Err("trailing bytes");
        }
        Ok(Verifier { header, tag })
    }

    /// The stored form.
    pub(super) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + TAG_LEN);
        self.header.encode(&mut out);
        out.extend_from_slice(&self.tag);
        out
    }
}

/// What a wrapped key is bound to: changing any of them breaks the tag.
pub(super) struct KeyBinding<'a> {
    pub(super) key_id: &'a KeyId,
    /// The certificate fingerprint, lowercase hex, or `""` before one is
    /// installed.
    pub(super) cert_fingerprint: &'a str,
    pub(super) algorithm: &'a str,
}

impl KeyBinding<'_> {
    /// Length-prefixed fields, so that no two bindings encode alike.
    fn aad(&self) -> Vec<u8> {
        let mut aad = Vec::new();
        for field in [
            AAD_LABEL,
            self.key_id.0.as_bytes(),
            self.cert_fingerprint.as_bytes(),
            self.algorithm.as_bytes(),
        ] {
            // Ids, fingerprints and names are far below 4 GiB.
            let len = u32::try_from(field.len()).unwrap_or(u32::MAX);
            aad.extend_from_slice(&len.to_be_bytes());
            aad.extend_from_slice(field);
        }
        aad
    }
}

/// The keys derived from a PIN, a salt and the device secret.
pub(super) struct Kek {
    header: KdfHeader,
    wrapping_key: Zeroizing<[u8; KEY_LEN]>,
    verifier_key: Zeroizing<[u8; KEY_LEN]>,
}

impl Kek {
    /// Runs Argon2id and HKDF; slow by design (see [`KdfParams`]). Never
    /// call it while holding the database lock.
    ///
    /// # Errors
    /// [`KeystoreError::KdfParams`] when Argon2id refuses the parameters.
    pub(super) fn derive(
        pin: &Pin,
        header: &KdfHeader,
        device_secret: &[u8],
    ) -> Result<Self, KeystoreError> {
        let stretched = argon2id(pin.expose().as_bytes(), &header.salt, header.params)?;

        let mut ikm = Zeroizing::new(Vec::with_capacity(stretched.len() + device_secret.len()));
        ikm.extend_from_slice(stretched.as_ref());
        ikm.extend_from_slice(device_secret);
        // NOTE: `Hkdf` keeps the pseudorandom key in a buffer it does not
        // zeroize; it lives on the stack only for this function.
        let hkdf = Hkdf::<Sha256>::new(None, &ikm);

        let mut wrapping_key = Zeroizing::new([0u8; KEY_LEN]);
        let mut verifier_key = Zeroizing::new([0u8; KEY_LEN]);
        hkdf.expand(KEK_INFO, wrapping_key.as_mut())
            .and_then(|()| hkdf.expand(VERIFIER_INFO, verifier_key.as_mut()))
            .map_err(|_| KeystoreError::KdfParams {
                detail: "HKDF output too long".to_owned(),
            })?;

        Ok(Kek {
            header: header.clone(),
            wrapping_key,
            verifier_key,
        })
    }

    /// The salt and costs this was derived with.
    pub(super) fn header(&self) -> &KdfHeader {
        &self.header
    }

    /// A new verifier for `credential`.
    pub(super) fn verifier(&self, credential: &CredentialId) -> Verifier {
        let tag = self.verifier_mac(credential).finalize().into_bytes();
        Verifier {
            header: self.header.clone(),
            tag: tag.into(),
        }
    }

    /// Whether `verifier` was made from the same PIN and device secret;
    /// compared in constant time.
    pub(super) fn matches(&self, credential: &CredentialId, verifier: &Verifier) -> bool {
        verifier.header == self.header
            && self
                .verifier_mac(credential)
                .verify_slice(&verifier.tag)
                .is_ok()
    }

    fn verifier_mac(&self, credential: &CredentialId) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(self.verifier_key.as_ref())
            .expect("HMAC takes a key of any length");
        mac.update(credential.0.as_bytes());
        mac
    }

    /// Seals a private scalar bound to `binding`, with a fresh nonce.
    pub(super) fn wrap(&self, scalar: &[u8], binding: &KeyBinding<'_>) -> WrappedKey {
        let mut nonce = [0u8; NONCE_LEN];
        OsRng.fill_bytes(&mut nonce);

        let aad = binding.aad();
        let ciphertext = self
            .cipher()
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: scalar,
                    aad: &aad,
                },
            )
            .expect("AES-GCM encrypts any message below 64 GiB");

        WrappedKey {
            header: self.header.clone(),
            nonce,
            ciphertext,
        }
    }

    /// Opens a wrapped scalar; `None` when the tag does not verify (wrong
    /// key, moved row or damaged bytes).
    pub(super) fn unwrap(
        &self,
        wrapped: &WrappedKey,
        binding: &KeyBinding<'_>,
    ) -> Option<Zeroizing<Vec<u8>>> {
        let aad = binding.aad();
        self.cipher()
            .decrypt(
                Nonce::from_slice(&wrapped.nonce),
                Payload {
                    msg: &wrapped.ciphertext,
                    aad: &aad,
                },
            )
            .ok()
            .map(Zeroizing::new)
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(self.wrapping_key.as_ref().into())
    }
}

/// Argon2id (version 0x13) of `pin` with a 32-byte output.
fn argon2id(
    pin: &[u8],
    salt: &[u8],
    params: KdfParams,
) -> Result<Zeroizing<[u8; KEY_LEN]>, KeystoreError> {
    let argon = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2_params(params)?,
    );
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    argon
        .hash_password_into(pin, salt, out.as_mut())
        .map_err(|e| KeystoreError::KdfParams {
            detail: e.to_string(),
        })?;
    Ok(out)
}

/// Checks `params` the way Argon2id will.
///
/// # Errors
/// [`KeystoreError::KdfParams`] naming what Argon2id refuses.
pub(super) fn argon2_params(params: KdfParams) -> Result<argon2::Params, KeystoreError> {
    argon2::Params::new(
        params.m_cost_kib,
        params.t_cost,
        params.p_cost,
        Some(KEY_LEN),
    )
    .map_err(|e| KeystoreError::KdfParams {
        detail: e.to_string(),
    })
}

/// A cursor over a blob that fails instead of panicking when short.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], &'static str> {
        if self.0.len() < n {
            return Err("truncated");
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], &'static str> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u32(&mut self) -> Result<u32, &'static str> {
        Ok(u32::from_be_bytes(self.array::<4>()?))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]
mod tests {
    use super::*;

    const CHEAP: KdfParams = KdfParams {
        m_cost_kib: 256,
        t_cost: 1,
        p_cost: 1,
    };

    fn binding<'a>(key_id: &'a KeyId, fingerprint: &'a str) -> KeyBinding<'a> {
        KeyBinding {
            key_id,
            cert_fingerprint: fingerprint,
            algorithm: ALGORITHM_P256,
        }
    }

    /// Known answer for the Argon2id wiring, obtained once with the
    /// reference implementation's command-line tool (Debian package
    /// `argon2`, 0~20171227):
    ///
    /// ```text
    /// echo -n 135790 | argon2 palmbid-kat-salt -id -v 13 -m 8 -t 1 -p 1 -l 32 -r
    /// ```
    ///
    /// (`-m 8` is 2^8 KiB = 256 KiB.)
    #[test]
    fn argon2id_matches_reference_cli() {
        let out = argon2id(b"135790", b"palmbid-kat-salt", CHEAP).unwrap();
        assert_eq!(hex::encode(out.as_ref()), ARGON2_KAT);
    }
    const ARGON2_KAT: &str = "bf2c239e3aafd996cc7a3ce0f0c8268a2aedbed2e0d16380a05bfc4b77ce5fff";

    /// Known answer for the whole KEK wiring: the Argon2id output above
    /// followed by a device secret of 32 bytes 0x11, through HKDF-SHA256,
    /// computed with OpenSSL 3.0:
    ///
    /// ```text
    /// openssl kdf -keylen 32 -kdfopt digest:SHA256 \
    ///     -kdfopt hexkey:<ARGON2_KAT>1111…11 -kdfopt info:palmbid/kek/v1 HKDF
    /// ```
    ///
    /// and again with `info:palmbid/pin-verifier/v1`.
    #[test]
    fn kek_matches_argon2_cli_and_openssl_hkdf() {
        let header = KdfHeader {
            params: CHEAP,
            salt: b"palmbid-kat-salt".to_vec(),
        };

        let kek = Kek::derive(&Pin::entered("135790".to_owned()), &header, &[0x11; 32]).unwrap();

        assert_eq!(
            hex::encode(kek.wrapping_key.as_ref()),
            "06307f3cbdbc3bcdf3940b1d75af95f5ee595fbeabaa7789870a2d7560cff307"
        );
        assert_eq!(
            hex::encode(kek.verifier_key.as_ref()),
            "c1f0f6f572f990798594c2488933179c123c6a8dc02cb2050cdbee2ce43ac6ea"
        );
    }

    #[test]
    fn wrap_and_unwrap_round_trip() {
        let pin = Pin::entered("135790".to_owned());
        let kek = Kek::derive(&pin, &KdfHeader::fresh(CHEAP), &[9u8; 32]).unwrap();
        let key_id = KeyId("k1".to_owned());

        let wrapped = kek.wrap(&[5u8; 32], &binding(&key_id, ""));
        let reparsed = WrappedKey::parse(&wrapped.encode()).unwrap();
        let opened = kek.unwrap(&reparsed, &binding(&key_id, "")).unwrap();

        assert_eq!(opened.as_slice(), &[5u8; 32]);
    }

    #[test]
    fn unwrap_fails_under_another_binding() {
        let pin = Pin::entered("135790".to_owned());
        let kek = Kek::derive(&pin, &KdfHeader::fresh(CHEAP), &[9u8; 32]).unwrap();
        let key_id = KeyId("k1".to_owned());
        let other_id = KeyId("k2".to_owned());
        let wrapped = kek.wrap(&[5u8; 32], &binding(&key_id, ""));

        assert!(kek.unwrap(&wrapped, &binding(&other_id, "")).is_none());
        assert!(kek.unwrap(&wrapped, &binding(&key_id, "ab")).is_none());
        let other_algorithm = KeyBinding {
            algorithm: "ec-p384",
            ..binding(&key_id, "")
        };
        assert!(kek.unwrap(&wrapped, &other_algorithm).is_none());
    }

    #[test]
    fn device_secret_enters_the_kek() {
        let pin = Pin::entered("135790".to_owned());
        let header = KdfHeader::fresh(CHEAP);
        let credential = CredentialId("c1".to_owned());
        let here = Kek::derive(&pin, &header, &[1u8; 32]).unwrap();
        let elsewhere = Kek::derive(&pin, &header, &[2u8; 32]).unwrap();

        assert!(here.matches(&credential, &here.verifier(&credential)));
        assert!(!elsewhere.matches(&credential, &here.verifier(&credential)));
    }

    #[test]
    fn verifier_depends_on_pin_and_credential() {
        let header = KdfHeader::fresh(CHEAP);
        let credential = CredentialId("c1".to_owned());
        let right = Kek::derive(&Pin::entered("135790".to_owned()), &header, &[1u8; 32]).unwrap();
        let wrong = Kek::derive(&Pin::entered("135791".to_owned()), &header, &[1u8; 32]).unwrap();
        let verifier = Verifier::parse(&right.verifier(&credential).encode()).unwrap();

        assert!(right.matches(&credential, &verifier));
        assert!(!wrong.matches(&credential, &verifier));
        assert!(!right.matches(&CredentialId("c2".to_owned()), &verifier));
    }

    #[test]
    fn malformed_blobs_are_refused() {
        let pin = Pin::entered("135790".to_owned());
        let kek = Kek::derive(&pin, &KdfHeader::fresh(CHEAP), &[9u8; 32]).unwrap();
        let good = kek
            .wrap(&[5u8; 32], &binding(&KeyId("k".to_owned()), ""))
            .encode();

        let mut bad_version = good.clone();
        bad_version[0] = 2;
        let mut huge_memory = good.clone();
        huge_memory[1..5].copy_from_slice(&u32::MAX.to_be_bytes());
        let mut zero_passes = good.clone();
        zero_passes[5..9].copy_from_slice(&0u32.to_be_bytes());

        assert_eq!(
            WrappedKey::parse(&bad_version).err(),
            Some("unknown blob version")
        );
        assert_eq!(
            WrappedKey::parse(&huge_memory).err(),
            Some("Argon2id cost out of range")
        );
        assert_eq!(
            WrappedKey::parse(&zero_passes).err(),
            Some("invalid Argon2id cost")
        );
        assert_eq!(WrappedKey::parse(&good[..20]).err(), Some("truncated"));
        assert_eq!(
            WrappedKey::parse(&good[..good.len() - 1]).err(),
            Some("ciphertext has the wrong length")
        );
        assert_eq!(WrappedKey::parse(&[]).err(), Some("truncated"));
        assert!(Verifier::parse(&good).is_err());
    }
}
