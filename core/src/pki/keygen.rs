//! P-256 key generation, and the bridge that lets `rcgen` sign with a
//! `p256` key.
//!
//! Keys are generated with the operating system's generator (`OsRng`). To
//! sign a request with `rcgen`, the key is not handed over as PKCS#8 bytes:
//! `rcgen::KeyPair` keeps those in a plain `Vec` that is not wiped on drop.
//! [`P256Signer`] implements `rcgen::SigningKey` over the `p256` key
//! instead, so the scalar stays in a zeroizing type the whole time.

use p256::ecdsa::signature::Signer;
use p256::ecdsa::{DerSignature, SigningKey};
use rand_core::OsRng;

/// Generates a fresh P-256 private key.
pub fn generate_key() -> p256::SecretKey {
    p256::SecretKey::random(&mut OsRng)
}

/// The SEC1 uncompressed encoding (65 bytes) of a key's public point, the
/// form [`crate::pki::CertInfo::p256_public_key`] holds.
pub fn public_key_sec1(secret: &p256::SecretKey) -> Vec<u8> {
    use p256::elliptic_curve::sec1::ToEncodedPoint;
    secret
        .public_key()
        .to_encoded_point(false)
        .as_bytes()
        .to_vec()
}

/// An `rcgen` signer (ECDSA P-256 with SHA-256) over a `p256` key.
pub(crate) struct P256Signer {
    key: SigningKey,
    public: Vec<u8>,
}

impl P256Signer {
    /// Wraps a copy of `secret`; the copy is zeroized when this is dropped.
    pub(crate) fn new(secret: &p256::SecretKey) -> Self {
        P256Signer {
            key: SigningKey::from(secret),
            public: public_key_sec1(secret),
        }
    }
}

impl rcgen::PublicKeyData for P256Signer {
    fn der_bytes(&self) -> &[u8] {
        &self.public
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        &rcgen::PKCS_ECDSA_P256_SHA256
    }
}

impl rcgen::SigningKey for P256Signer {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        let signature: DerSignature = self.key.sign(msg);
        Ok(signature.as_bytes().to_vec())
    }
}

/// A public key only, for issuing a certificate to a request's key.
pub(crate) struct P256PublicKey(pub(crate) Vec<u8>);

impl rcgen::PublicKeyData for P256PublicKey {
    fn der_bytes(&self) -> &[u8] {
        &self.0
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        &rcgen::PKCS_ECDSA_P256_SHA256
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_differ_and_sign_verifiably() {
        let a = generate_key();
        let b = generate_key();
        assert_ne!(public_key_sec1(&a), public_key_sec1(&b));

        let signer = P256Signer::new(&a);
        let sig = rcgen::SigningKey::sign(&signer, b"message").expect("signing cannot fail");
        let vk = p256::ecdsa::VerifyingKey::from(a.public_key());
        let sig = p256::ecdsa::Signature::from_der(&sig).expect("DER from p256");
        p256::ecdsa::signature::Verifier::verify(&vk, b"message", &sig).expect("verifies");
    }
}
